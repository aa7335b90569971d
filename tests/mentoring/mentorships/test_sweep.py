"""The mentorship sweep, a service the periodic task runs: reminders of unanswered
requests, their expiry, overdue action items, gaps closed by the business; and the task
and its schedule."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentoring import services
from mentoring.models import ActionItem, Mentorship
from notifications.models import Notification
from umkm.models import Business

from ...factories import (
    MentorshipFactory,
)
from ...support.mentorships import kinds_for, requested

pytestmark = pytest.mark.django_db


# The sweep: reminders and expiry -------------------------------------------------------


def test_an_unanswered_request_reminds_the_mentor_once_after_three_days(
    pair, django_capture_on_commit_callbacks, mailoutbox
):
    request = requested(pair.free_mentor, business=pair.business)
    start = request.requested_at
    assert services.mentorships_sweep(now=start + timedelta(days=2, hours=23))["reminded"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        result = services.mentorships_sweep(now=start + timedelta(days=3, minutes=1))
    assert result["reminded"] == 1
    assert kinds_for(pair.free_mentor) == ["mentorship_request_reminder"]
    assert kinds_for(pair.owner) == []
    assert [m.to for m in mailoutbox] == [[pair.free_mentor.email]]
    request.refresh_from_db()
    assert request.reminded_at == start + timedelta(days=3, minutes=1)
    assert request.status == Mentorship.Status.REQUESTED
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorships_sweep(now=start + timedelta(days=5))
    assert kinds_for(pair.free_mentor) == ["mentorship_request_reminder"]
    assert len(mailoutbox) == 1


def test_an_unanswered_request_expires_after_fourteen_days_and_the_owner_may_ask_again(
    pair, django_capture_on_commit_callbacks, mailoutbox
):
    request = requested(pair.free_mentor, business=pair.business)
    start = request.requested_at
    services.mentorships_sweep(now=start + timedelta(days=4))
    assert services.mentorships_sweep(now=start + timedelta(days=13, hours=23))["expired"] == 0
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.mentorships_sweep(now=start + timedelta(days=14, minutes=1))
    assert result["expired"] == 1
    request.refresh_from_db()
    assert request.status == Mentorship.Status.EXPIRED
    assert request.ended_at is not None
    assert kinds_for(pair.owner) == ["mentorship_expired"]
    assert [m.to for m in mailoutbox] == [[pair.owner.email]]
    assert services.mentorships_sweep(now=start + timedelta(days=15))["expired"] == 0
    assert kinds_for(pair.owner) == ["mentorship_expired"]
    # Expired is final; the owner asks again (or someone else).
    with pytest.raises(ValidationError):
        services.mentorship_accept(mentorship=request, mentor=pair.free_mentor)
    services.mentorship_request(owner=pair.owner, mentor=pair.free_mentor, message="Lagi")


def test_a_request_first_seen_after_fourteen_days_expires_without_a_reminder(pair):
    request = requested(pair.free_mentor, business=pair.business)
    result = services.mentorships_sweep(now=request.requested_at + timedelta(days=20))
    assert (result["expired"], result["reminded"]) == (1, 0)
    assert kinds_for(pair.free_mentor) == []


def test_the_task_runs_the_sweep(pair):
    from mentoring.tasks import sweep_mentorships

    assert sweep_mentorships.delay().get() == {
        "expired": 0,
        "reminded": 0,
        "overdue": 0,
        "closed": 0,
    }


def test_the_sweep_is_scheduled_hourly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["mentoring-sweep"]
    assert entry["task"] == "mentoring.tasks.sweep_mentorships"
    assert entry["schedule"].minute == {5}
    assert len(entry["schedule"].hour) == 24


def test_overdue_items_remind_the_owner_once(pair, django_capture_on_commit_callbacks, mailoutbox):
    today = timezone.localdate()
    overdue = ActionItem.objects.create(
        mentorship=pair.mentorship, title="Daftar halal", due_on=today - timedelta(days=1)
    )
    ActionItem.objects.create(
        mentorship=pair.mentorship, title="Nanti", due_on=today + timedelta(days=5)
    )
    ActionItem.objects.create(
        mentorship=pair.mentorship,
        title="Sudah",
        due_on=today - timedelta(days=3),
        done_at=timezone.now(),
    )
    ended = MentorshipFactory(business=pair.business, status="completed")
    ActionItem.objects.create(mentorship=ended, title="Lama", due_on=today - timedelta(days=9))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.mentorships_sweep()["overdue"] == 1
    assert kinds_for(pair.owner) == ["action_item_overdue"]
    assert "Daftar halal" in Notification.objects.get(recipient=pair.owner).title
    assert [m.to for m in mailoutbox] == [[pair.owner.email]]
    overdue.refresh_from_db()
    assert overdue.reminded_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.mentorships_sweep(now=timezone.now() + timedelta(days=1))["overdue"] == 0
    assert kinds_for(pair.owner) == ["action_item_overdue"]
    assert len(mailoutbox) == 1


def test_closing_a_business_gap_closes_the_item_in_the_sweep(pair):
    Business.objects.filter(pk=pair.business.pk).update(phone="", whatsapp="", contact_email="")
    pair.business.refresh_from_db()
    item = services.action_item_create(
        mentorship=pair.mentorship,
        author=pair.mentor,
        title="Kontak untuk pembeli",
        due_on=timezone.localdate(),
        readiness_key="contact",
    )
    assert services.mentorships_sweep()["closed"] == 0
    Business.objects.filter(pk=pair.business.pk).update(
        whatsapp="+628123456789", contact_email="jual@example.com"
    )
    assert services.mentorships_sweep()["closed"] == 1
    item.refresh_from_db()
    assert item.done_at is not None
    assert services.action_items_close_resolved(business=pair.business) == 0
