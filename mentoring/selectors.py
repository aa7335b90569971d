"""Reads of the mentoring app: who may see which mentorship, the mentor directory and
the dashboards. Every list here costs a constant number of queries (see the tests)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts.models import User
from mentoring.readiness.selectors import readiness_scores_of
from umkm.models import Business

from .models import (
    EXPIRE_AFTER,
    ActionItem,
    MentoringLog,
    MentorProfile,
    Mentorship,
    Registration,
    TrainingSession,
)

# "An active mentor of this business" -----------------------------------------------
# Defined once, by ``Mentorship.objects.active()`` (mentoring.models); umkm's
# ``Business.objects.mentored_by(user)`` and everything below are built from it.


def active_mentorships() -> QuerySet[Mentorship]:
    """Mentorships in force: active, with a mentor still approved and active."""
    return Mentorship.objects.active()


def is_active_mentor(*, user, business: Business) -> bool:
    return businesses_mentored_by(user).filter(pk=business.pk).exists()


def businesses_mentored_by(user) -> QuerySet[Business]:
    """The businesses ``user`` is an active mentor of (none for anyone else)."""
    return Business.objects.mentored_by(user)


def active_mentors_of(business: Business) -> QuerySet[User]:
    """The business's active mentors (told of inquiries, named on its public pages)."""
    return business.active_mentors()


