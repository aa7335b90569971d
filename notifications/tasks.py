import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from . import services
from .services import whatsapp
from .whatsapp.client import GraphError

logger = logging.getLogger(__name__)

RETRY_BACKOFF = 30
RETRY_BACKOFF_MAX = 60 * 60
MAX_RETRIES = 8


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=MAX_RETRIES,
    autoretry_for=(services.DeliveryFailed,),
    retry_backoff=RETRY_BACKOFF,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
)
def deliver(self, notification_id: int) -> bool:
    """Send one notification's email; a row already sent is not sent again."""
    if self.request.is_eager:
        # In the embedded mode a failure must not reach the web request; the row is
        # back to pending with the error recorded, and the sweep tries again.
        try:
            return services.notification_deliver_email(notification_id=notification_id)
        except services.DeliveryFailed:
            return False
    return services.notification_deliver_email(notification_id=notification_id)


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def deliver_batch(self, notification_ids: list[int]) -> int:
    """Send a batch of notifications' emails over one connection; each row at most once.

    After a failure the rows not done are retried with the same exponential backoff as
    ``deliver``; rows still pending after the last retry are left to the sweep.
    Returns how many rows were left to try.
    """
    left = services.notifications_deliver_emails(notification_ids=notification_ids)
    if left and not self.request.is_eager:
        # In the embedded mode the web request goes on; the sweep sends them later.
        raise self.retry(
            args=[left],
            countdown=get_exponential_backoff_interval(
                factor=RETRY_BACKOFF,
                retries=self.request.retries,
                maximum=RETRY_BACKOFF_MAX,
                full_jitter=True,
            ),
        )
    return len(left)


@shared_task(acks_late=True)
def sweep_pending() -> int:
    """Periodic (celery beat): re-enqueue pending emails, so nothing is lost."""
    return services.notifications_sweep()


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=MAX_RETRIES,
    autoretry_for=(whatsapp.DeliveryFailed,),
    retry_backoff=RETRY_BACKOFF,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
)
def deliver_whatsapp(self, notification_id: int) -> bool:
    """Send one notification by WhatsApp; a row already sent is not sent again."""
    if self.request.is_eager:
        # As ``deliver``: the row is back to pending with the error, the sweep retries.
        try:
            return whatsapp.notification_deliver_whatsapp(notification_id=notification_id)
        except whatsapp.DeliveryFailed:
            return False
    return whatsapp.notification_deliver_whatsapp(notification_id=notification_id)


@shared_task(bind=True, max_retries=3)
def send_code(self, number_id: int, code: str) -> bool:
    """Send a WhatsApp number's confirmation code; nothing is stored if it fails (the
    person asks for a new code). The code is in the arguments only for these minutes."""
    try:
        return whatsapp.whatsapp_code_send(number_id=number_id, code=code)
    except GraphError as exc:
        if exc.retryable and not self.request.is_eager:
            raise self.retry(countdown=RETRY_BACKOFF) from exc
        logger.warning("WhatsApp code for number %s failed: %s", number_id, exc)
        return False


@shared_task(bind=True, max_retries=3)
def send_notice(self, number_id: int, text: str, reply_to: str = "") -> bool:
    """A short answer to a person who just wrote to us (opt-out, a refused reply)."""
    try:
        return whatsapp.whatsapp_notice_send(number_id=number_id, text=text, reply_to=reply_to)
    except GraphError as exc:
        if exc.retryable and not self.request.is_eager:
            raise self.retry(countdown=RETRY_BACKOFF) from exc
        logger.warning("WhatsApp notice to number %s failed: %s", number_id, exc)
        return False
