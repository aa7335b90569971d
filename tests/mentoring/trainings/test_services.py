"""The training services called directly: who may host, edits and who hears of them,
seats and the waiting list, the registration deadline, feedback, upcoming sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from mentoring.models import (
    Registration,
)
from mentoring.services import trainings as services

from ...factories import (
    PastSessionFactory,
    PendingMentorFactory,
    RegistrationFactory,
    TrainingSessionFactory,
)
from ...support.trainings import notifications

pytestmark = pytest.mark.django_db


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


def test_edits_that_keep_time_and_place_tell_nobody(course):
    services.session_update(
        session=course.session, editor=course.host, description_en="Better words."
    )
    course.session.refresh_from_db()
    assert course.session.sequence == 1  # calendars pick up the new text
    assert notifications("training_changed") == []
    services.session_update(session=course.draft, editor=course.host, venue="Elsewhere")
    course.draft.refresh_from_db()
    assert course.draft.sequence == 0  # nobody has a draft in a calendar


def test_more_seats_move_the_waiting_list_up_fewer_than_taken_are_refused(course):
    services.session_update(session=course.session, editor=course.host, capacity=2)
    course.waitlisted.refresh_from_db()
    assert course.waitlisted.status == Registration.Status.CONFIRMED
    assert [n.recipient for n in notifications("training_promoted")] == [course.waitlisted_owner]
    with pytest.raises(services.TrainingError) as error:
        services.session_update(session=course.session, editor=course.host, capacity=1)
    assert "capacity" in error.value.error_dict


def test_registering_again_after_cancelling_is_allowed(course):
    services.registration_cancel(registration=course.registration, actor=course.owner)
    again = services.registration_create(
        session=course.session, business=course.business, attendee="Siti"
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
def test_registration_closes_at_the_deadline_and_the_start(course, moment, message):
    session = TrainingSessionFactory()
    still_open = session.registration_deadline - timedelta(minutes=1)
    problem = services.registration_problem(
        session=session, business=course.other_business, now=still_open
    )
    assert problem is None
    with pytest.raises(services.TrainingError) as error:
        services.registration_create(
            session=session, business=course.other_business, attendee="Budi", now=moment(session)
        )
    with translation.override("en"):  # not whatever an earlier test's request left active
        assert error.value.messages == [message]
    assert not Registration.objects.filter(session=session).exists()


def test_cancelling_a_waitlisted_place_promotes_nobody(course):
    promoted = services.registration_cancel(
        registration=course.waitlisted, actor=course.waitlisted_owner
    )
    assert promoted == []
    course.registration.refresh_from_db()
    assert course.registration.status == Registration.Status.CONFIRMED


def test_no_feedback_before_the_end(course):
    starts = course.session.starts_at
    services.registration_check_in(registration=course.registration, actor=course.host, now=starts)
    course.registration.refresh_from_db()
    with pytest.raises(services.TrainingError) as error:  # during the session
        services.registration_feedback(
            registration=course.registration, rating=5, now=starts + timedelta(hours=1)
        )
    with translation.override("en"):
        assert error.value.messages == ["Feedback opens when the session has ended."]


def test_upcoming_sessions_for_each_role(course):
    now = timezone.now()
    cancelled = TrainingSessionFactory(host=course.host, status="cancelled")
    RegistrationFactory(session=cancelled, business=course.business)
    ended = PastSessionFactory(host=course.host)
    RegistrationFactory(session=ended, business=course.business)
    gone = TrainingSessionFactory()
    RegistrationFactory(session=gone, business=course.business, status="cancelled")
    later = TrainingSessionFactory(starts_at=now + timedelta(days=20))
    RegistrationFactory(session=later, business=course.business, status="waitlisted")

    assert list(services.upcoming_sessions_for(course.host)) == [course.session, course.draft]
    assert list(services.upcoming_sessions_for(course.owner)) == [course.session, later]
    assert list(services.upcoming_sessions_for(course.other_owner)) == []
    assert list(services.upcoming_sessions_for(course.buyer)) == []
    assert list(services.upcoming_sessions_for(course.staff)) == []
