"""Training: seats, waiting list, check-in, certificate and calendar feed.

A mentor publishes an in-person session with two seats; three owners register (the
third lands on the waiting list); the first cancels and the third gets the seat and
is told; the host checks the third in by the code on the ticket; after the session
the attendee downloads the certificate and finds the session in the calendar feed.
Arranged in the database: the approved mentor, the three owners with their
businesses, and the passing of time (the session is moved to the past once the
attendee is checked in).
"""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentoring.models import Registration, TrainingSession
from notifications.models import Notification

from ..factories import PASSWORD, BusinessFactory, MentorFactory, OwnerFactory
from .pages import emails_to, seen_on

pytestmark = [pytest.mark.browser, seen_on("phone")]

TITLE = "Foto produk dengan ponsel untuk katalog ekspor"
OWNERS = [
    ("siti@keripik.test", "Siti Rahmawati", "Keripik Nanas Siti"),
    ("usman@keripik.test", "Usman Hakim", "Keripik Pak Usman"),
    ("rosma@dapur.test", "Rosma Dewi", "Dapur Bunda Rosma"),
]


@pytest.fixture
def people(variant):
    host = MentorFactory(
        email="rizky@mentor.test", full_name="Rizky Ramdhani", language=variant.language("mentor")
    )
    owners = []
    for email, name, business in OWNERS:
        owner = OwnerFactory(email=email, full_name=name, language=variant.language("owner"))
        BusinessFactory(owner=owner, name=business)
        owners.append(owner)
    return host, owners


