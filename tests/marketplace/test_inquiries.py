"""Inquiries (RFQ to one supplier): who may send, read and answer them, what is saved,
who is told, the 48-hour reminder, moderation and the inbox's query count.

Decisions proved here: advisory (mentor) messages are visible to the owner, the
business's active mentors and staff, never to the buyer; a filled honeypot gets a
generic error and creates nothing; a buyer may send 10 inquiries per hour.
"""

import contextlib
import threading
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from core.uploads import MSG_NOT_A_DOCUMENT
from marketplace import services
from marketplace.models import BuyerProfile, Inquiry, InquiryMessage
from marketplace.tasks import hourly_sweep
from mentoring.models import Mentorship
from notifications.models import Notification
from umkm.models import Product

from ..factories import (
    BusinessFactory,
    BuyerFactory,
    ListedProductFactory,
    MentorshipFactory,
    OwnerFactory,
    PendingMentorFactory,
    ProductFactory,
    StaffFactory,
)
from ..support import count_queries
from ..support.pdfs import pdf_file

pytestmark = pytest.mark.django_db

PDF_BYTES = pdf_file()  # a whole PDF: uploads are parsed
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
LOGIN = "/accounts/login/"


# World -------------------------------------------------------------------------------


@dataclass
class World:
    buyer: object
    other_buyer: object
    owner: object
    other_owner: object
    mentor: object
    other_mentor: object
    pending_mentor: object
    staff: object
    business: object
    other_business: object
    product: object
    inquiry: Inquiry

    def user(self, role: str):
        return None if role == "anonymous" else getattr(self, role)


ROLES = [
    "buyer",
    "other_buyer",
    "owner",
    "other_owner",
    "mentor",
    "other_mentor",
    "pending_mentor",
    "staff",
    "anonymous",
]


def inquiry_data(**overrides) -> dict:
    data = {
        "quantity": 500,
        "unit": "pack",
        "target_price_usd": "1.80",
        "incoterm": "FOB",
        "destination_country": "NL",
        "destination_port": "Rotterdam",
        "message": "Please quote 500 packs of pineapple chips, FOB Dumai.",
        "website_url": "",
    }
    data.update(overrides)
    return data


def send_inquiry(*, buyer, product=None, business=None, **overrides) -> Inquiry:
    business = business or product.business
    return services.inquiry_create(
        buyer=buyer,
        business=business,
        product=product,
        quantity=overrides.get("quantity", 500),
        unit="pack",
        incoterm="FOB",
        destination_country="NL",
        message=overrides.get("message", "Please quote 500 packs."),
    )


