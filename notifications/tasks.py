from celery import shared_task

from . import services


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=8,
    autoretry_for=(services.DeliveryFailed,),
    retry_backoff=30,
    retry_backoff_max=60 * 60,
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


@shared_task(acks_late=True)
def sweep_pending() -> int:
    """Periodic (celery beat): re-enqueue pending emails, so nothing is lost."""
    return services.notifications_sweep()
