"""Reads of the mentoring app: who may see which mentorship, the mentor directory and
the dashboards. Every list here costs a constant number of queries (see the tests)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from umkm.models import Business, Certification
from umkm.selectors import BusinessFacts, Readiness, business_readiness

from .models import ActionItem, MentoringLog, MentorProfile, Mentorship, Registration
from .services.mentorships import EXPIRE_AFTER

# The export-readiness checklist keys an action item may point at (umkm.selectors),
# labelled as on the checklist. Product keys apply to an item with a product, business
# keys to one without.
READINESS_KEYS = [
    ("english", _("English name and description")),
    ("photos", _("At least three photos")),
    ("hs_code", _("HS code")),
    ("fob", _("FOB price in USD")),
    ("moq", _("Minimum order quantity")),
    ("capacity", _("Monthly capacity and lead time")),
    ("food_permit", _("A valid, verified PIRT or BPOM permit")),
    ("halal", _("A valid, verified Halal certificate")),
    ("nib", _("Verified NIB")),
    ("listed", _("At least one product listed")),
    ("contact", _("Phone or WhatsApp and an email for buyers")),
]
OPEN_STATUSES = [Mentorship.Status.REQUESTED, Mentorship.Status.ACTIVE]


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
    return profiles.annotate(
        active_count=Count("user__mentorships", filter=Q(user__mentorships__status="active")),
    ).annotate(
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
        User.objects.filter(
            role=User.Role.MENTOR,
            mentor_approved_at__isnull=False,
            is_active=True,
            mentor_profile__is_paused=False,
        )
        .select_related("mentor_profile")
        .annotate(active_count=Count("mentorships", filter=Q(mentorships__status="active")))
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
    return {
        m.mentor_id: m for m in business.mentorships.filter(status__in=OPEN_STATUSES).order_by()
    }


# Dashboards --------------------------------------------------------------------------


@dataclass(frozen=True)
class Mentee:
    mentorship: Mentorship
    readiness: Readiness

    @property
    def business(self) -> Business:
        return self.mentorship.business

    @property
    def gain(self) -> int | None:
        start = self.mentorship.readiness_at_start
        return None if start is None else self.readiness.score - start


def mentees_for(mentor, *, today: date | None = None) -> list[Mentee]:
    """The mentor's active mentees with their readiness now.

    Certifications are prefetched and ``has_mentor`` is known (this mentorship is
    active), so each business costs one query only: ``business_readiness`` asks
    whether a product is listed. Capacity (at most 50) bounds the list.
    """
    today = today or timezone.localdate()
    mentorships = (
        Mentorship.objects.active()
        .filter(mentor=mentor)
        .select_related("business")
        .prefetch_related(
            Prefetch(
                "business__certifications",
                queryset=Certification.objects.valid(on=today).only("pk", "business_id", "kind"),
                to_attr="valid_certifications",
            )
        )
        .annotate(
            business_has_training=Exists(
                Registration.objects.filter(business=OuterRef("business"), status="attended")
            )
        )
        .order_by("business__name", "pk")
    )
    mentees = []
    for mentorship in mentorships:
        business = mentorship.business
        facts = BusinessFacts(
            valid_kinds=frozenset(c.kind for c in business.valid_certifications),
            nib_verified=bool(business.nib) and business.is_verified,
            has_mentor=True,
            has_training=mentorship.business_has_training,
        )
        mentees.append(Mentee(mentorship, business_readiness(business, facts=facts)))
    return mentees


def open_action_items_for_mentor(mentor) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(
        mentorship__mentor=mentor,
        mentorship__status=Mentorship.Status.ACTIVE,
        done_at__isnull=True,
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
