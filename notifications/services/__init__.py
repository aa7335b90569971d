"""The only way code creates and delivers notifications.

Email lives here; the WhatsApp channel in ``notifications.services.whatsapp``.
"""

import logging
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.formatting import format_value
from core.writes import unseen

from ..kinds import KINDS, kinds_for
from ..links import absolute_url
from ..models import Notification, NotificationPreference
from ..whatsapp import templates as whatsapp_templates
from .whatsapp import (
    confirmed_number,
    notification_deliver_whatsapp,
    notification_retry_whatsapp,
    whatsapp_enqueue,
    whatsapp_sweep,
)

__all__ = [
    "absolute_url",
    "notification_deliver_whatsapp",
    "notification_retry_whatsapp",
]

logger = logging.getLogger(__name__)


# Rows handed to one ``deliver_batch`` task: one broker message, one SMTP connection and
# one task start for this many emails; small enough that the worker's processes share a
# fan-out and a batch stays far inside the task time limit.
DELIVERY_BATCH_SIZE = 50


def notification_enqueue(notification_id: int) -> None:
    """Hand the row to the broker; if the broker is down the sweep will retry."""
    notifications_enqueue(notification_ids=[notification_id])


def notifications_enqueue(*, notification_ids: list[int]) -> None:
    """Hand rows to the broker: one ``deliver`` task for one row, batches for more.

    If the broker is down the rows stay pending and the sweep will retry.
    """
    from ..tasks import deliver, deliver_batch

    for start in range(0, len(notification_ids), DELIVERY_BATCH_SIZE):
        chunk = notification_ids[start : start + DELIVERY_BATCH_SIZE]
        try:
            if len(chunk) == 1:
                deliver.delay(chunk[0])
            else:
                deliver_batch.delay(chunk)
        except Exception:
            logger.warning(
                "Could not enqueue notifications %s; the sweep will retry",
                chunk,
                exc_info=True,
            )


class _Batches(threading.local):
    """The open ``batched_delivery`` scopes of this thread, innermost last."""

    def __init__(self) -> None:
        self.open: list[list[int]] = []


_batches = _Batches()


@contextmanager
def batched_delivery():
    """Deliver the notifications created inside this block together.

    For events that tell many people at once (a training changed or cancelled, the
    reminder sweep): the rows written inside are handed to the broker as
    ``deliver_batch`` tasks of up to ``DELIVERY_BATCH_SIZE`` after the surrounding
    transaction commits, instead of one task per row. The on_commit callback carries
    exactly the rows of this block, so Django drops it with them when the block's
    savepoint or transaction rolls back, and it never picks up rows of other work.
    Outside such a block every row gets its own ``deliver`` task, as before.
    """
    ids: list[int] = []
    _batches.open.append(ids)
    try:
        yield
    finally:
        _batches.open.pop()
    if ids:
        transaction.on_commit(partial(notifications_enqueue, notification_ids=ids))


def channels_chosen(*, user, kind: str) -> tuple[bool, bool]:
    """(email, WhatsApp) as the person chose for this kind; no choice means both."""
    pref = NotificationPreference.objects.filter(user=user, kind=kind).first()
    return (pref.email, pref.whatsapp) if pref else (True, True)


def email_enabled(*, user, kind: str) -> bool:
    return channels_chosen(user=user, kind=kind)[0]


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
    email_chosen, whatsapp_chosen = channels_chosen(user=recipient, kind=kind)
    # WhatsApp needs the channel on and a confirmed number; if it cannot be used, the
    # email goes instead, even when the person chose WhatsApp only.
    wants_whatsapp = whatsapp_chosen and confirmed_number(recipient) is not None
    wants_email = bool(recipient.email) and (
        email_chosen or (whatsapp_chosen and not wants_whatsapp)
    )
    language = whatsapp_templates.language_for(recipient)
    with translation.override(recipient.language):
        # Dates, times and numbers in the site's style, times in the recipient's zone.
        zone = getattr(recipient, "timezone", None)
        values = {key: format_value(value, zone=zone) for key, value in context.items()}
        title = str(spec.title) % values
        body = str(spec.body) % values
        params = whatsapp_templates.params_for(kind, values, language) if wants_whatsapp else []
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
                whatsapp_status=(
                    Notification.WhatsAppStatus.PENDING
                    if wants_whatsapp
                    else Notification.WhatsAppStatus.SKIPPED
                ),
                whatsapp_params=params,
            )
    except IntegrityError:
        if dedupe_key:
            return None
        raise
    if wants_email:
        if _batches.open:
            _batches.open[-1].append(notification.pk)
        else:
            transaction.on_commit(partial(notification_enqueue, notification.pk))
    if wants_whatsapp:
        transaction.on_commit(partial(whatsapp_enqueue, notification.pk))
    return notification


