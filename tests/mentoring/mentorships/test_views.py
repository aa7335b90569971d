"""Mentorship pages as their people see them: mentor profiles and the directory, requests
and answers, logs and action items, the dashboards, every URL for every role, and query
budgets."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mentoring import services
from mentoring.models import ActionItem, MentoringLog, MentorProfile, Mentorship
from mentoring.urls.mentorships import urlpatterns
from notifications.models import Notification
from umkm.models import Product

from ...factories import (
    MentorFactory,
    MentorProfileFactory,
    MentorshipFactory,
    OwnerFactory,
    ProductFactory,
    TrainingSessionFactory,
)
from ...support.mentorships import kinds_for, requested
from ...support.queries import count_warm_queries

pytestmark = pytest.mark.django_db


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


# url name -> (method, url args from the pair, expected status per actor). A URL
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


@pytest.mark.no_cover  # a matrix: see the README, "Coverage"
@pytest.mark.parametrize(("name", "actor", "expected"), CASES)
def test_permissions(client, pair, name, actor, expected):
    method, args, _row = MATRIX[name]
    url = reverse(f"mentoring:{name}", args=args(pair))
    user = pair.actor(actor)
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
def test_strangers_change_nothing(client, pair, actor):
    client.force_login(pair.actor(actor))
    item = ActionItem.objects.create(
        mentorship=pair.mentorship, title="Foto produk", due_on=timezone.localdate()
    )
    for name in ["mentorship-complete", "mentoring-log-create"]:
        url = reverse(f"mentoring:{name}", args=[pair.mentorship.pk])
        assert client.post(url, {"notes": "x", "mode": "call"}).status_code == 404
    assert client.post(reverse("mentoring:action-item-done", args=[item.pk])).status_code == 404
    pair.mentorship.refresh_from_db()
    item.refresh_from_db()
    assert pair.mentorship.status == Mentorship.Status.ACTIVE
    assert item.done_at is None
    assert MentoringLog.objects.count() == 0


def test_a_request_to_an_unapproved_or_profileless_mentor_is_404(client, pair):
    client.force_login(pair.owner)
    no_profile = MentorFactory()
    for mentor in [pair.pending_mentor, no_profile, pair.buyer]:
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


def test_directory_shows_free_capacity_and_hides_paused_unapproved_and_profileless(client, pair):
    paused = MentorProfileFactory(is_paused=True).user
    full = MentorProfileFactory(capacity=1).user
    MentorshipFactory(mentor=full)
    MentorFactory()  # no profile
    MentorshipFactory(mentor=pair.free_mentor)
    requested(pair.free_mentor, business=pair.business)
    client.force_login(pair.owner)
    response = client.get(reverse("mentoring:mentor-directory"))
    assert response.status_code == 200
    free = {p.user: p.free_capacity for p in response.context["profiles"]}
    assert free == {pair.free_mentor: 2, pair.mentor: 4, pair.other_mentor: 4, full: 0}
    assert paused not in free and pair.pending_mentor not in free
    shown = {p.user: p for p in response.context["profiles"]}
    assert shown[pair.mentor].open_mentorship == pair.mentorship
    assert shown[pair.free_mentor].open_mentorship.status == Mentorship.Status.REQUESTED
    content = response.content.decode()
    assert reverse("mentoring:mentorship-request", args=[pair.other_mentor.pk]) in content
    assert reverse("mentoring:mentorship-request", args=[full.pk]) not in content
    assert reverse("mentoring:mentorship-request", args=[pair.free_mentor.pk]) not in content
    # The ones with room come first.
    assert list(free.values()) == sorted(free.values(), reverse=True)


def test_directory_filters_by_topic(client, pair):
    MentorProfile.objects.filter(user=pair.free_mentor).update(topics=["food_safety"])
    MentorProfile.objects.filter(user=pair.other_mentor).update(topics=["export_x", "finance"])
    client.force_login(pair.owner)
    response = client.get(reverse("mentoring:mentor-directory"), {"topic": "food_safety"})
    assert [p.user for p in response.context["profiles"]] == [pair.free_mentor]
    response = client.get(reverse("mentoring:mentor-directory"), {"topic": "export"})
    assert [p.user for p in response.context["profiles"]] == [pair.mentor]
    response = client.get(reverse("mentoring:mentor-directory"), {"topic": "nonsense"})
    assert len(response.context["profiles"]) == 3


def test_directory_queries_do_not_grow(client, pair):
    client.force_login(pair.owner)
    url = reverse("mentoring:mentor-directory")
    few = count_warm_queries(client, url)
    for _ in range(6):
        mentor = MentorProfileFactory().user
        MentorshipFactory(mentor=mentor)
        requested(mentor)
    assert count_warm_queries(client, url) == few
    assert few <= 10


# Lifecycle ------------------------------------------------------------------------------


def test_owner_requests_and_the_mentor_is_told(
    client, pair, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(pair.owner)
    url = reverse("mentoring:mentorship-request", args=[pair.free_mentor.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message": "Kami ingin ekspor ke Malaysia."})
    assert response.status_code == 302
    assert response["Location"] == reverse("mentoring:my-mentors")
    mentorship = Mentorship.objects.get(mentor=pair.free_mentor)
    assert (mentorship.business, mentorship.status) == (pair.business, "requested")
    assert mentorship.message == "Kami ingin ekspor ke Malaysia."
    assert kinds_for(pair.free_mentor) == ["mentorship_requested"]
    notification = Notification.objects.get(recipient=pair.free_mentor)
    assert "Kami ingin ekspor ke Malaysia." in notification.body
    assert notification.url == reverse("mentoring:mentorship-detail", args=[mentorship.pk])
    assert [m.to for m in mailoutbox] == [[pair.free_mentor.email]]


def test_asking_the_same_mentor_twice_is_a_friendly_error(client, pair):
    client.force_login(pair.owner)
    url = reverse("mentoring:mentorship-request", args=[pair.free_mentor.pk])
    client.post(url, {"message": "Halo"})
    response = client.post(url, {"message": "Halo lagi"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert response.context["open_mentorship"].message == "Halo"
    assert Mentorship.objects.filter(mentor=pair.free_mentor).count() == 1


def test_the_request_form_needs_a_message(client, pair):
    client.force_login(pair.owner)
    url = reverse("mentoring:mentorship-request", args=[pair.free_mentor.pk])
    response = client.post(url, {"message": ""})
    assert response.status_code == 200
    assert "message" in response.context["form"].errors
    assert not Mentorship.objects.filter(mentor=pair.free_mentor).exists()


def test_requesting_without_a_business_is_refused(pair, client):
    owner = OwnerFactory()
    with pytest.raises(ValidationError):
        services.mentorship_request(owner=owner, mentor=pair.free_mentor, message="Halo")
    client.force_login(owner)
    url = reverse("mentoring:mentorship-request", args=[pair.free_mentor.pk])
    assert client.get(url).context["business"] is None
    response = client.post(url, {"message": "Halo"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Mentorship.objects.filter(mentor=pair.free_mentor).exists()


def test_mentor_declines_through_the_page_and_the_owner_reads_why(
    client, pair, django_capture_on_commit_callbacks
):
    request = requested(pair.free_mentor, business=pair.business)
    client.force_login(pair.free_mentor)
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
    notification = Notification.objects.get(recipient=pair.owner)
    assert notification.kind == "mentorship_declined"
    assert "Penuh bulan ini." in notification.body
    client.force_login(pair.owner)
    response = client.get(reverse("mentoring:my-mentors"))
    assert response.context["past"] == [request]
    assert "Penuh bulan ini." in response.content.decode()


def test_accept_through_the_page_ignores_a_foreign_next(client, pair):
    request = requested(pair.free_mentor, business=pair.business)
    client.force_login(pair.free_mentor)
    url = reverse("mentoring:mentorship-accept", args=[request.pk])
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("mentoring:mentorship-detail", args=[request.pk])
    request.refresh_from_db()
    assert request.status == Mentorship.Status.ACTIVE


def test_owner_and_staff_cannot_accept_through_the_page(client, pair):
    request = pair.as_request()
    for actor in [pair.owner, pair.staff]:
        client.force_login(actor)
        client.post(reverse("mentoring:mentorship-accept", args=[request.pk]))
        request.refresh_from_db()
        assert request.status == Mentorship.Status.REQUESTED


def test_staff_assign_directly_and_both_are_told(
    client, pair, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(pair.staff)
    response = client.get(reverse("mentoring:mentorship-assign"))
    mentors = list(response.context["form"].fields["mentor"].queryset)
    assert pair.free_mentor in mentors and pair.pending_mentor not in mentors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("mentoring:mentorship-assign"),
            {"business": pair.business.pk, "mentor": pair.free_mentor.pk},
        )
    mentorship = Mentorship.objects.get(mentor=pair.free_mentor)
    assert response["Location"] == reverse("mentoring:mentorship-detail", args=[mentorship.pk])
    assert mentorship.status == Mentorship.Status.ACTIVE
    assert mentorship.assigned_by == pair.staff
    assert mentorship.readiness_at_start is not None
    assert kinds_for(pair.owner) == ["mentorship_assigned"]
    assert kinds_for(pair.free_mentor) == ["mentorship_assigned"]
    assert sorted(m.to[0] for m in mailoutbox) == sorted([pair.owner.email, pair.free_mentor.email])
    # Assigning the same pair again is a friendly error.
    response = client.post(
        reverse("mentoring:mentorship-assign"),
        {"business": pair.business.pk, "mentor": pair.free_mentor.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_mentor_completes_and_the_owner_is_told(client, pair):
    client.force_login(pair.mentor)
    client.post(reverse("mentoring:mentorship-complete", args=[pair.mentorship.pk]))
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.status == Mentorship.Status.COMPLETED
    assert pair.mentorship.ended_at is not None
    assert kinds_for(pair.owner) == ["mentorship_completed"]
    assert kinds_for(pair.mentor) == []
    # Completed is final.
    with pytest.raises(ValidationError):
        services.mentorship_complete(mentorship=pair.mentorship, actor=pair.mentor)


def test_the_owner_cannot_complete(client, pair):
    client.force_login(pair.owner)
    client.post(reverse("mentoring:mentorship-complete", args=[pair.mentorship.pk]))
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.status == Mentorship.Status.ACTIVE


# Logs and action items ------------------------------------------------------------------


def test_mentor_records_a_visit_and_the_owner_is_told(
    client, pair, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(pair.mentor)
    url = reverse("mentoring:mentoring-log-create", args=[pair.mentorship.pk])
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
    assert kinds_for(pair.owner) == ["log_added"]
    assert "Membahas kemasan untuk ekspor." in Notification.objects.get(recipient=pair.owner).body
    assert [m.to for m in mailoutbox] == [[pair.owner.email]]
    client.force_login(pair.owner)
    response = client.get(reverse("mentoring:mentorship-detail", args=[pair.mentorship.pk]))
    assert list(response.context["logs"]) == [log]
    assert "log_form" not in response.context  # the owner reads only
    response = client.get(reverse("mentoring:my-mentors"))
    assert response.context["logs"] == [log]


@pytest.mark.parametrize(
    ("field", "value"),
    [("date", "tomorrow"), ("duration_hours", "0"), ("duration_hours", "24.5"), ("notes", "")],
)
def test_bad_logs_are_refused_and_the_input_kept(client, pair, field, value):
    if value == "tomorrow":
        value = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = {
        "date": timezone.localdate().isoformat(),
        "mode": "call",
        "duration_hours": "2",
        "notes": "Catatan panggilan telepon",
        field: value,
    }
    client.force_login(pair.mentor)
    response = client.post(
        reverse("mentoring:mentoring-log-create", args=[pair.mentorship.pk]), data
    )
    assert response.status_code == 200
    assert field in response.context["log_form"].errors
    if field != "notes":
        assert "Catatan panggilan telepon" in response.content.decode()
    assert MentoringLog.objects.count() == 0


def test_no_logs_on_a_mentorship_that_is_not_active(client, pair):
    services.mentorship_complete(mentorship=pair.mentorship, actor=pair.mentor)
    client.force_login(pair.mentor)
    data = {"date": timezone.localdate().isoformat(), "mode": "call", "duration_hours": "1"}
    response = client.post(
        reverse("mentoring:mentoring-log-create", args=[pair.mentorship.pk]),
        {**data, "notes": "x"},
    )
    assert response.status_code == 200
    assert MentoringLog.objects.count() == 0


def test_mentor_sets_action_items_and_the_owner_ticks_them(client, pair):
    product = ProductFactory(business=pair.business, hs_code="")
    client.force_login(pair.mentor)
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = client.post(
        reverse("mentoring:action-item-create", args=[pair.mentorship.pk]),
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
    client.force_login(pair.owner)
    response = client.get(reverse("mentoring:my-mentors"))
    assert response.context["open_items"] == [item]
    response = client.post(
        reverse("mentoring:action-item-done", args=[item.pk]),
        {"next": reverse("mentoring:my-mentors")},
    )
    assert response["Location"] == reverse("mentoring:my-mentors")
    item.refresh_from_db()
    assert item.done_at is not None
    response = client.get(reverse("mentoring:mentorship-detail", args=[pair.mentorship.pk]))
    assert response.context["done_items"] == [item]


@pytest.mark.parametrize(
    ("with_product", "key"),
    [
        (False, "photos"),  # a product item, but no product chosen
        (True, "listed"),  # a business item, but a product chosen
        (True, "hs_code"),  # already done: the product has an HS code
    ],
)
def test_action_item_gap_must_apply_and_be_open(client, pair, with_product, key):
    product = ProductFactory(business=pair.business)
    client.force_login(pair.mentor)
    data = {"title": "Lengkapi", "due_on": timezone.localdate().isoformat(), "readiness_key": key}
    if with_product:
        data["product"] = product.pk
    response = client.post(reverse("mentoring:action-item-create", args=[pair.mentorship.pk]), data)
    assert response.status_code == 200
    assert "readiness_key" in response.context["item_form"].errors
    assert ActionItem.objects.count() == 0


def test_action_items_refuse_other_businesses_products_and_past_due_dates(client, pair):
    foreign = ProductFactory()
    client.force_login(pair.mentor)
    url = reverse("mentoring:action-item-create", args=[pair.mentorship.pk])
    today = timezone.localdate()
    response = client.post(url, {"title": "x", "due_on": today.isoformat(), "product": foreign.pk})
    assert "product" in response.context["item_form"].errors
    response = client.post(url, {"title": "x", "due_on": (today - timedelta(days=1)).isoformat()})
    assert "due_on" in response.context["item_form"].errors
    assert ActionItem.objects.count() == 0
    with pytest.raises(ValidationError):
        services.action_item_create(
            mentorship=pair.mentorship,
            author=pair.mentor,
            title="x",
            due_on=today,
            product=foreign,
        )


def test_closing_the_gap_closes_the_item_on_the_mentorship_page(client, pair):
    product = ProductFactory(business=pair.business, hs_code="")
    item = services.action_item_create(
        mentorship=pair.mentorship,
        author=pair.mentor,
        title="Kode HS",
        due_on=timezone.localdate(),
        product=product,
        readiness_key="hs_code",
    )
    other = ProductFactory(business=pair.business, hs_code="")
    untouched = services.action_item_create(
        mentorship=pair.mentorship,
        author=pair.mentor,
        title="Kode HS lain",
        due_on=timezone.localdate(),
        product=other,
        readiness_key="hs_code",
    )
    client.force_login(pair.owner)
    url = reverse("mentoring:mentorship-detail", args=[pair.mentorship.pk])
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


# Dashboards -----------------------------------------------------------------------------


def test_mentor_dashboard_content(client, pair, monkeypatch):
    today = timezone.localdate()
    ActionItem.objects.create(
        mentorship=pair.mentorship, title="Lewat", due_on=today - timedelta(1)
    )
    ActionItem.objects.create(mentorship=pair.mentorship, title="Nanti", due_on=today)
    request = requested(pair.mentor, message="Tolong bantu kemasan")
    ProductFactory(business=pair.business, status=Product.Status.SUBMITTED)
    session = TrainingSessionFactory(host=pair.mentor, title="Pelatihan ekspor")
    client.force_login(pair.mentor)
    response = client.get(reverse("mentoring:dashboard"))
    assert response.status_code == 200
    context = response.context
    [mentee] = context["mentees"]
    assert mentee.business == pair.business
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


def test_mentor_dashboard_without_trainings_function(client, pair, monkeypatch):
    from mentoring.services import trainings

    monkeypatch.delattr(trainings, "upcoming_sessions_for", raising=False)
    client.force_login(pair.mentor)
    assert client.get(reverse("mentoring:dashboard")).context["upcoming_sessions"] == []


def test_mentor_dashboard_queries_are_bounded(client, pair, monkeypatch):
    from mentoring.services import trainings

    monkeypatch.delattr(trainings, "upcoming_sessions_for", raising=False)
    client.force_login(pair.mentor)
    url = reverse("mentoring:dashboard")
    few = count_warm_queries(client, url)
    for _ in range(4):
        mentorship = MentorshipFactory(mentor=pair.mentor)
        ActionItem.objects.create(mentorship=mentorship, title="x", due_on=timezone.localdate())
        requested(pair.mentor)
    many = count_warm_queries(client, url)
    # The mentees' readiness scores come in one query, whatever their number.
    assert many == few
    assert few <= 16


def test_my_mentors_lists_requests_mentors_and_past(client, pair):
    pending = requested(pair.free_mentor, business=pair.business)
    past = MentorshipFactory(business=pair.business, status="expired")
    client.force_login(pair.owner)
    response = client.get(reverse("mentoring:my-mentors"))
    assert response.context["active"] == [pair.mentorship]
    assert response.context["requests"] == [pending]
    assert response.context["past"] == [past]


def test_my_mentors_without_a_business(client):
    owner = OwnerFactory()
    client.force_login(owner)
    response = client.get(reverse("mentoring:my-mentors"))
    assert response.status_code == 200
    assert response.context["business"] is None
    assert reverse("umkm:business-create") in response.content.decode()


def test_my_mentors_queries_do_not_grow(client, pair):
    client.force_login(pair.owner)
    url = reverse("mentoring:my-mentors")
    few = count_warm_queries(client, url)
    for _ in range(4):
        mentorship = MentorshipFactory(business=pair.business)
        MentoringLog.objects.create(
            mentorship=mentorship,
            date=timezone.localdate(),
            mode="call",
            duration_hours=1,
            notes="x",
        )
        ActionItem.objects.create(mentorship=mentorship, title="x", due_on=timezone.localdate())
    assert count_warm_queries(client, url) == few


def test_staff_see_any_mentorship_page_with_the_forms(client, pair):
    client.force_login(pair.staff)
    response = client.get(reverse("mentoring:mentorship-detail", args=[pair.mentorship.pk]))
    assert response.context["can_write"] is True
    assert "log_form" in response.context and "item_form" in response.context


def test_the_pair_mentor_sees_answer_forms_on_a_request(client, pair):
    request = pair.as_request()
    client.force_login(pair.mentor)
    response = client.get(reverse("mentoring:mentorship-detail", args=[request.pk]))
    assert response.context["can_answer"] is True
    assert "decline_form" in response.context
    assert "log_form" not in response.context


def test_the_request_page_of_a_paused_mentor_offers_no_form(client, pair):
    MentorProfile.objects.filter(user=pair.free_mentor).update(is_paused=True)
    client.force_login(pair.owner)
    url = reverse("mentoring:mentorship-request", args=[pair.free_mentor.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert f'action="{url}"' not in response.content.decode()
    assert 'name="message"' not in response.content.decode()
    response = client.post(url, {"message": "Halo"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Mentorship.objects.filter(mentor=pair.free_mentor).exists()


def test_a_declined_request_page_invites_the_owner_to_ask_another_mentor(client, pair):
    request = requested(pair.free_mentor, business=pair.business)
    services.mentorship_decline(mentorship=request, mentor=pair.free_mentor, reason="Penuh")
    client.force_login(pair.owner)
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
