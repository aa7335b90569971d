from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from . import services

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