@pytest.fixture
def world(db) -> World:
    business = BusinessFactory(name="Keripik Nanas Riau")
    product = ListedProductFactory(business=business, name_en="Pineapple chips")
    other_business = BusinessFactory()
    ListedProductFactory(business=other_business)
    mentor = MentorshipFactory(business=business).mentor
    other_mentor = MentorshipFactory(business=other_business).mentor
    pending_mentor = PendingMentorFactory()
    # A pending mentor with an active mentorship still must not read threads.
    Mentorship.objects.create(
        mentor=pending_mentor, business=business, status="active", started_at=timezone.now()
    )
    buyer = BuyerFactory(full_name="Anna de Vries")
    BuyerProfile.objects.create(
        user=buyer, company="Tropical Foods BV", country="NL", buyer_type="importer"
    )
    inquiry = send_inquiry(buyer=buyer, product=product, message="First question, please.")
    return World(
        buyer=buyer,
        other_buyer=BuyerFactory(),
        owner=business.owner,
        other_owner=other_business.owner,
        mentor=mentor,
        other_mentor=other_mentor,
        pending_mentor=pending_mentor,
        staff=StaffFactory(),
        business=business,
        other_business=other_business,
        product=product,
        inquiry=inquiry,
    )


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def pdf_upload(name="quotation.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def stored_files(tmp_path: Path) -> list[Path]:
    root = tmp_path / "private"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def page(response) -> str:
    return response.content.decode()


def tr(user, message) -> str:
    """``message`` as ``user`` reads it (owners and staff use Indonesian)."""
    with translation.override(user.language):
        return escape(gettext(str(message)) if isinstance(message, str) else str(message))


# Permissions -------------------------------------------------------------------------

# (url name, method, expected status by role); 302 for anonymous means the login page.
THREAD_MATRIX = {
    ("inquiry-detail", "get"): {
        "buyer": 200, "other_buyer": 404, "owner": 200, "other_owner": 404, "mentor": 200,
        "other_mentor": 404, "pending_mentor": 404, "staff": 200, "anonymous": "login",
    },
    ("inquiry-reply", "post"): {
        "buyer": 302, "other_buyer": 404, "owner": 302, "other_owner": 404, "mentor": 302,
        "other_mentor": 404, "pending_mentor": 404, "staff": 403, "anonymous": "login",
    },
    ("inquiry-outcome", "post"): {
        "buyer": 403, "other_buyer": 404, "owner": 302, "other_owner": 404, "mentor": 403,
        "other_mentor": 404, "pending_mentor": 404, "staff": 403, "anonymous": "login",
    },
    ("inquiry-spam", "post"): {
        "buyer": 404, "other_buyer": 404, "owner": 404, "other_owner": 404, "mentor": 404,
        "other_mentor": 404, "pending_mentor": 404, "staff": 302, "anonymous": "login",
    },
    ("inquiry-attachment", "get"): {
        "buyer": 200, "other_buyer": 404, "owner": 200, "other_owner": 404, "mentor": 200,
        "other_mentor": 404, "pending_mentor": 404, "staff": 200, "anonymous": "login",
    },
}  # fmt: skip

PAYLOADS = {
    "inquiry-reply": {"body": "Thank you, here is our offer."},
    "inquiry-outcome": {"outcome": "sample_sent"},
    "inquiry-spam": {"spam": "1"},
}


def assert_status(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)
    else:
        assert response.status_code == expected, page(response)[:500]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", list(THREAD_MATRIX), ids=lambda v: f"{v[0]}-{v[1]}")
def test_thread_views_permission_matrix(client, world, view, role):
    name, method = view
    inquiry = world.inquiry
    if name == "inquiry-attachment":
        message = InquiryMessage.objects.create(
            inquiry=inquiry, author=world.owner, author_role="supplier", body="Our quotation"
        )
        message.attachment.save("q.pdf", SimpleUploadedFile("q.pdf", PDF_BYTES))
        url = reverse(f"marketplace:{name}", args=[inquiry.pk, message.pk])
    else:
        url = reverse(f"marketplace:{name}", args=[inquiry.pk])
    login(client, world.user(role))
    before = InquiryMessage.objects.count(), Inquiry.objects.get(pk=inquiry.pk).status
    response = getattr(client, method)(url, PAYLOADS.get(name, {}))
    expected = THREAD_MATRIX[view][role]
    assert_status(response, expected)
    if method == "post" and expected != 302:  # refused: nothing changed
        assert (InquiryMessage.objects.count(), Inquiry.objects.get(pk=inquiry.pk).status) == before


CREATE_EXPECTED = {
    "buyer": 200, "other_buyer": 200, "owner": 403, "other_owner": 403, "mentor": 403,
    "other_mentor": 403, "pending_mentor": 403, "staff": 403, "anonymous": "login",
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["product", "supplier"])
def test_inquiry_create_permission_matrix(client, world, role, target):
    slug = world.product.slug if target == "product" else world.business.slug
    url = reverse(f"marketplace:inquiry-create-{target}", args=[slug])
    login(client, world.user(role))
    assert_status(client.get(url), CREATE_EXPECTED[role])
    count = Inquiry.objects.count()
    response = client.post(url, inquiry_data())
    if CREATE_EXPECTED[role] == 200:
        assert response.status_code == 302
        assert Inquiry.objects.count() == count + 1
    else:
        assert_status(response, CREATE_EXPECTED[role])
        assert Inquiry.objects.count() == count  # owners, mentors, staff cannot send


@pytest.mark.parametrize("role", ROLES)
def test_inbox_permissions_and_scoping(client, world, role):
    login(client, world.user(role))
    response = client.get(reverse("marketplace:inquiry-list"))
    if role == "anonymous":
        assert_status(response, "login")
        return
    assert response.status_code == 200
    sees = role in {"buyer", "owner", "mentor", "staff"}
    assert ("Pineapple chips" in page(response)) is sees


# Sending an inquiry ------------------------------------------------------------------


def test_inquiry_from_product_saves_thread_and_notifies_owner_and_mentors(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    buyer = BuyerFactory()
    client.force_login(buyer)
    url = reverse("marketplace:inquiry-create-product", args=[world.product.slug])
    form_page = client.get(url)
    assert "website_url" in page(form_page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, inquiry_data())
    inquiry = Inquiry.objects.get(buyer=buyer)
    assert response.status_code == 302
    assert response.url == inquiry.get_absolute_url()
    assert inquiry.business == world.business
    assert inquiry.product == world.product
    assert inquiry.status == "open"
    assert inquiry.first_reply_at is None
    assert (inquiry.quantity, inquiry.unit, inquiry.incoterm) == (500, "pack", "FOB")
    assert inquiry.target_price_usd == Decimal("1.80")
    assert (inquiry.destination_country, inquiry.destination_port) == ("NL", "Rotterdam")
    [message] = inquiry.messages.all()
    assert message.author == buyer
    assert message.author_role == "buyer"
    told = Notification.objects.filter(kind="inquiry_received", url=inquiry.get_absolute_url())
    assert {n.recipient for n in told} == {world.owner, world.mentor}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.owner.email, world.mentor.email])
    assert buyer.email not in [m.to[0] for m in mailoutbox]
    assert all("Pineapple chips" in m.subject for m in mailoutbox)