def local_input(day, hour: int) -> str:
    """A datetime-local value in the mentor's zone (Asia/Jakarta)."""
    moment = datetime.combine(day, time(hour, 0), tzinfo=timezone.get_default_timezone())
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_seats_waiting_list_check_in_and_certificate(journey, people):
    host_user, owner_users = people

    # The mentor creates the session and publishes it.
    host = journey.actor("mentor")
    host.log_in(host_user.email, PASSWORD)
    host.follow_nav("My trainings")
    host.link("New session").click()
    day = timezone.localdate() + timedelta(days=7)
    host.field("title").fill(TITLE)
    host.field("topic").select_option("photography")
    host.field("description (Indonesian)").fill("Memotret produk dengan ponsel dan cahaya jendela.")
    host.field("description (English)").fill("Shooting products with a phone and window light.")
    host.field("starts at").fill(local_input(day, 9))
    host.field("ends at").fill(local_input(day, 12))
    host.field("mode").select_option(TrainingSession.Mode.OFFLINE)
    host.field("venue").fill("Aula Disperindag Pekanbaru")
    host.field("city").fill("Pekanbaru")
    host.field("seats").fill("2")
    host.field("audience").select_option(TrainingSession.Audience.ALL)
    host.button("Save as draft").click()
    host.expect_message("The session is saved as a draft. Publish it when it is ready.")
    host.button("Publish").click()
    host.expect_message("The session is published in the training calendar.")
    host.shot("session-published")
    session = TrainingSession.objects.get(title=TITLE)
    assert session.status == TrainingSession.Status.PUBLISHED
    assert session.capacity == 2

    # Three owners register: two seats, then the waiting list.
    owners = []
    for number, user in enumerate(owner_users, start=1):
        owner = journey.actor("owner")
        owner.log_in(user.email, PASSWORD)
        owner.follow_nav("Trainings")
        owner.page.get_by_role("link", name=TITLE).click()
        expect(owner.field("Name of the person who comes")).to_have_value(user.full_name)
        if number == 3:
            expect(
                owner.page.get_by_text(
                    owner.t("All seats are taken; you can join the waiting list.")
                )
            ).to_be_visible()
            owner.fits_phone()
            owner.shot("session-full")
        owner.button("Register").click()
        if number < 3:
            owner.expect_message("The seat is confirmed. Here is the ticket.")
            expect(owner.heading("Ticket")).to_be_visible()
        else:
            owner.expect_message(
                "All seats are taken; you are on the waiting list and will be told if one frees."
            )
        owner.fits_phone()
        owners.append(owner)
    first, _second, third = owners
    third.shot("waitlisted")
    statuses = dict(session.registrations.values_list("business__owner__email", "status"))
    assert statuses == {
        OWNERS[0][0]: Registration.Status.CONFIRMED,
        OWNERS[1][0]: Registration.Status.CONFIRMED,
        OWNERS[2][0]: Registration.Status.WAITLISTED,
    }

    # The first owner cancels; the third moves up and is told.
    first.page.get_by_role("link", name=TITLE).click()
    first.button("Cancel my registration").click()
    first.expect_message("The registration of %(name)s is cancelled.", name=OWNERS[0][1])
    first.fits_phone()

    promoted_title = third.t("You have a seat: %(session)s", session=TITLE)
    assert any(
        promoted_title == message.subject.split("] ", 1)[-1] for message in emails_to(OWNERS[2][0])
    )
    third.follow_nav("Notifications")
    notice = third.page.get_by_role("listitem").filter(has_text=promoted_title)
    expect(notice).to_be_visible()
    third.fits_phone()
    third.shot("promoted-notification")
    notice.get_by_role("button", name=third.t("Open"), exact=True).click()
    expect(third.heading("Ticket")).to_be_visible()
    code = third.page.locator("dt", has_text=third.t("Ticket code")).locator(
        "xpath=following-sibling::dd[1]"
    )
    ticket_code = code.inner_text().strip()
    assert ticket_code == Registration.objects.get(business__owner=owner_users[2]).ticket_code
    third.fits_phone()
    third.shot("ticket")

    # The day comes: check-in opens an hour before the start.
    soon = timezone.now() + timedelta(minutes=30)
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=soon, ends_at=soon + timedelta(hours=3), registration_deadline=soon
    )

    # At the door, the host checks the third owner in by the code on the ticket.
    host.link("Participants and check-in").click()
    by_code = host.page.locator("form").filter(has=host.field("Ticket code"))
    host.field("Ticket code").fill(ticket_code.lower())
    by_code.get_by_role("button", name=host.t("Check in")).click()
    host.expect_message("%(name)s is checked in.", name=OWNERS[2][1])
    host.fits_phone()
    host.shot("checked-in")

    # The session took place; the host marks it done.
    now = timezone.now()
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=now - timedelta(hours=4),
        ends_at=now - timedelta(hours=1),
        registration_deadline=now - timedelta(hours=5),
    )
    host.page.reload()
    host.button("Mark as done").click()
    host.expect_message("The session is done; attendees can download their certificates.")
    assert Notification.objects.filter(
        recipient=owner_users[2], kind="attendance_certificate_ready"
    ).exists()

    # The attendee is told the certificate is ready and downloads it.
    third.follow_nav("Notifications")
    ready = third.page.get_by_role("listitem").filter(
        has_text=third.t("Certificate ready: %(session)s", session=TITLE)
    )
    ready.get_by_role("button", name=third.t("Open"), exact=True).click()
    with third.page.expect_download() as download:
        third.link("Download the certificate (PDF)").click()
    pdf = download.value
    assert pdf.suggested_filename.startswith("certificate-")
    with open(pdf.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    third.fits_phone()
    third.shot("certificate-ready")

    # The attendee subscribes to the calendar feed, which holds the session.
    third.follow_nav("My business")
    third.link("My trainings").click()
    expect(third.page.get_by_role("link", name=TITLE)).to_be_visible()
    third.fits_phone()
    third.link("Subscribe to your trainings in a calendar app").click()
    third.button("Create my calendar link").click()
    third.expect_message("Your calendar link is ready.")
    feed_url = third.field("Calendar address").input_value()
    third.fits_phone()
    third.shot("calendar-link")
    feed_path = "/" + feed_url.split("://", 1)[1].split("/", 1)[1]
    feed = third.page.request.get(feed_path)
    assert feed.ok
    assert feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in feed.text()
    assert f"SUMMARY:{TITLE}" in feed.text().replace("\r\n ", "")
