"""Mentor profiles and directory, the mentorship lifecycle, logs and action items, the
sweep, the dashboards, permissions and query budgets."""

import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentoring import selectors, services
from mentoring.models import ActionItem, MentoringLog, MentorProfile, Mentorship
from mentoring.services import mentorships as mentorship_services
from mentoring.urls.mentorships import urlpatterns
from notifications.models import Notification
from umkm.models import Business, Product

from ..factories import (
    BusinessFactory,
    BuyerFactory,
    MentorFactory,
    MentorProfileFactory,
    MentorshipFactory,
    OwnerFactory,
    PendingMentorFactory,
    ProductFactory,
    StaffFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db


def kinds_for(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True)
    )


def requested(mentor, business=None, **extra) -> Mentorship:
    return MentorshipFactory(
        mentor=mentor,
        business=business or BusinessFactory(),
        status=Mentorship.Status.REQUESTED,
        started_at=None,
        **extra,
    )


# The cast -----------------------------------------------------------------------------


@dataclass
class World:
    business: Business
    owner: object
    mentor: object
    mentorship: Mentorship
    other_owner: object
    other_mentor: object
    pending_mentor: object
    buyer: object
    staff: object
    free_mentor: object

    def actor(self, name: str):
        return None if name == "anonymous" else getattr(self, name)

    def as_request(self) -> Mentorship:
        Mentorship.objects.filter(pk=self.mentorship.pk).update(
            status=Mentorship.Status.REQUESTED, started_at=None
        )
        self.mentorship.refresh_from_db()
        return self.mentorship


@pytest.fixture
def world(db) -> World:
    business = BusinessFactory()
    mentor = MentorProfileFactory().user
    mentorship = MentorshipFactory(business=business, mentor=mentor, readiness_at_start=40)
    other_business = BusinessFactory()
    other_mentor = MentorProfileFactory().user
    MentorshipFactory(business=other_business, mentor=other_mentor)
    return World(
        business=business,
        owner=business.owner,
        mentor=mentor,
        mentorship=mentorship,
        other_owner=other_business.owner,
        other_mentor=other_mentor,
        pending_mentor=MentorProfileFactory(user=PendingMentorFactory()).user,
        buyer=BuyerFactory(),
        staff=StaffFactory(),
        free_mentor=MentorProfileFactory(capacity=3).user,
    )


ACTORS = [
    "anonymous",
    "owner",
    "other_owner",
    "mentor",
    "other_mentor",
    "pending_mentor",
    "buyer",
    "staff",
]
STRANGERS = ["other_owner", "other_mentor", "pending_mentor", "buyer"]
LOGIN, OK, FOUND, FORBIDDEN, NOT_FOUND = "login", 200, 302, 403, 404
PENDING = ("redirect", "/mentoring/pending/")


def _object_access(allowed):
    """Owner, the pair's mentor and staff get ``allowed``; strangers 404."""
    return {
        "anonymous": LOGIN,
        **dict.fromkeys(STRANGERS, NOT_FOUND),
        **dict.fromkeys(["owner", "mentor", "staff"], allowed),
    }


OWNER_PAGE = {
    **dict.fromkeys(ACTORS, FORBIDDEN),
    "anonymous": LOGIN,
    "owner": OK,
    "other_owner": OK,
}

# url name -> (method, url args from the world, expected status per actor). A URL
# added to mentoring/urls/mentorships.py without a row fails the coverage test below.
MATRIX = {
    "mentor-profile": (
        "get",
        lambda w: [],
        {
            **dict.fromkeys(ACTORS, FORBIDDEN),
            "anonymous": LOGIN,
            "mentor": OK,
            "other_mentor": OK,
            "pending_mentor": PENDING,
        },
    ),
    "mentor-directory": ("get", lambda w: [], {**OWNER_PAGE, "staff": OK}),
    "mentorship-request": ("get", lambda w: [w.free_mentor.pk], OWNER_PAGE),
    "mentorship-assign": (
        "get",
        lambda w: [],
        {**dict.fromkeys(ACTORS, NOT_FOUND), "anonymous": LOGIN, "staff": OK},
    ),
    "my-mentors": ("get", lambda w: [], OWNER_PAGE),
    "mentorship-detail": ("get", lambda w: [w.mentorship.pk], _object_access(OK)),
    "mentorship-accept": ("post", lambda w: [w.as_request().pk], _object_access(FOUND)),
    "mentorship-decline": ("post", lambda w: [w.as_request().pk], _object_access(OK)),
    "mentorship-complete": ("post", lambda w: [w.mentorship.pk], _object_access(FOUND)),
    "mentoring-log-create": ("post", lambda w: [w.mentorship.pk], _object_access(OK)),
    "action-item-create": ("post", lambda w: [w.mentorship.pk], _object_access(OK)),
    "action-item-done": (
        "post",
        lambda w: [
            ActionItem.objects.create(
                mentorship=w.mentorship, title="Foto produk", due_on=timezone.localdate()
            ).pk
        ],
        _object_access(FOUND),
    ),
}
# A POST without data (decline, log, action item) is an invalid form: the page is shown
# again with the errors (200) to those who may see the mentorship.
CASES = [
    (name, actor, expected)
    for name, (_method, _args, row) in MATRIX.items()
    for actor, expected in row.items()
]


