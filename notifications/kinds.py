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

_KINDS += [
    Kind(
        key="business_verified",
        label=_("Your business is verified"),
        title=_("%(business)s is verified"),
        body=_(
            "A Disperindag officer checked your business papers. Buyers now see the "
            "verified badge on your business and products."
        ),
    ),
    Kind(
        key="certification_expiring",
        label=_("A certificate is about to expire"),
        title=_("%(certificate)s expires on %(date)s"),
        body=_(
            "Your %(certificate)s expires in %(days)s days. Renew it and upload the new "
            "document, or it stops counting for export readiness."
        ),
    ),
    Kind(
        key="product_submitted",
        label=_("A product waits for your review"),
        title=_("Please review %(product)s"),
        body=_("%(business)s submitted %(product)s for listing in the export catalogue."),
    ),
    Kind(
        key="product_approved",
        label=_("Your product is listed"),
        title=_("%(product)s is listed"),
        body=_("%(reviewer)s approved %(product)s. It is now visible to buyers."),
    ),
    Kind(
        key="product_changes_requested",
        label=_("Changes requested on your product"),
        title=_("Changes requested on %(product)s"),
        body=_("%(reviewer)s asks for changes before %(product)s can be listed:\n%(comment)s"),
    ),
]

KINDS: dict[str, Kind] = {kind.key: kind for kind in _KINDS}


def choices() -> list[tuple[str, Promise]]:
    return [(kind.key, kind.label) for kind in _KINDS]
