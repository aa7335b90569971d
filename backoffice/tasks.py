import datetime as dt

from celery import shared_task
from django.utils import timezone

from outcomes.figures import cached_outcome_figures, figures_snapshots_prune

from . import services


@shared_task(acks_late=True)
def refresh_programme_snapshots() -> int:
    """Every 10 minutes (celery beat): one task per view of the programme figures to
    compute again (the usual views and those staff opened today), so that a slow one
    at national scale never holds up the others; old days' snapshots are deleted.
    Idempotent: computing a view twice stores the same figures."""
    today = timezone.localdate()
    due = services.programme_snapshots_due(today=today)
    for data in due:
        compute_programme_snapshot.delay(data, today.isoformat())
    # The dashboard's outcomes section beside them, so no one opening it pays for it.
    cached_outcome_figures(as_of=today)
    figures_snapshots_prune(today=today)
    return len(due)


@shared_task(acks_late=True)
def compute_programme_snapshot(filters: dict, day: str) -> int:
    """Compute and store the programme figures of ``filters`` (``filters_data``) for
    ``day`` (ISO date). Returns the snapshot's primary key."""
    snapshot = services.programme_snapshot_compute_from(
        data=filters, today=dt.date.fromisoformat(day)
    )
    return snapshot.pk
