"""The mentorship services called directly: requests, answers and assignment within
capacity (also under concurrent accepts), completion, logs, action items and readiness
gaps, and the notification language."""

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from mentoring import services
from mentoring.models import ActionItem, MentoringLog, MentorProfile, Mentorship
from mentoring.services import mentorships as mentorship_services
from notifications.models import Notification

from ...factories import (
    BusinessFactory,
    MentorProfileFactory,
    MentorshipFactory,
)
from ...support.mentorships import kinds_for, requested

pytestmark = pytest.mark.django_db


# Capacity under concurrency (PostgreSQL, real threads) -----------------------------------


def _accept_in_threads(requests, mentor) -> list[str]:
    barrier = threading.Barrier(len(requests))
    results: list[str] = []

    def accept(mentorship):
        try:
            barrier.wait(timeout=10)
            services.mentorship_accept(mentorship=mentorship, mentor=mentor)
            results.append("active")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(m,)) for m in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _concurrency_world(n: int):
    mentor = MentorProfileFactory(capacity=2).user
    return mentor, [requested(mentor) for _ in range(n)]


def test_an_owner_may_have_several_active_mentors(pair):
    services.mentorship_request(owner=pair.owner, mentor=pair.free_mentor, message="Halo")
    mentorship = Mentorship.objects.get(mentor=pair.free_mentor)
    services.mentorship_accept(mentorship=mentorship, mentor=pair.free_mentor)
    assert pair.business.mentorships.filter(status="active").count() == 2


def test_requesting_a_paused_unapproved_or_full_mentor_is_refused(pair):
    paused = MentorProfileFactory(is_paused=True).user
    full = MentorProfileFactory(capacity=1).user
    MentorshipFactory(mentor=full)
    for mentor in [paused, full, pair.pending_mentor, pair.buyer]:
        with pytest.raises(ValidationError):
            services.mentorship_request(owner=pair.owner, mentor=mentor, message="Halo")
    assert not Mentorship.objects.filter(
        business=pair.business, status=Mentorship.Status.REQUESTED
    ).exists()


def test_accepting_activates_records_readiness_and_tells_the_owner(
    pair, django_capture_on_commit_callbacks, mailoutbox
):
    request = requested(pair.free_mentor, business=pair.business)
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_accept(mentorship=request, mentor=pair.free_mentor)
    request.refresh_from_db()
    assert request.status == Mentorship.Status.ACTIVE
    assert request.started_at is not None
    assert request.assigned_by is None
    from mentoring.readiness.selectors import business_readiness

    assert request.readiness_at_start == business_readiness(pair.business).score
    assert kinds_for(pair.owner) == ["mentorship_accepted"]
    assert [m.to for m in mailoutbox] == [[pair.owner.email]]


def test_illegal_answers_are_refused(pair):
    request = requested(pair.free_mentor, business=pair.business)
    # Only the mentor who was asked answers.
    for actor in [pair.mentor, pair.owner, pair.staff]:
        with pytest.raises(ValidationError):
            services.mentorship_accept(mentorship=request, mentor=actor)
    # A reason is required to decline.
    with pytest.raises(ValidationError) as excinfo:
        services.mentorship_decline(mentorship=request, mentor=pair.free_mentor, reason="  ")
    assert "reason" in excinfo.value.message_dict
    services.mentorship_decline(
        mentorship=request, mentor=pair.free_mentor, reason="Bukan keahlian saya."
    )
    request.refresh_from_db()
    assert (request.status, request.decline_reason) == ("declined", "Bukan keahlian saya.")
    # A declined request cannot be accepted, nor declined again, nor completed.
    with pytest.raises(ValidationError):
        services.mentorship_accept(mentorship=request, mentor=pair.free_mentor)
    with pytest.raises(ValidationError):
        services.mentorship_decline(mentorship=request, mentor=pair.free_mentor, reason="x")
    with pytest.raises(ValidationError):
        services.mentorship_complete(mentorship=request, actor=pair.free_mentor)
    request.refresh_from_db()
    assert request.status == Mentorship.Status.DECLINED
    assert kinds_for(pair.owner) == ["mentorship_declined"]


def test_accept_is_refused_when_the_mentor_became_full_or_paused(pair):
    first = requested(pair.free_mentor)
    second = requested(pair.free_mentor)
    MentorProfile.objects.filter(user=pair.free_mentor).update(capacity=1)
    services.mentorship_accept(mentorship=first, mentor=pair.free_mentor)
    with pytest.raises(ValidationError):
        services.mentorship_accept(mentorship=second, mentor=pair.free_mentor)
    MentorProfile.objects.filter(user=pair.free_mentor).update(capacity=5, is_paused=True)
    with pytest.raises(ValidationError):
        services.mentorship_accept(mentorship=second, mentor=pair.free_mentor)
    second.refresh_from_db()
    assert second.status == Mentorship.Status.REQUESTED


