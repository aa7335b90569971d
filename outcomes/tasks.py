from celery import shared_task

from . import services


@shared_task(acks_late=True)
def sweep_follow_ups() -> dict:
    """Daily: open the follow-up surveys that fell due and remind unanswered ones.
    Idempotent: running it twice opens and reminds nothing more."""
    result = services.follow_ups_sweep()
    return {"opened": result.opened, "reminded": result.reminded}