def test_the_matrix_covers_every_mentorship_url():
    assert {pattern.name for pattern in urlpatterns} == set(MATRIX)
    for _name, (_method, _args, row) in MATRIX.items():
        assert set(row) == set(ACTORS)


@pytest.mark.parametrize(("name", "actor", "expected"), CASES)
def test_permissions(client, world, name, actor, expected):
    method, args, _row = MATRIX[name]
    url = reverse(f"mentoring:{name}", args=args(world))
    user = world.actor(actor)
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    elif isinstance(expected, tuple):
        assert response.status_code == 302
        assert response["Location"] == expected[1]
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("actor", STRANGERS)
def test_strangers_change_nothing(client, world, actor):
    client.force_login(world.actor(actor))
    item = ActionItem.objects.create(
        mentorship=world.mentorship, title="Foto produk", due_on=timezone.localdate()
    )
    for name in ["mentorship-complete", "mentoring-log-create"]:
        url = reverse(f"mentoring:{name}", args=[world.mentorship.pk])
        assert client.post(url, {"notes": "x", "mode": "call"}).status_code == 404
    assert client.post(reverse("mentoring:action-item-done", args=[item.pk])).status_code == 404
    world.mentorship.refresh_from_db()
    item.refresh_from_db()
    assert world.mentorship.status == Mentorship.Status.ACTIVE
    assert item.done_at is None
    assert MentoringLog.objects.count() == 0


def test_a_request_to_an_unapproved_or_profileless_mentor_is_404(client, world):
    client.force_login(world.owner)
    no_profile = MentorFactory()
    for mentor in [world.pending_mentor, no_profile, world.buyer]:
        url = reverse("mentoring:mentorship-request", args=[mentor.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"message": "Tolong"}).status_code == 404


# Mentor profile -------------------------------------------------------------------------


