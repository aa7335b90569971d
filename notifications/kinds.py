"""The registry of notification kinds.

Each kind has a label for the preferences page and a title and body written as
translatable format strings; ``notification_create`` renders them with the event's
context in the recipient's language. Later features add their kinds here.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    key: str
    label: Promise
    title: Promise
    body: Promise


_KINDS = [
    Kind(
        key="welcome",
        label=_("Welcome after confirming your email"),
        title=_("Welcome to Jembatan UMKM, %(name)s"),
        body=_("Your email address is confirmed. %(next_step)s"),
    ),
    Kind(
        key="mentor_approved",
        label=_("Your mentor account is approved"),
        title=_("Your mentor account is approved"),
        body=_(
            "A Disperindag officer approved your mentor account. You can now take on "
            "businesses, review their products and run trainings."
        ),
    ),
]

KINDS: dict[str, Kind] = {kind.key: kind for kind in _KINDS}


def choices() -> list[tuple[str, Promise]]:
    return [(kind.key, kind.label) for kind in _KINDS]
