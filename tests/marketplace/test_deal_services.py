"""The deal pipeline of an inquiry, through its services: sample → quotation rounds →
proforma invoice (numbered per supplier and year, read back from the PDF) → won or
lost. Hostile values are refused with a message and change nothing."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from pypdf import PdfReader

from marketplace import services
from marketplace.models import (
    MAX_QUOTATION_ROUNDS,
    BuyerProfile,
    Inquiry,
    Quotation,
    QuotationLine,
    SampleRequest,
)
from marketplace.proforma import proforma_pdf
from notifications.models import Notification

from ..factories import InquiryFactory, ListedProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inquiry(cast):
    BuyerProfile.objects.update_or_create(
        user=cast.buyer,
        defaults={"company": "Nusantara Foods BV", "country": "NL", "buyer_type": "importer"},
    )
    return InquiryFactory(buyer=cast.buyer, business=cast.business, subject="Pineapple chips")


@pytest.fixture
def product(cast):
    return ListedProductFactory(business=cast.business, name_en="Pineapple chips 100 g")


def terms(**overrides) -> dict:
    values = {
        "incoterm": "FOB",
        "port": "Dumai",
        "valid_until": timezone.localdate() + timedelta(days=30),
        "payment_term": "tt_advance",
        "lead_time_days": 21,
        "notes": "Halal certified.",
    }
    values.update(overrides)
    return values


def lines(product):
    return [
        {"product": product, "quantity": 1200, "unit_price_usd": Decimal("2.15")},
        {
            "description": "Banana chips 250 g",
            "unit": "pack",
            "quantity": 300,
            "unit_price_usd": Decimal("3.40"),
        },
    ]


def quote(inquiry, owner, product, **overrides):
    return services.quotation_create(
        inquiry=inquiry, author=owner, lines=lines(product), **terms(**overrides)
    )


def test_sample_request_then_sent_tells_each_other_and_marks_the_outcome(cast, inquiry):
    sample = services.sample_request_create(inquiry=inquiry, buyer=cast.buyer, quantity=5)
    assert Notification.objects.get(recipient=cast.owner, kind="sample_requested")
    services.sample_request_send(
        sample=sample,
        owner=cast.owner,
        fee_usd=Decimal("25.00"),
        courier="DHL",
        tracking_number="JD0123",
    )
    sample.refresh_from_db()
    assert (sample.status, sample.courier, sample.fee_usd) == ("sent", "DHL", Decimal("25.00"))
    assert Notification.objects.get(recipient=cast.buyer, kind="sample_sent")
    inquiry.refresh_from_db()
    assert inquiry.outcome == Inquiry.Outcome.SAMPLE_SENT
    with pytest.raises(ValidationError):  # once
        services.sample_request_send(sample=sample, owner=cast.owner, fee_usd=None, courier="X")


@pytest.mark.parametrize("who", ["owner", "other_buyer", "mentor", "staff", "other_owner"])
def test_only_the_buyer_asks_for_a_sample(cast, inquiry, who):
    with pytest.raises(PermissionDenied):
        services.sample_request_create(inquiry=inquiry, buyer=getattr(cast, who), quantity=5)


def test_quotation_total_and_notification_in_the_buyers_language(cast, inquiry, product):
    cast.buyer.language = "en"
    cast.buyer.save()
    quotation = quote(inquiry, cast.owner, product)
    # 1200 × 2.15 = 2,580.00; 300 × 3.40 = 1,020.00; total 3,600.00
    assert quotation.total_usd == Decimal("3600.00")
    assert quotation.round == 1 and quotation.currency == "USD"
    assert [line.description for line in quotation.lines.all()] == [
        "Pineapple chips 100 g",
        "Banana chips 250 g",
    ]
    note = Notification.objects.get(recipient=cast.buyer, kind="quotation_received")
    assert "3,600.00" in note.body and "FOB Dumai" in note.body


@pytest.mark.parametrize("who", ["buyer", "mentor", "staff", "other_owner"])
def test_only_the_owner_prepares_quotations(cast, inquiry, product, who):
    with pytest.raises(PermissionDenied):
        quote(inquiry, getattr(cast, who), product)
    assert not Quotation.objects.exists()


@pytest.mark.usefixtures("english_texts")
def test_counter_offers_are_limited_to_the_rounds(cast, inquiry, product):
    for round_ in range(1, MAX_QUOTATION_ROUNDS + 1):
        quotation = quote(inquiry, cast.owner, product)
        assert quotation.round == round_
        with pytest.raises(ValidationError) as waiting:  # one at a time
            quote(inquiry, cast.owner, product)
        assert waiting.value.code == "waiting"
        if round_ < MAX_QUOTATION_ROUNDS:
            services.quotation_request_revision(
                quotation=quotation, buyer=cast.buyer, note="Can you do 2.00 per pack?"
            )
            assert (
                Notification.objects.filter(recipient=cast.owner, kind="quotation_revision").count()
                == round_
            )
    with pytest.raises(ValidationError) as refused:
        services.quotation_request_revision(quotation=quotation, buyer=cast.buyer, note="Lower?")
    assert refused.value.code == "rounds"
    with translation.override("en"):
        assert "last of 3 quotation rounds" in refused.value.messages[0]
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.SENT
    assert Quotation.objects.filter(inquiry=inquiry).count() == MAX_QUOTATION_ROUNDS


def test_a_fourth_round_is_refused_even_written_directly(cast, inquiry, product):
    for _n in range(MAX_QUOTATION_ROUNDS):
        quotation = quote(inquiry, cast.owner, product)
        Quotation.objects.filter(pk=quotation.pk).update(status=Quotation.Status.REVISION)
    with pytest.raises(ValidationError) as refused:
        quote(inquiry, cast.owner, product)
    assert refused.value.code == "rounds"


def read_pdf(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_accepted_quotation_gets_a_numbered_bilingual_proforma(cast, inquiry, product):
    quotation = quote(inquiry, cast.owner, product)
    accepted = services.quotation_accept(quotation=quotation, buyer=cast.buyer)
    year = timezone.localdate().year
    assert accepted.proforma_number == f"PI-{year}-0001"
    assert Notification.objects.get(recipient=cast.owner, kind="quotation_accepted")
    text = read_pdf(proforma_pdf(accepted))
    assert f"PI-{year}-0001" in text
    assert "PROFORMA INVOICE / FAKTUR PROFORMA" in text
    assert "Pineapple chips 100 g" in text and "Banana chips 250 g" in text
    assert "1,200" in text and "2.15" in text and "2,580.00" in text
    assert "300" in text and "3.40" in text and "1,020.00" in text
    assert "TOTAL (USD)" in text and "3,600.00" in text
    assert "FOB Dumai" in text and "T/T in advance" in text
    assert "Nusantara Foods BV" in text and cast.business.name in text


def test_proforma_numbers_run_per_supplier_and_year(cast, product):
    numbers = []
    for _n in range(2):
        inquiry = InquiryFactory(buyer=cast.buyer, business=cast.business)
        numbers.append(
            services.quotation_accept(
                quotation=quote(inquiry, cast.owner, product), buyer=cast.buyer
            ).proforma_number
        )
    other = InquiryFactory(buyer=cast.buyer, business=cast.other_business)
    other_product = ListedProductFactory(business=cast.other_business)
    first_of_other = services.quotation_accept(
        quotation=quote(other, cast.other_owner, other_product), buyer=cast.buyer
    )
    year = timezone.localdate().year
    assert numbers == [f"PI-{year}-0001", f"PI-{year}-0002"]
    assert first_of_other.proforma_number == f"PI-{year}-0001"


def test_an_expired_quotation_cannot_be_accepted(cast, inquiry, product):
    quotation = quote(inquiry, cast.owner, product)
    Quotation.objects.filter(pk=quotation.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(ValidationError) as refused:
        services.quotation_accept(quotation=quotation, buyer=cast.buyer)
    assert refused.value.code == "expired"


def test_won_after_acceptance_closes_the_thread_with_the_value(cast, inquiry, product):
    with pytest.raises(ValidationError):  # nothing accepted yet
        services.deal_close(inquiry=inquiry, owner=cast.owner, won=True)
    quotation = quote(inquiry, cast.owner, product)
    services.quotation_accept(quotation=quotation, buyer=cast.buyer)
    services.deal_close(inquiry=inquiry, owner=cast.owner, won=True)
    inquiry.refresh_from_db()
    assert inquiry.outcome == Inquiry.Outcome.DEAL_WON
    assert inquiry.deal_value_usd == Decimal("3600.00")
    assert inquiry.status == Inquiry.Status.CLOSED
    assert Notification.objects.get(recipient=cast.buyer, kind="deal_won")
    with pytest.raises(ValidationError):  # a closed deal takes nothing more
        services.sample_request_create(inquiry=inquiry, buyer=cast.buyer, quantity=1)


def test_declined_is_lost_with_the_reason(cast, inquiry, product):
    quotation = quote(inquiry, cast.owner, product)
    with pytest.raises(ValidationError):
        services.quotation_decline(quotation=quotation, buyer=cast.buyer, reason="bogus")
    services.quotation_decline(
        quotation=quotation, buyer=cast.buyer, reason="price", note="Too high."
    )
    inquiry.refresh_from_db()
    assert (inquiry.outcome, inquiry.lost_reason, inquiry.status) == ("no_deal", "price", "closed")
    assert Notification.objects.get(recipient=cast.owner, kind="quotation_declined")


def test_owner_records_a_lost_deal_with_a_reason(cast, inquiry):
    with pytest.raises(ValidationError):
        services.deal_close(inquiry=inquiry, owner=cast.owner, won=False, reason="")
    services.deal_close(inquiry=inquiry, owner=cast.owner, won=False, reason="lead_time")
    inquiry.refresh_from_db()
    assert (inquiry.outcome, inquiry.lost_reason) == ("no_deal", "lead_time")
    assert Notification.objects.get(recipient=cast.buyer, kind="deal_lost")


HOSTILE_LINES = [
    {"quantity": -1, "unit_price_usd": Decimal("2.00")},
    {"quantity": 0, "unit_price_usd": Decimal("2.00")},
    {"quantity": True, "unit_price_usd": Decimal("2.00")},
    {"quantity": 10**30, "unit_price_usd": Decimal("2.00")},
    {"quantity": 10, "unit_price_usd": Decimal(10**30)},
    {"quantity": 10, "unit_price_usd": Decimal("NaN")},
    {"quantity": 10, "unit_price_usd": Decimal("Infinity")},
    {"quantity": 10, "unit_price_usd": Decimal("-2.00")},
    {"quantity": 10, "unit_price_usd": Decimal("2.001")},
    {"quantity": 10, "unit_price_usd": 2.0},
    # Each line within bounds, their total beyond any deal.
    {"quantity": 1_000_000_000, "unit_price_usd": Decimal(1_000_000)},
]


@pytest.mark.parametrize("line", HOSTILE_LINES)
def test_hostile_lines_are_refused_and_nothing_is_written(cast, inquiry, product, line):
    with pytest.raises(ValidationError) as refused:
        services.quotation_create(
            inquiry=inquiry, author=cast.owner, lines=[{"product": product, **line}], **terms()
        )
    assert "lines" in refused.value.message_dict
    assert not Quotation.objects.exists() and not QuotationLine.objects.exists()


@pytest.mark.parametrize(
    "field,value",
    [
        ("incoterm", "XYZ"),
        ("incoterm", ""),
        ("payment_term", "cash_on_moon"),
        ("port", "   "),
        ("valid_until", timezone.localdate() - timedelta(days=1)),
        ("valid_until", timezone.localdate() + timedelta(days=181)),
        ("lead_time_days", -1),
        ("lead_time_days", 10**30),
        ("notes", "x" * 2001),
    ],
)
def test_hostile_terms_are_refused(cast, inquiry, product, field, value):
    with pytest.raises(ValidationError) as refused:
        quote(inquiry, cast.owner, product, **{field: value})
    assert field in refused.value.message_dict
    assert not Quotation.objects.exists()


def test_another_business_product_is_refused(cast, inquiry):
    foreign = ListedProductFactory(business=cast.other_business)
    with pytest.raises(ValidationError):
        services.quotation_create(
            inquiry=inquiry,
            author=cast.owner,
            lines=[{"product": foreign, "quantity": 1, "unit_price_usd": Decimal("1.00")}],
            **terms(),
        )


@pytest.mark.parametrize("quantity", [0, -5, 10_001, 10**30, "5"])
def test_hostile_sample_quantity(cast, inquiry, quantity):
    with pytest.raises(ValidationError):
        services.sample_request_create(inquiry=inquiry, buyer=cast.buyer, quantity=quantity)
    assert not SampleRequest.objects.exists()


def test_spam_threads_take_no_step(cast, inquiry, product):
    services.inquiry_mark_spam(inquiry=inquiry, staff=cast.staff)
    with pytest.raises(PermissionDenied):
        quote(inquiry, cast.owner, product)


def test_the_database_refuses_a_shared_proforma_number_or_a_fourth_round(cast, product):
    from django.db import IntegrityError, transaction

    first = InquiryFactory(buyer=cast.buyer, business=cast.business)
    second = InquiryFactory(buyer=cast.buyer, business=cast.business)
    accepted = services.quotation_accept(
        quotation=quote(first, cast.owner, product), buyer=cast.buyer
    )
    other = quote(second, cast.owner, product)
    with pytest.raises(IntegrityError), transaction.atomic():
        Quotation.objects.filter(pk=other.pk).update(
            status="accepted",
            proforma_year=accepted.proforma_year,
            proforma_sequence=accepted.proforma_sequence,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Quotation.objects.filter(pk=other.pk).update(round=MAX_QUOTATION_ROUNDS + 1)
    with pytest.raises(IntegrityError), transaction.atomic():  # a number only when accepted
        Quotation.objects.filter(pk=other.pk).update(proforma_year=2026, proforma_sequence=9)


def test_the_owners_outcome_form_after_a_lost_deal_drops_the_reason(cast, inquiry):
    services.deal_close(inquiry=inquiry, owner=cast.owner, won=False, reason="price")
    services.inquiry_record_outcome(
        inquiry=inquiry, actor=cast.owner, outcome="deal_won", deal_value_usd=Decimal("900")
    )
    inquiry.refresh_from_db()
    assert (inquiry.outcome, inquiry.lost_reason, inquiry.deal_value_usd) == (
        "deal_won",
        "",
        Decimal("900"),
    )


def test_the_proforma_survives_text_beyond_latin_1(cast, inquiry, product):
    quotation = services.quotation_create(
        inquiry=inquiry,
        author=cast.owner,
        lines=[
            {
                "description": "Keripik nanas “premium” → 中文 😀",
                "unit": "pack",
                "quantity": 3,
                "unit_price_usd": Decimal("1.50"),
            }
        ],
        **terms(notes="Łódź — fragile\n<script>alert(1)</script>"),
    )
    accepted = services.quotation_accept(quotation=quotation, buyer=cast.buyer)
    text = read_pdf(proforma_pdf(accepted))
    assert 'Keripik nanas "premium" ->' in text
    assert "4.50" in text and "Lódz - fragile" in text  # ó is Latin-1, ź is not
