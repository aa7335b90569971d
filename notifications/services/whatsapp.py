"""The WhatsApp channel: opt-in, delivery through the outbox, and the webhook's events.

Delivery follows the email's discipline on the same row: ``notification_create`` marks
the row's WhatsApp state pending in the event's transaction and enqueues
``deliver_whatsapp`` after commit; the task claims the row with a conditional UPDATE
(pending → sending), sends, and records the outcome, so a retry or a second worker
never sends twice; the sweep re-enqueues rows left pending or stuck mid-send. A message
that cannot go by WhatsApp (no confirmed number any more, an invalid number, a paused
template, attempts used up, a "failed" status from Meta) falls back to email.

Inside the 24-hour customer-service window (the person wrote to us in the last 24
hours) the message is free-form text; outside it, the kind's approved template.
"""

import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy

from core.writes import unseen

from .. import replies
from ..links import absolute_url
from ..models import Notification, WhatsAppNumber
from ..whatsapp import WINDOW_HOURS, channel_on, client, phone, templates
from ..whatsapp.webhook import Incoming, Status

logger = logging.getLogger(__name__)

CODE_VALID_FOR = timedelta(minutes=10)
CODE_RESEND_AFTER = timedelta(seconds=60)
CODE_MAX_ATTEMPTS = 5
STOP_WORDS = frozenset({"STOP", "BERHENTI"})

MSG_CHANNEL_OFF = gettext_lazy("WhatsApp messages are not available on this site.")
MSG_TAKEN = gettext_lazy("This number is already confirmed for another account.")
MSG_WAIT = gettext_lazy("A code was sent less than a minute ago. Please wait before asking again.")
MSG_NO_CODE = gettext_lazy("Add your number first; we then send you a code.")
MSG_CODE_EXPIRED = gettext_lazy("This code has expired. Ask for a new one.")
MSG_CODE_WRONG = gettext_lazy("This code is not right. Check the WhatsApp message and try again.")
MSG_CODE_LOCKED = gettext_lazy("Too many wrong codes. Ask for a new one.")

WAStatus = Notification.WhatsAppStatus
_PROGRESS = [WAStatus.SENT, WAStatus.DELIVERED, WAStatus.READ]


class DeliveryFailed(Exception):
    """Sending failed; the row is back to pending and records the error."""


# Opt-in -------------------------------------------------------------------------------


def _code_hash(number_user_id: int, code: str) -> str:
    return salted_hmac("whatsapp-code", f"{number_user_id}:{code}", algorithm="sha256").hexdigest()


def _taken_by_other(*, user, phone_number: str) -> bool:
    return (
        WhatsAppNumber.objects.filter(phone=phone_number, status=WhatsAppNumber.Status.CONFIRMED)
        .exclude(user=user)
        .exists()
    )


def whatsapp_number_add(*, user, number: str, now: datetime | None = None) -> WhatsAppNumber:
    """Add or change a person's number: it waits for the six-digit code we send it as
    an authentication template. The number in use before stays off until the new one is
    confirmed. The number already confirmed, typed again, changes nothing."""
    if not channel_on():
        raise ValidationError(MSG_CHANNEL_OFF, code="off")
    normalised = phone.normalise(number)
    now = now or timezone.now()
    if _taken_by_other(user=user, phone_number=normalised):
        raise ValidationError({"number": MSG_TAKEN})
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        current = WhatsAppNumber.objects.select_for_update().filter(user=user).first()
        if current is not None and current.is_confirmed and current.phone == normalised:
            return current  # nothing to confirm again
        if (
            current is not None
            and current.status == WhatsAppNumber.Status.PENDING
            and current.code_sent_at
            and now - current.code_sent_at < CODE_RESEND_AFTER
        ):
            raise ValidationError(MSG_WAIT, code="wait")
        values = {
            "phone": normalised,
            "status": WhatsAppNumber.Status.PENDING,
            "code_hash": _code_hash(user.pk, code),
            "code_sent_at": now,
            "code_attempts": 0,
            "confirmed_at": None,
        }
        if current is None:
            current = WhatsAppNumber(user=user, **values)
            current.full_clean(exclude=["user"])
            current.save()
        else:
            for field, value in values.items():
                setattr(current, field, value)
            current.full_clean(exclude=["user"])
            current.save(update_fields=list(values))
            _pending_to_email(user=user)
        transaction.on_commit(lambda: _enqueue_code(current.pk, code))
    return current


def _enqueue_code(number_id: int, code: str) -> None:
    from ..tasks import send_code

    try:
        send_code.delay(number_id, code)
    except Exception:
        logger.warning("Could not enqueue the WhatsApp code for %s", number_id, exc_info=True)


