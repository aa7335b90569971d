"""Inquiries (RFQ to one supplier) through their pages: who may send, read and answer
them, what is saved, who is told, moderation and the inbox's query count.

Decisions proved here: advisory (mentor) messages are visible to the owner, the
business's active mentors and staff, never to the buyer; a filled honeypot gets a
generic error and creates nothing; a buyer may send 10 inquiries per hour.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from core.uploads import MSG_NOT_A_DOCUMENT
from marketplace import services
from marketplace.models import BuyerProfile, Inquiry, InquiryMessage
from notifications.models import Notification
from umkm.models import Product

from ...factories import (
    BusinessFactory,
    BuyerFactory,
    ListedProductFactory,
    ProductFactory,
)
from ...support import count_queries
from ...support.pdfs import pdf_file

pytestmark = pytest.mark.django_db


PDF_BYTES = pdf_file()  # a whole PDF: uploads are parsed


HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


LOGIN = "/accounts/login/"


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


CREATE_EXPECTED = {
    "buyer": 200, "other_buyer": 200, "owner": 403, "other_owner": 403, "mentor": 403,
    "other_mentor": 403, "pending_mentor": 403, "staff": 403, "anonymous": "login",
}  # fmt: skip


# Thread ------------------------------------------------------------------------------


def reply(client, inquiry, body, **extra):
    return client.post(
        reverse("marketplace:inquiry-reply", args=[inquiry.pk]), {"body": body, **extra}
    )


# Outcome, closing, spam --------------------------------------------------------------


def outcome(client, inquiry, **data):
    return client.post(reverse("marketplace:inquiry-outcome", args=[inquiry.pk]), data)


def make_threads(trade, count: int):
    for i in range(count):
        buyer = BuyerFactory()
        if i % 2:
            BuyerProfile.objects.create(
                user=buyer, company=f"Co {i}", country="JP", buyer_type="retailer"
            )
        inquiry = Inquiry.objects.create(
            buyer=trade.buyer if i % 3 == 0 else buyer,
            business=trade.business,
            product=trade.product,
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
            inquiry=inquiry, author=trade.mentor, author_role="advisor", body="Advice"
        )
        Notification.objects.create(
            recipient=trade.owner,
            kind="inquiry_received",
            title="t",
            url=inquiry.get_absolute_url(),
            email_status="skipped",
        )


@pytest.mark.no_cover  # a matrix: see the README, "Coverage"
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", list(THREAD_MATRIX), ids=lambda v: f"{v[0]}-{v[1]}")
def test_thread_views_permission_matrix(client, trade, view, role):
    name, method = view
    inquiry = trade.inquiry
    if name == "inquiry-attachment":
        message = InquiryMessage.objects.create(
            inquiry=inquiry, author=trade.owner, author_role="supplier", body="Our quotation"
        )
        message.attachment.save("q.pdf", SimpleUploadedFile("q.pdf", PDF_BYTES))
        url = reverse(f"marketplace:{name}", args=[inquiry.pk, message.pk])
    else:
        url = reverse(f"marketplace:{name}", args=[inquiry.pk])
    login(client, trade.user(role))
    before = InquiryMessage.objects.count(), Inquiry.objects.get(pk=inquiry.pk).status
    response = getattr(client, method)(url, PAYLOADS.get(name, {}))
    expected = THREAD_MATRIX[view][role]
    assert_status(response, expected)
    if method == "post" and expected != 302:  # refused: nothing changed
        assert (InquiryMessage.objects.count(), Inquiry.objects.get(pk=inquiry.pk).status) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["product", "supplier"])
def test_inquiry_create_permission_matrix(client, trade, role, target):
    slug = trade.product.slug if target == "product" else trade.business.slug
    url = reverse(f"marketplace:inquiry-create-{target}", args=[slug])
    login(client, trade.user(role))
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
def test_inbox_permissions_and_scoping(client, trade, role):
    login(client, trade.user(role))
    response = client.get(reverse("marketplace:inquiry-list"))
    if role == "anonymous":
        assert_status(response, "login")
        return
    assert response.status_code == 200
    sees = role in {"buyer", "owner", "mentor", "staff"}
    assert ("Pineapple chips" in page(response)) is sees


# Sending an inquiry ------------------------------------------------------------------


def test_inquiry_from_product_saves_thread_and_notifies_owner_and_mentors(
    client, trade, mailoutbox, django_capture_on_commit_callbacks
):
    buyer = BuyerFactory()
    client.force_login(buyer)
    url = reverse("marketplace:inquiry-create-product", args=[trade.product.slug])
    form_page = client.get(url)
    assert "website_url" in page(form_page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, inquiry_data())
    inquiry = Inquiry.objects.get(buyer=buyer)
    assert response.status_code == 302
    assert response.url == inquiry.get_absolute_url()
    assert inquiry.business == trade.business
    assert inquiry.product == trade.product
    assert inquiry.status == "open"
    assert inquiry.first_reply_at is None
    assert (inquiry.quantity, inquiry.unit, inquiry.incoterm) == (500, "pack", "FOB")
    assert inquiry.target_price_usd == Decimal("1.80")
    assert (inquiry.destination_country, inquiry.destination_port) == ("NL", "Rotterdam")
    [message] = inquiry.messages.all()
    assert message.author == buyer
    assert message.author_role == "buyer"
    told = Notification.objects.filter(kind="inquiry_received", url=inquiry.get_absolute_url())
    assert {n.recipient for n in told} == {trade.owner, trade.mentor}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([trade.owner.email, trade.mentor.email])
    assert buyer.email not in [m.to[0] for m in mailoutbox]
    assert all("Pineapple chips" in m.subject for m in mailoutbox)


def test_inquiry_to_supplier(client, trade):
    client.force_login(trade.other_buyer)
    url = reverse("marketplace:inquiry-create-supplier", args=[trade.business.slug])
    response = client.post(url, inquiry_data(message="Do you make private-label chips?"))
    inquiry = Inquiry.objects.get(buyer=trade.other_buyer)
    assert response.status_code == 302
    assert inquiry.product is None
    assert inquiry.subject == trade.business.name


def test_unverified_buyer_is_refused_with_a_clear_message(
    client, trade, mailoutbox, django_capture_on_commit_callbacks
):
    unverified = BuyerFactory(verified=False)
    client.force_login(unverified)
    url = reverse("marketplace:inquiry-create-product", args=[trade.product.slug])
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


def test_rate_limit_eleventh_inquiry_in_an_hour_is_refused(client, trade):
    buyer = BuyerFactory()
    client.force_login(buyer)
    url = reverse("marketplace:inquiry-create-product", args=[trade.product.slug])
    for _ in range(10):
        assert client.post(url, inquiry_data()).status_code == 302
    response = client.post(url, inquiry_data())
    assert response.status_code == 200
    assert "You have sent 10 inquiries in the last hour" in page(response)
    assert Inquiry.objects.filter(buyer=buyer).count() == 10
    assert InquiryMessage.objects.filter(author=buyer).count() == 10


def test_honeypot_filled_gets_a_generic_error_and_creates_nothing(client, trade):
    client.force_login(trade.other_buyer)
    url = reverse("marketplace:inquiry-create-product", args=[trade.product.slug])
    count = Inquiry.objects.count()
    response = client.post(
        url, inquiry_data(website_url="http://spam.example", message="Cheap pills here now")
    )
    assert response.status_code == 200
    assert "We could not send this" in page(response)
    assert "Cheap pills here now" in page(response)  # nothing the person typed is lost
    assert Inquiry.objects.count() == count
    assert Notification.objects.filter(kind="inquiry_received").count() == 2  # the trade's


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
def test_bad_input_is_refused_and_nothing_saved(client, trade, data, field_error):
    client.force_login(trade.other_buyer)
    url = reverse("marketplace:inquiry-create-product", args=[trade.product.slug])
    response = client.post(url, inquiry_data(**data))
    assert response.status_code == 200
    assert field_error in response.context["form"].errors
    assert not Inquiry.objects.filter(buyer=trade.other_buyer).exists()


def test_draft_archived_or_hidden_targets_are_404(client, trade):
    client.force_login(trade.other_buyer)
    draft = ProductFactory(business=trade.business)
    archived = ProductFactory(business=trade.business, status=Product.Status.ARCHIVED)
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
    assert not Inquiry.objects.filter(buyer=trade.other_buyer).exists()


def test_first_supplier_reply_sets_first_reply_at_and_status_once(client, trade):
    inquiry = trade.inquiry
    client.force_login(trade.buyer)
    reply(client, inquiry, "Any update?")
    inquiry.refresh_from_db()
    assert inquiry.status == "open"
    assert inquiry.first_reply_at is None
    client.force_login(trade.owner)
    assert reply(client, inquiry, "Yes, US$ 1.90 FOB.").status_code == 302
    inquiry.refresh_from_db()
    first = inquiry.first_reply_at
    assert inquiry.status == "replied"
    assert first is not None
    reply(client, inquiry, "And samples are free.")
    inquiry.refresh_from_db()
    assert inquiry.first_reply_at == first


def test_supplier_reply_notifies_the_buyer_only(
    client, trade, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(trade.owner)
    with django_capture_on_commit_callbacks(execute=True):
        reply(client, trade.inquiry, "We can offer US$ 1.90 FOB Dumai.")
    assert [m.to for m in mailoutbox] == [[trade.buyer.email]]
    assert "US$ 1.90" in mailoutbox[0].body
    note = Notification.objects.get(recipient=trade.buyer, kind="inquiry_replied")
    assert note.url == trade.inquiry.get_absolute_url()
    assert not Notification.objects.filter(recipient=trade.owner, kind="inquiry_replied")


def test_buyer_reply_notifies_the_owner_only(
    client, trade, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(trade.buyer)
    with django_capture_on_commit_callbacks(execute=True):
        reply(client, trade.inquiry, "Can you ship in March?")
    assert [m.to for m in mailoutbox] == [[trade.owner.email]]
    assert Notification.objects.filter(recipient=trade.owner, kind="inquiry_replied").count() == 1
    assert not Notification.objects.filter(recipient=trade.buyer, kind="inquiry_replied")
    assert not Notification.objects.filter(recipient=trade.mentor, kind="inquiry_replied")


def test_advisory_message_is_labelled_and_hidden_from_the_buyer(
    client, trade, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(trade.mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = reply(client, trade.inquiry, "Quote CIF too; Dutch buyers like it.")
    assert response.status_code == 302
    message = trade.inquiry.messages.get(author=trade.mentor)
    assert message.author_role == "advisor"
    # Told to the owner (not the buyer, not the mentor who wrote it).
    assert [m.to for m in mailoutbox] == [[trade.owner.email]]
    assert Notification.objects.get(recipient=trade.owner, kind="inquiry_advice")
    # The thread did not move for the buyer.
    trade.inquiry.refresh_from_db()
    assert trade.inquiry.status == "open"
    assert trade.inquiry.first_reply_at is None
    for viewer in (trade.owner, trade.mentor, trade.staff):
        client.force_login(viewer)
        content = page(client.get(trade.inquiry.get_absolute_url()))
        assert tr(viewer, "Mentor advice") in content
        assert "Dutch buyers like it" in content
    client.force_login(trade.buyer)
    content = page(client.get(trade.inquiry.get_absolute_url()))
    assert "Dutch buyers like it" not in content
    assert "Mentor advice" not in content


def test_attachment_pdf_is_kept_and_served_as_download_to_participants(client, trade, tmp_path):
    client.force_login(trade.owner)
    response = reply(client, trade.inquiry, "Our quotation is attached.", attachment=pdf_upload())
    assert response.status_code == 302
    message = trade.inquiry.messages.get(author=trade.owner)
    assert message.attachment.name.endswith(".pdf")
    assert "quotation" not in message.attachment.name  # stored under a generated name
    assert len(stored_files(tmp_path)) == 1
    url = reverse("marketplace:inquiry-attachment", args=[trade.inquiry.pk, message.pk])
    for viewer in (trade.buyer, trade.owner, trade.mentor, trade.staff):
        client.force_login(viewer)
        download = client.get(url)
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment;")
        assert download["X-Content-Type-Options"] == "nosniff"
        assert b"".join(download.streaming_content) == PDF_BYTES
    for stranger in (trade.other_buyer, trade.other_owner, trade.other_mentor):
        client.force_login(stranger)
        assert client.get(url).status_code == 404


def test_html_renamed_pdf_is_refused_and_nothing_saved(client, trade, tmp_path):
    client.force_login(trade.owner)
    fake = SimpleUploadedFile("quotation.pdf", HTML_BYTES, content_type="application/pdf")
    count = InquiryMessage.objects.count()
    response = reply(client, trade.inquiry, "See attachment.", attachment=fake)
    assert response.status_code == 200
    assert tr(trade.owner, MSG_NOT_A_DOCUMENT) in page(response)
    assert "See attachment." in page(response)
    assert InquiryMessage.objects.count() == count
    assert stored_files(tmp_path) == []
    trade.inquiry.refresh_from_db()
    assert trade.inquiry.first_reply_at is None


def test_buyer_cannot_download_an_advisory_attachment(client, trade):
    client.force_login(trade.mentor)
    reply(client, trade.inquiry, "A price sheet for you.", attachment=pdf_upload())
    message = trade.inquiry.messages.get(author=trade.mentor)
    url = reverse("marketplace:inquiry-attachment", args=[trade.inquiry.pk, message.pk])
    client.force_login(trade.buyer)
    assert client.get(url).status_code == 404
    client.force_login(trade.owner)
    assert client.get(url).status_code == 200


def test_attachment_of_a_message_without_file_is_404(client, trade):
    message = trade.inquiry.messages.get()
    client.force_login(trade.buyer)
    url = reverse("marketplace:inquiry-attachment", args=[trade.inquiry.pk, message.pk])
    assert client.get(url).status_code == 404


def test_empty_reply_is_refused(client, trade):
    client.force_login(trade.owner)
    response = reply(client, trade.inquiry, "   ")
    assert response.status_code == 200
    assert trade.inquiry.messages.count() == 1


def test_outcome_deal_won_with_value_closes_the_thread(client, trade):
    client.force_login(trade.owner)
    response = outcome(client, trade.inquiry, outcome="deal_won", deal_value_usd="12500")
    assert response.status_code == 302
    trade.inquiry.refresh_from_db()
    assert trade.inquiry.outcome == "deal_won"
    assert trade.inquiry.deal_value_usd == Decimal("12500")
    assert trade.inquiry.status == "closed"
    # The buyer does not see the owner's record of the value.
    client.force_login(trade.buyer)
    assert "12500" not in page(client.get(trade.inquiry.get_absolute_url()))


def test_deal_value_without_deal_won_is_refused(client, trade):
    client.force_login(trade.owner)
    response = outcome(client, trade.inquiry, outcome="no_deal", deal_value_usd="300")
    assert response.status_code == 200
    assert tr(trade.owner, "A deal value can only be recorded for a deal won.") in page(response)
    trade.inquiry.refresh_from_db()
    assert (trade.inquiry.outcome, trade.inquiry.deal_value_usd) == ("", None)
    assert trade.inquiry.status == "open"


def test_sample_sent_keeps_the_thread_open_and_a_later_deal_closes_it(client, trade):
    client.force_login(trade.owner)
    reply(client, trade.inquiry, "Samples are on their way.")
    outcome(client, trade.inquiry, outcome="sample_sent")
    trade.inquiry.refresh_from_db()
    assert (trade.inquiry.outcome, trade.inquiry.status) == ("sample_sent", "replied")
    outcome(client, trade.inquiry, outcome="no_deal")
    trade.inquiry.refresh_from_db()
    assert (trade.inquiry.outcome, trade.inquiry.status) == ("no_deal", "closed")


def test_closed_thread_accepts_no_new_messages(client, trade):
    client.force_login(trade.owner)
    outcome(client, trade.inquiry, outcome="no_deal")
    for user in (trade.buyer, trade.owner, trade.mentor):
        client.force_login(user)
        response = reply(client, trade.inquiry, "One more thing")
        assert response.status_code == 200
        assert tr(user, services.MSG_CLOSED_THREAD) in page(response)
    assert trade.inquiry.messages.count() == 1


def test_spam_leaves_the_owner_inbox_and_the_buyer_is_not_told(
    client, trade, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(trade.staff)
    response = client.post(reverse("marketplace:inquiry-spam", args=[trade.inquiry.pk]))
    assert response.status_code == 302
    trade.inquiry.refresh_from_db()
    assert trade.inquiry.status == "spam"
    inbox = reverse("marketplace:inquiry-list")
    for supplier_side in (trade.owner, trade.mentor):
        client.force_login(supplier_side)
        assert "Pineapple chips" not in page(client.get(inbox))
        assert client.get(trade.inquiry.get_absolute_url()).status_code == 404
    # Staff: hidden by default, shown by the spam filter.
    client.force_login(trade.staff)
    assert "Pineapple chips" not in page(client.get(inbox))
    assert "Pineapple chips" in page(client.get(inbox, {"status": "spam"}))
    # The buyer sees the thread as before, is told nothing, and their reply tells nobody.
    client.force_login(trade.buyer)
    content = page(client.get(inbox))
    assert "Pineapple chips" in content
    assert "spam" not in content.lower()
    assert "spam" not in page(client.get(trade.inquiry.get_absolute_url())).lower()
    assert "Pineapple chips" in page(client.get(inbox, {"status": "open"}))
    with django_capture_on_commit_callbacks(execute=True):
        assert reply(client, trade.inquiry, "Hello?").status_code == 302
    assert mailoutbox == []
    assert not Notification.objects.filter(kind="inquiry_replied")


def test_staff_can_restore_a_thread_marked_as_spam(client, trade):
    client.force_login(trade.staff)
    url = reverse("marketplace:inquiry-spam", args=[trade.inquiry.pk])
    client.post(url, {"spam": "1"})
    client.post(url, {"spam": "0"})
    trade.inquiry.refresh_from_db()
    assert trade.inquiry.status == "open"
    client.force_login(trade.owner)
    assert client.get(trade.inquiry.get_absolute_url()).status_code == 200


# Inbox -------------------------------------------------------------------------------


def test_inbox_shows_unread_and_needs_reply_markers(client, trade):
    client.force_login(trade.owner)
    inbox = reverse("marketplace:inquiry-list")
    needs_reply = tr(trade.owner, "needs a reply")
    content = page(client.get(inbox))
    assert needs_reply in content
    assert 'class="unread"' in content
    client.get(trade.inquiry.get_absolute_url())  # reading clears "new"
    content = page(client.get(inbox))
    assert 'class="unread"' not in content
    assert needs_reply in content
    reply(client, trade.inquiry, "Thanks, here is our price.")
    assert needs_reply not in page(client.get(inbox))
    # The buyer now has an unread answer.
    client.force_login(trade.buyer)
    assert 'class="unread"' in page(client.get(inbox))


@pytest.mark.parametrize("role", ["buyer", "owner", "mentor", "staff"])
def test_inbox_query_count_does_not_grow_with_threads(client, trade, role):
    client.force_login(trade.user(role))
    url = reverse("marketplace:inquiry-list")
    make_threads(trade, 3)
    client.get(url)  # the header's unread count is cached from here on
    few = count_queries(client, url)
    make_threads(trade, 27)
    client.get(url)
    many = count_queries(client, url)
    assert few == many
    assert many <= 10


def test_thread_page_query_count_is_bounded(client, trade):
    client.force_login(trade.owner)
    for i in range(5):
        services.inquiry_message_create(inquiry=trade.inquiry, author=trade.owner, body=f"m{i}")
    few = count_queries(client, trade.inquiry.get_absolute_url())
    for i in range(20):
        services.inquiry_message_create(inquiry=trade.inquiry, author=trade.mentor, body=f"a{i}")
    assert count_queries(client, trade.inquiry.get_absolute_url()) == few