def notification_retry_email(*, notification: Notification) -> bool:
    """Staff send a failed email again: the row is pending once more with its attempts
    counted afresh, and handed to the broker after commit. False (nothing done) when
    its email had not failed: already sent, on its way, or not wanted."""
    with transaction.atomic():
        retried = Notification.objects.filter(
            pk=notification.pk, email_status=Notification.EmailStatus.FAILED
        ).update(
            email_status=Notification.EmailStatus.PENDING,
            email_attempts=0,
            email_claimed_at=None,
        )
        if retried:
            transaction.on_commit(partial(notification_enqueue, notification.pk))
    return bool(retried)


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).mark_read(
            recipient_id=notification.recipient_id
        )


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.mark_read(recipient_id=user.pk)


def preferences_update(
    *,
    user,
    email_by_kind: dict[str, bool] | None = None,
    channels_by_kind: dict[str, tuple[bool, bool]] | None = None,
) -> None:
    """Save the person's choice per kind: ``channels_by_kind`` maps a kind to (email,
    WhatsApp); ``email_by_kind`` sets email alone. Kinds that are not the person's
    (another role's) are ignored."""
    allowed = {kind.key for kind in kinds_for(user)}
    with transaction.atomic():
        for kind, email in (email_by_kind or {}).items():
            if kind in allowed:
                NotificationPreference.objects.update_or_create(
                    user=user, kind=kind, defaults={"email": email}
                )
        for kind, (email, whatsapp) in (channels_by_kind or {}).items():
            if kind in allowed:
                NotificationPreference.objects.update_or_create(
                    user=user, kind=kind, defaults={"email": email, "whatsapp": whatsapp}
                )