def whatsapp_code_send(*, number_id: int, code: str) -> bool:
    """Send the confirmation code (an authentication template). The code travels to the
    task in its arguments only: the row keeps its hash. Raises ``client.GraphError``."""
    number = WhatsAppNumber.objects.select_related("user").filter(pk=number_id).first()
    if number is None or number.status != WhatsAppNumber.Status.PENDING or not channel_on():
        return False
    if not constant_time_compare(_code_hash(number.user_id, code), number.code_hash):
        return False  # a newer code replaced this one
    client.send_template(
        to=number.phone,
        name=templates.VERIFICATION_TEMPLATE,
        language=templates.language_for(number.user),
        body=[code],
        button=[code],
    )
    return True


def whatsapp_number_confirm(*, user, code: str, now: datetime | None = None) -> WhatsAppNumber:
    """Confirm the number with the code it received; five wrong codes lock it."""
    now = now or timezone.now()
    code = "".join(str(code or "").split())
    error = None
    with transaction.atomic():
        number = WhatsAppNumber.objects.select_for_update().filter(user=user).first()
        if number is None or number.status != WhatsAppNumber.Status.PENDING:
            raise ValidationError({"code": MSG_NO_CODE})
        if number.code_attempts >= CODE_MAX_ATTEMPTS:
            raise ValidationError({"code": MSG_CODE_LOCKED})
        if not number.code_sent_at or now - number.code_sent_at > CODE_VALID_FOR:
            raise ValidationError({"code": MSG_CODE_EXPIRED})
        if not (len(code) == 6 and code.isdigit()) or not constant_time_compare(
            _code_hash(user.pk, code), number.code_hash
        ):
            # Counted, then refused: the count must outlive the refusal.
            WhatsAppNumber.objects.filter(pk=number.pk).update(code_attempts=F("code_attempts") + 1)
            error = MSG_CODE_WRONG
        elif _taken_by_other(user=user, phone_number=number.phone):
            error = MSG_TAKEN
        else:
            number.status = WhatsAppNumber.Status.CONFIRMED
            number.confirmed_at = now
            number.code_hash = ""
            number.code_attempts = 0
            number.save(update_fields=["status", "confirmed_at", "code_hash", "code_attempts"])
    if error:
        raise ValidationError({"code": error})
    return number


def whatsapp_number_remove(*, user) -> bool:
    """Forget the person's number; messages on their way go by email instead."""
    with transaction.atomic():
        deleted, _rows = WhatsAppNumber.objects.filter(user=user).delete()
        _pending_to_email(user=user)
    return bool(deleted)


def whatsapp_number_import(*, user, number: str) -> WhatsAppNumber:
    """Record a number as confirmed without a code: the demo seed and staff only."""
    normalised = phone.normalise(number)
    with transaction.atomic():
        if _taken_by_other(user=user, phone_number=normalised):
            raise ValidationError({"number": MSG_TAKEN})
        record, _created = WhatsAppNumber.objects.update_or_create(
            user=user,
            defaults={
                "phone": normalised,
                "status": WhatsAppNumber.Status.CONFIRMED,
                "confirmed_at": timezone.now(),
                "code_hash": "",
                "code_attempts": 0,
            },
        )
    return record


def confirmed_number(user) -> WhatsAppNumber | None:
    """The number messages go to, or None (channel off, none, unconfirmed, stopped)."""
    if not channel_on() or not getattr(user, "pk", None):
        return None
    return WhatsAppNumber.objects.filter(user=user, status=WhatsAppNumber.Status.CONFIRMED).first()


