"""The only way code creates and delivers notifications."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .kinds import KINDS
from .models import Notification, NotificationPreference

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def notification_enqueue(notification_id: int) -> None:
    """Hand the row to the broker; if the broker is down the sweep will retry."""
    from .tasks import deliver

    try:
        deliver.delay(notification_id)
    except Exception:
        logger.warning(
            "Could not enqueue notification %s; the sweep will retry",
            notification_id,
            exc_info=True,
        )


def email_enabled(*, user, kind: str) -> bool:
    pref = NotificationPreference.objects.filter(user=user, kind=kind).first()
    return pref.email if pref else True


def notification_create(
    *,
    recipient,
    kind: str,
    context: dict | None = None,
    url: str = "",
    dedupe_key: str = "",
) -> Notification | None:
    """Write a notification for ``recipient`` in the caller's transaction.

    The title and body are rendered now, in the recipient's language; email delivery
    is enqueued only after the surrounding transaction commits. With a ``dedupe_key``
    the same reminder is written at most once per recipient (returns None then).
    """
    if (
        dedupe_key
        and Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists()
    ):
        return None
    spec = KINDS[kind]
    context = context or {}
    with translation.override(recipient.language):
        values = {key: str(value) for key, value in context.items()}
        title = str(spec.title) % values
        body = str(spec.body) % values
    wants_email = email_enabled(user=recipient, kind=kind) and bool(recipient.email)
    try:
        with transaction.atomic():  # a savepoint: a racing duplicate leaves the caller intact
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                title=title[:255],
                body=body,
                url=url,
                dedupe_key=dedupe_key,
                email_status=(
                    Notification.EmailStatus.PENDING
                    if wants_email
                    else Notification.EmailStatus.SKIPPED
                ),
            )
    except IntegrityError:
        if dedupe_key:
            return None
        raise
    if wants_email:
        transaction.on_commit(lambda: notification_enqueue(notification.pk))
    return notification


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def preferences_update(*, user, email_by_kind: dict[str, bool]) -> None:
    with transaction.atomic():
        for kind, email in email_by_kind.items():
            if kind not in KINDS:
                continue
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"email": email}
            )


def _render_email(notification: Notification) -> EmailMultiAlternatives:
    recipient = notification.recipient
    with translation.override(recipient.language):
        context = {
            "notification": notification,
            "recipient": recipient,
            "link": absolute_url(notification.get_absolute_url()),
            "preferences_link": absolute_url("/notifications/preferences/"),
            "site_url": settings.SITE_URL,
        }
        text = render_to_string("notifications/email/notification.txt", context)
        html = render_to_string("notifications/email/notification.html", context)
    # One line: a title made from user text (a name, a subject) may carry line breaks,
    # which Django refuses in a header, and the email would never leave.
    subject = " ".join(f"[Jembatan UMKM] {notification.title}".split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )
    message.attach_alternative(html, "text/html")
    return message


class DeliveryFailed(Exception):
    """Sending failed; the row is back to pending and records the error."""


def notification_deliver_email(*, notification_id: int) -> bool:
    """Send the email of one notification at most once.

    Returns True when this call sent it, False when there was nothing to send
    (already sent, being sent by another worker, turned off, or gone). Raises
    ``DeliveryFailed`` when sending failed and another attempt is allowed.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, email_status=Notification.EmailStatus.PENDING
    ).update(
        email_status=Notification.EmailStatus.SENDING,
        email_claimed_at=now,
        email_attempts=F("email_attempts") + 1,
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        _render_email(notification).send()
    except Exception as exc:
        final = notification.email_attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
        Notification.objects.filter(pk=notification_id).update(
            email_status=(
                Notification.EmailStatus.FAILED if final else Notification.EmailStatus.PENDING
            ),
            email_claimed_at=None,
            email_last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.warning("Email for notification %s failed: %s", notification_id, exc)
        if final:
            return False
        raise DeliveryFailed(str(exc)) from exc
    Notification.objects.filter(pk=notification_id).update(
        email_status=Notification.EmailStatus.SENT,
        email_sent_at=timezone.now(),
        email_last_error="",
    )
    return True


def notifications_sweep(*, now: datetime | None = None) -> int:
    """Re-enqueue emails left pending (broker down at the time) or stuck mid-send."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.NOTIFICATIONS_SWEEP_AFTER_MINUTES)
    # A claim older than the task time limit belongs to a worker that died.
    stale = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)
    Notification.objects.email_stale_claims(claimed_before=stale).update(
        email_status=Notification.EmailStatus.PENDING, email_claimed_at=None
    )
    ids = list(
        Notification.objects.email_due(older_than=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        notification_enqueue(pk)
    return len(ids)
