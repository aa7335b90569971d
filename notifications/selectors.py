"""Reads of the notification core: a person's choices and number, staff figures."""

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from .models import Notification, NotificationPreference, WhatsAppNumber

FIGURES_DAYS = 30


def preferences_of(user) -> dict[str, tuple[bool, bool]]:
    """(email, WhatsApp) per kind the person chose; kinds without a row are not listed."""
    return {
        kind: (email, whatsapp)
        for kind, email, whatsapp in NotificationPreference.objects.filter(user=user).values_list(
            "kind", "email", "whatsapp"
        )
    }


def whatsapp_number_of(user) -> WhatsAppNumber | None:
    return WhatsAppNumber.objects.filter(user=user).first()


def delivery_figures(*, now: datetime | None = None, days: int = FIGURES_DAYS) -> dict:
    """Per channel, the notifications of the last ``days`` days: sent (including those
    later delivered and read), delivered (including read), read, failed, waiting.
    Email has no delivery or read receipts: those are None. One query."""
    since = (now or timezone.now()) - timedelta(days=days)
    sent_wa = ["sent", "delivered", "read"]
    row = Notification.objects.filter(created_at__gte=since).aggregate(
        email_sent=Count("pk", filter=Q(email_status="sent")),
        email_failed=Count("pk", filter=Q(email_status="failed")),
        email_waiting=Count("pk", filter=Q(email_status__in=["pending", "sending"])),
        whatsapp_sent=Count("pk", filter=Q(whatsapp_status__in=sent_wa)),
        whatsapp_delivered=Count("pk", filter=Q(whatsapp_status__in=["delivered", "read"])),
        whatsapp_read=Count("pk", filter=Q(whatsapp_status="read")),
        whatsapp_failed=Count("pk", filter=Q(whatsapp_status="failed")),
        whatsapp_waiting=Count("pk", filter=Q(whatsapp_status__in=["pending", "sending"])),
    )
    return {
        "days": days,
        "email": {
            "sent": row["email_sent"],
            "delivered": None,
            "read": None,
            "failed": row["email_failed"],
            "waiting": row["email_waiting"],
        },
        "whatsapp": {
            "sent": row["whatsapp_sent"],
            "delivered": row["whatsapp_delivered"],
            "read": row["whatsapp_read"],
            "failed": row["whatsapp_failed"],
            "waiting": row["whatsapp_waiting"],
        },
    }


def whatsapp_failed(*, now: datetime | None = None, days: int = FIGURES_DAYS):
    """WhatsApp messages of the last ``days`` days that failed for good (their email
    went instead, if the person has an address), newest first."""
    since = (now or timezone.now()) - timedelta(days=days)
    return (
        Notification.objects.filter(
            whatsapp_status=Notification.WhatsAppStatus.FAILED, created_at__gte=since
        )
        .select_related("recipient")
        .order_by("-created_at", "-pk")
    )
