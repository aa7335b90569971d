from celery import shared_task

from . import services

# Mentorships -------------------------------------------------------------------------


@shared_task(acks_late=True)
def sweep_mentorships() -> dict[str, int]:
    """Hourly (celery beat): expire mentoring requests unanswered for 14 days, remind
    mentors once after 3 days, remind owners once of overdue action items and close
    items whose readiness gap is closed. Idempotent: a late or repeated run is harmless."""
    return services.mentorships_sweep()


# Trainings -----------------------------------------------------------------------------


@shared_task(acks_late=True)
def sweep_trainings() -> int:
    """Every 5 minutes (celery beat): training reminders 24 hours and 1 hour before the
    start to confirmed registrants. Idempotent (a dedupe key per registration and
    threshold), and a reminder a late run missed still goes out before the start."""
    return services.trainings_sweep()
