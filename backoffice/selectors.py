"""Reads for Disperindag staff: the work queues.

Each queue's query lives with its model's app (``umkm``, ``mentoring``,
``marketplace`` selectors); this module only puts them on one page. The page costs a
constant number of queries whatever the queues hold: one per queue for its first rows,
one more for its total only when those rows fill the page, one for the staff
reminders of the inquiries shown and one for the email figures.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from marketplace import selectors as marketplace_selectors
from marketplace.services import buyer_display_name
from mentoring import selectors as mentoring_selectors
from mentoring.models import EXPIRE_AFTER
from notifications import selectors as notifications_selectors
from notifications.models import Notification
from umkm import selectors as umkm_selectors

QUEUE_ROWS = 50  # rows shown per queue; "and N more" says what is left


@dataclass
class Queue:
    key: str  # also the page's data-queue attribute (browser tests rely on it)
    title: Promise
    count: int
    rows: list = field(default_factory=list)
    more_url: str = ""  # a longer list elsewhere, if there is one
    figures: dict = field(default_factory=dict)  # extra numbers a queue shows

    @property
    def more(self) -> int:
        return max(self.count - len(self.rows), 0)


def _queue(key: str, title: Promise, queryset: QuerySet, *, limit: int, more_url="") -> Queue:
    """The first ``limit`` rows, and the total: counted only when the rows fill the
    page (fewer rows than the limit are the whole queue)."""
    rows = list(queryset[:limit])
    count = len(rows) if len(rows) < limit else queryset.count()
    return Queue(key=key, title=title, count=count, rows=rows, more_url=more_url)


def mentors_awaiting_approval() -> QuerySet[User]:
    return User.objects.mentors_awaiting_approval().order_by("date_joined", "pk")


def email_delivery_counts() -> dict[str, int]:
    """Emails not sent yet (the sweep retries them) and emails that failed for good."""
    return Notification.objects.aggregate(
        pending=Count("pk", filter=Q(email_status__in=["pending", "sending"])),
        failed=Count("pk", filter=Q(email_status="failed")),
    )


def staff_work_queues(*, now: datetime | None = None, limit: int | None = None) -> dict:
    """Every staff queue by key, in the order the page shows them."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    limit = limit or QUEUE_ROWS
    verification = reverse("umkm:staff-verification")
    queues = [
        _queue(
            "businesses",
            _("Businesses waiting for verification"),
            umkm_selectors.businesses_awaiting_verification(),
            limit=limit,
            more_url=verification,
        ),
        _queue(
            "certificates",
            _("Certificates waiting for verification"),
            umkm_selectors.certifications_awaiting_verification(),
            limit=limit,
            more_url=verification,
        ),
        _queue(
            "certificates_expiring",
            _("Certificates expiring within 30 days or expired"),
            umkm_selectors.certifications_expiring(today=today),
            limit=limit,
        ),
        _queue(
            "mentors",
            _("Mentors waiting for approval"),
            mentors_awaiting_approval(),
            limit=limit,
            more_url=reverse("admin:accounts_user_changelist") + "?mentor_approval=pending",
        ),
        _queue(
            "mentorship_requests",
            _("Mentoring requests about to expire"),
            mentoring_selectors.mentorship_requests_expiring(now=now),
            limit=limit,
        ),
        _queue(
            "unanswered_inquiries",
            _("Inquiries unanswered for 48 hours"),
            marketplace_selectors.inquiries_unanswered(now=now),
            limit=limit,
        ),
        _queue(
            "spam",
            _("Inquiries marked as spam"),
            marketplace_selectors.inquiries_marked_spam(),
            limit=limit,
            more_url=reverse("marketplace:inquiry-list") + "?status=spam",
        ),
        _queue(
            "whatsapp_failed",
            _("WhatsApp messages that failed"),
            notifications_selectors.whatsapp_failed(now=now),
            limit=limit,
            more_url=reverse("admin:notifications_notification_changelist")
            + "?whatsapp_status__exact=failed",
        ),
    ]
    by_key = {queue.key: queue for queue in queues}

    for certification in by_key["certificates_expiring"].rows:
        certification.days_left = (certification.expires_on - today).days
        certification.days_expired = -certification.days_left
    for mentorship in by_key["mentorship_requests"].rows:
        mentorship.expires_at = mentorship.requested_at + EXPIRE_AFTER
        mentorship.overdue = mentorship.expires_at <= now  # the next sweep expires it
    unanswered = by_key["unanswered_inquiries"].rows
    reminded = marketplace_selectors.staff_reminders(unanswered)
    for inquiry in unanswered:
        inquiry.buyer_name = buyer_display_name(inquiry.buyer)
        inquiry.staff_reminded_at = reminded.get(inquiry.pk)
    for inquiry in by_key["spam"].rows:
        inquiry.buyer_name = buyer_display_name(inquiry.buyer)

    emails = email_delivery_counts()
    by_key["emails"] = Queue(
        key="emails", title=_("Email delivery"), count=emails["failed"], figures=emails
    )
    return by_key