def _render_email(notification: Notification) -> EmailMultiAlternatives:
    recipient = notification.recipient
    with translation.override(recipient.language):
        context = {
            "notification": notification,
            "recipient": recipient,
            "language_code": recipient.language,
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


@unseen()
def notification_deliver_email(*, notification_id: int) -> bool:
    """Send the email of one notification at most once.

    Returns True when this call sent it, False when there was nothing to send
    (already sent, being sent by another worker, turned off, or gone). Raises
    ``DeliveryFailed`` when sending failed and another attempt is allowed.
    """
    notification = _claim_one(notification_id)
    if notification is None:
        return False
    return _send_claimed(notification)


def _claim_values() -> dict:
    return {
        "email_status": Notification.EmailStatus.SENDING,
        "email_claimed_at": timezone.now(),
        "email_attempts": F("email_attempts") + 1,
    }


def _send_claimed(notification: Notification, *, connection=None) -> bool:
    """Send the email of a row this worker has claimed, and record the outcome.

    A batch passes its ``connection`` (opened here when needed and left open for the
    next email); without one the email opens and closes its own.
    """
    try:
        message = _render_email(notification)
        if connection is not None:
            # Inside this try, so that a refused connection is recorded on the row.
            connection.open()
            message.connection = connection
        message.send()
    except Exception as exc:
        final = notification.email_attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
        Notification.objects.filter(pk=notification.pk).update(
            email_status=(
                Notification.EmailStatus.FAILED if final else Notification.EmailStatus.PENDING
            ),
            email_claimed_at=None,
            email_last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.warning("Email for notification %s failed: %s", notification.pk, exc)
        if final:
            return False
        raise DeliveryFailed(str(exc)) from exc
    with transaction.atomic():
        _commit_without_waiting_for_disk()
        Notification.objects.filter(pk=notification.pk).update(
            email_status=Notification.EmailStatus.SENT,
            email_sent_at=timezone.now(),
            email_last_error="",
        )
    return True


def _commit_without_waiting_for_disk() -> None:
    """PostgreSQL: this transaction's commit returns before its WAL reaches the disk.

    For the "sent" mark only: waiting for the disk took most of the time of sending
    one email. Once PostgreSQL has the commit a worker crash cannot lose it; only a
    crash of the database server itself in the next fraction of a second could, and
    then the row is found mid-send and sent again. The claim keeps waiting for the
    disk, so an email is never sent on a claim that could vanish.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _claim_batch(notification_ids: list[int]) -> list[Notification] | None:
    """Claim the pending rows among ``notification_ids`` in one transaction.

    The rows are locked (PostgreSQL: rows another worker holds are skipped) and then
    claimed with the same conditional UPDATE as one row. Returns them in the given
    order with the recipient loaded, or None when the database could not lock them
    and another worker claimed some in between (then claim one by one).
    """
    with transaction.atomic():
        rows = {
            row.pk: row
            for row in Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk__in=notification_ids, email_status=Notification.EmailStatus.PENDING)
        }
        claimed = Notification.objects.filter(
            pk__in=list(rows), email_status=Notification.EmailStatus.PENDING
        ).update(**_claim_values())
        if claimed != len(rows):
            transaction.set_rollback(True)
            return None
    for row in rows.values():
        row.email_attempts += 1
        row.email_status = Notification.EmailStatus.SENDING
    return [rows[pk] for pk in notification_ids if pk in rows]


@unseen()
def notifications_sweep(*, now: datetime | None = None) -> int:
    """Re-enqueue emails and WhatsApp messages left pending (broker down at the time) or
    stuck mid-send. Returns how many emails it re-enqueued."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.NOTIFICATIONS_SWEEP_AFTER_MINUTES)
    whatsapp_sweep(now=now, older_than=cutoff)
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
    notifications_enqueue(notification_ids=ids)
    return len(ids)


@unseen()
def notifications_deliver_emails(*, notification_ids: list[int]) -> list[int]:
    """Send the emails of a batch over one SMTP connection, each at most once.

    The pending rows are claimed together (rows already sent, being sent or gone are
    left alone), then each is sent and marked sent on its own, as one row would be.
    Stops at the first failure (a server that is down would otherwise make every row
    wait for the timeout), gives the rows not tried back, and returns the rows left to
    try: those, then the failed row last, so that one bad address cannot hold the
    others back. Returns an empty list when the batch is done.
    """
    claimed = _claim_batch(notification_ids)
    if claimed is None:
        claimed = [
            notification for pk in notification_ids if (notification := _claim_one(pk)) is not None
        ]
    connection = get_connection()
    try:
        for index, notification in enumerate(claimed):
            try:
                _send_claimed(notification, connection=connection)
            except DeliveryFailed:
                rest = [row.pk for row in claimed[index + 1 :]]
                # Not tried: back to pending, without counting an attempt.
                Notification.objects.filter(
                    pk__in=rest, email_status=Notification.EmailStatus.SENDING
                ).update(
                    email_status=Notification.EmailStatus.PENDING,
                    email_claimed_at=None,
                    email_attempts=F("email_attempts") - 1,
                )
                return [*rest, notification.pk]
    finally:
        try:
            connection.close()
        except Exception:  # the emails are sent and marked; only the QUIT failed
            logger.warning("Closing the mail connection failed", exc_info=True)
    return []


def _claim_one(notification_id: int) -> Notification | None:
    claimed = Notification.objects.filter(
        pk=notification_id, email_status=Notification.EmailStatus.PENDING
    ).update(**_claim_values())
    if not claimed:
        return None
    return Notification.objects.select_related("recipient").get(pk=notification_id)
