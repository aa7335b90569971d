"""The registry of notification kinds.

Each kind has a label for the preferences page and a title and body written as
translatable format strings; ``notification_create`` renders them with the event's
context in the recipient's language. Later features add their kinds here.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

OWNER, MENTOR, BUYER, STAFF = "owner", "mentor", "buyer", "staff"
EVERYONE = frozenset({OWNER, MENTOR, BUYER, STAFF})


@dataclass(frozen=True)
class Kind:
    """``roles``: who can receive this kind (a user's ``role``, or ``staff`` for
    ``is_staff``); the preferences page offers a person only the kinds of their role."""

    key: str
    label: Promise
    title: Promise
    body: Promise
    roles: frozenset[str] = EVERYONE


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
        roles=frozenset({MENTOR}),
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
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="certification_expiring",
        label=_("A certificate is about to expire"),
        title=_("%(certificate)s expires on %(date)s"),
        body=_(
            "Your %(certificate)s expires in %(days)s days. Renew it and upload the new "
            "document, or it stops counting for export readiness."
        ),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="product_submitted",
        label=_("A product waits for your review"),
        title=_("Please review %(product)s"),
        body=_("%(business)s submitted %(product)s for listing in the export catalogue."),
        roles=frozenset({MENTOR, STAFF}),
    ),
    Kind(
        key="product_approved",
        label=_("Your product is listed"),
        title=_("%(product)s is listed"),
        body=_("%(reviewer)s approved %(product)s. It is now visible to buyers."),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="product_changes_requested",
        label=_("Changes requested on your product"),
        title=_("Changes requested on %(product)s"),
        body=_("%(reviewer)s asks for changes before %(product)s can be listed:\n%(comment)s"),
        roles=frozenset({OWNER}),
    ),
]

_KINDS += [
    # Mentoring (context: business, mentor, owner, message, reason)
    Kind(
        key="mentorship_requested",
        label=_("A business asks you to mentor it"),
        title=_("%(business)s asks you to be its mentor"),
        body=_("%(owner)s wrote: %(message)s"),
        roles=frozenset({MENTOR}),
    ),
    Kind(
        key="mentorship_request_reminder",
        label=_("Reminder of an unanswered mentoring request"),
        title=_("%(business)s is still waiting for your answer"),
        body=_("Please accept or decline the request. It expires after 14 days."),
        roles=frozenset({MENTOR}),
    ),
    Kind(
        key="mentorship_accepted",
        label=_("Your mentor accepted"),
        title=_("%(mentor)s is now your mentor"),
        body=_("%(mentor)s accepted to mentor %(business)s."),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="mentorship_declined",
        label=_("Your mentor declined"),
        title=_("%(mentor)s cannot mentor %(business)s"),
        body=_("Reason: %(reason)s\nYou can ask another mentor."),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="mentorship_expired",
        label=_("A mentoring request expired"),
        title=_("Your request to %(mentor)s expired"),
        body=_("%(mentor)s did not answer within 14 days. You can ask another mentor."),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="mentorship_assigned",
        label=_("A mentor was assigned"),
        title=_("%(mentor)s now mentors %(business)s"),
        body=_("Disperindag assigned %(mentor)s as mentor of %(business)s."),
        roles=frozenset({OWNER, MENTOR}),
    ),
    Kind(
        key="mentorship_completed",
        label=_("A mentorship ended"),
        title=_("The mentorship of %(business)s is completed"),
        body=_("%(mentor)s marked the mentorship of %(business)s as completed."),
        roles=frozenset({OWNER, MENTOR}),
    ),
    Kind(
        key="log_added",
        label=_("Your mentor logged a visit"),
        title=_("%(mentor)s logged a %(mode)s on %(date)s"),
        body=_("%(notes)s"),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="action_item_overdue",
        label=_("An action item is overdue"),
        title=_("Overdue: %(item)s"),
        body=_("This action item was due on %(date)s. Tick it when it is done."),
        roles=frozenset({OWNER}),
    ),
    # Trainings (context: session, date, business, attendee, reason)
    Kind(
        key="training_published",
        label=_("A new training is open"),
        title=_("New training: %(session)s"),
        body=_("%(session)s on %(date)s. Register your business while seats remain."),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="training_registered",
        label=_("Your training seat is confirmed"),
        title=_("Seat confirmed: %(session)s"),
        body=_("%(attendee)s is registered for %(session)s on %(date)s."),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="training_waitlisted",
        label=_("You are on a training's waiting list"),
        title=_("Waiting list: %(session)s"),
        body=_("All seats of %(session)s are taken; %(attendee)s is on the waiting list."),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="training_promoted",
        label=_("A seat became free for you"),
        title=_("You have a seat: %(session)s"),
        body=_("A seat became free: %(attendee)s is now confirmed for %(session)s on %(date)s."),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="training_changed",
        label=_("A training you joined changed"),
        title=_("Changed: %(session)s"),
        body=_("The time or place of %(session)s changed. It now starts on %(date)s."),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="training_cancelled",
        label=_("A training you joined was cancelled"),
        title=_("Cancelled: %(session)s"),
        body=_("%(session)s on %(date)s is cancelled. Reason: %(reason)s"),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="training_reminder",
        label=_("Training reminders"),
        title=_("Reminder: %(session)s starts %(when)s"),
        body=_("%(session)s starts on %(date)s."),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="attendance_certificate_ready",
        label=_("Your certificate of attendance is ready"),
        title=_("Certificate ready: %(session)s"),
        body=_("Thank you for attending. Download the certificate for %(attendee)s."),
        roles=frozenset({OWNER}),
    ),
]

_KINDS += [
    Kind(
        key="inquiry_received",
        label=_("A buyer sent an inquiry"),
        title=_("New inquiry from %(buyer)s: %(subject)s"),
        body=_(
            "%(buyer)s (%(country)s) asks %(business)s about %(subject)s: %(quantity)s "
            "%(unit)s, %(incoterm)s to %(destination)s.\n\n%(excerpt)s"
        ),
        roles=frozenset({OWNER, MENTOR}),
    ),
    Kind(
        key="inquiry_replied",
        label=_("A new message in an inquiry"),
        title=_("%(author)s wrote about %(subject)s"),
        body=_("%(author)s wrote:\n\n%(excerpt)s"),
        roles=frozenset({OWNER, BUYER}),
    ),
    Kind(
        key="inquiry_advice",
        label=_("A mentor advised on an inquiry"),
        title=_("Mentor advice on %(subject)s"),
        body=_(
            "%(mentor)s left advice on the inquiry from %(buyer)s (the buyer does not see "
            "it):\n\n%(excerpt)s"
        ),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="inquiry_unanswered",
        label=_("An inquiry waits for an answer"),
        title=_("%(subject)s waits for an answer"),
        body=_(
            "%(buyer)s sent an inquiry to %(business)s %(hours)s hours ago and has no "
            "answer yet. Buyers expect an answer within two days."
        ),
        roles=frozenset({OWNER, MENTOR}),
    ),
    Kind(
        key="buying_request_matched",
        label=_("A buyer wants products like yours"),
        title=_("A buyer wants to buy %(title)s"),
        body=_(
            "%(buyer)s (%(country)s) wants to buy %(quantity)s %(unit)s of %(title)s "
            "(%(category)s) until %(date)s. Send a quote if %(business)s can supply it."
        ),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="quote_received",
        label=_("A supplier sent you a quote"),
        title=_("%(business)s quoted for %(title)s"),
        body=_(
            "%(business)s quotes US$ %(price)s per unit (%(incoterm)s), minimum order "
            "%(moq)s, lead time %(days)s days.\n\n%(excerpt)s"
        ),
        roles=frozenset({BUYER}),
    ),
]

_KINDS += [
    # Programme outcomes (context: business, months, date, link, country, value, reason)
    Kind(
        key="outcome_survey",
        label=_("A follow-up survey about your business"),
        title=_("How is %(business)s doing %(months)s months on?"),
        body=_(
            "Please answer five short questions about %(business)s: revenue, workers, "
            "exports and certificates. The link works until %(date)s and only for your "
            "business."
        ),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="outcome_survey_reminder",
        label=_("A reminder of the follow-up survey"),
        title=_("Reminder: the follow-up survey of %(business)s"),
        body=_(
            "You have not answered the %(months)s-month survey of %(business)s yet. It "
            "takes two minutes; the link works until %(date)s."
        ),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="shipment_verified",
        label=_("Your export shipment is verified"),
        title=_("Shipment to %(country)s verified"),
        body=_(
            "Disperindag verified the shipment of %(date)s (US$ %(value)s). It counts as "
            "an export of %(business)s."
        ),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="shipment_rejected",
        label=_("Your export shipment was not accepted"),
        title=_("Shipment to %(country)s not accepted"),
        body=_(
            "Disperindag could not verify the shipment of %(date)s (US$ %(value)s).\n"
            "Reason: %(reason)s\nYou can record it again with the right document."
        ),
        roles=frozenset({OWNER}),
    ),
]

_KINDS += [
    # The deal pipeline of an inquiry (marketplace), each to the other party.
    Kind(
        key="sample_requested",
        label=_("A buyer asks for a sample"),
        title=_("%(buyer)s asks for a sample: %(subject)s"),
        body=_("%(buyer)s asks for a sample of %(quantity)s for %(subject)s.\n\n%(note)s"),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="sample_sent",
        label=_("A supplier sent your sample"),
        title=_("Sample sent: %(subject)s"),
        body=_(
            "%(business)s sent a sample of %(quantity)s by %(courier)s (tracking: "
            "%(tracking)s), fee US$ %(fee)s."
        ),
        roles=frozenset({BUYER}),
    ),
    Kind(
        key="quotation_received",
        label=_("A supplier sent you a quotation"),
        title=_("Quotation %(round)s from %(business)s: %(subject)s"),
        body=_(
            "%(business)s quotes US$ %(total)s in all, %(incoterm)s %(port)s, valid until "
            "%(date)s. Accept it, ask for a revision or decline it on the inquiry page."
        ),
        roles=frozenset({BUYER}),
    ),
    Kind(
        key="quotation_revision",
        label=_("A buyer asks for a revised quotation"),
        title=_("%(buyer)s asks for a revised quotation: %(subject)s"),
        body=_("%(buyer)s asks you to revise quotation %(round)s:\n\n%(note)s"),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="quotation_accepted",
        label=_("A buyer accepted your quotation"),
        title=_("Quotation accepted: %(subject)s"),
        body=_(
            "%(buyer)s accepted quotation %(round)s (US$ %(total)s). Proforma invoice "
            "%(number)s is ready on the inquiry page."
        ),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="quotation_declined",
        label=_("A buyer declined your quotation"),
        title=_("Quotation declined: %(subject)s"),
        body=_("%(buyer)s declined the quotation: %(reason)s.\n\n%(note)s"),
        roles=frozenset({OWNER}),
    ),
    Kind(
        key="deal_won",
        label=_("A supplier recorded your deal as won"),
        title=_("Deal confirmed: %(subject)s"),
        body=_("%(business)s recorded the deal as won (proforma invoice %(number)s)."),
        roles=frozenset({BUYER}),
    ),
    Kind(
        key="deal_lost",
        label=_("A supplier closed your inquiry without a deal"),
        title=_("No deal: %(subject)s"),
        body=_("%(business)s closed the inquiry without a deal: %(reason)s."),
        roles=frozenset({BUYER}),
    ),
]

KINDS: dict[str, Kind] = {kind.key: kind for kind in _KINDS}


def choices() -> list[tuple[str, Promise]]:
    return [(kind.key, kind.label) for kind in _KINDS]


def roles_of(user) -> set[str]:
    roles = {user.role} if getattr(user, "role", "") else set()
    if getattr(user, "is_staff", False):
        roles.add(STAFF)
    return roles


def kinds_for(user) -> list[Kind]:
    """The kinds this person can receive, in the registry's order."""
    roles = roles_of(user)
    return [kind for kind in _KINDS if kind.roles & roles]
