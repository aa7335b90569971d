"""Training pages, as the people who use them see them: sessions, registration and the
waiting list, tickets, check-in, feedback, certificates.

Every page is driven through the test client with the whole cast (the host, another
mentor, a pending mentor, a registered owner, a waitlisted owner, an owner who did not
register, a buyer, staff, anonymous): who may open it, what it shows and hides (the
join link), what the forms accept and refuse, the notifications and emails that
follow, and the number of queries. Seat counting under parallel requests is proven on
PostgreSQL in ``tests/mentoring/test_training_concurrency.py``; calendar files in
``tests/mentoring/test_ical.py``.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mentoring.models import (
    Mentorship,
    Registration,
    SessionMaterial,
    TrainingSession,
)
from mentoring.services import trainings as services

from ...factories import (
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
)
from ...support.pdfs import pdf_file
from ...support.queries import captured_queries
from ...support.trainings import english, notifications

pytestmark = pytest.mark.django_db


PDF_BYTES = pdf_file()  # a whole PDF: uploads are parsed


# Helpers -------------------------------------------------------------------------------


def text_of(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def login_url_for(url: str) -> str:
    return f"{reverse('account_login')}?next={quote(url)}"


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


def login(client, course, role: str):
    if role != "anonymous":
        client.force_login(getattr(course, role))
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


POST_ACTIONS = {
    "session-publish": lambda w: reverse("mentoring:session-publish", args=[w.draft.pk]),
    "session-done": lambda w: reverse("mentoring:session-done", args=[w.session.pk]),
    "registration-check-in": lambda w: reverse(
        "mentoring:registration-check-in", args=[w.registration.pk]
    ),
}


@pytest.mark.no_cover  # a matrix: see the README, "Coverage"
@pytest.mark.parametrize("page", list(GET_PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_each_page(client, course, page, role):
    make_url, expected = GET_PAGES[page]
    url = make_url(course)
    response = login(client, course, role).get(url)
    check_status(response, expected[role], url)


@pytest.mark.parametrize("action", list(POST_ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_run_host_actions(client, course, action, role):
    url = POST_ACTIONS[action](course)
    response = login(client, course, role).post(url)
    expected = HOST_AND_STAFF[role]
    if expected == 200:
        assert response.status_code == 302  # done, or refused with a message
    else:
        check_status(response, expected, url)
        course.draft.refresh_from_db()
        course.registration.refresh_from_db()
        assert course.draft.status == TrainingSession.Status.DRAFT
        assert course.registration.status == Registration.Status.CONFIRMED


@pytest.mark.parametrize("role", ROLES)
def test_who_may_cancel_a_registration(client, course, role):
    url = reverse("mentoring:registration-cancel", args=[course.registration.pk])
    response = login(client, course, role).post(url)
    expected = TICKET_VIEWERS[role]
    course.registration.refresh_from_db()
    if expected == 200:
        assert response.status_code == 302
        assert course.registration.status == Registration.Status.CANCELLED
    else:
        check_status(response, expected, url)
        assert course.registration.status == Registration.Status.CONFIRMED


@pytest.mark.parametrize("role", ROLES)
def test_who_may_remove_materials(client, course, role):
    material = SessionMaterial.objects.create(
        session=course.session, title="Slides", file=SimpleUploadedFile("s.pdf", PDF_BYTES)
    )
    url = reverse("mentoring:material-delete", args=[material.pk])
    response = login(client, course, role).post(url)
    expected = HOST_AND_STAFF[role]
    if expected == 200:
        assert response["Location"] == reverse(
            "mentoring:session-materials", args=[course.session.pk]
        )
        assert not SessionMaterial.objects.exists()
    else:
        check_status(response, expected, url)
        assert SessionMaterial.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_my_schedule_sends_mentors_to_this_month(client, course, role):
    url = reverse("mentoring:session-mine")
    response = login(client, course, role).get(url)
    expected = GET_PAGES["session-month"][1][role]
    if expected == 200:
        today = timezone.localdate()
        assert response["Location"] == reverse(
            "mentoring:session-month", args=[today.year, today.month]
        )
    else:
        check_status(response, expected, url)


@pytest.mark.parametrize("role", ROLES)
def test_join_link_only_for_seat_holders_the_host_and_staff(client, course, role):
    response = login(client, course, role).get(course.session.get_absolute_url())
    assert response.status_code == 200
    shown = SECRET in text_of(response)
    assert shown is (role in {"host", "staff", "owner"})


@pytest.mark.parametrize("role", ROLES)
def test_the_public_calendar_never_shows_join_links(client, course, role):
    response = login(client, course, role).get(reverse("mentoring:session-list"))
    assert course.session.title in text_of(response)
    assert SECRET not in text_of(response)
    assert course.draft.title not in text_of(response)


def test_materials_only_for_participants(client, course):
    material = SessionMaterial.objects.create(
        session=course.session,
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
        response = login(client, course, role).get(url)
        check_status(response, expected, url)
        if expected == 200:
            assert b"".join(response.streaming_content) == PDF_BYTES
            assert response["Content-Disposition"].startswith("attachment")


def test_host_uploads_and_removes_materials(client, course, settings):
    client.force_login(course.host)
    url = reverse("mentoring:session-materials", args=[course.session.pk])
    response = client.post(
        url, {"title": "Checklist", "file": SimpleUploadedFile("c.pdf", PDF_BYTES)}
    )
    assert response.status_code == 302
    material = SessionMaterial.objects.get(session=course.session)
    assert material.file.name.endswith(".pdf")
    assert "Checklist" in text_of(client.get(course.session.get_absolute_url()))

    bad = client.post(
        url, {"title": "Script", "file": SimpleUploadedFile("x.pdf", b"#!/bin/sh\necho")}
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors["file"]
    assert SessionMaterial.objects.count() == 1

    client.force_login(course.other_mentor)
    delete_url = reverse("mentoring:material-delete", args=[material.pk])
    assert client.post(delete_url).status_code == 404
    client.force_login(course.host)
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


def test_staff_edits_any_session_and_a_time_change_tells_registrants(
    client, course, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(course.staff)
    url = reverse("mentoring:session-edit", args=[course.session.pk])
    data = client.get(url).context["form"].initial
    new_start = course.session.starts_at + timedelta(days=1)
    local = timezone.localtime(new_start, zoneinfo.ZoneInfo(course.staff.timezone))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            session_form_data(
                title=course.session.title,
                topic=data["topic"],
                starts_at=local.strftime("%Y-%m-%dT%H:%M"),
                ends_at=(local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                registration_deadline=(local - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                capacity="1",
            ),
        )
    assert response.status_code == 302
    course.session.refresh_from_db()
    assert course.session.starts_at == new_start
    assert course.session.sequence == 1
    told = {n.recipient for n in notifications("training_changed")}
    assert told == {course.owner, course.waitlisted_owner}
    assert {m.to[0] for m in mailoutbox} == {course.owner.email, course.waitlisted_owner.email}


# Lifecycle -----------------------------------------------------------------------------


def test_publishing_tells_the_hosts_active_mentees_only(
    client, course, mailoutbox, django_capture_on_commit_callbacks
):
    mentee = MentorshipFactory(mentor=course.host).business
    MentorshipFactory(mentor=course.host, status=Mentorship.Status.REQUESTED)
    MentorshipFactory(mentor=course.other_mentor)
    client.force_login(course.host)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mentoring:session-publish", args=[course.draft.pk]))
    assert response.status_code == 302
    course.draft.refresh_from_db()
    assert course.draft.status == TrainingSession.Status.PUBLISHED
    assert [n.recipient for n in notifications("training_published")] == [mentee.owner]
    assert [m.to for m in mailoutbox] == [[mentee.owner.email]]
    assert course.draft.title in text_of(client.get(reverse("mentoring:session-list")))


def test_illegal_transitions_are_refused(client, course):
    now = timezone.now()
    with pytest.raises(services.TrainingError):
        services.session_publish(session=course.session, actor=course.host)  # already
    with pytest.raises(services.TrainingError):
        services.session_mark_done(
            session=course.draft, actor=course.host, now=now + timedelta(days=30)
        )
    with pytest.raises(services.TrainingError):
        services.session_mark_done(session=course.session, actor=course.host)  # not ended
    late = DraftSessionFactory(host=course.host, starts_at=now - timedelta(hours=1))
    with pytest.raises(services.TrainingError):
        services.session_publish(session=late, actor=course.host)
    done = PastSessionFactory(host=course.host, status=TrainingSession.Status.DONE)
    with pytest.raises(services.TrainingError):
        services.session_cancel(session=done, actor=course.host, reason="Too late")
    with pytest.raises(services.TrainingError):
        services.session_update(session=done, editor=course.host, title="New")
    cancelled = TrainingSessionFactory(host=course.host, status=TrainingSession.Status.CANCELLED)
    with pytest.raises(services.TrainingError):
        services.session_cancel(session=cancelled, actor=course.host, reason="again")
    with pytest.raises(services.TrainingError):
        services.session_publish(session=cancelled, actor=course.host)

    # Through the pages: a message, nothing changes.
    client.force_login(course.host)
    response = client.post(
        reverse("mentoring:session-publish", args=[course.session.pk]), follow=True
    )
    assert "Only a draft can be published." in messages_of(response)
    response = client.post(reverse("mentoring:session-done", args=[course.session.pk]), follow=True)
    assert "The session has not ended yet." in messages_of(response)
    response = client.get(reverse("mentoring:session-edit", args=[done.pk]), follow=True)
    assert response.redirect_chain[-1][0] == done.get_absolute_url()
    course.session.refresh_from_db()
    assert course.session.status == TrainingSession.Status.PUBLISHED


def test_cancelling_needs_a_reason_and_tells_confirmed_and_waitlisted(
    client, course, mailoutbox, django_capture_on_commit_callbacks
):
    gone = RegistrationFactory(session=course.session, status=Registration.Status.CANCELLED)
    client.force_login(course.host)
    url = reverse("mentoring:session-cancel", args=[course.session.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "The venue flooded."})
    assert response.status_code == 302
    course.session.refresh_from_db()
    assert course.session.status == TrainingSession.Status.CANCELLED
    assert course.session.cancel_reason == "The venue flooded."
    assert course.session.sequence == 1
    told = notifications("training_cancelled")
    assert {n.recipient for n in told} == {course.owner, course.waitlisted_owner}
    assert gone.business.owner not in {n.recipient for n in told}
    assert all("The venue flooded." in n.body for n in told)
    assert len(mailoutbox) == 2
    page = text_of(client.get(course.session.get_absolute_url()))
    assert "The venue flooded." in page
    # Registrations keep their status so feeds keep the cancelled event.
    course.registration.refresh_from_db()
    assert course.registration.status == Registration.Status.CONFIRMED


# Registration rules ---------------------------------------------------------------------


def test_owner_registers_and_gets_a_ticket(client, course):
    session = TrainingSessionFactory(capacity=3)
    client.force_login(course.other_owner)
    detail = client.get(session.get_absolute_url())
    assert detail.context["registration_form"] is not None
    response = client.post(
        reverse("mentoring:session-register", args=[session.pk]),
        {"attendee_name": "Budi Santoso"},
    )
    registration = Registration.objects.get(session=session)
    assert response.status_code == 302
    assert response["Location"] == reverse("mentoring:registration-ticket", args=[registration.pk])
    assert registration.business == course.other_business
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.attendee_name == "Budi Santoso"
    assert [n.recipient for n in notifications("training_registered")] == [course.other_owner]
    assert SECRET in text_of(client.get(session.get_absolute_url()))


def test_staff_register_any_business(client, course):
    session = TrainingSessionFactory()
    client.force_login(course.staff)
    detail = client.get(session.get_absolute_url())
    assert detail.context["staff_may_register"] is True
    assert "registration_form" not in detail.context
    response = client.post(
        reverse("mentoring:session-register", args=[session.pk]),
        {"business": course.other_business.pk, "attendee_name": "Dewi"},
    )
    assert response.status_code == 302
    assert Registration.objects.get(session=session).business == course.other_business


def test_owner_without_a_business_is_sent_to_create_one(client):
    owner = english(OwnerFactory())
    session = TrainingSessionFactory()
    client.force_login(owner)
    response = client.get(reverse("mentoring:session-register", args=[session.pk]))
    assert response["Location"] == reverse("umkm:business-create")
    page = client.get(session.get_absolute_url())
    assert page.context["registration_problem"] == "Create your business profile to register."


def test_double_registration_gets_a_friendly_message_and_the_database_refuses_it(client, course):
    client.force_login(course.owner)
    url = reverse("mentoring:session-register", args=[course.session.pk])
    # A second registration (a double click, a retry) shows the ticket already issued.
    response = client.post(url, {"attendee_name": "Siti again"}, follow=True)
    ticket = reverse("mentoring:registration-ticket", args=[course.registration.pk])
    assert response.redirect_chain == [(ticket, 302)]
    assert "Your business is already registered for this session." in text_of(response)
    assert Registration.objects.filter(business=course.business).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            session=course.session,
            business=course.business,
            attendee_name="Direct",
            status=Registration.Status.WAITLISTED,
        )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (TrainingSession.Status.DRAFT, "This session is not open for registration."),
        (TrainingSession.Status.CANCELLED, "This session was cancelled."),
        (TrainingSession.Status.DONE, "This session has already taken place."),
    ],
)
def test_registration_closed_for_drafts_cancelled_and_done(client, course, status, message):
    session = TrainingSessionFactory(status=status)
    client.force_login(course.staff)
    response = client.post(
        reverse("mentoring:session-register", args=[session.pk]),
        {"business": course.other_business.pk, "attendee_name": "Budi"},
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert not Registration.objects.filter(session=session).exists()


def test_registration_page_shows_why_it_is_closed(client, course):
    late = TrainingSessionFactory(
        registration_deadline=timezone.now() - timedelta(minutes=5),
    )
    client.force_login(course.other_owner)
    response = client.get(late.get_absolute_url())
    assert response.context["registration_problem"] == "Registration for this session has closed."
    assert "registration_form" not in response.context
    response = client.post(
        reverse("mentoring:session-register", args=[late.pk]), {"attendee_name": "Budi"}
    )
    assert "Registration for this session has closed." in text_of(response)


def test_mentees_only_sessions_refuse_other_businesses(client, course):
    session = TrainingSessionFactory(host=course.host, audience="mentees")
    mentee = MentorshipFactory(mentor=course.host).business
    MentorshipFactory(mentor=course.host, business=course.other_business, status="completed")
    client.force_login(course.other_owner)
    response = client.post(
        reverse("mentoring:session-register", args=[session.pk]), {"attendee_name": "Budi"}
    )
    assert response.status_code == 200
    assert "This session is only for businesses mentored by Rina Bandung." in text_of(response)
    registration = services.registration_create(session=session, business=mentee, attendee="Ani")
    assert registration.status == Registration.Status.CONFIRMED


def test_attendee_name_is_required(client, course):
    client.force_login(course.other_owner)
    response = client.post(
        reverse("mentoring:session-register", args=[course.session.pk]), {"attendee_name": " "}
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


def test_no_cancelling_after_the_start(client, course):
    with pytest.raises(services.TrainingError):
        services.registration_cancel(
            registration=course.registration,
            actor=course.owner,
            now=course.session.starts_at + timedelta(minutes=1),
        )
    with pytest.raises(services.TrainingError):
        services.registration_cancel(
            registration=RegistrationFactory(status="cancelled"), actor=None
        )


def test_open_redirect_is_ignored_after_cancel(client, course):
    client.force_login(course.owner)
    response = client.post(
        reverse("mentoring:registration-cancel", args=[course.registration.pk]),
        {"next": "https://evil.example.com/"},
    )
    assert response["Location"] == course.session.get_absolute_url()


# Ticket and check-in --------------------------------------------------------------------


def test_ticket_shows_the_code_and_a_local_qr_svg(client, course):
    client.force_login(course.owner)
    page = text_of(
        client.get(reverse("mentoring:registration-ticket", args=[course.registration.pk]))
    )
    assert course.registration.ticket_code in page
    assert "<svg" in page
    assert 'class="ticket-qr"' in page
    assert "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", ""
    )  # drawn inline, nothing fetched
    client.force_login(course.waitlisted_owner)
    page = text_of(
        client.get(reverse("mentoring:registration-ticket", args=[course.waitlisted.pk]))
    )
    assert "<svg" not in page
    assert course.waitlisted.ticket_code not in page
    assert SECRET not in page


def open_check_in(session: TrainingSession) -> None:
    """Move the session to start in 30 minutes: check-in is open (it opens
    ``services.CHECK_IN_OPENS_BEFORE`` the start)."""
    starts = timezone.now() + timedelta(minutes=30)
    assert timedelta(minutes=30) < services.CHECK_IN_OPENS_BEFORE
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        registration_deadline=starts - timedelta(minutes=10),
    )
    session.refresh_from_db()


def test_check_in_by_code(client, course):
    open_check_in(course.session)
    client.force_login(course.host)
    url = reverse("mentoring:session-check-in", args=[course.session.pk])
    prefilled = client.get(f"{url}?code={course.registration.ticket_code}")
    assert prefilled.context["form"].initial["code"] == course.registration.ticket_code
    code = course.registration.ticket_code.lower()
    response = client.post(url, {"code": f" {code[:5]} {code[5:]} "}, follow=True)
    course.registration.refresh_from_db()
    assert course.registration.status == Registration.Status.ATTENDED
    assert course.registration.checked_in_at is not None
    assert f"{course.registration.attendee_name} is checked in." in messages_of(response)

    again = client.post(url, {"code": code})
    assert f"{course.registration.attendee_name} is already checked in." in text_of(again)
    waiting = client.post(url, {"code": course.waitlisted.ticket_code})
    assert "is on the waiting list and has no seat." in text_of(waiting)
    elsewhere = RegistrationFactory()
    wrong = client.post(url, {"code": elsewhere.ticket_code})
    assert wrong.context["form"].errors["code"] == [
        "No ticket with this code is registered for this session."
    ]
    elsewhere.refresh_from_db()
    assert elsewhere.status == Registration.Status.CONFIRMED


def test_check_in_from_the_list(client, course):
    open_check_in(course.session)
    client.force_login(course.staff)
    url = reverse("mentoring:registration-check-in", args=[course.registration.pk])
    response = client.post(url, follow=True)
    course.registration.refresh_from_db()
    assert course.registration.status == Registration.Status.ATTENDED
    # Back to the check-in page, naming the person just checked in (to undo it).
    check_in_page = reverse("mentoring:session-check-in", args=[course.session.pk])
    assert response.redirect_chain[-1][0] == f"{check_in_page}?last={course.registration.pk}"
    page = text_of(response)
    assert course.registration.attendee_name in page
    assert course.waitlisted.attendee_name in page
    response = client.post(url, follow=True)
    assert f"{course.registration.attendee_name} is already checked in." in messages_of(response)


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


def test_no_certificate_for_no_shows_or_before_the_end(client, past, course):
    _session, _attended, absent, _waiting = past
    client.force_login(absent.business.owner)
    assert (
        client.get(reverse("mentoring:registration-certificate", args=[absent.pk])).status_code
        == 404
    )
    # Checked in at the start; the session has not ended yet.
    services.registration_check_in(
        registration=course.registration, actor=course.host, now=course.session.starts_at
    )
    client.force_login(course.owner)
    url = reverse("mentoring:registration-certificate", args=[course.registration.pk])
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


def test_calendar_queries_do_not_grow(client, course):
    url = reverse("mentoring:session-list")
    client.force_login(course.owner)
    client.get(url)  # the header's unread count is cached from here on
    with captured_queries() as few:
        client.get(url)
    for _ in range(8):
        RegistrationFactory(session=TrainingSessionFactory())
    client.get(url)
    with captured_queries() as many:
        response = client.get(url)
    assert len(response.context["sessions"]) == 9
    assert len(many) == len(few)


def test_session_page_queries_are_bounded(client, course, django_assert_max_num_queries):
    for _ in range(5):
        RegistrationFactory(session=course.session, status="waitlisted")
    client.force_login(course.owner)
    with django_assert_max_num_queries(12):
        client.get(course.session.get_absolute_url())


def test_month_view_puts_sessions_on_their_local_day(client, course):
    host = course.host
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


def test_owner_registration_list(client, course, past):
    client.force_login(course.owner)
    response = client.get(reverse("mentoring:registration-list"))
    assert list(response.context["registrations"]) == [course.registration]
    assert reverse("mentoring:registration-ticket", args=[course.registration.pk]) in text_of(
        response
    )


def test_owner_reaches_registrations_and_calendar_link_from_the_dashboard(client, course):
    """Tickets, certificates and the calendar link are one click from the dashboard."""
    client.force_login(course.owner)
    dashboard = text_of(client.get(reverse("umkm:dashboard")))
    assert f'href="{reverse("mentoring:registration-list")}"' in dashboard
    registrations = text_of(client.get(reverse("mentoring:registration-list")))
    assert f'href="{reverse("mentoring:calendar-feed")}"' in registrations


def test_training_pages_render_in_indonesian(client, course, past):
    """The main pages work in the default language too (texts come from the catalogue)."""
    owner = course.owner
    owner.language = "id"
    owner.save(update_fields=["language"])
    client.force_login(owner)
    for url in (
        reverse("mentoring:session-list"),
        course.session.get_absolute_url(),
        reverse("mentoring:registration-list"),
        reverse("mentoring:registration-ticket", args=[course.registration.pk]),
        reverse("mentoring:calendar-feed"),
        reverse("mentoring:certificate-verify"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert '<html lang="id">' in text_of(response)
