"""Trainings: sessions, registration and the waiting list, tickets, check-in, feedback,
certificates, reminders, as the people who use them see them.

Every page is driven through the test client with the whole cast (the host, another
mentor, a pending mentor, a registered owner, a waitlisted owner, an owner who did not
register, a buyer, staff, anonymous): who may open it, what it shows and hides (the
join link), what the forms accept and refuse, the notifications and emails that
follow, and the number of queries. Seat counting under parallel requests is proven on
PostgreSQL in ``test_training_concurrency``; calendar files in ``test_ical``.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentoring import tasks
from mentoring.models import (
    Mentorship,
    Registration,
    SessionMaterial,
    TrainingSession,
)
from mentoring.services import trainings as services
from notifications.models import Notification

from ..factories import (
    JOIN_LINK,
    SECRET,
    BusinessFactory,
    BuyerFactory,
    DraftSessionFactory,
    MentorFactory,
    MentorshipFactory,
    OwnerFactory,
    PastSessionFactory,
    PendingMentorFactory,
    RegistrationFactory,
    StaffFactory,
    TrainingSessionFactory,
    UserFactory,
)
from ..support.pdfs import pdf_file

pytestmark = pytest.mark.django_db

PDF_BYTES = pdf_file()  # a whole PDF: uploads are parsed


# Helpers -------------------------------------------------------------------------------


def text_of(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def login_url_for(url: str) -> str:
    return f"{reverse('account_login')}?next={quote(url)}"


def notifications(kind: str, recipient=None) -> list[Notification]:
    rows = Notification.objects.filter(kind=kind)
    if recipient is not None:
        rows = rows.filter(recipient=recipient)
    return list(rows)


def english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def session_form_data(**overrides) -> dict:
    data = {
        "title": "Kemasan untuk ekspor",
        "topic": "packaging",
        "description_id": "Kemasan yang tahan perjalanan jauh.",
        "description_en": "Packaging that survives long journeys.",
        "starts_at": "2030-01-15T09:00",
        "ends_at": "2030-01-15T11:30",
        "mode": "hybrid",
        "venue": "Gedung Disperindag",
        "city": "Pekanbaru",
        "join_link": JOIN_LINK,
        "capacity": "20",
        "registration_deadline": "2030-01-14T17:00",
        "audience": "all",
    }
    data.update(overrides)
    return data


# The cast ------------------------------------------------------------------------------


@dataclass
class World:
    host: object
    other_mentor: object
    pending_mentor: object
    owner: object  # registered, confirmed seat
    waitlisted_owner: object
    other_owner: object  # has a business, not registered
    buyer: object
    staff: object
    session: TrainingSession
    draft: TrainingSession
    registration: Registration
    waitlisted: Registration
    business: object
    other_business: object


@pytest.fixture
def world() -> World:
    host = english(MentorFactory(full_name="Rina Bandung"))
    session = TrainingSessionFactory(host=host, capacity=1, title="Ekspor ke Malaysia")
    registration = RegistrationFactory(session=session, attendee_name="Siti Aminah")
    waitlisted = RegistrationFactory(session=session, status=Registration.Status.WAITLISTED)
    other_business = BusinessFactory()
    return World(
        host=host,
        other_mentor=english(MentorFactory()),
        pending_mentor=english(PendingMentorFactory()),
        owner=english(registration.business.owner),
        waitlisted_owner=english(waitlisted.business.owner),
        other_owner=english(other_business.owner),
        buyer=english(BuyerFactory()),
        staff=english(StaffFactory()),
        session=session,
        draft=DraftSessionFactory(host=host, title="Draf rahasia"),
        registration=registration,
        waitlisted=waitlisted,
        business=registration.business,
        other_business=other_business,
    )


ROLES = [
    "host",
    "other_mentor",
    "pending_mentor",
    "owner",
    "waitlisted_owner",
    "other_owner",
    "buyer",
    "staff",
    "anonymous",
]


def login(client, world: World, role: str):
    if role != "anonymous":
        client.force_login(getattr(world, role))
    return client


# Permissions: every page, every role ---------------------------------------------------

# Expected status per role; "login" means a redirect to the sign-in page.
HOST_AND_STAFF = {
    "host": 200,
    "staff": 200,
    "other_mentor": 404,
    "pending_mentor": 404,
    "owner": 404,
    "waitlisted_owner": 404,
    "other_owner": 404,
    "buyer": 404,
    "anonymous": "login",
}
EVERYONE = dict.fromkeys(ROLES, 200)
TICKET_VIEWERS = {
    "owner": 200,
    "host": 200,
    "staff": 200,
    "other_mentor": 404,
    "pending_mentor": 404,
    "waitlisted_owner": 404,
    "other_owner": 404,
    "buyer": 404,
    "anonymous": "login",
}

GET_PAGES = {
    "session-list": (lambda w: reverse("mentoring:session-list"), EVERYONE),
    "session-detail": (lambda w: w.session.get_absolute_url(), EVERYONE),
    "session-detail-draft": (
        lambda w: w.draft.get_absolute_url(),
        {**dict.fromkeys(ROLES, 404), "host": 200, "staff": 200},
    ),
    "session-ics": (lambda w: reverse("mentoring:session-ics", args=[w.session.pk]), EVERYONE),
    "session-ics-draft": (
        lambda w: reverse("mentoring:session-ics", args=[w.draft.pk]),
        dict.fromkeys(ROLES, 404),
    ),
    "session-create": (
        lambda w: reverse("mentoring:session-create"),
        {
            "host": 200,
            "other_mentor": 200,
            "pending_mentor": "pending",
            "owner": 403,
            "waitlisted_owner": 403,
            "other_owner": 403,
            "buyer": 403,
            "staff": 403,
            "anonymous": "login",
        },
    ),
    "session-edit": (
        lambda w: reverse("mentoring:session-edit", args=[w.session.pk]),
        HOST_AND_STAFF,
    ),
    "session-cancel": (
        lambda w: reverse("mentoring:session-cancel", args=[w.session.pk]),
        HOST_AND_STAFF,
    ),
    "session-materials": (
        lambda w: reverse("mentoring:session-materials", args=[w.session.pk]),
        HOST_AND_STAFF,
    ),
    "session-check-in": (
        lambda w: reverse("mentoring:session-check-in", args=[w.session.pk]),
        HOST_AND_STAFF,
    ),
    "session-register": (
        lambda w: reverse("mentoring:session-register", args=[w.session.pk]),
        {
            "owner": 200,
            "waitlisted_owner": 200,
            "other_owner": 200,
            "staff": 200,
            "host": 403,
            "other_mentor": 403,
            "pending_mentor": 403,
            "buyer": 403,
            "anonymous": "login",
        },
    ),
    "session-register-draft": (
        lambda w: reverse("mentoring:session-register", args=[w.draft.pk]),
        {**dict.fromkeys(ROLES, 404), "staff": 200, "host": 403, "anonymous": "login"},
    ),
    "session-month": (
        lambda w: reverse("mentoring:session-month", args=[2030, 1]),
        {
            "host": 200,
            "other_mentor": 200,
            "pending_mentor": "pending",
            "owner": 403,
            "waitlisted_owner": 403,
            "other_owner": 403,
            "buyer": 403,
            "staff": 403,
            "anonymous": "login",
        },
    ),
    "registration-list": (
        lambda w: reverse("mentoring:registration-list"),
        {
            "owner": 200,
            "waitlisted_owner": 200,
            "other_owner": 200,
            "host": 403,
            "other_mentor": 403,
            "pending_mentor": 403,
            "buyer": 403,
            "staff": 403,
            "anonymous": "login",
        },
    ),
    "registration-ticket": (
        lambda w: reverse("mentoring:registration-ticket", args=[w.registration.pk]),
        TICKET_VIEWERS,
    ),
    "registration-feedback": (
        lambda w: reverse("mentoring:registration-feedback", args=[w.registration.pk]),
        {**dict.fromkeys(ROLES, 404), "owner": 200, "anonymous": "login"},
    ),
    "certificate-verify": (lambda w: reverse("mentoring:certificate-verify"), EVERYONE),
    "calendar-feed": (
        lambda w: reverse("mentoring:calendar-feed"),
        {**dict.fromkeys(ROLES, 200), "anonymous": "login"},
    ),
}


def check_status(response, expected, url):
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"] == login_url_for(url)
    elif expected == "pending":
        assert response.status_code == 302
        assert response["Location"] == reverse("mentoring:pending")
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("page", list(GET_PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_each_page(client, world, page, role):
    make_url, expected = GET_PAGES[page]
    url = make_url(world)
    response = login(client, world, role).get(url)
    check_status(response, expected[role], url)


POST_ACTIONS = {
    "session-publish": lambda w: reverse("mentoring:session-publish", args=[w.draft.pk]),
    "session-done": lambda w: reverse("mentoring:session-done", args=[w.session.pk]),
    "registration-check-in": lambda w: reverse(
        "mentoring:registration-check-in", args=[w.registration.pk]
    ),
}


@pytest.mark.parametrize("action", list(POST_ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_run_host_actions(client, world, action, role):
    url = POST_ACTIONS[action](world)
    response = login(client, world, role).post(url)
    expected = HOST_AND_STAFF[role]
    if expected == 200:
        assert response.status_code == 302  # done, or refused with a message
    else:
        check_status(response, expected, url)
        world.draft.refresh_from_db()
        world.registration.refresh_from_db()
        assert world.draft.status == TrainingSession.Status.DRAFT
        assert world.registration.status == Registration.Status.CONFIRMED


@pytest.mark.parametrize("role", ROLES)
def test_who_may_cancel_a_registration(client, world, role):
    url = reverse("mentoring:registration-cancel", args=[world.registration.pk])
    response = login(client, world, role).post(url)
    expected = TICKET_VIEWERS[role]
    world.registration.refresh_from_db()
    if expected == 200:
        assert response.status_code == 302
        assert world.registration.status == Registration.Status.CANCELLED
    else:
        check_status(response, expected, url)
        assert world.registration.status == Registration.Status.CONFIRMED


@pytest.mark.parametrize("role", ROLES)
def test_who_may_remove_materials(client, world, role):
    material = SessionMaterial.objects.create(
        session=world.session, title="Slides", file=SimpleUploadedFile("s.pdf", PDF_BYTES)
    )
    url = reverse("mentoring:material-delete", args=[material.pk])
    response = login(client, world, role).post(url)
    expected = HOST_AND_STAFF[role]
    if expected == 200:
        assert response["Location"] == reverse(
            "mentoring:session-materials", args=[world.session.pk]
        )
        assert not SessionMaterial.objects.exists()
    else:
        check_status(response, expected, url)
        assert SessionMaterial.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_my_schedule_sends_mentors_to_this_month(client, world, role):
    url = reverse("mentoring:session-mine")
    response = login(client, world, role).get(url)
    expected = GET_PAGES["session-month"][1][role]
    if expected == 200:
        today = timezone.localdate()
        assert response["Location"] == reverse(
            "mentoring:session-month", args=[today.year, today.month]
        )
    else:
        check_status(response, expected, url)


@pytest.mark.parametrize("role", ROLES)
def test_join_link_only_for_seat_holders_the_host_and_staff(client, world, role):
    response = login(client, world, role).get(world.session.get_absolute_url())
    assert response.status_code == 200
    shown = SECRET in text_of(response)
    assert shown is (role in {"host", "staff", "owner"})


@pytest.mark.parametrize("role", ROLES)
def test_the_public_calendar_never_shows_join_links(client, world, role):
    response = login(client, world, role).get(reverse("mentoring:session-list"))
    assert world.session.title in text_of(response)
    assert SECRET not in text_of(response)
    assert world.draft.title not in text_of(response)


def test_materials_only_for_participants(client, world):
    material = SessionMaterial.objects.create(
        session=world.session,
        title="Slides",
        file=SimpleUploadedFile("slides.pdf", PDF_BYTES),
    )
    url = reverse("mentoring:material-download", args=[material.pk])
    for role, expected in [
        ("host", 200),
        ("staff", 200),
        ("owner", 200),
        ("waitlisted_owner", 404),
        ("other_owner", 404),
        ("other_mentor", 404),
        ("buyer", 404),
        ("anonymous", "login"),
    ]:
        client.logout()
        response = login(client, world, role).get(url)
        check_status(response, expected, url)
        if expected == 200:
            assert b"".join(response.streaming_content) == PDF_BYTES
            assert response["Content-Disposition"].startswith("attachment")


def test_host_uploads_and_removes_materials(client, world, settings):
    client.force_login(world.host)
    url = reverse("mentoring:session-materials", args=[world.session.pk])
    response = client.post(
        url, {"title": "Checklist", "file": SimpleUploadedFile("c.pdf", PDF_BYTES)}
    )
    assert response.status_code == 302
    material = SessionMaterial.objects.get(session=world.session)
    assert material.file.name.endswith(".pdf")
    assert "Checklist" in text_of(client.get(world.session.get_absolute_url()))

    bad = client.post(
        url, {"title": "Script", "file": SimpleUploadedFile("x.pdf", b"#!/bin/sh\necho")}
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors["file"]
    assert SessionMaterial.objects.count() == 1

    client.force_login(world.other_mentor)
    delete_url = reverse("mentoring:material-delete", args=[material.pk])
    assert client.post(delete_url).status_code == 404
    client.force_login(world.host)
    assert client.post(delete_url).status_code == 302
    assert not SessionMaterial.objects.exists()


# Creating and editing; time zones --------------------------------------------------------


def test_mentor_enters_jakarta_time_stored_utc_shown_in_each_viewers_zone(client):
    mentor = english(MentorFactory(timezone="Asia/Jakarta"))
    client.force_login(mentor)
    response = client.post(reverse("mentoring:session-create"), session_form_data())
    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()
    assert session.status == TrainingSession.Status.DRAFT
    assert session.host == mentor
    assert session.starts_at == datetime(2030, 1, 15, 2, 0, tzinfo=UTC)
    assert session.registration_deadline == datetime(2030, 1, 14, 10, 0, tzinfo=UTC)

    page = text_of(client.get(session.get_absolute_url()))
    assert "09:00" in page
    assert "WIB" in page

    staff = english(StaffFactory(timezone="Europe/Stockholm"))
    client.force_login(staff)
    page = text_of(client.get(session.get_absolute_url()))
    assert "03:00" in page  # CET in January
    assert "09:00" not in page

    # The edit form shows the stored time back in the editor's zone.
    form_page = text_of(client.get(reverse("mentoring:session-edit", args=[session.pk])))
    assert 'value="2030-01-15T03:00"' in form_page


def test_session_form_refuses_bad_times_and_missing_place(client):
    mentor = english(MentorFactory())
    client.force_login(mentor)
    response = client.post(
        reverse("mentoring:session-create"),
        session_form_data(
            ends_at="2030-01-15T08:00",
            registration_deadline="2030-01-16T08:00",
            mode="offline",
            venue="",
            city="",
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"ends_at", "registration_deadline", "venue", "city"}
    past = client.post(
        reverse("mentoring:session-create"),
        session_form_data(starts_at="2020-01-15T09:00", ends_at="2020-01-15T10:00"),
    )
    assert "starts_at" in past.context["form"].errors
    assert not TrainingSession.objects.exists()


def test_empty_deadline_closes_registration_at_the_start(client):
    mentor = english(MentorFactory())
    client.force_login(mentor)
    client.post(reverse("mentoring:session-create"), session_form_data(registration_deadline=""))
    session = TrainingSession.objects.get()
    assert session.registration_deadline == session.starts_at


def test_only_approved_mentors_host():
    with pytest.raises(services.TrainingError):
        services.session_create(
            host=PendingMentorFactory(),
            title="x",
            topic="export",
            starts_at=timezone.now() + timedelta(days=1),
            ends_at=timezone.now() + timedelta(days=1, hours=1),
            registration_deadline=timezone.now() + timedelta(hours=20),
            mode="online",
            capacity=5,
        )


def test_staff_edits_any_session_and_a_time_change_tells_registrants(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.staff)
    url = reverse("mentoring:session-edit", args=[world.session.pk])
    data = client.get(url).context["form"].initial
    new_start = world.session.starts_at + timedelta(days=1)
    local = timezone.localtime(new_start, zoneinfo.ZoneInfo(world.staff.timezone))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            session_form_data(
                title=world.session.title,
                topic=data["topic"],
                starts_at=local.strftime("%Y-%m-%dT%H:%M"),
                ends_at=(local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                registration_deadline=(local - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                capacity="1",
            ),
        )
    assert response.status_code == 302
    world.session.refresh_from_db()
    assert world.session.starts_at == new_start
    assert world.session.sequence == 1
    told = {n.recipient for n in notifications("training_changed")}
    assert told == {world.owner, world.waitlisted_owner}
    assert {m.to[0] for m in mailoutbox} == {world.owner.email, world.waitlisted_owner.email}


def test_edits_that_keep_time_and_place_tell_nobody(world):
    services.session_update(
        session=world.session, editor=world.host, description_en="Better words."
    )
    world.session.refresh_from_db()
    assert world.session.sequence == 1  # calendars pick up the new text
    assert notifications("training_changed") == []
    services.session_update(session=world.draft, editor=world.host, venue="Elsewhere")
    world.draft.refresh_from_db()
    assert world.draft.sequence == 0  # nobody has a draft in a calendar


def test_more_seats_move_the_waiting_list_up_fewer_than_taken_are_refused(world):
    services.session_update(session=world.session, editor=world.host, capacity=2)
    world.waitlisted.refresh_from_db()
    assert world.waitlisted.status == Registration.Status.CONFIRMED
    assert [n.recipient for n in notifications("training_promoted")] == [world.waitlisted_owner]
    with pytest.raises(services.TrainingError) as error:
        services.session_update(session=world.session, editor=world.host, capacity=1)
    assert "capacity" in error.value.error_dict


# Lifecycle -----------------------------------------------------------------------------


def test_publishing_tells_the_hosts_active_mentees_only(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    mentee = MentorshipFactory(mentor=world.host).business
    MentorshipFactory(mentor=world.host, status=Mentorship.Status.REQUESTED)
    MentorshipFactory(mentor=world.other_mentor)
    client.force_login(world.host)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mentoring:session-publish", args=[world.draft.pk]))
    assert response.status_code == 302
    world.draft.refresh_from_db()
    assert world.draft.status == TrainingSession.Status.PUBLISHED
    assert [n.recipient for n in notifications("training_published")] == [mentee.owner]
    assert [m.to for m in mailoutbox] == [[mentee.owner.email]]
    assert world.draft.title in text_of(client.get(reverse("mentoring:session-list")))


def test_illegal_transitions_are_refused(client, world):
    now = timezone.now()
    with pytest.raises(services.TrainingError):
        services.session_publish(session=world.session, actor=world.host)  # already
    with pytest.raises(services.TrainingError):
        services.session_mark_done(
            session=world.draft, actor=world.host, now=now + timedelta(days=30)
        )
    with pytest.raises(services.TrainingError):
        services.session_mark_done(session=world.session, actor=world.host)  # not ended
    late = DraftSessionFactory(host=world.host, starts_at=now - timedelta(hours=1))
    with pytest.raises(services.TrainingError):
        services.session_publish(session=late, actor=world.host)
    done = PastSessionFactory(host=world.host, status=TrainingSession.Status.DONE)
    with pytest.raises(services.TrainingError):
        services.session_cancel(session=done, actor=world.host, reason="Too late")
    with pytest.raises(services.TrainingError):
        services.session_update(session=done, editor=world.host, title="New")
    cancelled = TrainingSessionFactory(host=world.host, status=TrainingSession.Status.CANCELLED)
    with pytest.raises(services.TrainingError):
        services.session_cancel(session=cancelled, actor=world.host, reason="again")
    with pytest.raises(services.TrainingError):
        services.session_publish(session=cancelled, actor=world.host)

    # Through the pages: a message, nothing changes.
    client.force_login(world.host)
    response = client.post(
        reverse("mentoring:session-publish", args=[world.session.pk]), follow=True
    )
    assert "Only a draft can be published." in messages_of(response)
    response = client.post(reverse("mentoring:session-done", args=[world.session.pk]), follow=True)
    assert "The session has not ended yet." in messages_of(response)
    response = client.get(reverse("mentoring:session-edit", args=[done.pk]), follow=True)
    assert response.redirect_chain[-1][0] == done.get_absolute_url()
    world.session.refresh_from_db()
    assert world.session.status == TrainingSession.Status.PUBLISHED


def test_cancelling_needs_a_reason_and_tells_confirmed_and_waitlisted(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    gone = RegistrationFactory(session=world.session, status=Registration.Status.CANCELLED)
    client.force_login(world.host)
    url = reverse("mentoring:session-cancel", args=[world.session.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "The venue flooded."})
    assert response.status_code == 302
    world.session.refresh_from_db()
    assert world.session.status == TrainingSession.Status.CANCELLED
    assert world.session.cancel_reason == "The venue flooded."
    assert world.session.sequence == 1
    told = notifications("training_cancelled")
    assert {n.recipient for n in told} == {world.owner, world.waitlisted_owner}
    assert gone.business.owner not in {n.recipient for n in told}
    assert all("The venue flooded." in n.body for n in told)
    assert len(mailoutbox) == 2
    page = text_of(client.get(world.session.get_absolute_url()))
    assert "The venue flooded." in page
    # Registrations keep their status so feeds keep the cancelled event.
    world.registration.refresh_from_db()
    assert world.registration.status == Registration.Status.CONFIRMED


# Registration rules ---------------------------------------------------------------------


def test_owner_registers_and_gets_a_ticket(client, world):
    session = TrainingSessionFactory(capacity=3)
    client.force_login(world.other_owner)
    detail = client.get(session.get_absolute_url())
    assert detail.context["registration_form"] is not None
    response = client.post(
        reverse("mentoring:session-register", args=[session.pk]),
        {"attendee_name": "Budi Santoso"},
    )
    registration = Registration.objects.get(session=session)
    assert response.status_code == 302
    assert response["Location"] == reverse("mentoring:registration-ticket", args=[registration.pk])
    assert registration.business == world.other_business
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.attendee_name == "Budi Santoso"
    assert [n.recipient for n in notifications("training_registered")] == [world.other_owner]
    assert SECRET in text_of(client.get(session.get_absolute_url()))


def test_staff_register_any_business(client, world):
    session = TrainingSessionFactory()
    client.force_login(world.staff)
    detail = client.get(session.get_absolute_url())
    assert detail.context["staff_may_register"] is True
    assert "registration_form" not in detail.context
    response = client.post(
        reverse("mentoring:session-register", args=[session.pk]),
        {"business": world.other_business.pk, "attendee_name": "Dewi"},
    )
    assert response.status_code == 302
    assert Registration.objects.get(session=session).business == world.other_business


def test_owner_without_a_business_is_sent_to_create_one(client):
    owner = english(OwnerFactory())
    session = TrainingSessionFactory()
    client.force_login(owner)
    response = client.get(reverse("mentoring:session-register", args=[session.pk]))
    assert response["Location"] == reverse("umkm:business-create")
    page = client.get(session.get_absolute_url())
    assert page.context["registration_problem"] == "Create your business profile to register."


def test_double_registration_gets_a_friendly_message_and_the_database_refuses_it(client, world):
    client.force_login(world.owner)
    url = reverse("mentoring:session-register", args=[world.session.pk])
    # A second registration (a double click, a retry) shows the ticket already issued.
    response = client.post(url, {"attendee_name": "Siti again"}, follow=True)
    ticket = reverse("mentoring:registration-ticket", args=[world.registration.pk])
    assert response.redirect_chain == [(ticket, 302)]
    assert "Your business is already registered for this session." in text_of(response)
    assert Registration.objects.filter(business=world.business).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            session=world.session,
            business=world.business,
            attendee_name="Direct",
            status=Registration.Status.WAITLISTED,
        )


def test_registering_again_after_cancelling_is_allowed(world):
    services.registration_cancel(registration=world.registration, actor=world.owner)
    again = services.registration_create(
        session=world.session, business=world.business, attendee="Siti"
    )
    # The seat went to the waiting list meanwhile.
    assert again.status == Registration.Status.WAITLISTED


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (
            lambda s: s.registration_deadline + timedelta(minutes=1),
            "Registration for this session has closed.",
        ),
        (
            lambda s: s.starts_at + timedelta(minutes=1),
            "This session has already started; registration is closed.",
        ),
    ],
    ids=["after-deadline", "after-start"],
)
def test_registration_closes_at_the_deadline_and_the_start(world, moment, message):
    session = TrainingSessionFactory()
    still_open = session.registration_deadline - timedelta(minutes=1)
    problem = services.registration_problem(
        session=session, business=world.other_business, now=still_open
    )
    assert problem is None
    with pytest.raises(services.TrainingError) as error:
        services.registration_create(
            session=session, business=world.other_business, attendee="Budi", now=moment(session)
        )
    assert error.value.messages == [message]
    assert not Registration.objects.filter(session=session).exists()


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (TrainingSession.Status.DRAFT, "This session is not open for registration."),
        (TrainingSession.Status.CANCELLED, "This session was cancelled."),
        (TrainingSession.Status.DONE, "This session has already taken place."),
    ],
)
def test_registration_closed_for_drafts_cancelled_and_done(client, world, status, message):
    session = TrainingSessionFactory(status=status)
    client.force_login(world.staff)
    response = client.post(
        reverse("mentoring:session-register", args=[session.pk]),
        {"business": world.other_business.pk, "attendee_name": "Budi"},
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert not Registration.objects.filter(session=session).exists()


def test_registration_page_shows_why_it_is_closed(client, world):
    late = TrainingSessionFactory(
        registration_deadline=timezone.now() - timedelta(minutes=5),
    )
    client.force_login(world.other_owner)
    response = client.get(late.get_absolute_url())
    assert response.context["registration_problem"] == "Registration for this session has closed."
    assert "registration_form" not in response.context
    response = client.post(
        reverse("mentoring:session-register", args=[late.pk]), {"attendee_name": "Budi"}
    )
    assert "Registration for this session has closed." in text_of(response)


def test_mentees_only_sessions_refuse_other_businesses(client, world):
    session = TrainingSessionFactory(host=world.host, audience="mentees")
    mentee = MentorshipFactory(mentor=world.host).business
    MentorshipFactory(mentor=world.host, business=world.other_business, status="completed")
    client.force_login(world.other_owner)
    response = client.post(
        reverse("mentoring:session-register", args=[session.pk]), {"attendee_name": "Budi"}
    )
    assert response.status_code == 200
    assert "This session is only for businesses mentored by Rina Bandung." in text_of(response)
    registration = services.registration_create(session=session, business=mentee, attendee="Ani")
    assert registration.status == Registration.Status.CONFIRMED


def test_attendee_name_is_required(client, world):
    client.force_login(world.other_owner)
    response = client.post(
        reverse("mentoring:session-register", args=[world.session.pk]), {"attendee_name": " "}
    )
    assert response.context["form"].errors["attendee_name"]


# Waiting list ---------------------------------------------------------------------------


def test_waitlist_in_order_and_promotion_on_cancel_with_notification_and_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    session = TrainingSessionFactory(capacity=2)
    businesses = [BusinessFactory() for _ in range(4)]
    for b in businesses:
        english(b.owner)
    a, b, c, d = (
        services.registration_create(session=session, business=biz, attendee=f"P{i}")
        for i, biz in enumerate(businesses)
    )
    assert [r.status for r in (a, b, c, d)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    assert len(notifications("training_waitlisted")) == 2

    client.force_login(businesses[0].owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mentoring:registration-cancel", args=[a.pk]))
    assert response.status_code == 302
    for r in (a, b, c, d):
        r.refresh_from_db()
    assert [r.status for r in (a, b, c, d)] == ["cancelled", "confirmed", "confirmed", "waitlisted"]
    promoted = notifications("training_promoted")
    assert [n.recipient for n in promoted] == [businesses[2].owner]
    assert promoted[0].url == reverse("mentoring:registration-ticket", args=[c.pk])
    assert [m.to for m in mailoutbox] == [[businesses[2].owner.email]]
    assert "You have a seat" in mailoutbox[0].subject

    # The host cancels a seat from the participants' list: the next one moves up.
    client.force_login(session.host)
    response = client.post(
        reverse("mentoring:registration-cancel", args=[b.pk]),
        {"next": reverse("mentoring:session-check-in", args=[session.pk])},
        follow=True,
    )
    d.refresh_from_db()
    assert d.status == Registration.Status.CONFIRMED
    assert any(d.attendee_name in m for m in messages_of(response))
    assert response.redirect_chain[-1][0] == reverse(
        "mentoring:session-check-in", args=[session.pk]
    )


def test_cancelling_a_waitlisted_place_promotes_nobody(world):
    promoted = services.registration_cancel(
        registration=world.waitlisted, actor=world.waitlisted_owner
    )
    assert promoted == []
    world.registration.refresh_from_db()
    assert world.registration.status == Registration.Status.CONFIRMED


def test_no_cancelling_after_the_start(client, world):
    with pytest.raises(services.TrainingError):
        services.registration_cancel(
            registration=world.registration,
            actor=world.owner,
            now=world.session.starts_at + timedelta(minutes=1),
        )
    with pytest.raises(services.TrainingError):
        services.registration_cancel(
            registration=RegistrationFactory(status="cancelled"), actor=None
        )


def test_open_redirect_is_ignored_after_cancel(client, world):
    client.force_login(world.owner)
    response = client.post(
        reverse("mentoring:registration-cancel", args=[world.registration.pk]),
        {"next": "https://evil.example.com/"},
    )
    assert response["Location"] == world.session.get_absolute_url()


# Ticket and check-in --------------------------------------------------------------------


def test_ticket_shows_the_code_and_a_local_qr_svg(client, world):
    client.force_login(world.owner)
    page = text_of(
        client.get(reverse("mentoring:registration-ticket", args=[world.registration.pk]))
    )
    assert world.registration.ticket_code in page
    assert "<svg" in page
    assert 'class="ticket-qr"' in page
    assert "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", ""
    )  # drawn inline, nothing fetched
    client.force_login(world.waitlisted_owner)
    page = text_of(client.get(reverse("mentoring:registration-ticket", args=[world.waitlisted.pk])))
    assert "<svg" not in page
    assert world.waitlisted.ticket_code not in page
    assert SECRET not in page


def test_check_in_by_code(client, world):
    client.force_login(world.host)
    url = reverse("mentoring:session-check-in", args=[world.session.pk])
    prefilled = client.get(f"{url}?code={world.registration.ticket_code}")
    assert prefilled.context["form"].initial["code"] == world.registration.ticket_code
    code = world.registration.ticket_code.lower()
    response = client.post(url, {"code": f" {code[:5]} {code[5:]} "}, follow=True)
    world.registration.refresh_from_db()
    assert world.registration.status == Registration.Status.ATTENDED
    assert world.registration.checked_in_at is not None
    assert f"{world.registration.attendee_name} is checked in." in messages_of(response)

    again = client.post(url, {"code": code})
    assert f"{world.registration.attendee_name} is already checked in." in text_of(again)
    waiting = client.post(url, {"code": world.waitlisted.ticket_code})
    assert "is on the waiting list and has no seat." in text_of(waiting)
    elsewhere = RegistrationFactory()
    wrong = client.post(url, {"code": elsewhere.ticket_code})
    assert wrong.context["form"].errors["code"] == [
        "No ticket with this code is registered for this session."
    ]
    elsewhere.refresh_from_db()
    assert elsewhere.status == Registration.Status.CONFIRMED


def test_check_in_from_the_list(client, world):
    client.force_login(world.staff)
    url = reverse("mentoring:registration-check-in", args=[world.registration.pk])
    response = client.post(url, follow=True)
    world.registration.refresh_from_db()
    assert world.registration.status == Registration.Status.ATTENDED
    assert response.redirect_chain[-1][0] == reverse(
        "mentoring:session-check-in", args=[world.session.pk]
    )
    page = text_of(response)
    assert world.registration.attendee_name in page
    assert world.waitlisted.attendee_name in page
    response = client.post(url, follow=True)
    assert f"{world.registration.attendee_name} is already checked in." in messages_of(response)


# After the session ---------------------------------------------------------------------


@pytest.fixture
def past():
    """An ended session: one attendee, one who did not come, one on the waiting list."""
    session = PastSessionFactory(capacity=2, host=english(MentorFactory(full_name="Rina Bandung")))
    attended = RegistrationFactory(
        session=session,
        status=Registration.Status.ATTENDED,
        attendee_name="Siti Aminah",
        checked_in_at=session.starts_at,
    )
    english(attended.business.owner)
    absent = RegistrationFactory(session=session)
    waiting = RegistrationFactory(session=session, status=Registration.Status.WAITLISTED)
    return session, attended, absent, waiting


def test_marking_done_records_no_shows_issues_codes_and_tells_attendees(
    client, past, mailoutbox, django_capture_on_commit_callbacks
):
    session, attended, absent, waiting = past
    client.force_login(session.host)
    page = client.get(reverse("mentoring:session-check-in", args=[session.pk]))
    assert page.context["can_mark_done"] is True
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mentoring:session-done", args=[session.pk]))
    assert response.status_code == 302
    session.refresh_from_db()
    for r in (attended, absent, waiting):
        r.refresh_from_db()
    assert session.status == TrainingSession.Status.DONE
    assert absent.status == Registration.Status.NO_SHOW
    assert waiting.status == Registration.Status.WAITLISTED
    assert attended.status == Registration.Status.ATTENDED
    assert len(attended.certificate_code) == 19
    assert attended.certificate_code == attended.certificate_code.upper()
    assert not absent.certificate_code
    ready = notifications("attendance_certificate_ready")
    assert [n.recipient for n in ready] == [attended.business.owner]
    assert [m.to for m in mailoutbox] == [[attended.business.owner.email]]
    with pytest.raises(services.TrainingError):
        services.session_mark_done(session=session, actor=session.host)


def test_feedback_once_and_only_one_to_five(client, past):
    session, attended, absent, _waiting = past
    owner = attended.business.owner
    client.force_login(owner)
    url = reverse("mentoring:registration-feedback", args=[attended.pk])
    assert client.get(url).context["can_give"] is True
    response = client.post(url, {"rating": "6", "comment": "?"})
    assert response.context["form"].errors["rating"]
    response = client.post(url, {"rating": "0"})
    assert response.context["form"].errors["rating"]
    response = client.post(url, {"rating": "4", "comment": "Sangat berguna."})
    assert response.status_code == 302
    attended.refresh_from_db()
    assert (attended.feedback_rating, attended.feedback_comment) == (4, "Sangat berguna.")
    again = client.post(url, {"rating": "1", "comment": "Changed my mind"})
    assert "Feedback for this session was already given." in text_of(again)
    attended.refresh_from_db()
    assert attended.feedback_rating == 4
    assert "You rated this training 4 of 5." in text_of(client.get(url))

    with pytest.raises(services.TrainingError):
        services.registration_feedback(registration=absent, rating=3)
    with pytest.raises(services.TrainingError):
        services.registration_feedback(registration=attended, rating=9)
    client.force_login(session.host)
    assert client.get(url).status_code == 404


def test_no_feedback_before_the_end(world):
    services.registration_check_in(registration=world.registration, actor=world.host)
    world.registration.refresh_from_db()
    with pytest.raises(services.TrainingError) as error:
        services.registration_feedback(registration=world.registration, rating=5)
    assert error.value.messages == ["Feedback opens when the session has ended."]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("owner", 200),
        ("host", 200),
        ("staff", 200),
        ("other_owner", 404),
        ("other_mentor", 404),
        ("pending_mentor", 404),
        ("buyer", 404),
        ("anonymous", "login"),
    ],
)
def test_certificate_pdf_for_the_attendees_owner_the_host_and_staff(client, past, role, expected):
    session, attended, _absent, _waiting = past
    user = {
        "owner": attended.business.owner,
        "host": session.host,
        "staff": StaffFactory(),
        "other_owner": BusinessFactory().owner,
        "other_mentor": MentorFactory(),
        "pending_mentor": PendingMentorFactory(),
        "buyer": BuyerFactory(),
        "anonymous": None,
    }[role]
    if user is not None:
        client.force_login(user)
    url = reverse("mentoring:registration-certificate", args=[attended.pk])
    response = client.get(url)
    check_status(response, expected, url)
    attended.refresh_from_db()
    if expected == 200:
        assert response.content.startswith(b"%PDF")
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            f'attachment; filename="certificate-{attended.certificate_code}.pdf"'
        )
        assert attended.certificate_code  # drawn on the first download
    else:
        assert attended.certificate_code == ""


def test_no_certificate_for_no_shows_or_before_the_end(client, past, world):
    _session, _attended, absent, _waiting = past
    client.force_login(absent.business.owner)
    assert (
        client.get(reverse("mentoring:registration-certificate", args=[absent.pk])).status_code
        == 404
    )
    services.registration_check_in(registration=world.registration, actor=world.host)
    client.force_login(world.owner)
    url = reverse("mentoring:registration-certificate", args=[world.registration.pk])
    assert client.get(url).status_code == 404


def test_certificate_code_is_stable_and_the_pdf_names_the_attendee(client, past):
    _session, attended, _absent, _waiting = past
    first = services.certificate_code_ensure(registration=attended)
    second = services.certificate_code_ensure(registration=attended)
    assert first == second
    from mentoring.certificates import certificate_pdf, pdf_text

    attended.attendee_name = "Łukasz “Budi” Ñandú → Siti"
    pdf = certificate_pdf(attended)
    assert pdf.startswith(b"%PDF")
    assert pdf_text("Łukasz “Budi” → ü") == 'Lukasz "Budi" -> ü'


def test_public_certificate_verification(client, past):
    session, attended, _absent, _waiting = past
    code = services.certificate_code_ensure(registration=attended)
    url = reverse("mentoring:certificate-verify")
    response = client.get(url, {"code": code, "lang": "en"})
    page = text_of(response)
    assert "Valid certificate" in page
    for text in ("Siti Aminah", attended.business.name, session.title, "Rina Bandung"):
        assert text in page
    typed = client.get(url, {"code": code.replace("-", " ").lower(), "lang": "en"})
    assert typed.context["result"] == attended
    wrong = client.get(url, {"code": "AAAA-BBBB-CCCC-DDDD", "lang": "en"})
    assert wrong.context["result"] is None
    assert "No certificate with this code was found." in text_of(wrong)
    assert "Siti Aminah" not in text_of(wrong)
    blank = client.get(url, {"lang": "en"})
    assert "checked" not in blank.context


# Reminders (periodic sweep) -------------------------------------------------------------


def test_reminders_24h_and_1h_exactly_once_each_to_confirmed_only(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    start = world.session.starts_at
    RegistrationFactory(session=world.session, status=Registration.Status.CANCELLED)
    TrainingSessionFactory(starts_at=start + timedelta(hours=5))  # later, nobody registered
    early = start - timedelta(hours=30)
    assert services.trainings_sweep(now=early) == 0

    day_before = start - timedelta(hours=23, minutes=55)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.trainings_sweep(now=day_before) == 1
    assert services.trainings_sweep(now=day_before + timedelta(minutes=5)) == 0
    reminders = notifications("training_reminder")
    assert [n.recipient for n in reminders] == [world.owner]
    assert "within 24 hours" in reminders[0].title
    assert [m.to for m in mailoutbox] == [[world.owner.email]]

    hour_before = start - timedelta(minutes=55)
    assert services.trainings_sweep(now=hour_before) == 1
    assert services.trainings_sweep(now=hour_before + timedelta(minutes=5)) == 0
    reminders = notifications("training_reminder")
    assert len(reminders) == 2
    assert {n.recipient for n in reminders} == {world.owner}
    assert any("within the hour" in n.title for n in reminders)
    assert services.trainings_sweep(now=start + timedelta(minutes=1)) == 0


def test_a_late_sweep_still_reminds_but_never_the_24h_one_in_the_last_hour(world):
    start = world.session.starts_at
    assert services.trainings_sweep(now=start - timedelta(hours=5)) == 1  # missed 24h mark
    assert "within 24 hours" in notifications("training_reminder")[0].title
    other = TrainingSessionFactory(starts_at=start + timedelta(days=2))
    RegistrationFactory(session=other, business=world.other_business)
    assert services.trainings_sweep(now=other.starts_at - timedelta(minutes=20)) == 1
    late = notifications("training_reminder", recipient=world.other_owner)
    assert len(late) == 1
    assert "within the hour" in late[0].title


def test_no_reminders_for_cancelled_sessions_and_a_moved_session_is_reminded_again(world):
    start = world.session.starts_at
    assert services.trainings_sweep(now=start - timedelta(hours=2)) == 1
    services.session_update(
        session=world.session,
        editor=world.host,
        starts_at=start + timedelta(hours=3),
        ends_at=start + timedelta(hours=5),
        now=start - timedelta(hours=2),
    )
    assert services.trainings_sweep(now=start - timedelta(hours=2)) == 1
    cancelled = TrainingSessionFactory(status=TrainingSession.Status.CANCELLED)
    RegistrationFactory(session=cancelled)
    assert services.trainings_sweep(now=cancelled.starts_at - timedelta(minutes=30)) == 0


def test_the_periodic_task_runs_the_sweep_every_five_minutes(settings, world, monkeypatch):
    entry = settings.CELERY_BEAT_SCHEDULE["trainings-sweep"]
    assert entry["task"] == "mentoring.tasks.sweep_trainings"
    assert entry["schedule"] == 300.0
    import mentoring.services as package

    monkeypatch.setattr(package, "trainings_sweep", lambda **kw: 7)
    assert tasks.sweep_trainings.delay().get() == 7
    monkeypatch.undo()
    # For real: the confirmed registrant of a session starting within the hour.
    soon = TrainingSessionFactory(starts_at=timezone.now() + timedelta(minutes=30))
    RegistrationFactory(session=soon, business=world.other_business)
    assert tasks.sweep_trainings.delay().get() == 1


# Pages: calendar, month, lists, queries ---------------------------------------------------


def test_calendar_filters_by_city_topic_and_mode(client):
    a = TrainingSessionFactory(city="Pekanbaru", topic="export", mode="offline")
    b = TrainingSessionFactory(city="Dumai", topic="packaging", mode="online", venue="")
    TrainingSessionFactory(starts_at=timezone.now() - timedelta(days=1))  # past
    url = reverse("mentoring:session-list")
    assert list(client.get(url).context["sessions"]) == [a, b]
    assert list(client.get(url, {"city": "Dumai"}).context["sessions"]) == [b]
    assert list(client.get(url, {"topic": "export"}).context["sessions"]) == [a]
    assert list(client.get(url, {"mode": "online"}).context["sessions"]) == [b]
    assert list(client.get(url, {"city": "Atlantis"}).context["sessions"]) == [a, b]  # invalid


def test_calendar_queries_do_not_grow(client, world):
    url = reverse("mentoring:session-list")
    client.force_login(world.owner)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(8):
        RegistrationFactory(session=TrainingSessionFactory())
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["sessions"]) == 9
    assert len(many) == len(few)


def test_session_page_queries_are_bounded(client, world, django_assert_max_num_queries):
    for _ in range(5):
        RegistrationFactory(session=world.session, status="waitlisted")
    client.force_login(world.owner)
    with django_assert_max_num_queries(12):
        client.get(world.session.get_absolute_url())


def test_month_view_puts_sessions_on_their_local_day(client, world):
    host = world.host
    host.timezone = "Asia/Jakarta"
    host.save(update_fields=["timezone"])
    late_night = datetime(2030, 1, 31, 18, 30, tzinfo=UTC)  # 1 February 01:30 in Jakarta
    feb = TrainingSessionFactory(
        host=host,
        title="Februari",
        starts_at=late_night,
        ends_at=late_night + timedelta(hours=1),
        registration_deadline=late_night,
    )
    january = TrainingSessionFactory(
        host=host,
        title="Januari",
        starts_at=datetime(2030, 1, 10, 2, tzinfo=UTC),
        ends_at=datetime(2030, 1, 10, 4, tzinfo=UTC),
        registration_deadline=datetime(2030, 1, 9, tzinfo=UTC),
    )
    TrainingSessionFactory(
        title="Not mine",
        starts_at=datetime(2030, 1, 10, 2, tzinfo=UTC),
        ends_at=datetime(2030, 1, 10, 4, tzinfo=UTC),
        registration_deadline=datetime(2030, 1, 9, tzinfo=UTC),
    )
    client.force_login(host)
    response = client.get(reverse("mentoring:session-month", args=[2030, 1]))
    days = {
        day.day: [s.title for s in sessions]
        for week in response.context["weeks"]
        for day, in_month, sessions in week
        if in_month
    }
    assert days[10] == ["Januari"]
    assert days[31] == []
    page = text_of(response)
    assert "Not mine" not in page
    assert reverse("mentoring:session-month", args=[2029, 12]) in page
    assert reverse("mentoring:session-month", args=[2030, 2]) in page
    feb_page = client.get(reverse("mentoring:session-month", args=[2030, 2]))
    feb_days = [
        s for w in feb_page.context["weeks"] for d, m, ss in w if m and d.day == 1 for s in ss
    ]
    assert feb_days == [feb]
    feb_grid = [s for w in feb_page.context["weeks"] for d, m, ss in w for s in ss]
    assert january not in feb_grid
    assert client.get(reverse("mentoring:session-month", args=[2030, 13])).status_code == 404
    mine = client.get(reverse("mentoring:session-mine"))
    today = timezone.localdate()
    assert mine["Location"] == reverse("mentoring:session-month", args=[today.year, today.month])


def test_owner_registration_list(client, world, past):
    client.force_login(world.owner)
    response = client.get(reverse("mentoring:registration-list"))
    assert list(response.context["registrations"]) == [world.registration]
    assert reverse("mentoring:registration-ticket", args=[world.registration.pk]) in text_of(
        response
    )


def test_owner_reaches_registrations_and_calendar_link_from_the_dashboard(client, world):
    """Tickets, certificates and the calendar link are one click from the dashboard."""
    client.force_login(world.owner)
    dashboard = text_of(client.get(reverse("umkm:dashboard")))
    assert f'href="{reverse("mentoring:registration-list")}"' in dashboard
    registrations = text_of(client.get(reverse("mentoring:registration-list")))
    assert f'href="{reverse("mentoring:calendar-feed")}"' in registrations


def test_upcoming_sessions_for_each_role(world):
    now = timezone.now()
    cancelled = TrainingSessionFactory(host=world.host, status="cancelled")
    RegistrationFactory(session=cancelled, business=world.business)
    ended = PastSessionFactory(host=world.host)
    RegistrationFactory(session=ended, business=world.business)
    gone = TrainingSessionFactory()
    RegistrationFactory(session=gone, business=world.business, status="cancelled")
    later = TrainingSessionFactory(starts_at=now + timedelta(days=20))
    RegistrationFactory(session=later, business=world.business, status="waitlisted")

    assert list(services.upcoming_sessions_for(world.host)) == [world.session, world.draft]
    assert list(services.upcoming_sessions_for(world.owner)) == [world.session, later]
    assert list(services.upcoming_sessions_for(world.other_owner)) == []
    assert list(services.upcoming_sessions_for(world.buyer)) == []
    assert list(services.upcoming_sessions_for(world.staff)) == []


def test_training_pages_render_in_indonesian(client, world, past):
    """The main pages work in the default language too (texts come from the catalogue)."""
    owner = world.owner
    owner.language = "id"
    owner.save(update_fields=["language"])
    client.force_login(owner)
    for url in (
        reverse("mentoring:session-list"),
        world.session.get_absolute_url(),
        reverse("mentoring:registration-list"),
        reverse("mentoring:registration-ticket", args=[world.registration.pk]),
        reverse("mentoring:calendar-feed"),
        reverse("mentoring:certificate-verify"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert '<html lang="id">' in text_of(response)


def test_admin_pages_and_actions(client, world, past):
    admin_user = UserFactory(role="", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    for url in (
        reverse("admin:mentoring_trainingsession_changelist"),
        reverse("admin:mentoring_trainingsession_change", args=[world.session.pk]),
        reverse("admin:mentoring_sessionmaterial_changelist"),
        reverse("admin:mentoring_calendarfeed_changelist"),
    ):
        assert client.get(url).status_code == 200
    session, *_ = past
    response = client.post(
        reverse("admin:mentoring_trainingsession_changelist"),
        {"action": "mark_sessions_done", "_selected_action": [session.pk, world.draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.status == TrainingSession.Status.DONE
    client.post(
        reverse("admin:mentoring_trainingsession_changelist"),
        {"action": "publish_sessions", "_selected_action": [world.draft.pk]},
    )
    world.draft.refresh_from_db()
    assert world.draft.status == TrainingSession.Status.PUBLISHED
