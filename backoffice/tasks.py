from celery import shared_task

from . import services


@shared_task(acks_late=True)
def refresh_programme_snapshots() -> int:
    """Every 10 minutes (celery beat): recompute the programme figures staff see (the
    usual views and those opened today) and delete old days' snapshots. Idempotent."""
    return services.programme_snapshots_refresh()
