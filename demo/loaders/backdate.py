"""Moving the demo into the past, and keeping the seed quiet.

The services stamp "now" on everything they write; a demo of a programme that has run
for a year needs its businesses, listings and notifications spread over that year.
The loaders move times back with ``QuerySet.update()`` after the services have written
them. The notifications the seed's workflow writes stay in the app (dated, most of them
read), but their emails are marked skipped: ``make run`` sends no flood of messages.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Case, Min, Value, When
from django.utils import timezone

from accounts.models import User
from marketplace.models import Inquiry
from mentoring.models import Mentorship, Registration
from notifications.models import Notification
from umkm.models import Business, Product


def last_notification_pk() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def date_notifications(since: int, when: datetime, *, read: bool = True) -> int:
    """Date the notifications written after ``since`` at ``when`` (read soon after)."""
    return Notification.objects.filter(pk__gt=since).update(
        created_at=when, read_at=when + timedelta(hours=3) if read else None
    )


def skip_emails(since: int) -> int:
    """The seed's notifications stay in the app: no email flood on ``make run``."""
    return Notification.objects.filter(
        pk__gt=since, email_status=Notification.EmailStatus.PENDING
    ).update(email_status=Notification.EmailStatus.SKIPPED)


def backdate_fresh_businesses(businesses: list[Business]) -> int:
    """Spread the demo over the past year, as a programme that has run for a while.

    Without it every business, verification and listing carries the seed's own time and
    the staff dashboard's monthly charts show a single bar. Runs after the mentoring and
    marketplace demos, on the businesses this run created (created in the last hour):
    each joined about nine days before the next, and always before its first mentoring
    request, training seat or inquiry; it was verified three days after joining and its
    listed products went online in the following weeks, before their first inquiry.
    Businesses an earlier run backdated are left alone, so a second run changes nothing.
    """
    now = timezone.now()
    fresh = {b.pk for b in businesses if b.created_at >= now - timedelta(hours=1)}
    for index, business in enumerate(businesses):
        if business.pk not in fresh:
            continue
        firsts = [
            *Mentorship.objects.filter(business=business)
            .aggregate(a=Min("requested_at"), b=Min("started_at"))
            .values(),
            Registration.objects.filter(business=business).aggregate(m=Min("created_at"))["m"],
            Inquiry.objects.filter(business=business).aggregate(m=Min("created_at"))["m"],
        ]
        joined = min(
            [now - timedelta(days=40 + 9 * index)]
            + [first - timedelta(days=7) for first in firsts if first]
        )
        Business.objects.filter(pk=business.pk).update(
            created_at=joined,
            verified_at=Case(
                When(verified_at__isnull=True, then=None),
                default=Value(joined + timedelta(days=3)),
            ),
        )
        User.objects.filter(pk=business.owner_id).update(date_joined=joined)
        Product.objects.filter(business=business).update(created_at=joined)
        listed = business.products.filter(listed_at__isnull=False).annotate(
            first_inquiry=Min("inquiries__created_at")
        )
        for k, product in enumerate(listed.order_by("pk")):
            online = min(
                joined + timedelta(days=5 + 6 * k),
                (product.first_inquiry or now) - timedelta(days=1),
                now - timedelta(days=1),
            )
            online = max(online, joined + timedelta(hours=1))
            Product.objects.filter(pk=product.pk).update(listed_at=online)
    return len(fresh)