def test_inquiry_to_supplier(client, world):
    client.force_login(world.other_buyer)
    url = reverse("marketplace:inquiry-create-supplier", args=[world.business.slug])
    response = client.post(url, inquiry_data(message="Do you make private-label chips?"))
    inquiry = Inquiry.objects.get(buyer=world.other_buyer)
    assert response.status_code == 302
    assert inquiry.product is None
    assert inquiry.subject == world.business.name


def test_unverified_buyer_is_refused_with_a_clear_message(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    unverified = BuyerFactory(verified=False)
    client.force_login(unverified)
    url = reverse("marketplace:inquiry-create-product", args=[world.product.slug])
    assert "confirm your email address" in page(client.get(url))
    counts = Inquiry.objects.count(), InquiryMessage.objects.count(), Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, inquiry_data())
    assert response.status_code == 200
    assert "Please confirm your email address first" in page(response)
    assert (
        Inquiry.objects.count(),
        InquiryMessage.objects.count(),
        Notification.objects.count(),
    ) == counts
    assert mailoutbox == []


def test_rate_limit_eleventh_inquiry_in_an_hour_is_refused(client, world):
    buyer = BuyerFactory()
    client.force_login(buyer)
    url = reverse("marketplace:inquiry-create-product", args=[world.product.slug])
    for _ in range(10):
        assert client.post(url, inquiry_data()).status_code == 302
    response = client.post(url, inquiry_data())
    assert response.status_code == 200
    assert "You have sent 10 inquiries in the last hour" in page(response)
    assert Inquiry.objects.filter(buyer=buyer).count() == 10
    assert InquiryMessage.objects.filter(author=buyer).count() == 10


def test_rate_limit_counts_only_the_last_hour(world):
    buyer = BuyerFactory()
    for _ in range(10):
        send_inquiry(buyer=buyer, product=world.product)
    with pytest.raises(ValidationError) as refused:
        send_inquiry(buyer=buyer, product=world.product)
    assert refused.value.code == "rate_limited"
    Inquiry.objects.filter(buyer=buyer).update(created_at=timezone.now() - timedelta(minutes=61))
    assert send_inquiry(buyer=buyer, product=world.product).pk