def test_mentor_creates_and_edits_the_profile(client):
    mentor = MentorFactory()
    client.force_login(mentor)
    url = reverse("mentoring:mentor-profile")
    assert client.get(url).status_code == 200
    data = {
        "topics": ["export", "pricing"],
        "bio_id": "Saya membantu ekspor.",
        "bio_en": "I help with exports.",
        "organisation": "ITB",
        "city": "Bandung",
        "capacity": 3,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    profile = MentorProfile.objects.get(user=mentor)
    assert (profile.topics, profile.capacity, profile.is_paused) == (
        ["export", "pricing"],
        3,
        False,
    )
    client.post(url, {**data, "is_paused": "on", "capacity": 4})
    profile.refresh_from_db()
    assert (profile.capacity, profile.is_paused) == (4, True)


def test_profile_refuses_unknown_topics_and_too_large_capacity(client, mentor):
    client.force_login(mentor)
    data = {"topics": ["astrology"], "city": "Bandung", "capacity": 80}
    response = client.post(reverse("mentoring:mentor-profile"), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"topics", "capacity"}
    assert not MentorProfile.objects.filter(user=mentor).exists()


# Directory ------------------------------------------------------------------------------


def test_directory_shows_free_capacity_and_hides_paused_unapproved_and_profileless(client, world):
    paused = MentorProfileFactory(is_paused=True).user
    full = MentorProfileFactory(capacity=1).user
    MentorshipFactory(mentor=full)
    MentorFactory()  # no profile
    MentorshipFactory(mentor=world.free_mentor)
    requested(world.free_mentor, business=world.business)
    client.force_login(world.owner)
    response = client.get(reverse("mentoring:mentor-directory"))
    assert response.status_code == 200
    free = {p.user: p.free_capacity for p in response.context["profiles"]}
    assert free == {world.free_mentor: 2, world.mentor: 4, world.other_mentor: 4, full: 0}
    assert paused not in free and world.pending_mentor not in free
    shown = {p.user: p for p in response.context["profiles"]}
    assert shown[world.mentor].open_mentorship == world.mentorship
    assert shown[world.free_mentor].open_mentorship.status == Mentorship.Status.REQUESTED
    content = response.content.decode()
    assert reverse("mentoring:mentorship-request", args=[world.other_mentor.pk]) in content
    assert reverse("mentoring:mentorship-request", args=[full.pk]) not in content
    assert reverse("mentoring:mentorship-request", args=[world.free_mentor.pk]) not in content
    # The ones with room come first.
    assert list(free.values()) == sorted(free.values(), reverse=True)


def test_directory_filters_by_topic(client, world):
    MentorProfile.objects.filter(user=world.free_mentor).update(topics=["food_safety"])
    MentorProfile.objects.filter(user=world.other_mentor).update(topics=["export_x", "finance"])
    client.force_login(world.owner)
    response = client.get(reverse("mentoring:mentor-directory"), {"topic": "food_safety"})
    assert [p.user for p in response.context["profiles"]] == [world.free_mentor]
    response = client.get(reverse("mentoring:mentor-directory"), {"topic": "export"})
    assert [p.user for p in response.context["profiles"]] == [world.mentor]
    response = client.get(reverse("mentoring:mentor-directory"), {"topic": "nonsense"})
    assert len(response.context["profiles"]) == 3


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_directory_queries_do_not_grow(client, world):
    client.force_login(world.owner)
    url = reverse("mentoring:mentor-directory")
    few = _count_queries(client, url)
    for _ in range(6):
        mentor = MentorProfileFactory().user
        MentorshipFactory(mentor=mentor)
        requested(mentor)
    assert _count_queries(client, url) == few
    assert few <= 10


# Lifecycle ------------------------------------------------------------------------------


def test_owner_requests_and_the_mentor_is_told(
    client, world, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(world.owner)
    url = reverse("mentoring:mentorship-request", args=[world.free_mentor.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message": "Kami ingin ekspor ke Malaysia."})
    assert response.status_code == 302
    assert response["Location"] == reverse("mentoring:my-mentors")
    mentorship = Mentorship.objects.get(mentor=world.free_mentor)
    assert (mentorship.business, mentorship.status) == (world.business, "requested")
    assert mentorship.message == "Kami ingin ekspor ke Malaysia."
    assert kinds_for(world.free_mentor) == ["mentorship_requested"]
    notification = Notification.objects.get(recipient=world.free_mentor)
    assert "Kami ingin ekspor ke Malaysia." in notification.body
    assert notification.url == reverse("mentoring:mentorship-detail", args=[mentorship.pk])
    assert [m.to for m in mailoutbox] == [[world.free_mentor.email]]


def test_asking_the_same_mentor_twice_is_a_friendly_error(client, world):
    client.force_login(world.owner)
    url = reverse("mentoring:mentorship-request", args=[world.free_mentor.pk])
    client.post(url, {"message": "Halo"})
    response = client.post(url, {"message": "Halo lagi"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert response.context["open_mentorship"].message == "Halo"
    assert Mentorship.objects.filter(mentor=world.free_mentor).count() == 1


def test_the_request_form_needs_a_message(client, world):
    client.force_login(world.owner)
    url = reverse("mentoring:mentorship-request", args=[world.free_mentor.pk])
    response = client.post(url, {"message": ""})
    assert response.status_code == 200
    assert "message" in response.context["form"].errors
    assert not Mentorship.objects.filter(mentor=world.free_mentor).exists()


def test_an_owner_may_have_several_active_mentors(world):
    services.mentorship_request(owner=world.owner, mentor=world.free_mentor, message="Halo")
    mentorship = Mentorship.objects.get(mentor=world.free_mentor)
    services.mentorship_accept(mentorship=mentorship, mentor=world.free_mentor)
    assert world.business.mentorships.filter(status="active").count() == 2


def test_requesting_without_a_business_is_refused(world, client):
    owner = OwnerFactory()
    with pytest.raises(ValidationError):
        services.mentorship_request(owner=owner, mentor=world.free_mentor, message="Halo")
    client.force_login(owner)
    url = reverse("mentoring:mentorship-request", args=[world.free_mentor.pk])
    assert client.get(url).context["business"] is None
    response = client.post(url, {"message": "Halo"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Mentorship.objects.filter(mentor=world.free_mentor).exists()


def test_requesting_a_paused_unapproved_or_full_mentor_is_refused(world):
    paused = MentorProfileFactory(is_paused=True).user
    full = MentorProfileFactory(capacity=1).user
    MentorshipFactory(mentor=full)
    for mentor in [paused, full, world.pending_mentor, world.buyer]:
        with pytest.raises(ValidationError):
            services.mentorship_request(owner=world.owner, mentor=mentor, message="Halo")
    assert not Mentorship.objects.filter(
        business=world.business, status=Mentorship.Status.REQUESTED
    ).exists()


def test_accepting_activates_records_readiness_and_tells_the_owner(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    request = requested(world.free_mentor, business=world.business)
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_accept(mentorship=request, mentor=world.free_mentor)
    request.refresh_from_db()
    assert request.status == Mentorship.Status.ACTIVE
    assert request.started_at is not None
    assert request.assigned_by is None
    from mentoring.readiness.selectors import business_readiness

    assert request.readiness_at_start == business_readiness(world.business).score
    assert kinds_for(world.owner) == ["mentorship_accepted"]
    assert [m.to for m in mailoutbox] == [[world.owner.email]]


def test_illegal_answers_are_refused(world):
    request = requested(world.free_mentor, business=world.business)
    # Only the mentor who was asked answers.
    for actor in [world.mentor, world.owner, world.staff]:
        with pytest.raises(ValidationError):
            services.mentorship_accept(mentorship=request, mentor=actor)
    # A reason is required to decline.
    with pytest.raises(ValidationError) as excinfo:
        services.mentorship_decline(mentorship=request, mentor=world.free_mentor, reason="  ")
    assert "reason" in excinfo.value.message_dict
    services.mentorship_decline(
        mentorship=request, mentor=world.free_mentor, reason="Bukan keahlian saya."
    )
    request.refresh_from_db()
    assert (request.status, request.decline_reason) == ("declined", "Bukan keahlian saya.")
    # A declined request cannot be accepted, nor declined again, nor completed.
    with pytest.raises(ValidationError):
        services.mentorship_accept(mentorship=request, mentor=world.free_mentor)
    with pytest.raises(ValidationError):
        services.mentorship_decline(mentorship=request, mentor=world.free_mentor, reason="x")
    with pytest.raises(ValidationError):
        services.mentorship_complete(mentorship=request, actor=world.free_mentor)
    request.refresh_from_db()
    assert request.status == Mentorship.Status.DECLINED
    assert kinds_for(world.owner) == ["mentorship_declined"]


def test_accept_is_refused_when_the_mentor_became_full_or_paused(world):
    first = requested(world.free_mentor)
    second = requested(world.free_mentor)
    MentorProfile.objects.filter(user=world.free_mentor).update(capacity=1)
    services.mentorship_accept(mentorship=first, mentor=world.free_mentor)
    with pytest.raises(ValidationError):
        services.mentorship_accept(mentorship=second, mentor=world.free_mentor)
    MentorProfile.objects.filter(user=world.free_mentor).update(capacity=5, is_paused=True)
    with pytest.raises(ValidationError):
        services.mentorship_accept(mentorship=second, mentor=world.free_mentor)
    second.refresh_from_db()
    assert second.status == Mentorship.Status.REQUESTED


def test_mentor_declines_through_the_page_and_the_owner_reads_why(
    client, world, django_capture_on_commit_callbacks
):
    request = requested(world.free_mentor, business=world.business)
    client.force_login(world.free_mentor)
    url = reverse("mentoring:mentorship-decline", args=[request.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["decline_form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"reason": "Penuh bulan ini.", "next": reverse("mentoring:dashboard")}
        )
    assert response["Location"] == reverse("mentoring:dashboard")
    request.refresh_from_db()
    assert request.status == Mentorship.Status.DECLINED
    notification = Notification.objects.get(recipient=world.owner)
    assert notification.kind == "mentorship_declined"
    assert "Penuh bulan ini." in notification.body
    client.force_login(world.owner)
    response = client.get(reverse("mentoring:my-mentors"))
    assert response.context["past"] == [request]
    assert "Penuh bulan ini." in response.content.decode()


def test_accept_through_the_page_ignores_a_foreign_next(client, world):
    request = requested(world.free_mentor, business=world.business)
    client.force_login(world.free_mentor)
    url = reverse("mentoring:mentorship-accept", args=[request.pk])
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("mentoring:mentorship-detail", args=[request.pk])
    request.refresh_from_db()
    assert request.status == Mentorship.Status.ACTIVE


def test_owner_and_staff_cannot_accept_through_the_page(client, world):
    request = world.as_request()
    for actor in [world.owner, world.staff]:
        client.force_login(actor)
        client.post(reverse("mentoring:mentorship-accept", args=[request.pk]))
        request.refresh_from_db()
        assert request.status == Mentorship.Status.REQUESTED


def test_staff_assign_directly_and_both_are_told(
    client, world, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(world.staff)
    response = client.get(reverse("mentoring:mentorship-assign"))
    mentors = list(response.context["form"].fields["mentor"].queryset)
    assert world.free_mentor in mentors and world.pending_mentor not in mentors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("mentoring:mentorship-assign"),
            {"business": world.business.pk, "mentor": world.free_mentor.pk},
        )
    mentorship = Mentorship.objects.get(mentor=world.free_mentor)
    assert response["Location"] == reverse("mentoring:mentorship-detail", args=[mentorship.pk])
    assert mentorship.status == Mentorship.Status.ACTIVE
    assert mentorship.assigned_by == world.staff
    assert mentorship.readiness_at_start is not None
    assert kinds_for(world.owner) == ["mentorship_assigned"]
    assert kinds_for(world.free_mentor) == ["mentorship_assigned"]
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [world.owner.email, world.free_mentor.email]
    )
    # Assigning the same pair again is a friendly error.
    response = client.post(
        reverse("mentoring:mentorship-assign"),
        {"business": world.business.pk, "mentor": world.free_mentor.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_assign_turns_an_open_request_into_the_mentorship(world):
    request = requested(world.free_mentor, business=world.business)
    mentorship = services.mentorship_assign(
        business=world.business, mentor=world.free_mentor, staff=world.staff
    )
    assert mentorship.pk == request.pk
    assert Mentorship.objects.filter(mentor=world.free_mentor).count() == 1
    with pytest.raises(ValidationError):
        services.mentorship_assign(
            business=BusinessFactory(), mentor=world.mentor, staff=world.mentor
        )


def test_assign_respects_capacity(world):
    MentorProfile.objects.filter(user=world.free_mentor).update(capacity=0)
    with pytest.raises(ValidationError):
        services.mentorship_assign(
            business=world.business, mentor=world.free_mentor, staff=world.staff
        )


def test_mentor_completes_and_the_owner_is_told(client, world):
    client.force_login(world.mentor)
    client.post(reverse("mentoring:mentorship-complete", args=[world.mentorship.pk]))
    world.mentorship.refresh_from_db()
    assert world.mentorship.status == Mentorship.Status.COMPLETED
    assert world.mentorship.ended_at is not None
    assert kinds_for(world.owner) == ["mentorship_completed"]
    assert kinds_for(world.mentor) == []
    # Completed is final.
    with pytest.raises(ValidationError):
        services.mentorship_complete(mentorship=world.mentorship, actor=world.mentor)


def test_staff_complete_and_both_are_told(world):
    services.mentorship_complete(mentorship=world.mentorship, actor=world.staff)
    assert kinds_for(world.owner) == ["mentorship_completed"]
    assert kinds_for(world.mentor) == ["mentorship_completed"]


def test_the_owner_cannot_complete(client, world):
    client.force_login(world.owner)
    client.post(reverse("mentoring:mentorship-complete", args=[world.mentorship.pk]))
    world.mentorship.refresh_from_db()
    assert world.mentorship.status == Mentorship.Status.ACTIVE


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


# The sweep: reminders and expiry -------------------------------------------------------


def test_an_unanswered_request_reminds_the_mentor_once_after_three_days(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    request = requested(world.free_mentor, business=world.business)
    start = request.requested_at
    assert services.mentorships_sweep(now=start + timedelta(days=2, hours=23))["reminded"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        result = services.mentorships_sweep(now=start + timedelta(days=3, minutes=1))
    assert result["reminded"] == 1
    assert kinds_for(world.free_mentor) == ["mentorship_request_reminder"]
    assert kinds_for(world.owner) == []
    assert [m.to for m in mailoutbox] == [[world.free_mentor.email]]
    request.refresh_from_db()
    assert request.reminded_at == start + timedelta(days=3, minutes=1)
    assert request.status == Mentorship.Status.REQUESTED
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorships_sweep(now=start + timedelta(days=5))
    assert kinds_for(world.free_mentor) == ["mentorship_request_reminder"]
    assert len(mailoutbox) == 1


def test_an_unanswered_request_expires_after_fourteen_days_and_the_owner_may_ask_again(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    request = requested(world.free_mentor, business=world.business)
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
    assert kinds_for(world.owner) == ["mentorship_expired"]
    assert [m.to for m in mailoutbox] == [[world.owner.email]]
    assert services.mentorships_sweep(now=start + timedelta(days=15))["expired"] == 0
    assert kinds_for(world.owner) == ["mentorship_expired"]
    # Expired is final; the owner asks again (or someone else).
    with pytest.raises(ValidationError):
        services.mentorship_accept(mentorship=request, mentor=world.free_mentor)
    services.mentorship_request(owner=world.owner, mentor=world.free_mentor, message="Lagi")


def test_a_request_first_seen_after_fourteen_days_expires_without_a_reminder(world):
    request = requested(world.free_mentor, business=world.business)
    result = services.mentorships_sweep(now=request.requested_at + timedelta(days=20))
    assert (result["expired"], result["reminded"]) == (1, 0)
    assert kinds_for(world.free_mentor) == []


def test_the_task_runs_the_sweep(world):
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


# Logs and action items ------------------------------------------------------------------


def test_mentor_records_a_visit_and_the_owner_is_told(
    client, world, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(world.mentor)
    url = reverse("mentoring:mentoring-log-create", args=[world.mentorship.pk])
    data = {
        "date": timezone.localdate().isoformat(),
        "mode": "visit",
        "duration_hours": "1.5",
        "notes": "Membahas kemasan untuk ekspor.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    log = MentoringLog.objects.get()
    assert (log.mode, log.duration_hours) == ("visit", Decimal("1.5"))
    assert kinds_for(world.owner) == ["log_added"]
    assert "Membahas kemasan untuk ekspor." in Notification.objects.get(recipient=world.owner).body
    assert [m.to for m in mailoutbox] == [[world.owner.email]]
    client.force_login(world.owner)
    response = client.get(reverse("mentoring:mentorship-detail", args=[world.mentorship.pk]))
    assert list(response.context["logs"]) == [log]
    assert "log_form" not in response.context  # the owner reads only
    response = client.get(reverse("mentoring:my-mentors"))
    assert response.context["logs"] == [log]


@pytest.mark.parametrize(
    ("field", "value"),
    [("date", "tomorrow"), ("duration_hours", "0"), ("duration_hours", "24.5"), ("notes", "")],
)
def test_bad_logs_are_refused_and_the_input_kept(client, world, field, value):
    if value == "tomorrow":
        value = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = {
        "date": timezone.localdate().isoformat(),
        "mode": "call",
        "duration_hours": "2",
        "notes": "Catatan panggilan telepon",
        field: value,
    }
    client.force_login(world.mentor)
    response = client.post(
        reverse("mentoring:mentoring-log-create", args=[world.mentorship.pk]), data
    )
    assert response.status_code == 200
    assert field in response.context["log_form"].errors
    if field != "notes":
        assert "Catatan panggilan telepon" in response.content.decode()
    assert MentoringLog.objects.count() == 0


def test_the_service_refuses_a_future_date_and_writers_other_than_mentor_or_staff(world):
    today = timezone.localdate()
    fields = {"mode": "call", "duration_hours": Decimal(1), "notes": "x"}
    with pytest.raises(ValidationError):
        services.mentoring_log_create(
            mentorship=world.mentorship,
            author=world.mentor,
            date=today + timedelta(days=1),
            **fields,
        )
    with pytest.raises(ValidationError):
        services.mentoring_log_create(
            mentorship=world.mentorship, author=world.owner, date=today, **fields
        )
    services.mentoring_log_create(
        mentorship=world.mentorship, author=world.staff, date=today, **fields
    )
    assert MentoringLog.objects.count() == 1


def test_no_logs_on_a_mentorship_that_is_not_active(client, world):
    services.mentorship_complete(mentorship=world.mentorship, actor=world.mentor)
    client.force_login(world.mentor)
    data = {"date": timezone.localdate().isoformat(), "mode": "call", "duration_hours": "1"}
    response = client.post(
        reverse("mentoring:mentoring-log-create", args=[world.mentorship.pk]),
        {**data, "notes": "x"},
    )
    assert response.status_code == 200
    assert MentoringLog.objects.count() == 0


def test_mentor_sets_action_items_and_the_owner_ticks_them(client, world):
    product = ProductFactory(business=world.business, hs_code="")
    client.force_login(world.mentor)
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = client.post(
        reverse("mentoring:action-item-create", args=[world.mentorship.pk]),
        {
            "title": "Tentukan kode HS",
            "due_on": due,
            "product": product.pk,
            "readiness_key": "hs_code",
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.product, item.readiness_key, item.done_at) == (product, "hs_code", None)
    client.force_login(world.owner)
    response = client.get(reverse("mentoring:my-mentors"))
    assert response.context["open_items"] == [item]
    response = client.post(
        reverse("mentoring:action-item-done", args=[item.pk]),
        {"next": reverse("mentoring:my-mentors")},
    )
    assert response["Location"] == reverse("mentoring:my-mentors")
    item.refresh_from_db()
    assert item.done_at is not None
    response = client.get(reverse("mentoring:mentorship-detail", args=[world.mentorship.pk]))
    assert response.context["done_items"] == [item]


@pytest.mark.parametrize(
    ("with_product", "key"),
    [
        (False, "photos"),  # a product item, but no product chosen
        (True, "listed"),  # a business item, but a product chosen
        (True, "hs_code"),  # already done: the product has an HS code
    ],
)
def test_action_item_gap_must_apply_and_be_open(client, world, with_product, key):
    product = ProductFactory(business=world.business)
    client.force_login(world.mentor)
    data = {"title": "Lengkapi", "due_on": timezone.localdate().isoformat(), "readiness_key": key}
    if with_product:
        data["product"] = product.pk
    response = client.post(
        reverse("mentoring:action-item-create", args=[world.mentorship.pk]), data
    )
    assert response.status_code == 200
    assert "readiness_key" in response.context["item_form"].errors
    assert ActionItem.objects.count() == 0


def test_action_items_refuse_other_businesses_products_and_past_due_dates(client, world):
    foreign = ProductFactory()
    client.force_login(world.mentor)
    url = reverse("mentoring:action-item-create", args=[world.mentorship.pk])
    today = timezone.localdate()
    response = client.post(url, {"title": "x", "due_on": today.isoformat(), "product": foreign.pk})
    assert "product" in response.context["item_form"].errors
    response = client.post(url, {"title": "x", "due_on": (today - timedelta(days=1)).isoformat()})
    assert "due_on" in response.context["item_form"].errors
    assert ActionItem.objects.count() == 0
    with pytest.raises(ValidationError):
        services.action_item_create(
            mentorship=world.mentorship,
            author=world.mentor,
            title="x",
            due_on=today,
            product=foreign,
        )


def test_overdue_items_remind_the_owner_once(world, django_capture_on_commit_callbacks, mailoutbox):
    today = timezone.localdate()
    overdue = ActionItem.objects.create(
        mentorship=world.mentorship, title="Daftar halal", due_on=today - timedelta(days=1)
    )
    ActionItem.objects.create(
        mentorship=world.mentorship, title="Nanti", due_on=today + timedelta(days=5)
    )
    ActionItem.objects.create(
        mentorship=world.mentorship,
        title="Sudah",
        due_on=today - timedelta(days=3),
        done_at=timezone.now(),
    )
    ended = MentorshipFactory(business=world.business, status="completed")
    ActionItem.objects.create(mentorship=ended, title="Lama", due_on=today - timedelta(days=9))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.mentorships_sweep()["overdue"] == 1
    assert kinds_for(world.owner) == ["action_item_overdue"]
    assert "Daftar halal" in Notification.objects.get(recipient=world.owner).title
    assert [m.to for m in mailoutbox] == [[world.owner.email]]
    overdue.refresh_from_db()
    assert overdue.reminded_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.mentorships_sweep(now=timezone.now() + timedelta(days=1))["overdue"] == 0
    assert kinds_for(world.owner) == ["action_item_overdue"]
    assert len(mailoutbox) == 1


def test_closing_the_gap_closes_the_item_on_the_mentorship_page(client, world):
    product = ProductFactory(business=world.business, hs_code="")
    item = services.action_item_create(
        mentorship=world.mentorship,
        author=world.mentor,
        title="Kode HS",
        due_on=timezone.localdate(),
        product=product,
        readiness_key="hs_code",
    )
    other = ProductFactory(business=world.business, hs_code="")
    untouched = services.action_item_create(
        mentorship=world.mentorship,
        author=world.mentor,
        title="Kode HS lain",
        due_on=timezone.localdate(),
        product=other,
        readiness_key="hs_code",
    )
    client.force_login(world.owner)
    url = reverse("mentoring:mentorship-detail", args=[world.mentorship.pk])
    client.get(url)
    item.refresh_from_db()
    assert item.done_at is None
    Product.objects.filter(pk=product.pk).update(hs_code="200899")
    response = client.get(url)
    item.refresh_from_db()
    untouched.refresh_from_db()
    assert item.done_at is not None
    assert untouched.done_at is None
    assert response.context["done_items"] == [item]


def test_closing_a_business_gap_closes_the_item_in_the_sweep(world):
    Business.objects.filter(pk=world.business.pk).update(phone="", whatsapp="", contact_email="")
    world.business.refresh_from_db()
    item = services.action_item_create(
        mentorship=world.mentorship,
        author=world.mentor,
        title="Kontak untuk pembeli",
        due_on=timezone.localdate(),
        readiness_key="contact",
    )
    assert services.mentorships_sweep()["closed"] == 0
    Business.objects.filter(pk=world.business.pk).update(
        whatsapp="+628123456789", contact_email="jual@example.com"
    )
    assert services.mentorships_sweep()["closed"] == 1
    item.refresh_from_db()
    assert item.done_at is not None
    assert services.action_items_close_resolved(business=world.business) == 0


def test_ticking_twice_is_harmless(world):
    item = ActionItem.objects.create(
        mentorship=world.mentorship, title="x", due_on=timezone.localdate()
    )
    assert services.action_item_mark_done(item=item, actor=world.owner) is True
    assert services.action_item_mark_done(item=item, actor=world.owner) is False
    with pytest.raises(ValidationError):
        services.action_item_mark_done(item=item, actor=world.other_owner)


# Dashboards -----------------------------------------------------------------------------


def test_mentor_dashboard_content(client, world, monkeypatch):
    today = timezone.localdate()
    ActionItem.objects.create(
        mentorship=world.mentorship, title="Lewat", due_on=today - timedelta(1)
    )
    ActionItem.objects.create(mentorship=world.mentorship, title="Nanti", due_on=today)
    request = requested(world.mentor, message="Tolong bantu kemasan")
    ProductFactory(business=world.business, status=Product.Status.SUBMITTED)
    session = TrainingSessionFactory(host=world.mentor, title="Pelatihan ekspor")
    client.force_login(world.mentor)
    response = client.get(reverse("mentoring:dashboard"))
    assert response.status_code == 200
    context = response.context
    [mentee] = context["mentees"]
    assert mentee.business == world.business
    assert mentee.gain == mentee.score - 40
    assert context["item_counts"] == {"open": 2, "overdue": 1}
    assert [m for m, _form in context["pending_requests"]] == [request]
    assert context["review_count"] == 1
    assert context["upcoming_sessions"] == [session]
    assert context["profile"].free_capacity == 4
    content = response.content.decode()
    assert "Tolong bantu kemasan" in content
    assert reverse("mentoring:mentorship-accept", args=[request.pk]) in content
    assert reverse("mentoring:mentorship-decline", args=[request.pk]) in content
    assert "Pelatihan ekspor" in content
    assert reverse("umkm:review-queue") in content


def test_mentor_dashboard_without_trainings_function(client, world, monkeypatch):
    from mentoring.services import trainings

    monkeypatch.delattr(trainings, "upcoming_sessions_for", raising=False)
    client.force_login(world.mentor)
    assert client.get(reverse("mentoring:dashboard")).context["upcoming_sessions"] == []


def test_mentor_dashboard_queries_are_bounded(client, world, monkeypatch):
    from mentoring.services import trainings

    monkeypatch.delattr(trainings, "upcoming_sessions_for", raising=False)
    client.force_login(world.mentor)
    url = reverse("mentoring:dashboard")
    few = _count_queries(client, url)
    for _ in range(4):
        mentorship = MentorshipFactory(mentor=world.mentor)
        ActionItem.objects.create(mentorship=mentorship, title="x", due_on=timezone.localdate())
        requested(world.mentor)
    many = _count_queries(client, url)
    # The mentees' readiness scores come in one query, whatever their number.
    assert many == few
    assert few <= 16


def test_my_mentors_lists_requests_mentors_and_past(client, world):
    pending = requested(world.free_mentor, business=world.business)
    past = MentorshipFactory(business=world.business, status="expired")
    client.force_login(world.owner)
    response = client.get(reverse("mentoring:my-mentors"))
    assert response.context["active"] == [world.mentorship]
    assert response.context["requests"] == [pending]
    assert response.context["past"] == [past]


def test_my_mentors_without_a_business(client):
    owner = OwnerFactory()
    client.force_login(owner)
    response = client.get(reverse("mentoring:my-mentors"))
    assert response.status_code == 200
    assert response.context["business"] is None
    assert reverse("umkm:business-create") in response.content.decode()


def test_my_mentors_queries_do_not_grow(client, world):
    client.force_login(world.owner)
    url = reverse("mentoring:my-mentors")
    few = _count_queries(client, url)
    for _ in range(4):
        mentorship = MentorshipFactory(business=world.business)
        MentoringLog.objects.create(
            mentorship=mentorship,
            date=timezone.localdate(),
            mode="call",
            duration_hours=1,
            notes="x",
        )
        ActionItem.objects.create(mentorship=mentorship, title="x", due_on=timezone.localdate())
    assert _count_queries(client, url) == few


def test_staff_see_any_mentorship_page_with_the_forms(client, world):
    client.force_login(world.staff)
    response = client.get(reverse("mentoring:mentorship-detail", args=[world.mentorship.pk]))
    assert response.context["can_write"] is True
    assert "log_form" in response.context and "item_form" in response.context


def test_the_pair_mentor_sees_answer_forms_on_a_request(client, world):
    request = world.as_request()
    client.force_login(world.mentor)
    response = client.get(reverse("mentoring:mentorship-detail", args=[request.pk]))
    assert response.context["can_answer"] is True
    assert "decline_form" in response.context
    assert "log_form" not in response.context


# Selectors and admin ---------------------------------------------------------------------


def test_mentorships_for_scopes_by_role(world):
    assert list(selectors.mentorships_for(world.owner)) == [world.mentorship]
    assert list(selectors.mentorships_for(world.mentor)) == [world.mentorship]
    assert selectors.mentorships_for(world.staff).count() == 2
    for stranger in [world.pending_mentor, world.buyer]:
        assert not selectors.mentorships_for(stranger).exists()


@pytest.fixture
def superuser(db):
    return StaffFactory(is_superuser=True)


@pytest.mark.parametrize("model", ["mentorship", "mentorprofile", "mentoringlog", "actionitem"])
def test_admin_pages_open(client, world, superuser, model):
    log = MentoringLog.objects.create(
        mentorship=world.mentorship,
        date=timezone.localdate(),
        mode="call",
        duration_hours=1,
        notes="x",
    )
    ActionItem.objects.create(
        mentorship=world.mentorship, log=log, title="x", due_on=timezone.localdate()
    )
    client.force_login(superuser)
    assert client.get(reverse(f"admin:mentoring_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:mentoring_{model}_changelist"), {"q": "x"}).status_code == 200


def test_admin_action_completes_through_the_service(client, world, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:mentoring_mentorship_changelist"),
        {"action": "complete_selected", "_selected_action": [world.mentorship.pk]},
    )
    assert response.status_code == 302
    world.mentorship.refresh_from_db()
    assert world.mentorship.status == Mentorship.Status.COMPLETED
    assert kinds_for(world.owner) == ["mentorship_completed"]


def test_closing_resolved_items_costs_one_query_when_nothing_is_keyed(
    world, django_assert_num_queries
):
    ActionItem.objects.create(mentorship=world.mentorship, title="x", due_on=timezone.localdate())
    with django_assert_num_queries(1):
        assert services.action_items_close_resolved(business=world.business) == 0


def test_the_request_page_of_a_paused_mentor_offers_no_form(client, world):
    MentorProfile.objects.filter(user=world.free_mentor).update(is_paused=True)
    client.force_login(world.owner)
    url = reverse("mentoring:mentorship-request", args=[world.free_mentor.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert f'action="{url}"' not in response.content.decode()
    assert 'name="message"' not in response.content.decode()
    response = client.post(url, {"message": "Halo"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Mentorship.objects.filter(mentor=world.free_mentor).exists()


def test_the_log_notification_is_in_the_owners_language(world):
    world.owner.language = "id"
    world.owner.save(update_fields=["language"])
    world.mentor.language = "en"
    world.mentor.save(update_fields=["language"])
    from django.utils import translation

    with translation.override("en"):
        services.mentoring_log_create(
            mentorship=world.mentorship,
            author=world.mentor,
            date=timezone.localdate(),
            mode="visit",
            duration_hours=Decimal(1),
            notes="Catatan",
        )
    assert "kunjungan" in Notification.objects.get(recipient=world.owner).title


def test_a_declined_request_page_invites_the_owner_to_ask_another_mentor(client, world):
    request = requested(world.free_mentor, business=world.business)
    services.mentorship_decline(mentorship=request, mentor=world.free_mentor, reason="Penuh")
    client.force_login(world.owner)
    response = client.get(reverse("mentoring:mentorship-detail", args=[request.pk]))
    content = response.content.decode()
    assert "Penuh" in content
    assert reverse("mentoring:mentor-directory") in content
    assert response.context["can_answer"] is False


@pytest.mark.parametrize("value", ["²", "9" * 5000, "abc"])
def test_the_assign_page_ignores_a_business_that_is_no_whole_number(client, staff, value):
    client.force_login(staff)
    response = client.get(reverse("mentoring:mentorship-assign"), {"business": value})
    assert response.status_code == 200
