"""Mentoring panels that pages of other apps compose (the owner's dashboard in umkm shows
the owner's next trainings without umkm importing mentoring)."""

from django import template

from mentoring.services.trainings import upcoming_sessions_for

register = template.Library()

OWNER_NEXT_TRAININGS = 5


@register.inclusion_tag("mentoring/partials/owner_next_trainings.html")
def owner_next_trainings(user):
    """The owner's next trainings (a seat or a waiting-list place), soonest first."""
    return {"next_sessions": list(upcoming_sessions_for(user)[:OWNER_NEXT_TRAININGS])}