def test_honeypot_filled_gets_a_generic_error_and_creates_nothing(client, world):
    client.force_login(world.other_buyer)
    url = reverse("marketplace:inquiry-create-product", args=[world.product.slug])
    count = Inquiry.objects.count()
    response = client.post(
        url, inquiry_data(website_url="http://spam.example", message="Cheap pills here now")
    )
    assert response.status_code == 200
    assert "We could not send this" in page(response)
    assert "Cheap pills here now" in page(response)  # nothing the person typed is lost
    assert Inquiry.objects.count() == count
    assert Notification.objects.filter(kind="inquiry_received").count() == 2  # the world's


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"destination_country": "XX"}, "destination_country"),
        ({"incoterm": "ABC"}, "incoterm"),
        ({"message": ""}, "message"),
        ({"target_price_usd": "-1"}, "target_price_usd"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(client, world, data, field_error):
    client.force_login(world.other_buyer)
    url = reverse("marketplace:inquiry-create-product", args=[world.product.slug])
    response = client.post(url, inquiry_data(**data))
    assert response.status_code == 200
    assert field_error in response.context["form"].errors
    assert not Inquiry.objects.filter(buyer=world.other_buyer).exists()


def test_draft_archived_or_hidden_targets_are_404(client, world):
    client.force_login(world.other_buyer)
    draft = ProductFactory(business=world.business)
    archived = ProductFactory(business=world.business, status=Product.Status.ARCHIVED)
    inactive = BusinessFactory(is_active=False)
    hidden_product = ListedProductFactory(business=inactive)
    no_listing = BusinessFactory()
    ProductFactory(business=no_listing)
    for slug in (draft.slug, archived.slug, hidden_product.slug, "no-such-product"):
        url = reverse("marketplace:inquiry-create-product", args=[slug])
        assert client.get(url).status_code == 404
        assert client.post(url, inquiry_data()).status_code == 404
    for slug in (inactive.slug, no_listing.slug):
        url = reverse("marketplace:inquiry-create-supplier", args=[slug])
        assert client.get(url).status_code == 404
        assert client.post(url, inquiry_data()).status_code == 404
    assert not Inquiry.objects.filter(buyer=world.other_buyer).exists()


def test_service_refuses_non_buyers_and_unlisted_products(world):
    with pytest.raises(PermissionDenied):
        send_inquiry(buyer=world.owner, product=world.product)
    draft = ProductFactory(business=world.business)
    with pytest.raises(ValidationError):
        send_inquiry(buyer=world.other_buyer, product=draft)


# Thread ------------------------------------------------------------------------------


def reply(client, inquiry, body, **extra):
    return client.post(
        reverse("marketplace:inquiry-reply", args=[inquiry.pk]), {"body": body, **extra}
    )


def test_first_supplier_reply_sets_first_reply_at_and_status_once(client, world):
    inquiry = world.inquiry
    client.force_login(world.buyer)
    reply(client, inquiry, "Any update?")
    inquiry.refresh_from_db()
    assert inquiry.status == "open"
    assert inquiry.first_reply_at is None
    client.force_login(world.owner)
    assert reply(client, inquiry, "Yes, US$ 1.90 FOB.").status_code == 302
    inquiry.refresh_from_db()
    first = inquiry.first_reply_at
    assert inquiry.status == "replied"
    assert first is not None
    reply(client, inquiry, "And samples are free.")
    inquiry.refresh_from_db()
    assert inquiry.first_reply_at == first


def test_supplier_reply_notifies_the_buyer_only(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        reply(client, world.inquiry, "We can offer US$ 1.90 FOB Dumai.")
    assert [m.to for m in mailoutbox] == [[world.buyer.email]]
    assert "US$ 1.90" in mailoutbox[0].body
    note = Notification.objects.get(recipient=world.buyer, kind="inquiry_replied")
    assert note.url == world.inquiry.get_absolute_url()
    assert not Notification.objects.filter(recipient=world.owner, kind="inquiry_replied")


def test_buyer_reply_notifies_the_owner_only(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.buyer)
    with django_capture_on_commit_callbacks(execute=True):
        reply(client, world.inquiry, "Can you ship in March?")
    assert [m.to for m in mailoutbox] == [[world.owner.email]]
    assert Notification.objects.filter(recipient=world.owner, kind="inquiry_replied").count() == 1
    assert not Notification.objects.filter(recipient=world.buyer, kind="inquiry_replied")
    assert not Notification.objects.filter(recipient=world.mentor, kind="inquiry_replied")


def test_advisory_message_is_labelled_and_hidden_from_the_buyer(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = reply(client, world.inquiry, "Quote CIF too; Dutch buyers like it.")
    assert response.status_code == 302
    message = world.inquiry.messages.get(author=world.mentor)
    assert message.author_role == "advisor"
    # Told to the owner (not the buyer, not the mentor who wrote it).
    assert [m.to for m in mailoutbox] == [[world.owner.email]]
    assert Notification.objects.get(recipient=world.owner, kind="inquiry_advice")
    # The thread did not move for the buyer.
    world.inquiry.refresh_from_db()
    assert world.inquiry.status == "open"
    assert world.inquiry.first_reply_at is None
    for viewer in (world.owner, world.mentor, world.staff):
        client.force_login(viewer)
        content = page(client.get(world.inquiry.get_absolute_url()))
        assert tr(viewer, "Mentor advice") in content
        assert "Dutch buyers like it" in content
    client.force_login(world.buyer)
    content = page(client.get(world.inquiry.get_absolute_url()))
    assert "Dutch buyers like it" not in content
    assert "Mentor advice" not in content


def test_attachment_pdf_is_kept_and_served_as_download_to_participants(client, world, tmp_path):
    client.force_login(world.owner)
    response = reply(client, world.inquiry, "Our quotation is attached.", attachment=pdf_upload())
    assert response.status_code == 302
    message = world.inquiry.messages.get(author=world.owner)
    assert message.attachment.name.endswith(".pdf")
    assert "quotation" not in message.attachment.name  # stored under a generated name
    assert len(stored_files(tmp_path)) == 1
    url = reverse("marketplace:inquiry-attachment", args=[world.inquiry.pk, message.pk])
    for viewer in (world.buyer, world.owner, world.mentor, world.staff):
        client.force_login(viewer)
        download = client.get(url)
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment;")
        assert download["X-Content-Type-Options"] == "nosniff"
        assert b"".join(download.streaming_content) == PDF_BYTES
    for stranger in (world.other_buyer, world.other_owner, world.other_mentor):
        client.force_login(stranger)
        assert client.get(url).status_code == 404


def test_html_renamed_pdf_is_refused_and_nothing_saved(client, world, tmp_path):
    client.force_login(world.owner)
    fake = SimpleUploadedFile("quotation.pdf", HTML_BYTES, content_type="application/pdf")
    count = InquiryMessage.objects.count()
    response = reply(client, world.inquiry, "See attachment.", attachment=fake)
    assert response.status_code == 200
    assert tr(world.owner, MSG_NOT_A_DOCUMENT) in page(response)
    assert "See attachment." in page(response)
    assert InquiryMessage.objects.count() == count
    assert stored_files(tmp_path) == []
    world.inquiry.refresh_from_db()
    assert world.inquiry.first_reply_at is None


def test_buyer_cannot_download_an_advisory_attachment(client, world):
    client.force_login(world.mentor)
    reply(client, world.inquiry, "A price sheet for you.", attachment=pdf_upload())
    message = world.inquiry.messages.get(author=world.mentor)
    url = reverse("marketplace:inquiry-attachment", args=[world.inquiry.pk, message.pk])
    client.force_login(world.buyer)
    assert client.get(url).status_code == 404
    client.force_login(world.owner)
    assert client.get(url).status_code == 200


def test_attachment_of_a_message_without_file_is_404(client, world):
    message = world.inquiry.messages.get()
    client.force_login(world.buyer)
    url = reverse("marketplace:inquiry-attachment", args=[world.inquiry.pk, message.pk])
    assert client.get(url).status_code == 404


def test_empty_reply_is_refused(client, world):
    client.force_login(world.owner)
    response = reply(client, world.inquiry, "   ")
    assert response.status_code == 200
    assert world.inquiry.messages.count() == 1


# Outcome, closing, spam --------------------------------------------------------------


def outcome(client, inquiry, **data):
    return client.post(reverse("marketplace:inquiry-outcome", args=[inquiry.pk]), data)


def test_outcome_deal_won_with_value_closes_the_thread(client, world):
    client.force_login(world.owner)
    response = outcome(client, world.inquiry, outcome="deal_won", deal_value_usd="12500")
    assert response.status_code == 302
    world.inquiry.refresh_from_db()
    assert world.inquiry.outcome == "deal_won"
    assert world.inquiry.deal_value_usd == Decimal("12500")
    assert world.inquiry.status == "closed"
    # The buyer does not see the owner's record of the value.
    client.force_login(world.buyer)
    assert "12500" not in page(client.get(world.inquiry.get_absolute_url()))


def test_deal_value_without_deal_won_is_refused(client, world):
    client.force_login(world.owner)
    response = outcome(client, world.inquiry, outcome="no_deal", deal_value_usd="300")
    assert response.status_code == 200
    assert tr(world.owner, "A deal value can only be recorded for a deal won.") in page(response)
    world.inquiry.refresh_from_db()
    assert (world.inquiry.outcome, world.inquiry.deal_value_usd) == ("", None)
    assert world.inquiry.status == "open"


def test_database_refuses_a_deal_value_without_deal_won(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Inquiry.objects.filter(pk=world.inquiry.pk).update(
            outcome="no_deal", deal_value_usd=Decimal(5)
        )


def test_sample_sent_keeps_the_thread_open_and_a_later_deal_closes_it(client, world):
    client.force_login(world.owner)
    reply(client, world.inquiry, "Samples are on their way.")
    outcome(client, world.inquiry, outcome="sample_sent")
    world.inquiry.refresh_from_db()
    assert (world.inquiry.outcome, world.inquiry.status) == ("sample_sent", "replied")
    outcome(client, world.inquiry, outcome="no_deal")
    world.inquiry.refresh_from_db()
    assert (world.inquiry.outcome, world.inquiry.status) == ("no_deal", "closed")


def test_closed_thread_accepts_no_new_messages(client, world):
    client.force_login(world.owner)
    outcome(client, world.inquiry, outcome="no_deal")
    for user in (world.buyer, world.owner, world.mentor):
        client.force_login(user)
        response = reply(client, world.inquiry, "One more thing")
        assert response.status_code == 200
        assert tr(user, services.MSG_CLOSED_THREAD) in page(response)
    assert world.inquiry.messages.count() == 1


def test_spam_leaves_the_owner_inbox_and_the_buyer_is_not_told(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.staff)
    response = client.post(reverse("marketplace:inquiry-spam", args=[world.inquiry.pk]))
    assert response.status_code == 302
    world.inquiry.refresh_from_db()
    assert world.inquiry.status == "spam"
    inbox = reverse("marketplace:inquiry-list")
    for supplier_side in (world.owner, world.mentor):
        client.force_login(supplier_side)
        assert "Pineapple chips" not in page(client.get(inbox))
        assert client.get(world.inquiry.get_absolute_url()).status_code == 404
    # Staff: hidden by default, shown by the spam filter.
    client.force_login(world.staff)
    assert "Pineapple chips" not in page(client.get(inbox))
    assert "Pineapple chips" in page(client.get(inbox, {"status": "spam"}))
    # The buyer sees the thread as before, is told nothing, and their reply tells nobody.
    client.force_login(world.buyer)
    content = page(client.get(inbox))
    assert "Pineapple chips" in content
    assert "spam" not in content.lower()
    assert "spam" not in page(client.get(world.inquiry.get_absolute_url())).lower()
    assert "Pineapple chips" in page(client.get(inbox, {"status": "open"}))
    with django_capture_on_commit_callbacks(execute=True):
        assert reply(client, world.inquiry, "Hello?").status_code == 302
    assert mailoutbox == []
    assert not Notification.objects.filter(kind="inquiry_replied")


def test_staff_can_restore_a_thread_marked_as_spam(client, world):
    client.force_login(world.staff)
    url = reverse("marketplace:inquiry-spam", args=[world.inquiry.pk])
    client.post(url, {"spam": "1"})
    client.post(url, {"spam": "0"})
    world.inquiry.refresh_from_db()
    assert world.inquiry.status == "open"
    client.force_login(world.owner)
    assert client.get(world.inquiry.get_absolute_url()).status_code == 200


# 48-hour reminder --------------------------------------------------------------------


def test_unanswered_inquiry_reminds_owner_and_mentors_once(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    old = timezone.now() - timedelta(hours=49)
    Inquiry.objects.filter(pk=world.inquiry.pk).update(created_at=old)
    replied = send_inquiry(buyer=world.other_buyer, product=world.product)
    services.inquiry_message_create(inquiry=replied, author=world.owner, body="Answered.")
    recent = send_inquiry(buyer=world.other_buyer, product=world.product)
    Inquiry.objects.filter(pk__in=[replied.pk]).update(created_at=old)
    Inquiry.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(hours=47))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = hourly_sweep()
    assert result["reminded"] == 2
    reminders = Notification.objects.filter(kind="inquiry_unanswered")
    assert {n.recipient for n in reminders} == {world.owner, world.mentor}
    assert {n.url for n in reminders} == {world.inquiry.get_absolute_url()}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.owner.email, world.mentor.email])
    world.inquiry.refresh_from_db()
    assert world.inquiry.reminded_at is not None
    # Idempotent: a second (or late) run tells nobody again, even if the claim is lost.
    with django_capture_on_commit_callbacks(execute=True):
        assert hourly_sweep()["reminded"] == 0
    Inquiry.objects.filter(pk=world.inquiry.pk).update(reminded_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert hourly_sweep()["reminded"] == 0
    assert Notification.objects.filter(kind="inquiry_unanswered").count() == 2
    assert len(mailoutbox) == 2


# Inbox -------------------------------------------------------------------------------


def test_inbox_shows_unread_and_needs_reply_markers(client, world):
    client.force_login(world.owner)
    inbox = reverse("marketplace:inquiry-list")
    needs_reply = tr(world.owner, "needs a reply")
    content = page(client.get(inbox))
    assert needs_reply in content
    assert 'class="unread"' in content
    client.get(world.inquiry.get_absolute_url())  # reading clears "new"
    content = page(client.get(inbox))
    assert 'class="unread"' not in content
    assert needs_reply in content
    reply(client, world.inquiry, "Thanks, here is our price.")
    assert needs_reply not in page(client.get(inbox))
    # The buyer now has an unread answer.
    client.force_login(world.buyer)
    assert 'class="unread"' in page(client.get(inbox))


def make_threads(world, count: int):
    for i in range(count):
        buyer = BuyerFactory()
        if i % 2:
            BuyerProfile.objects.create(
                user=buyer, company=f"Co {i}", country="JP", buyer_type="retailer"
            )
        inquiry = Inquiry.objects.create(
            buyer=world.buyer if i % 3 == 0 else buyer,
            business=world.business,
            product=world.product,
            subject=f"Thread {i}",
            quantity=10,
            unit="pack",
            incoterm="FOB",
            destination_country="JP",
        )
        InquiryMessage.objects.create(
            inquiry=inquiry, author=buyer, author_role="buyer", body="Hello"
        )
        InquiryMessage.objects.create(
            inquiry=inquiry, author=world.mentor, author_role="advisor", body="Advice"
        )
        Notification.objects.create(
            recipient=world.owner,
            kind="inquiry_received",
            title="t",
            url=inquiry.get_absolute_url(),
            email_status="skipped",
        )


@pytest.mark.parametrize("role", ["buyer", "owner", "mentor", "staff"])
def test_inbox_query_count_does_not_grow_with_threads(client, world, role):
    client.force_login(world.user(role))
    url = reverse("marketplace:inquiry-list")
    make_threads(world, 3)
    few = count_queries(client, url)
    make_threads(world, 27)
    many = count_queries(client, url)
    assert few == many
    assert many <= 10


def test_thread_page_query_count_is_bounded(client, world):
    client.force_login(world.owner)
    for i in range(5):
        services.inquiry_message_create(inquiry=world.inquiry, author=world.owner, body=f"m{i}")
    few = count_queries(client, world.inquiry.get_absolute_url())
    for i in range(20):
        services.inquiry_message_create(inquiry=world.inquiry, author=world.mentor, body=f"a{i}")
    assert count_queries(client, world.inquiry.get_absolute_url()) == few


# Concurrency (PostgreSQL) ------------------------------------------------------------


def _parallel_first_replies(inquiry_pk: int, owner, monkeypatch) -> list[bool]:
    """Two supplier replies at once; each records whether it saw the thread unanswered
    when it wrote its message (i.e. whether it counted itself as the first reply)."""
    barrier = threading.Barrier(2, timeout=2)
    seen_first: list[bool] = []
    original = InquiryMessage.save

    def save_after_meeting(message, *args, **kwargs):
        # The reply is written inside the thread's lock: ``message.inquiry`` is the
        # locked row, as the service read it.
        seen_first.append(message.inquiry.first_reply_at is None)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()  # with the lock the other thread never arrives: times out
        return original(message, *args, **kwargs)

    monkeypatch.setattr(InquiryMessage, "save", save_after_meeting)

    def worker(body):
        try:
            inquiry = Inquiry.objects.select_related("business").get(pk=inquiry_pk)
            services.inquiry_message_create(inquiry=inquiry, author=owner, body=body)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"reply {i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seen_first


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_replies_count_only_one_as_first(postgres_db, monkeypatch):
    business = BusinessFactory()
    product = ListedProductFactory(business=business)
    inquiry = send_inquiry(buyer=BuyerFactory(), product=product)
    seen_first = _parallel_first_replies(inquiry.pk, business.owner, monkeypatch)
    assert sorted(seen_first) == [False, True]
    inquiry.refresh_from_db()
    first_supplier = inquiry.messages.filter(author_role="supplier").order_by("created_at")[0]
    assert inquiry.first_reply_at >= first_supplier.created_at
    assert inquiry.messages.filter(author_role="supplier").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_replies_race_without_the_lock(postgres_db, monkeypatch):
    """Control: without select_for_update both replies see the thread unanswered."""
    business = BusinessFactory()
    product = ListedProductFactory(business=business)
    inquiry = send_inquiry(buyer=BuyerFactory(), product=product)
    manager_class = type(Inquiry.objects)
    monkeypatch.setattr(
        manager_class, "select_for_update", lambda self, *a, **k: self.get_queryset()
    )
    seen_first = _parallel_first_replies(inquiry.pk, business.owner, monkeypatch)
    assert seen_first == [True, True]


# Service-level guards ------------------------------------------------------------------


def test_owner_not_of_this_business_cannot_post_via_service(world):
    other = OwnerFactory()
    with pytest.raises(PermissionDenied):
        services.inquiry_message_create(inquiry=world.inquiry, author=other, body="Hi")
    assert world.inquiry.messages.count() == 1