def _active_count(mentor: str) -> Coalesce:
    """How many businesses the mentor ``OuterRef(mentor)`` mentors now (a subquery)."""
    counts = (
        active_mentorships()
        .filter(mentor=OuterRef(mentor))
        .order_by()
        .values("mentor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def mentorships_for(user) -> QuerySet[Mentorship]:
    """The one scoping rule: the owner's business's, the mentor's own, staff all.

    Anything outside answers 404, so ids cannot be probed.
    """
    if not user.is_authenticated:
        return Mentorship.objects.none()
    if user.is_staff:
        return Mentorship.objects.all()
    if user.is_owner:
        return Mentorship.objects.filter(business__owner=user)
    if user.is_approved_mentor:
        return Mentorship.objects.filter(mentor=user)
    return Mentorship.objects.none()


def action_items_for(user) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(mentorship__in=mentorships_for(user))


# Mentor profiles and the directory ---------------------------------------------------


def approved_mentor_profiles() -> QuerySet[MentorProfile]:
    """Profiles of approved, active mentors (paused ones included)."""
    return MentorProfile.objects.filter(
        user__role="mentor", user__mentor_approved_at__isnull=False, user__is_active=True
    )


def with_free_capacity(profiles: QuerySet[MentorProfile]) -> QuerySet[MentorProfile]:
    """Annotate ``active_count`` and ``free_capacity`` (never below 0) in the same query."""
    return profiles.annotate(active_count=_active_count("user")).annotate(
        free_capacity=Greatest(
            F("capacity") - F("active_count"), Value(0), output_field=IntegerField()
        )
    )


def mentor_directory(*, topic: str = "") -> QuerySet[MentorProfile]:
    """Approved mentors with a profile who take businesses, optionally of one topic;
    the ones with room first. One query (plus the paginator's count)."""
    profiles = approved_mentor_profiles().filter(is_paused=False)
    if topic:
        # JSON text match on the quoted key: works on SQLite and PostgreSQL alike, and
        # "export" cannot match another key because of the quotes.
        profiles = profiles.filter(topics__icontains=f'"{topic}"')
    return (
        with_free_capacity(profiles)
        .select_related("user")
        .order_by("-free_capacity", "user__full_name", "pk")
    )


def mentors_for_assignment() -> QuerySet[User]:
    """Approved mentors who take businesses, with ``free_capacity``, in one query."""
    return (
        User.objects.approved_mentors()
        .filter(mentor_profile__is_paused=False)
        .select_related("mentor_profile")
        .annotate(active_count=_active_count("pk"))
        .annotate(
            free_capacity=Greatest(
                F("mentor_profile__capacity") - F("active_count"),
                Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("full_name", "pk")
    )


def mentor_profile_with_capacity(user) -> MentorProfile | None:
    return with_free_capacity(MentorProfile.objects.filter(user=user)).first()


def open_mentorships_by_mentor(business: Business | None) -> dict[int, Mentorship]:
    """The business's requested or active mentorship per mentor id (one query)."""
    if business is None:
        return {}
    return {m.mentor_id: m for m in business.mentorships.open().order_by()}


# Dashboards --------------------------------------------------------------------------


@dataclass(frozen=True)
class Mentee:
    mentorship: Mentorship
    score: int  # export readiness now (0–100)

    @property
    def business(self) -> Business:
        return self.mentorship.business

    @property
    def gain(self) -> int | None:
        start = self.mentorship.readiness_at_start
        return None if start is None else self.score - start


def mentees_for(mentor, *, today: date | None = None) -> list[Mentee]:
    """The mentor's active mentees with their readiness score now, in two queries
    (the scores of all of them in one, ``mentoring.readiness.selectors.readiness_scores_of``)."""
    mentorships = list(
        active_mentorships()
        .filter(mentor=mentor)
        .select_related("business")
        .order_by("business__name", "pk")
    )
    scores = readiness_scores_of([m.business_id for m in mentorships], today=today)
    return [Mentee(mentorship, scores[mentorship.business_id]) for mentorship in mentorships]


def open_action_items_for_mentor(mentor) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(
        mentorship__in=active_mentorships().filter(mentor=mentor), done_at__isnull=True
    ).select_related("mentorship__business", "product")


def action_item_counts(items: QuerySet[ActionItem], *, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    return items.aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))


def pending_requests_for(mentor) -> QuerySet[Mentorship]:
    return (
        Mentorship.objects.filter(mentor=mentor, status=Mentorship.Status.REQUESTED)
        .select_related("business__owner")
        .order_by("requested_at", "pk")
    )


def owner_mentorships(business: Business) -> QuerySet[Mentorship]:
    return business.mentorships.select_related("mentor__mentor_profile").order_by(
        "-requested_at", "-pk"
    )


def business_logs(business: Business) -> QuerySet[MentoringLog]:
    return MentoringLog.objects.filter(mentorship__business=business).select_related(
        "mentorship__mentor"
    )


def business_open_items(business: Business) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.filter(mentorship__business=business, done_at__isnull=True)
        .select_related("product", "mentorship__mentor")
        .order_by("due_on", "pk")
    )


def mentorship_requests_expiring(
    *, now: datetime | None = None, within: timedelta = timedelta(days=2)
) -> QuerySet[Mentorship]:
    """Requests still unanswered in their last ``within`` before the sweep expires
    them (``EXPIRE_AFTER`` after they were sent), the oldest first. Requests already
    past due but not yet swept are included: they expire at the next sweep."""
    now = now or timezone.now()
    return (
        Mentorship.objects.filter(
            status=Mentorship.Status.REQUESTED, requested_at__lte=now - (EXPIRE_AFTER - within)
        )
        .select_related("business", "mentor")
        .order_by("requested_at", "pk")
    )


# Scoping (who may see or touch what) ---------------------------------------------------


def sessions_visible_to(user) -> QuerySet[TrainingSession]:
    """Session pages: everything but drafts is public; drafts only to the host and staff."""
    sessions = TrainingSession.objects.all()
    if user.is_authenticated and user.is_staff:
        return sessions
    if user.is_authenticated and user.is_approved_mentor:
        return sessions.filter(~Q(status=TrainingSession.Status.DRAFT) | Q(host=user))
    return sessions.exclude(status=TrainingSession.Status.DRAFT)


def sessions_editable_by(user) -> QuerySet[TrainingSession]:
    """Sessions ``user`` may edit and run: staff all, an approved mentor their own."""
    if not user.is_authenticated:
        return TrainingSession.objects.none()
    if user.is_staff:
        return TrainingSession.objects.all()
    if user.is_approved_mentor:
        return TrainingSession.objects.filter(host=user)
    return TrainingSession.objects.none()


def registrations_visible_to(user) -> QuerySet[Registration]:
    """Registrations (tickets, certificates): the business owner, the host, staff."""
    if not user.is_authenticated:
        return Registration.objects.none()
    if user.is_staff:
        return Registration.objects.all()
    if user.is_owner:
        return Registration.objects.filter(business__owner=user)
    if user.is_approved_mentor:
        return Registration.objects.filter(session__host=user)
    return Registration.objects.none()
