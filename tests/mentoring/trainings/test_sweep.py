"""The training sweep, a service the periodic task runs: reminders 24 hours and one hour
before, exactly once each, to confirmed registrants only; and the task itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mentoring import tasks
from mentoring.models import (
    Registration,
    TrainingSession,
)
from mentoring.services import trainings as services

from ...factories import (
    RegistrationFactory,
    TrainingSessionFactory,
)
from ...support.trainings import notifications

pytestmark = pytest.mark.django_db


# Reminders (periodic sweep) -------------------------------------------------------------


def test_reminders_24h_and_1h_exactly_once_each_to_confirmed_only(
    course, mailoutbox, django_capture_on_commit_callbacks
):
    start = course.session.starts_at
    RegistrationFactory(session=course.session, status=Registration.Status.CANCELLED)
    TrainingSessionFactory(starts_at=start + timedelta(hours=5))  # later, nobody registered
    early = start - timedelta(hours=30)
    assert services.trainings_sweep(now=early) == 0

    day_before = start - timedelta(hours=23, minutes=55)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.trainings_sweep(now=day_before) == 1
    assert services.trainings_sweep(now=day_before + timedelta(minutes=5)) == 0
    reminders = notifications("training_reminder")
    assert [n.recipient for n in reminders] == [course.owner]
    assert "within 24 hours" in reminders[0].title
    assert [m.to for m in mailoutbox] == [[course.owner.email]]

    hour_before = start - timedelta(minutes=55)
    assert services.trainings_sweep(now=hour_before) == 1
    assert services.trainings_sweep(now=hour_before + timedelta(minutes=5)) == 0
    reminders = notifications("training_reminder")
    assert len(reminders) == 2
    assert {n.recipient for n in reminders} == {course.owner}
    assert any("within the hour" in n.title for n in reminders)
    assert services.trainings_sweep(now=start + timedelta(minutes=1)) == 0


def test_a_late_sweep_still_reminds_but_never_the_24h_one_in_the_last_hour(course):
    start = course.session.starts_at
    assert services.trainings_sweep(now=start - timedelta(hours=5)) == 1  # missed 24h mark
    assert "within 24 hours" in notifications("training_reminder")[0].title
    other = TrainingSessionFactory(starts_at=start + timedelta(days=2))
    RegistrationFactory(session=other, business=course.other_business)
    assert services.trainings_sweep(now=other.starts_at - timedelta(minutes=20)) == 1
    late = notifications("training_reminder", recipient=course.other_owner)
    assert len(late) == 1
    assert "within the hour" in late[0].title


def test_no_reminders_for_cancelled_sessions_and_a_moved_session_is_reminded_again(course):
    start = course.session.starts_at
    assert services.trainings_sweep(now=start - timedelta(hours=2)) == 1
    services.session_update(
        session=course.session,
        editor=course.host,
        starts_at=start + timedelta(hours=3),
        ends_at=start + timedelta(hours=5),
        now=start - timedelta(hours=2),
    )
    assert services.trainings_sweep(now=start - timedelta(hours=2)) == 1
    cancelled = TrainingSessionFactory(status=TrainingSession.Status.CANCELLED)
    RegistrationFactory(session=cancelled)
    assert services.trainings_sweep(now=cancelled.starts_at - timedelta(minutes=30)) == 0


def test_the_periodic_task_runs_the_sweep_every_five_minutes(settings, course, monkeypatch):
    entry = settings.CELERY_BEAT_SCHEDULE["trainings-sweep"]
    assert entry["task"] == "mentoring.tasks.sweep_trainings"
    assert entry["schedule"] == 300.0
    import mentoring.services as package

    monkeypatch.setattr(package, "trainings_sweep", lambda **kw: 7)
    assert tasks.sweep_trainings.delay().get() == 7
    monkeypatch.undo()
    # For real: the confirmed registrant of a session starting within the hour.
    soon = TrainingSessionFactory(starts_at=timezone.now() + timedelta(minutes=30))
    RegistrationFactory(session=soon, business=course.other_business)
    assert tasks.sweep_trainings.delay().get() == 1
