"""The deal pipeline's pages: who may open and post what (404 for anyone who cannot
read the thread, 403 for a participant of the wrong side), the proforma download,
hostile input answered 400 with nothing written, the round limit at the web door, and
a won deal shown on the thread."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from marketplace import services
from marketplace.models import Inquiry, Quotation, SampleRequest

from ..factories import InquiryFactory, ListedProductFactory
from ..support.forms_as_sent import signed_in

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "buyer",
    "other_buyer",
    "owner",
    "other_owner",
    "mentor",
    "unassigned_mentor",
    "staff",
]


def user_of(cast, role):
    return None if role == "anonymous" else getattr(cast, role)


@pytest.fixture
def deal(cast):
    product = ListedProductFactory(business=cast.business, name_en="Pineapple chips 100 g")
    inquiry = InquiryFactory(buyer=cast.buyer, business=cast.business, product=product)
    return inquiry, product


def send_quotation(inquiry, owner, product, **overrides):
    values = {
        "lines": [{"product": product, "quantity": 1000, "unit_price_usd": Decimal("2.50")}],
        "incoterm": "CIF",
        "port": "Rotterdam",
        "valid_until": timezone.localdate() + timedelta(days=20),
        "payment_term": "lc_sight",
        "lead_time_days": 30,
    }
    values.update(overrides)
    return services.quotation_create(inquiry=inquiry, author=owner, **values)


def quotation_post(product, **overrides) -> dict:
    data = {
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "20",
        "lines-0-product": str(product.pk),
        "lines-0-description": "",
        "lines-0-quantity": "1000",
        "lines-0-unit": "",
        "lines-0-unit_price_usd": "2.50",
        "lines-1-description": "Banana chips 250 g",
        "lines-1-quantity": "200",
        "lines-1-unit": "pack",
        "lines-1-unit_price_usd": "3.00",
        "incoterm": "FOB",
        "port": "Dumai",
        "valid_until": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "payment_term": "tt_advance",
        "lead_time_days": "21",
        "notes": "",
    }
    data.update(overrides)
    return data


# Permission matrices ------------------------------------------------------------------

CREATE_GET = {
    "anonymous": 302,
    "buyer": 403,
    "other_buyer": 404,
    "owner": 200,
    "other_owner": 404,
    "mentor": 403,
    "unassigned_mentor": 404,
    "staff": 403,
}
PROFORMA_GET = {
    "anonymous": 302,
    "buyer": 200,
    "other_buyer": 404,
    "owner": 200,
    "other_owner": 404,
    "mentor": 200,
    "unassigned_mentor": 404,
    "staff": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_quotation_form_permissions(cast, deal, role):
    inquiry, _product = deal
    response = signed_in(user_of(cast, role)).get(
        reverse("marketplace:quotation-create", args=[inquiry.pk])
    )
    assert response.status_code == CREATE_GET[role]


@pytest.mark.parametrize("role", ROLES)
def test_proforma_download_permissions(cast, deal, role):
    inquiry, product = deal
    quotation = services.quotation_accept(
        quotation=send_quotation(inquiry, cast.owner, product), buyer=cast.buyer
    )
    response = signed_in(user_of(cast, role)).get(
        reverse("marketplace:quotation-proforma", args=[inquiry.pk, quotation.pk])
    )
    assert response.status_code == PROFORMA_GET[role]
    if response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"
        assert quotation.proforma_number in response["Content-Disposition"]
        text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        assert "Pineapple chips 100 g" in text and "2,500.00" in text


def test_no_proforma_before_acceptance_and_none_under_another_thread(cast, deal):
    inquiry, product = deal
    quotation = send_quotation(inquiry, cast.owner, product)
    client = signed_in(cast.buyer)
    url = reverse("marketplace:quotation-proforma", args=[inquiry.pk, quotation.pk])
    assert client.get(url).status_code == 404
    services.quotation_accept(quotation=quotation, buyer=cast.buyer)
    other = InquiryFactory(buyer=cast.buyer, business=cast.business)
    wrong = reverse("marketplace:quotation-proforma", args=[other.pk, quotation.pk])
    assert client.get(wrong).status_code == 404


POSTS = {
    # name: (who may, what a wrong participant gets)
    "sample-request": "buyer",
    "quotation-answer": "buyer",
    "deal-close": "owner",
    "sample-sent": "owner",
}


@pytest.mark.no_cover  # a matrix: see the README, "Coverage"
@pytest.mark.parametrize("name", list(POSTS))
@pytest.mark.parametrize("role", ROLES)
def test_pipeline_posts_permissions(cast, deal, name, role):
    inquiry, product = deal
    quotation = send_quotation(inquiry, cast.owner, product)
    sample = services.sample_request_create(inquiry=inquiry, buyer=cast.buyer, quantity=3)
    args = {
        "sample-request": [inquiry.pk],
        "quotation-answer": [inquiry.pk, quotation.pk],
        "deal-close": [inquiry.pk],
        "sample-sent": [inquiry.pk, sample.pk],
    }[name]
    data = {
        "sample-request": {"quantity": "2"},
        "quotation-answer": {"action": "accept"},
        "deal-close": {"result": "lost", "reason": "price"},
        "sample-sent": {"courier": "DHL", "tracking_number": "X1", "fee_usd": "10"},
    }[name]
    response = signed_in(user_of(cast, role)).post(reverse(f"marketplace:{name}", args=args), data)
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role == POSTS[name]:
        assert response.status_code == 302
        assert response["Location"] == inquiry.get_absolute_url()
    elif role in ("other_buyer", "other_owner", "unassigned_mentor"):
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    changed = {
        "sample-request": SampleRequest.objects.count() == 2,
        "quotation-answer": Quotation.objects.filter(status="accepted").exists(),
        "deal-close": Inquiry.objects.filter(outcome="no_deal").exists(),
        "sample-sent": SampleRequest.objects.filter(status="sent").exists(),
    }[name]
    assert changed == (role == POSTS[name])


# The whole journey at the web door ----------------------------------------------------


def test_owner_quotes_buyer_asks_revision_then_accepts_and_the_won_deal_shows(cast, deal):
    inquiry, product = deal
    owner, buyer = signed_in(cast.owner), signed_in(cast.buyer)
    create = reverse("marketplace:quotation-create", args=[inquiry.pk])
    response = owner.post(create, quotation_post(product))
    assert response.status_code == 302, response.content.decode()[:2000]
    first = Quotation.objects.get(inquiry=inquiry)
    # 1000 × 2.50 + 200 × 3.00 = 3,100.00
    assert first.total_usd == Decimal("3100.00")
    answer = reverse("marketplace:quotation-answer", args=[inquiry.pk, first.pk])
    assert buyer.post(answer, {"action": "revise", "note": "2.30 please"}).status_code == 302
    response = owner.post(create, quotation_post(product, **{"lines-0-unit_price_usd": "2.30"}))
    assert response.status_code == 302
    second = Quotation.objects.get(inquiry=inquiry, round=2)
    assert (
        buyer.post(
            reverse("marketplace:quotation-answer", args=[inquiry.pk, second.pk]),
            {"action": "accept"},
        ).status_code
        == 302
    )
    second.refresh_from_db()
    assert second.proforma_number.endswith("-0001")
    response = owner.post(
        reverse("marketplace:deal-close", args=[inquiry.pk]), {"result": "won", "reason": ""}
    )
    assert response.status_code == 302
    page = buyer.get(inquiry.get_absolute_url()).content.decode()
    assert 'id="deal"' in page and "2900.00" in page and second.proforma_number in page
    assert reverse("marketplace:quotation-proforma", args=[inquiry.pk, second.pk]) in page


def test_the_round_limit_at_the_web_door(cast, deal):
    inquiry, product = deal
    for _n in range(3):
        quotation = send_quotation(inquiry, cast.owner, product)
        if quotation.round < 3:
            services.quotation_request_revision(quotation=quotation, buyer=cast.buyer, note="x")
    response = signed_in(cast.buyer).post(
        reverse("marketplace:quotation-answer", args=[inquiry.pk, quotation.pk]),
        {"action": "revise", "note": "One more, please"},
    )
    assert response.status_code == 400
    assert response.context["deal_errors"]
    quotation.refresh_from_db()
    assert quotation.status == "sent"
    # A fourth quotation cannot be posted either.
    Quotation.objects.filter(pk=quotation.pk).update(status="revision")
    response = signed_in(cast.owner).post(
        reverse("marketplace:quotation-create", args=[inquiry.pk]), quotation_post(product)
    )
    assert response.status_code == 400
    assert Quotation.objects.filter(inquiry=inquiry).count() == 3


@pytest.mark.parametrize(
    "overrides",
    [
        {"lines-0-quantity": "-5"},
        {"lines-0-quantity": "1" + "0" * 30},
        {"lines-0-unit_price_usd": "1" + "0" * 30},
        {"lines-0-unit_price_usd": "NaN"},
        {"lines-0-unit_price_usd": "Infinity"},
        {"lines-0-unit_price_usd": "-1"},
        {"incoterm": "XYZ"},
        {"payment_term": "barter"},
        {"valid_until": "9999-99-99"},
        {"lead_time_days": "1e9"},
        {"lines-TOTAL_FORMS": "1000"},
        {"lines-0-product": "999999999"},
        {"lines-1-quantity": "1000000000", "lines-1-unit_price_usd": "1000000"},
    ],
)
def test_hostile_quotation_input_is_400_and_writes_nothing(cast, deal, overrides):
    inquiry, product = deal
    response = signed_in(cast.owner).post(
        reverse("marketplace:quotation-create", args=[inquiry.pk]),
        quotation_post(product, **overrides),
    )
    assert response.status_code == 400
    assert not Quotation.objects.exists()


@pytest.mark.parametrize("quantity", ["-1", "0", "1" + "0" * 30, "NaN", "abc"])
def test_hostile_sample_input_is_400(cast, deal, quantity):
    inquiry, _product = deal
    response = signed_in(cast.buyer).post(
        reverse("marketplace:sample-request", args=[inquiry.pk]), {"quantity": quantity}
    )
    assert response.status_code == 400
    assert not SampleRequest.objects.exists()


def test_declining_without_a_reason_is_refused(cast, deal):
    inquiry, product = deal
    quotation = send_quotation(inquiry, cast.owner, product)
    response = signed_in(cast.buyer).post(
        reverse("marketplace:quotation-answer", args=[inquiry.pk, quotation.pk]),
        {"action": "decline", "reason": ""},
    )
    assert response.status_code == 400
    quotation.refresh_from_db()
    assert quotation.status == "sent"


def test_thread_page_queries_do_not_grow_with_rounds(cast, deal):
    inquiry, product = deal
    client = signed_in(cast.owner)
    client.get(inquiry.get_absolute_url())
    for _n in range(2):
        quotation = send_quotation(inquiry, cast.owner, product)
        services.quotation_request_revision(quotation=quotation, buyer=cast.buyer, note="x")
    client.get(inquiry.get_absolute_url())  # read: the header's unread count is cached
    with CaptureQueriesContext(connection) as few:
        client.get(inquiry.get_absolute_url())
    send_quotation(inquiry, cast.owner, product)
    client.get(inquiry.get_absolute_url())
    with CaptureQueriesContext(connection) as more:
        client.get(inquiry.get_absolute_url())
    assert len(more.captured_queries) == len(few.captured_queries)


# The API: the buyer reads the pipeline with the inquiry -----------------------------


def test_api_inquiry_detail_carries_the_deal_read_only(cast, deal):
    from rest_framework.test import APIClient

    inquiry, product = deal
    services.sample_request_create(inquiry=inquiry, buyer=cast.buyer, quantity=4)
    quotation = services.quotation_accept(
        quotation=send_quotation(inquiry, cast.owner, product), buyer=cast.buyer
    )
    api = APIClient()
    api.force_authenticate(cast.buyer)
    url = f"/api/v1/inquiries/{inquiry.pk}/"
    body = api.get(url).json()
    assert body["samples"][0]["quantity"] == 4
    [shown] = body["quotations"]
    assert shown["total_usd"] == "2500.00" and shown["payment_term"] == "lc_sight"
    assert shown["lines"][0]["description"] == "Pineapple chips 100 g"
    assert shown["lines"][0]["amount_usd"] == "2500.00"
    assert shown["proforma_number"] == quotation.proforma_number
    assert shown["proforma_url"].endswith(
        reverse("marketplace:quotation-proforma", args=[inquiry.pk, quotation.pk])
    )
    # Read-only, and another buyer's is a 404.
    assert api.patch(url, {"quotations": []}, format="json").status_code == 405
    other = APIClient()
    other.force_authenticate(cast.other_buyer)
    assert other.get(url).status_code == 404
    # The list stays as it was (no pipeline there).
    assert "quotations" not in api.get("/api/v1/inquiries/").json()["results"][0]


def test_staff_read_the_pipeline_in_the_admin_and_cannot_change_it(cast, deal):
    inquiry, product = deal
    quotation = send_quotation(inquiry, cast.owner, product)
    sample = services.sample_request_create(inquiry=inquiry, buyer=cast.buyer, quantity=2)
    cast.staff.is_superuser = True
    cast.staff.save()
    staff = signed_in(cast.staff)
    for url in [
        reverse("admin:marketplace_quotation_changelist"),
        reverse("admin:marketplace_quotation_change", args=[quotation.pk]),
        reverse("admin:marketplace_samplerequest_changelist"),
        reverse("admin:marketplace_samplerequest_change", args=[sample.pk]),
    ]:
        assert staff.get(url).status_code == 200, url
    assert staff.get(reverse("admin:marketplace_quotation_add")).status_code == 403
    staff.post(
        reverse("admin:marketplace_quotation_change", args=[quotation.pk]),
        {"total_usd": "1.00", "round": "3"},
    )
    quotation.refresh_from_db()
    assert (quotation.total_usd, quotation.round) == (Decimal("2500.00"), 1)
    owner = signed_in(cast.owner)
    response = owner.get(reverse("admin:marketplace_quotation_changelist"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {"courier": "DHL", "fee_usd": "NaN"},
        {"courier": "DHL", "fee_usd": "-1"},
        {"courier": "DHL", "fee_usd": "1" + "0" * 30},
        {"courier": "", "fee_usd": "10"},
        {"courier": "x" * 101},
    ],
)
def test_hostile_sample_dispatch_is_400(cast, deal, data):
    inquiry, _product = deal
    sample = services.sample_request_create(inquiry=inquiry, buyer=cast.buyer, quantity=3)
    response = signed_in(cast.owner).post(
        reverse("marketplace:sample-sent", args=[inquiry.pk, sample.pk]), data
    )
    assert response.status_code == 400
    sample.refresh_from_db()
    assert sample.status == "requested" and sample.fee_usd is None


@pytest.mark.parametrize(
    "data",
    [
        {"result": "won"},  # nothing accepted yet
        {"result": "lost", "reason": ""},
        {"result": "lost", "reason": "bogus"},
        {"result": "maybe"},
    ],
)
def test_refused_deal_close_is_400(cast, deal, data):
    inquiry, _product = deal
    response = signed_in(cast.owner).post(
        reverse("marketplace:deal-close", args=[inquiry.pk]), data
    )
    assert response.status_code == 400
    inquiry.refresh_from_db()
    assert inquiry.outcome == "" and inquiry.status == "open"