def test_assign_turns_an_open_request_into_the_mentorship(pair):
    request = requested(pair.free_mentor, business=pair.business)
    mentorship = services.mentorship_assign(
        business=pair.business, mentor=pair.free_mentor, staff=pair.staff
    )
    assert mentorship.pk == request.pk
    assert Mentorship.objects.filter(mentor=pair.free_mentor).count() == 1
    with pytest.raises(ValidationError):
        services.mentorship_assign(
            business=BusinessFactory(), mentor=pair.mentor, staff=pair.mentor
        )


def test_assign_respects_capacity(pair):
    MentorProfile.objects.filter(user=pair.free_mentor).update(capacity=0)
    with pytest.raises(ValidationError):
        services.mentorship_assign(
            business=pair.business, mentor=pair.free_mentor, staff=pair.staff
        )


def test_staff_complete_and_both_are_told(pair):
    services.mentorship_complete(mentorship=pair.mentorship, actor=pair.staff)
    assert kinds_for(pair.owner) == ["mentorship_completed"]
    assert kinds_for(pair.mentor) == ["mentorship_completed"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_never_exceed_capacity(postgres_db, monkeypatch):
    mentor, requests = _concurrency_world(6)
    count = mentorship_services._active_count

    def slow_count(mentor):
        value = count(mentor)
        time.sleep(0.05)  # widen the window between counting and activating
        return value

    monkeypatch.setattr(mentorship_services, "_active_count", slow_count)
    results = _accept_in_threads(requests, mentor)
    assert sorted(results) == ["active"] * 2 + ["refused"] * 4
    assert Mentorship.objects.filter(mentor=mentor, status="active").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_concurrent_accepts_overfill(postgres_db, monkeypatch):
    """The control: the race is real, so the test above proves the lock works."""
    mentor, requests = _concurrency_world(4)
    barrier = threading.Barrier(len(requests))
    count = mentorship_services._active_count

    def count_then_wait(mentor):
        value = count(mentor)
        barrier.wait(timeout=10)  # everyone has counted before anyone activates
        return value

    monkeypatch.setattr(
        mentorship_services,
        "_lock_mentor_profile",
        lambda mentor: MentorProfile.objects.get(user=mentor),
    )
    monkeypatch.setattr(mentorship_services, "_active_count", count_then_wait)
    _accept_in_threads(requests, mentor)
    assert Mentorship.objects.filter(mentor=mentor, status="active").count() == 4


def test_the_service_refuses_a_future_date_and_writers_other_than_mentor_or_staff(pair):
    today = timezone.localdate()
    fields = {"mode": "call", "duration_hours": Decimal(1), "notes": "x"}
    with pytest.raises(ValidationError):
        services.mentoring_log_create(
            mentorship=pair.mentorship,
            author=pair.mentor,
            date=today + timedelta(days=1),
            **fields,
        )
    with pytest.raises(ValidationError):
        services.mentoring_log_create(
            mentorship=pair.mentorship, author=pair.owner, date=today, **fields
        )
    services.mentoring_log_create(
        mentorship=pair.mentorship, author=pair.staff, date=today, **fields
    )
    assert MentoringLog.objects.count() == 1


def test_ticking_twice_is_harmless(pair):
    item = ActionItem.objects.create(
        mentorship=pair.mentorship, title="x", due_on=timezone.localdate()
    )
    assert services.action_item_mark_done(item=item, actor=pair.owner) is True
    assert services.action_item_mark_done(item=item, actor=pair.owner) is False
    with pytest.raises(ValidationError):
        services.action_item_mark_done(item=item, actor=pair.other_owner)


def test_closing_resolved_items_costs_one_query_when_nothing_is_keyed(
    pair, django_assert_num_queries
):
    ActionItem.objects.create(mentorship=pair.mentorship, title="x", due_on=timezone.localdate())
    with django_assert_num_queries(1):
        assert services.action_items_close_resolved(business=pair.business) == 0


def test_the_log_notification_is_in_the_owners_language(pair):
    pair.owner.language = "id"
    pair.owner.save(update_fields=["language"])
    pair.mentor.language = "en"
    pair.mentor.save(update_fields=["language"])
    from django.utils import translation

    with translation.override("en"):
        services.mentoring_log_create(
            mentorship=pair.mentorship,
            author=pair.mentor,
            date=timezone.localdate(),
            mode="visit",
            duration_hours=Decimal(1),
            notes="Catatan",
        )
    assert "kunjungan" in Notification.objects.get(recipient=pair.owner).title
