"""Helpers the mentorship tests share: the kinds of notification a person got, and an
open request."""

from mentoring.models import Mentorship
from notifications.models import Notification

from ..factories import (
    BusinessFactory,
    MentorshipFactory,
)


def kinds_for(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True)
    )


def requested(mentor, business=None, **extra) -> Mentorship:
    return MentorshipFactory(
        mentor=mentor,
        business=business or BusinessFactory(),
        status=Mentorship.Status.REQUESTED,
        started_at=None,
        **extra,
    )
