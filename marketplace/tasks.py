from celery import shared_task

from . import services


@shared_task(acks_late=True)
def hourly_sweep() -> dict[str, int]:
    """Hourly (celery beat): remind owners and mentors of inquiries unanswered for 48
    hours (once each), and close buying requests past their validity date. Both are
    idempotent sweeps over the database, so a late or repeated run is harmless."""
    return {
        "reminded": services.inquiries_remind_unanswered(),
        "closed": services.buying_requests_close_expired(),
    }
