"""Who may see or record what in outcomes, and the small reads the pages share.

The figures of the programme dashboard and the funders' report are in ``figures``.
"""

from datetime import date

from django.db.models import QuerySet

from mentoring.selectors import is_active_mentor
from umkm.models import Business

from .models import Baseline, FollowUp, MonthlyRate, Shipment


def businesses_visible_to(user) -> QuerySet[Business]:
    """Businesses whose outcomes ``user`` may read: the owner's own, those an active
    mentor mentors, all for staff (``Business.objects.for_user``)."""
    return Business.objects.for_user(user)


def can_record_shipment(*, user, business: Business) -> bool:
    """The owner of the business or one of its active mentors (not staff: staff verify)."""
    if not user.is_authenticated:
        return False
    if user.is_owner and business.owner_id == user.pk:
        return True
    return is_active_mentor(user=user, business=business)


def can_give_baseline(*, user, business: Business) -> bool:
    """The owner gives the baseline once; staff correct it afterwards."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    has_baseline = Baseline.objects.filter(business=business).exists()
    return user.is_owner and business.owner_id == user.pk and not has_baseline


def shipments_visible_to(user) -> QuerySet[Shipment]:
    return Shipment.objects.filter(business__in=businesses_visible_to(user)).select_related(
        "business", "recorded_by", "reviewed_by"
    )


def shipments_awaiting_verification() -> QuerySet[Shipment]:
    return (
        Shipment.objects.pending().select_related("business", "recorded_by").order_by("recorded_at")
    )


def follow_ups_for_staff() -> QuerySet[FollowUp]:
    """Open follow-ups first (oldest due first), then the latest answered ones."""
    return FollowUp.objects.select_related("business", "business__owner").order_by(
        "answered_at", "due_on"
    )


def rate_for(day: date) -> MonthlyRate | None:
    """The staff's rate of ``day``'s month, or None when that month has none."""
    return MonthlyRate.objects.filter(month=day.replace(day=1)).first()
