"""The staff work queues (/staff/queues/): what each queue holds and leaves out, the
action on every row (through the test client, with the notifications and emails that
follow), who may see and use them, CSRF, and a query count that does not grow with
the queues."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from backoffice import selectors as queue_selectors
from marketplace.models import Inquiry
from marketplace.services import inquiries_remind_unanswered
from mentoring.models import Mentorship
from notifications.models import Notification
from umkm.models import Business, Certification

from ..factories import (
    BusinessFactory,
    BuyerFactory,
    CertificationFactory,
    MentorFactory,
    MentorshipFactory,
    NotificationFactory,
    OwnerFactory,
    PendingMentorFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

QUEUES = "/staff/queues/"
KEYS = [
    "businesses",
    "certificates",
    "certificates_expiring",
    "mentors",
    "mentorship_requests",
    "unanswered_inquiries",
    "spam",
    "emails",
]
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# Helpers -----------------------------------------------------------------------------


def tr(message: str, language: str = "en") -> str:
    with translation.override(language):
        return gettext(message)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def section(content: str, key: str) -> str:
    match = re.search(rf'<section[^>]*data-queue="{key}".*?</section>', content, re.S)
    assert match, key
    return match.group(0)


def count_of(content: str, key: str) -> int:
    match = re.search(r"<[^>]*data-queue-count[^>]*>(\d+)<", section(content, key))
    assert match, key
    return int(match.group(1))


def rows_of(content: str, key: str) -> int:
    return section(content, key).count('<li class="queue-row">')


def queues_page(client) -> str:
    response = client.get(QUEUES)
    assert response.status_code == 200
    return response.content.decode()


def make_inquiry(*, business, buyer=None, hours_ago=49, **fields) -> Inquiry:
    inquiry = Inquiry.objects.create(
        buyer=buyer or BuyerFactory(),
        business=business,
        subject=fields.pop("subject", "Pineapple chips for Rotterdam"),
        quantity=500,
        unit="pack",
        incoterm="FOB",
        destination_country="NL",
        **fields,
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(
        created_at=timezone.now() - timedelta(hours=hours_ago)
    )
    inquiry.refresh_from_db()
    return inquiry


def make_request(*, days_ago, **fields) -> Mentorship:
    mentorship = MentorshipFactory(status=Mentorship.Status.REQUESTED, started_at=None, **fields)
    Mentorship.objects.filter(pk=mentorship.pk).update(
        requested_at=timezone.now() - timedelta(days=days_ago)
    )
    mentorship.refresh_from_db()
    return mentorship


@pytest.fixture
def staff_en(db):
    return StaffFactory(language="en")


@pytest.fixture
def staff_client(client, staff_en):
    client.force_login(staff_en)
    return client


# The page and each queue's content ------------------------------------------------------


def test_every_queue_is_on_the_page_empty_at_first(staff_client):
    content = queues_page(staff_client)
    for key in KEYS:
        assert count_of(content, key) == 0, key
        assert rows_of(content, key) == 0, key
    assert tr("No businesses are waiting.") in content
    assert tr("No mentor accounts are waiting.") in content
    assert tr("No inquiry is marked as spam.") in content
    assert "Work queues" in content


def test_businesses_queue_holds_active_unverified_businesses_oldest_first(staff_client):
    newer = BusinessFactory(name="Kopi Baru")
    older = BusinessFactory(name="Keripik Lama")
    Business.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=9))
    no_nib = BusinessFactory(name="Tanpa NIB", nib="")
    BusinessFactory(name="Sudah Diverifikasi", verified_at=timezone.now())
    BusinessFactory(name="Tidak Aktif", is_active=False)

    queue = section(queues_page(staff_client), "businesses")
    assert count_of(queue, "businesses") == 3
    assert queue.index("Keripik Lama") < queue.index("Kopi Baru") < queue.index("Tanpa NIB")
    assert "Sudah Diverifikasi" not in queue
    assert "Tidak Aktif" not in queue
    assert f"/umkm/business/{newer.slug}/verify/" in queue
    assert f"/umkm/business/{no_nib.slug}/verify/" not in queue
    assert tr("NIB missing: the owner must add it first") in queue
    assert "waiting 1\xa0week" in queue


def test_certificates_queue_holds_unverified_certificates_with_their_document(staff_client):
    business = BusinessFactory(name="Madu Hutan")
    with_doc = CertificationFactory(
        business=business,
        number="HALAL-DOC",
        verified_at=None,
        document=SimpleUploadedFile("halal.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    CertificationFactory(business=business, number="PIRT-NODOC", verified_at=None)
    CertificationFactory(business=business, number="ALREADY-OK")
    CertificationFactory(
        business=BusinessFactory(is_active=False), number="INACTIVE-BIZ", verified_at=None
    )

    content = queues_page(staff_client)
    queue = section(content, "certificates")
    assert count_of(content, "certificates") == 2
    assert "HALAL-DOC" in queue and "PIRT-NODOC" in queue
    assert "ALREADY-OK" not in queue and "INACTIVE-BIZ" not in queue
    document_url = f"/umkm/certifications/{with_doc.pk}/document/"
    assert document_url in queue
    assert tr("No document uploaded") in queue
    assert f"/umkm/certifications/{with_doc.pk}/verify/" in queue
    # The document link works for staff.
    response = staff_client.get(document_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_expiring_queue_holds_verified_certificates_within_30_days_and_expired_ones(
    staff_client,
):
    today = timezone.localdate()
    business = BusinessFactory(name="Batik Riau")
    CertificationFactory(business=business, number="IN-30", expires_on=today + timedelta(30))
    CertificationFactory(business=business, number="OUT-31", expires_on=today + timedelta(31))
    CertificationFactory(business=business, number="GONE-2", expires_on=today - timedelta(2))
    CertificationFactory(business=business, number="TODAY", expires_on=today)
    CertificationFactory(business=business, number="NEVER", expires_on=None)
    CertificationFactory(
        business=business, number="UNVERIFIED", expires_on=today + timedelta(3), verified_at=None
    )
    CertificationFactory(
        business=BusinessFactory(is_active=False), number="INACTIVE", expires_on=today
    )

    content = queues_page(staff_client)
    queue = section(content, "certificates_expiring")
    assert count_of(content, "certificates_expiring") == 3
    assert queue.index("GONE-2") < queue.index("TODAY") < queue.index("IN-30")
    for number in ("OUT-31", "NEVER", "UNVERIFIED", "INACTIVE"):
        assert number not in queue
    assert "expired 2 days ago" in queue
    assert "expires today" in queue
    assert "expires in 30 days" in queue
    assert f"/umkm/business/{business.slug}/certifications/" in queue


def test_mentors_queue_holds_active_unapproved_mentors(staff_client):
    waiting = PendingMentorFactory(full_name="Dewi Menunggu")
    PendingMentorFactory(full_name="Nonaktif", is_active=False)
    MentorFactory(full_name="Sudah Disetujui")

    content = queues_page(staff_client)
    queue = section(content, "mentors")
    assert count_of(content, "mentors") == 1
    assert "Dewi Menunggu" in queue and waiting.email in queue
    assert "Nonaktif" not in queue and "Sudah Disetujui" not in queue
    assert f"/staff/mentors/{waiting.pk}/approve/" in queue


def test_mentorship_requests_queue_holds_requests_in_their_last_two_days(staff_client):
    due = make_request(days_ago=12.05, business=BusinessFactory(name="Hampir Kedaluwarsa"))
    make_request(days_ago=11.9, business=BusinessFactory(name="Masih Lama"))
    make_request(days_ago=14.5, business=BusinessFactory(name="Lewat Belum Disapu"))
    MentorshipFactory(business=BusinessFactory(name="Sudah Aktif"))
    expired = make_request(days_ago=20, business=BusinessFactory(name="Sudah Kedaluwarsa"))
    Mentorship.objects.filter(pk=expired.pk).update(status=Mentorship.Status.EXPIRED)

    content = queues_page(staff_client)
    queue = section(content, "mentorship_requests")
    assert count_of(content, "mentorship_requests") == 2
    assert queue.index("Lewat Belum Disapu") < queue.index("Hampir Kedaluwarsa")
    for name in ("Masih Lama", "Sudah Aktif", "Sudah Kedaluwarsa"):
        assert name not in queue
    assert "expires in 1\xa0day" in queue
    assert tr("expires at the next hourly sweep") in queue
    assert f"/mentoring/mentorships/{due.pk}/" in queue
    assert f"/mentoring/assign/?business={due.business_id}" in queue


def test_the_assign_link_preselects_the_business(staff_client):
    due = make_request(days_ago=13)
    content = staff_client.get(f"/mentoring/assign/?business={due.business_id}").content
    assert f'<option value="{due.business_id}" selected>'.encode() in content
    # Junk in the query string is ignored.
    assert staff_client.get("/mentoring/assign/", {"business": "x' or 1"}).status_code == 200


def test_unanswered_queue_holds_open_inquiries_without_reply_after_48_hours(staff_client):
    business = BusinessFactory(name="Kopi Kampar")
    in_49 = make_inquiry(business=business, hours_ago=49, subject="Forty-nine hours")
    make_inquiry(business=business, hours_ago=47, subject="Forty-seven hours")
    make_inquiry(business=business, hours_ago=60, subject="Spam thread", status="spam")
    make_inquiry(
        business=business,
        hours_ago=60,
        subject="Replied thread",
        status="replied",
        first_reply_at=timezone.now() - timedelta(hours=50),
    )
    make_inquiry(business=business, hours_ago=60, subject="Closed thread", status="closed")
    make_inquiry(
        business=BusinessFactory(is_active=False), hours_ago=60, subject="Inactive supplier"
    )
    oldest = make_inquiry(business=business, hours_ago=100, subject="Hundred hours")

    content = queues_page(staff_client)
    queue = section(content, "unanswered_inquiries")
    assert count_of(content, "unanswered_inquiries") == 2
    assert queue.index("Hundred hours") < queue.index("Forty-nine hours")
    for subject in ("Forty-seven", "Spam thread", "Replied thread", "Closed", "Inactive"):
        assert subject not in queue
    assert in_49.get_absolute_url() in queue
    assert f"/staff/queues/inquiries/{oldest.pk}/remind/" in queue
    assert "sent 2\xa0days, 1\xa0hour ago" in queue  # 49 hours


def test_spam_queue_lists_spam_newest_first_with_a_way_back(staff_client):
    business = BusinessFactory()
    old = make_inquiry(business=business, subject="Old spam", status="spam")
    new = make_inquiry(business=business, subject="New spam", status="spam")
    Inquiry.objects.filter(pk=old.pk).update(last_message_at=timezone.now() - timedelta(days=3))
    make_inquiry(business=business, subject="Honest question")

    content = queues_page(staff_client)
    queue = section(content, "spam")
    assert count_of(content, "spam") == 2
    assert queue.index("New spam") < queue.index("Old spam")
    assert "Honest question" not in queue
    assert reverse("marketplace:inquiry-spam", args=[new.pk]) in queue
    assert 'name="spam" value="0"' in queue
    assert f"/admin/accounts/user/{new.buyer_id}/change/" in queue


def test_email_queue_counts_failed_and_waiting_emails(staff_client):
    NotificationFactory.create_batch(2, email_status=Notification.EmailStatus.FAILED)
    NotificationFactory(email_status=Notification.EmailStatus.PENDING)
    NotificationFactory(email_status=Notification.EmailStatus.SENDING)
    NotificationFactory(email_status=Notification.EmailStatus.SENT)

    content = queues_page(staff_client)
    queue = section(content, "emails")
    assert count_of(content, "emails") == 2
    assert re.search(r'<span class="figure-value">2</span>', queue)  # pending + sending
    assert "/admin/notifications/notification/?email_status__exact=failed" in queue


def test_a_long_queue_shows_its_first_rows_and_how_many_more(staff_client, monkeypatch):
    monkeypatch.setattr(queue_selectors, "QUEUE_ROWS", 2)
    BusinessFactory.create_batch(5)
    content = queues_page(staff_client)
    assert count_of(content, "businesses") == 5
    assert rows_of(content, "businesses") == 2
    assert "and 3 more" in section(content, "businesses")
    assert "/umkm/staff/verification/" in section(content, "businesses")


def test_the_verification_page_lists_the_same_rows(staff_client):
    business = BusinessFactory(name="Sama Saja")
    cert = CertificationFactory(number="SAME-CERT", verified_at=None)
    BusinessFactory(name="Tidak Aktif", is_active=False)
    response = staff_client.get("/umkm/staff/verification/")
    assert list(response.context["businesses"]) == [business, cert.business]
    assert list(response.context["certifications"]) == [cert]


# Actions -----------------------------------------------------------------------------


def test_verify_a_business_from_the_queue(
    staff_client, staff_en, django_capture_on_commit_callbacks
):
    business = BusinessFactory(name="Lempuk Durian")
    url = f"/umkm/business/{business.slug}/verify/"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"next": QUEUES, **CONFIRMED}, follow=True)
    assert response.redirect_chain == [(QUEUES, 302)]
    assert "Lempuk Durian is verified." in messages_of(response)
    assert "Lempuk Durian" not in section(response.content.decode(), "businesses")
    business.refresh_from_db()
    assert business.verified_by == staff_en
    assert Notification.objects.get(recipient=business.owner).kind == "business_verified"
    assert [m.to for m in mail.outbox] == [[business.owner.email]]

    # A second click changes nothing and says so.
    verified_at = business.verified_at
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"next": QUEUES, **CONFIRMED}, follow=True)
    assert response.redirect_chain == [(QUEUES, 302)]
    assert "Lempuk Durian was already verified." in messages_of(response)
    business.refresh_from_db()
    assert business.verified_at == verified_at
    assert len(mail.outbox) == 1


def test_verify_a_certificate_from_the_queue(
    staff_client, staff_en, django_capture_on_commit_callbacks
):
    cert = CertificationFactory(number="HALAL-77", verified_at=None)
    url = f"/umkm/certifications/{cert.pk}/verify/"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"next": QUEUES}, follow=True)
    assert response.redirect_chain == [(QUEUES, 302)]
    assert tr("The certificate is verified.") in messages_of(response)
    assert "HALAL-77" not in section(response.content.decode(), "certificates")
    cert.refresh_from_db()
    assert cert.verified_by == staff_en
    assert mail.outbox == []  # certification_verify tells nobody

    response = staff_client.post(url, {"next": QUEUES}, follow=True)
    assert tr("The certificate was already verified.") in messages_of(response)
    assert Certification.objects.get(pk=cert.pk).verified_at == cert.verified_at


def test_approve_a_mentor_from_the_queue(
    staff_client, staff_en, django_capture_on_commit_callbacks
):
    mentor = PendingMentorFactory(full_name="Rina Bandung")
    url = f"/staff/mentors/{mentor.pk}/approve/"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"next": QUEUES}, follow=True)
    assert response.redirect_chain == [(QUEUES, 302)]
    assert "Rina Bandung can now act as a mentor." in messages_of(response)
    assert "Rina Bandung" not in section(response.content.decode(), "mentors")
    mentor.refresh_from_db()
    assert mentor.mentor_approved_by == staff_en
    assert Notification.objects.get(recipient=mentor).kind == "mentor_approved"
    assert [m.to for m in mail.outbox] == [[mentor.email]]

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, follow=True)  # no next: back to the queues too
    assert response.redirect_chain == [(QUEUES, 302)]
    assert "Rina Bandung was already approved." in messages_of(response)
    assert Notification.objects.filter(recipient=mentor).count() == 1
    assert len(mail.outbox) == 1


def test_approve_refuses_an_open_redirect(staff_client):
    mentor = PendingMentorFactory()
    response = staff_client.post(
        f"/staff/mentors/{mentor.pk}/approve/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == QUEUES


def test_remind_the_business_of_an_unanswered_inquiry(
    staff_client, django_capture_on_commit_callbacks
):
    owner = OwnerFactory(language="en")
    business = BusinessFactory(owner=owner, name="Kopi Kampar")
    mentor = MentorshipFactory(business=business).mentor
    inquiry = make_inquiry(business=business, hours_ago=50, subject="Coffee for Hamburg")
    url = f"/staff/queues/inquiries/{inquiry.pk}/remind/"

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"next": QUEUES}, follow=True)
    assert response.redirect_chain == [(QUEUES, 302)]
    assert "The owner of Kopi Kampar is reminded to answer “Coffee for Hamburg”." in messages_of(
        response
    )
    notification = Notification.objects.get(recipient=owner)
    assert notification.kind == "inquiry_unanswered"
    assert notification.url == inquiry.get_absolute_url()
    assert "Coffee for Hamburg" in notification.title
    assert "50 hours" in notification.body
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert not Notification.objects.filter(recipient=mentor).exists()
    # The row stays (still unanswered) but says the owner was reminded, without a button.
    queue = section(response.content.decode(), "unanswered_inquiries")
    assert "Coffee for Hamburg" in queue
    assert "Staff reminded the owner on" in queue
    assert url not in queue

    # A second click writes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"next": QUEUES}, follow=True)
    assert "Staff already reminded the owner of this inquiry." in messages_of(response)
    assert Notification.objects.filter(recipient=owner).count() == 1
    assert len(mail.outbox) == 1

    # The hourly job still sends its own reminder, to the owner and the mentor.
    assert inquiries_remind_unanswered() == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"hours_ago": 47},
        {"status": "spam"},
        {"status": "closed"},
        {"status": "replied", "first_reply_at": timezone.now()},
    ],
    ids=["too-young", "spam", "closed", "replied"],
)
def test_remind_refuses_an_inquiry_that_is_not_waiting(staff_client, fields):
    inquiry = make_inquiry(business=BusinessFactory(), **{"hours_ago": 60, **fields})
    response = staff_client.post(
        f"/staff/queues/inquiries/{inquiry.pk}/remind/", {"next": QUEUES}, follow=True
    )
    assert response.redirect_chain == [(QUEUES, 302)]
    assert (
        "Only an inquiry left without a reply for 48 hours can be reminded about."
        in messages_of(response)
    )
    assert not Notification.objects.exists()


def test_not_spam_puts_the_inquiry_back(staff_client):
    inquiry = make_inquiry(business=BusinessFactory(), hours_ago=60, status="spam")
    url = reverse("marketplace:inquiry-spam", args=[inquiry.pk])
    response = staff_client.post(url, {"spam": "0", "next": QUEUES}, follow=True)
    assert response.redirect_chain == [(QUEUES, 302)]
    assert tr("The inquiry is no longer marked as spam.") in messages_of(response)
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.OPEN
    content = response.content.decode()
    assert count_of(content, "spam") == 0
    assert inquiry.subject in section(content, "unanswered_inquiries")

    # Again: nothing changes, no error.
    response = staff_client.post(url, {"spam": "0", "next": QUEUES})
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.OPEN


def test_the_spam_button_without_next_still_goes_to_the_thread(staff_client):
    inquiry = make_inquiry(business=BusinessFactory(), status="spam")
    response = staff_client.post(
        reverse("marketplace:inquiry-spam", args=[inquiry.pk]), {"spam": "0"}
    )
    assert response["Location"] == inquiry.get_absolute_url()


@pytest.mark.parametrize(
    "url",
    ["/staff/mentors/999999/approve/", "/staff/queues/inquiries/999999/remind/"],
)
def test_unknown_rows_are_404(staff_client, url):
    assert staff_client.post(url).status_code == 404


def test_approve_is_404_for_a_non_mentor(staff_client):
    owner = OwnerFactory()
    assert staff_client.post(f"/staff/mentors/{owner.pk}/approve/").status_code == 404


# Permissions, POST only, CSRF ------------------------------------------------------------

OUTSIDERS = ["anonymous", "owner", "mentor", "pending_mentor", "buyer"]


@pytest.fixture
def rows(db):
    """One row of each queue with an action."""
    return {
        "business": BusinessFactory(),
        "certification": CertificationFactory(verified_at=None),
        "mentor": PendingMentorFactory(),
        "unanswered": make_inquiry(business=BusinessFactory(), hours_ago=60),
        "spam": make_inquiry(business=BusinessFactory(), hours_ago=60, status="spam"),
    }


# The confirm step of a business's verification, for a business without its NIB
# document (the factories upload none): the box ticked and the reason recorded.
CONFIRMED = {"confirm": "on", "reason": "Checked in the OSS register"}


def action_urls(rows) -> list[tuple[str, dict]]:
    return [
        (f"/umkm/business/{rows['business'].slug}/verify/", {"next": QUEUES, **CONFIRMED}),
        (f"/umkm/certifications/{rows['certification'].pk}/verify/", {"next": QUEUES}),
        (f"/staff/mentors/{rows['mentor'].pk}/approve/", {"next": QUEUES}),
        (f"/staff/queues/inquiries/{rows['unanswered'].pk}/remind/", {"next": QUEUES}),
        (
            reverse("marketplace:inquiry-spam", args=[rows["spam"].pk]),
            {"spam": "0", "next": QUEUES},
        ),
    ]


def assert_nothing_changed(rows) -> None:
    assert Business.objects.get(pk=rows["business"].pk).verified_at is None
    assert Certification.objects.get(pk=rows["certification"].pk).verified_at is None
    rows["mentor"].refresh_from_db()
    assert rows["mentor"].mentor_approved_at is None
    assert Inquiry.objects.get(pk=rows["spam"].pk).status == Inquiry.Status.SPAM
    assert not Notification.objects.exists()
    assert mail.outbox == []


def login_as(client, actor):
    factories = {
        "owner": OwnerFactory,
        "mentor": MentorFactory,
        "pending_mentor": PendingMentorFactory,
        "buyer": BuyerFactory,
    }
    if actor != "anonymous":
        client.force_login(factories[actor]())


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_only_staff_see_the_queues(client, actor):
    login_as(client, actor)
    response = client.get(QUEUES)
    if actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={QUEUES}"
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_only_staff_can_act(client, actor, rows, django_capture_on_commit_callbacks):
    login_as(client, actor)
    with django_capture_on_commit_callbacks(execute=True):
        for url, data in action_urls(rows):
            response = client.post(url, data)
            if actor == "anonymous":
                assert response.status_code == 302, url
                assert response["Location"].startswith("/accounts/login/?next="), url
            else:
                assert response.status_code == 404, url
    assert_nothing_changed(rows)


def test_actions_are_post_only(staff_client, rows):
    for url, _data in action_urls(rows):
        # A business's verification opens its confirm page (documents and a form).
        expected = 200 if url.startswith("/umkm/business/") else 405
        assert staff_client.get(url).status_code == expected, url
    assert_nothing_changed(rows)


def test_actions_need_the_csrf_token(staff_en, rows, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_en)
    for url, data in action_urls(rows):
        assert client.post(url, data).status_code == 403, url
    assert_nothing_changed(rows)

    # With the token the page's forms carry, they work.
    page = client.get(QUEUES).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        for url, data in action_urls(rows):
            response = client.post(url, {**data, "csrfmiddlewaretoken": token})
            assert response.status_code == 302, url
            assert response["Location"] == QUEUES, url
    assert Business.objects.get(pk=rows["business"].pk).verified_at is not None
    assert Certification.objects.get(pk=rows["certification"].pk).verified_at is not None
    assert Inquiry.objects.get(pk=rows["spam"].pk).status == Inquiry.Status.OPEN
    assert Notification.objects.filter(kind="inquiry_unanswered").count() == 1


# Navigation ----------------------------------------------------------------------------


def nav_of(content: str) -> str:
    return re.search(r'<nav aria-label="[^"]*" class="main-nav">(.*?)</nav>', content, re.S)[1]


def test_staff_navigation_has_the_queues_after_the_dashboard(staff_client):
    nav = nav_of(staff_client.get("/catalogue/").content.decode())
    assert nav.index("Programme dashboard") < nav.index("Work queues")
    assert f'href="{QUEUES}"' in nav


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_others_have_no_queues_in_the_navigation(client, actor):
    login_as(client, actor)
    assert QUEUES not in nav_of(client.get("/catalogue/").content.decode())


# Queries -------------------------------------------------------------------------------


def fill_queues(n: int) -> None:
    """``n`` rows in every queue."""
    today = timezone.localdate()
    for i in range(n):
        business = BusinessFactory()
        CertificationFactory(business=business, verified_at=None)
        CertificationFactory(
            business=business, kind="pirt", expires_on=today + timedelta(days=i % 30)
        )
        PendingMentorFactory()
        make_request(days_ago=13, business=business)
        make_inquiry(business=business, hours_ago=60)
        make_inquiry(business=business, hours_ago=60, status="spam")
        NotificationFactory(email_status=Notification.EmailStatus.FAILED)


# session, user, 8 queues × (rows + total when they overflow), staff reminders, emails,
# the unread badge, the NIB documents of the businesses' rows.
QUERY_BUDGET = 22


@pytest.mark.parametrize("n", [3, 30])
def test_queries_do_not_grow_with_the_queues(
    staff_client, django_assert_max_num_queries, n, monkeypatch
):
    fill_queues(n)
    # A few staff reminders, so the row decorations are exercised too.
    for inquiry in Inquiry.objects.filter(status="open")[:2]:
        staff_client.post(f"/staff/queues/inquiries/{inquiry.pk}/remind/")
    with django_assert_max_num_queries(QUERY_BUDGET):
        content = queues_page(staff_client)
    for key in KEYS:
        assert count_of(content, key) == n, key
    assert rows_of(content, "businesses") == n


def test_queries_stay_bounded_when_the_queues_overflow(
    staff_client, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(queue_selectors, "QUEUE_ROWS", 2)
    fill_queues(4)
    with django_assert_max_num_queries(QUERY_BUDGET):
        content = queues_page(staff_client)
    for key in KEYS:
        assert count_of(content, key) == 4, key
    assert rows_of(content, "spam") == 2