def window_open(number: WhatsAppNumber, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return bool(
        number.last_inbound_at and now - number.last_inbound_at < timedelta(hours=WINDOW_HOURS)
    )


# Delivery -----------------------------------------------------------------------------


def whatsapp_enqueue(notification_id: int) -> None:
    """Hand the row to the broker; if the broker is down the sweep will retry."""
    from ..tasks import deliver_whatsapp

    try:
        deliver_whatsapp.delay(notification_id)
    except Exception:
        logger.warning(
            "Could not enqueue WhatsApp for %s; the sweep will retry",
            notification_id,
            exc_info=True,
        )


def _email_enqueue(notification_id: int) -> None:
    from ..tasks import deliver

    try:
        deliver.delay(notification_id)
    except Exception:
        logger.warning("Could not enqueue %s; the sweep will retry", notification_id, exc_info=True)


def _fall_back_to_email(notification_ids: list[int]) -> None:
    """Rows whose WhatsApp message will not arrive: their email goes out instead, unless
    it is already wanted (then it is on its way or sent) or there is no address."""
    ids = list(
        Notification.objects.filter(
            pk__in=notification_ids, email_status=Notification.EmailStatus.SKIPPED
        )
        .exclude(recipient__email="")
        .values_list("pk", flat=True)
    )
    if not ids:
        return
    Notification.objects.filter(pk__in=ids, email_status=Notification.EmailStatus.SKIPPED).update(
        email_status=Notification.EmailStatus.PENDING, email_attempts=0, email_claimed_at=None
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: _email_enqueue(pk))


def _pending_to_email(*, user) -> None:
    """The person's number went away: messages not yet sent go by email instead."""
    ids = list(
        Notification.objects.filter(
            recipient=user, whatsapp_status__in=[WAStatus.PENDING, WAStatus.SENDING]
        ).values_list("pk", flat=True)
    )
    if ids:
        Notification.objects.filter(pk__in=ids).update(
            whatsapp_status=WAStatus.SKIPPED, whatsapp_claimed_at=None
        )
        _fall_back_to_email(ids)


def _claim(notification_id: int) -> Notification | None:
    claimed = Notification.objects.filter(
        pk=notification_id, whatsapp_status=WAStatus.PENDING
    ).update(
        whatsapp_status=WAStatus.SENDING,
        whatsapp_claimed_at=timezone.now(),
        whatsapp_attempts=F("whatsapp_attempts") + 1,
    )
    if not claimed:
        return None
    return Notification.objects.select_related("recipient").get(pk=notification_id)


def _give_up(notification: Notification, *, code: str, error: str) -> None:
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(
            whatsapp_status=WAStatus.FAILED,
            whatsapp_claimed_at=None,
            whatsapp_error_code=code[:20],
            whatsapp_last_error=error[:2000],
        )
        _fall_back_to_email([notification.pk])


def free_text(notification: Notification) -> str:
    """The message inside the 24-hour window: title, body and the link."""
    return (
        f"*{notification.title}*\n\n{notification.body}\n\n"
        f"{absolute_url(notification.get_absolute_url())}"
    ).replace("\n\n\n\n", "\n\n")


def _send(notification: Notification, number: WhatsAppNumber) -> str:
    if window_open(number):
        try:
            return client.send_text(to=number.phone, text=free_text(notification))
        except client.GraphError as exc:
            if exc.code != client.WINDOW_CLOSED_CODE:
                raise
    return client.send_template(
        to=number.phone,
        name=templates.name_for(notification.kind),
        language=templates.language_for(notification.recipient),
        body=list(notification.whatsapp_params),
        button=[templates.link_param(notification.get_absolute_url())],
    )


@unseen()
def notification_deliver_whatsapp(*, notification_id: int) -> bool:
    """Send one notification by WhatsApp at most once.

    Returns True when this call sent it, False when there was nothing to send (already
    sent, being sent, not wanted, gone) or it failed for good (then email takes over).
    Raises ``DeliveryFailed`` when another attempt may succeed.
    """
    notification = _claim(notification_id)
    if notification is None:
        return False
    number = confirmed_number(notification.recipient)
    if number is None:
        _give_up(notification, code="no_number", error="No confirmed WhatsApp number")
        return False
    try:
        message_id = _send(notification, number)
    except client.GraphError as exc:
        final = (
            not exc.retryable
            or notification.whatsapp_attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
        )
        logger.warning("WhatsApp for notification %s failed: %s", notification.pk, exc)
        if final:
            _give_up(notification, code=exc.code, error=exc.message)
            return False
        Notification.objects.filter(pk=notification.pk).update(
            whatsapp_status=WAStatus.PENDING,
            whatsapp_claimed_at=None,
            whatsapp_error_code=exc.code[:20],
            whatsapp_last_error=exc.message[:2000],
        )
        raise DeliveryFailed(str(exc)) from exc
    Notification.objects.filter(pk=notification.pk, whatsapp_status=WAStatus.SENDING).update(
        whatsapp_status=WAStatus.SENT,
        whatsapp_sent_at=timezone.now(),
        whatsapp_message_id=message_id[:128],
        whatsapp_error_code="",
        whatsapp_last_error="",
    )
    return True


def notification_retry_whatsapp(*, notification: Notification) -> bool:
    """Staff send a failed WhatsApp message again (False if it had not failed)."""
    with transaction.atomic():
        retried = Notification.objects.filter(
            pk=notification.pk, whatsapp_status=WAStatus.FAILED
        ).update(whatsapp_status=WAStatus.PENDING, whatsapp_attempts=0, whatsapp_claimed_at=None)
        if retried:
            transaction.on_commit(lambda: whatsapp_enqueue(notification.pk))
    return bool(retried)


@unseen()
def whatsapp_sweep(*, now: datetime, older_than: datetime) -> int:
    """Re-enqueue WhatsApp messages left pending or stuck mid-send by a dead worker."""
    stale = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)
    Notification.objects.whatsapp_stale_claims(claimed_before=stale).update(
        whatsapp_status=WAStatus.PENDING, whatsapp_claimed_at=None
    )
    ids = list(
        Notification.objects.whatsapp_due(older_than=older_than)
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        whatsapp_enqueue(pk)
    return len(ids)


# The webhook --------------------------------------------------------------------------


@unseen()
def whatsapp_status_record(status: Status) -> bool:
    """Meta tells how a message fared: sent → delivered → read (never backwards), or
    failed (then the email goes instead). Ids that are not ours change nothing."""
    if not status.message_id:
        return False
    rows = Notification.objects.filter(whatsapp_message_id=status.message_id)
    if status.status in ("sent", "delivered", "read"):
        target = WAStatus(status.status)
        earlier = [WAStatus.SENDING, *_PROGRESS[: _PROGRESS.index(target)]]
        return bool(rows.filter(whatsapp_status__in=earlier).update(whatsapp_status=target))
    if status.status == "failed":
        notification = rows.exclude(whatsapp_status=WAStatus.FAILED).first()
        if notification is None:
            return False
        _give_up(notification, code=status.error_code or "failed", error=status.error)
        return True
    return False


def whatsapp_incoming_record(message: Incoming) -> str:
    """A message a person sent us. Unknown numbers store nothing. STOP or BERHENTI
    opts out; an answer to one of our notifications goes to the kind's reply handler
    (an inquiry's thread), under that thread's rules. Returns what happened."""
    number_e164 = phone.from_wa_id(message.sender)
    number = (
        WhatsAppNumber.objects.select_related("user")
        .filter(phone=number_e164, status=WhatsAppNumber.Status.CONFIRMED)
        .first()
        if number_e164
        else None
    )
    if number is None or not number.user.is_active:
        return "unknown"
    user = number.user
    now = timezone.now()
    opened = min(message.sent_at, now)
    WhatsAppNumber.objects.filter(pk=number.pk).update(last_inbound_at=opened)
    text = message.text.strip()
    if text.upper().strip(" .!") in STOP_WORDS:
        with transaction.atomic():
            WhatsAppNumber.objects.filter(pk=number.pk).update(
                status=WhatsAppNumber.Status.OPTED_OUT
            )
            _pending_to_email(user=user)
        _notice(
            number,
            gettext_lazy(
                "You will no longer receive messages from Jembatan UMKM on WhatsApp. "
                "You can turn them on again in your notification preferences."
            ),
        )
        return "opted_out"
    if not message.context_id or not text:
        return "ignored"
    notification = Notification.objects.filter(
        whatsapp_message_id=message.context_id, recipient=user
    ).first()
    handler = replies.handler_for(notification.kind) if notification else None
    if handler is None:
        return "ignored"
    try:
        with transaction.atomic():
            handler(notification=notification, author=user, body=text, reference=message.message_id)
    except ValidationError as exc:
        _notice(number, "\n".join(str(m) for m in exc.messages), reply_to=message.message_id)
        return "refused"
    except PermissionDenied:
        _notice(
            number,
            gettext_lazy("This conversation cannot take an answer from you."),
            reply_to=message.message_id,
        )
        return "refused"
    _notice(
        number,
        gettext_lazy("Sent: your answer is in the conversation on Jembatan UMKM."),
        reply_to=message.message_id,
    )
    return "replied"


def _notice(number: WhatsAppNumber, text, *, reply_to: str = "") -> None:
    """A short free-form answer (the person just wrote to us: the window is open),
    in their language, sent after commit by a task; never more than a courtesy."""
    from ..tasks import send_notice

    with translation.override(number.user.language):
        rendered = str(text)
    if not rendered:
        return

    def enqueue() -> None:
        try:
            send_notice.delay(number.pk, rendered, reply_to)
        except Exception:
            logger.warning("Could not enqueue a WhatsApp notice", exc_info=True)

    transaction.on_commit(enqueue)


def whatsapp_notice_send(*, number_id: int, text: str, reply_to: str = "") -> bool:
    number = WhatsAppNumber.objects.filter(pk=number_id).first()
    if number is None or not channel_on():
        return False
    client.send_text(to=number.phone, text=text, reply_to=reply_to)
    return True


def whatsapp_webhook_receive(*, statuses: list[Status], incoming: list[Incoming]) -> dict:
    """Everything one signed webhook call carries, each event on its own."""
    outcome = {"statuses": 0, "messages": []}
    for status in statuses:
        outcome["statuses"] += whatsapp_status_record(status)
    for message in incoming:
        outcome["messages"].append(whatsapp_incoming_record(message))
    return outcome
