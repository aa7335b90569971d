"""Mentorship lifecycle, logs and action items.

The lifecycle lives here and only here::

    requested ──accept──▶ active ──complete──▶ completed
        │ └──decline──▶ declined
        └──(14 days, sweep)──▶ expired
    (staff) assign ──▶ active

Every step locks what it reads, checks the state it is in, and writes the
notification for the other side in the same transaction. Capacity and the pause
switch are checked when an owner asks and again when the mentor accepts (or staff
assign): the mentor's ``MentorProfile`` row is locked with ``select_for_update``
before active mentorships are counted, so concurrent accepts cannot overfill it.

An owner may have several active mentors at once (DESIGN speaks of a business's
mentors, plural); only one open mentorship per mentor and business is allowed.

Reminders and expiry come from ``mentorships_sweep`` (hourly, celery beat), never
from task ETAs.
"""

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from mentoring.readiness.selectors import business_facts, business_readiness, readiness_for
from notifications.services import notification_create
from umkm.models import Business, Product

from ..models import EXPIRE_AFTER, ActionItem, MentoringLog, MentorProfile, Mentorship

__all__ = [
    "EXPIRE_AFTER",
    "REMIND_AFTER",
    "MentorshipError",
    "action_item_create",
    "action_item_mark_done",
    "action_items_close_resolved",
    "action_items_remind_overdue",
    "mentoring_log_create",
    "mentorship_accept",
    "mentorship_assign",
    "mentorship_complete",
    "mentorship_decline",
    "mentorship_request",
    "mentorships_sweep",
]

REMIND_AFTER = timedelta(days=3)
SWEEP_BATCH = 500


class MentorshipError(ValidationError):
    """The step is not allowed in the mentorship's state or for this person."""


def _url(mentorship: Mentorship) -> str:
    return reverse("mentoring:mentorship-detail", args=[mentorship.pk])


def _lock_mentor_profile(mentor: User) -> MentorProfile:
    """Lock the mentor's profile row: the one place capacity is counted under."""
    MentorProfile.objects.get_or_create(user=mentor)
    return MentorProfile.objects.select_for_update().get(user=mentor)


def _active_count(mentor: User) -> int:
    return Mentorship.objects.active().filter(mentor=mentor).count()


def _check_takes_businesses(profile: MentorProfile, *, mentor: User) -> None:
    """Raise unless the (locked) mentor may take one more business now."""
    if not (mentor.is_approved_mentor and mentor.is_active):
        raise MentorshipError(_("This person is not an approved mentor."))
    if profile.is_paused:
        raise MentorshipError(_("This mentor takes no new businesses at the moment."))
    if _active_count(mentor) >= profile.capacity:
        raise MentorshipError(_("This mentor has no room for another business right now."))


def _readiness_score(business: Business) -> int:
    # Measured as if the mentorship were already active, so the "a mentor" item is in
    # the baseline and the gain shown later is the business's own progress.
    facts = dataclasses.replace(business_facts(business), has_mentor=True)
    return business_readiness(business, facts=facts).score


def _context(mentorship: Mentorship, **extra) -> dict:
    return {
        "business": mentorship.business.name,
        "mentor": mentorship.mentor.get_full_name(),
        "owner": mentorship.business.owner.get_full_name(),
        **extra,
    }


def _locked(mentorship: Mentorship) -> Mentorship:
    return (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("business__owner", "mentor")
        .get(pk=mentorship.pk)
    )


def _activate(mentorship: Mentorship, *, now: datetime, assigned_by: User | None = None) -> None:
    mentorship.status = Mentorship.Status.ACTIVE
    mentorship.started_at = now
    mentorship.assigned_by = assigned_by
    mentorship.readiness_at_start = _readiness_score(mentorship.business)
    mentorship.save(update_fields=["status", "started_at", "assigned_by", "readiness_at_start"])


# The lifecycle ------------------------------------------------------------------------


def mentorship_request(*, owner: User, mentor: User, message: str = "") -> Mentorship:
    """An owner asks a mentor to take on their business."""
    business = Business.objects.filter(owner=owner).first()
    if business is None:
        raise MentorshipError(_("Create your business profile before asking for a mentor."))
    message = message.strip()
    with transaction.atomic():
        if not MentorProfile.objects.filter(user=mentor).exists():
            raise MentorshipError(_("This mentor has no profile yet."))
        profile = _lock_mentor_profile(mentor)
        _check_takes_businesses(profile, mentor=mentor)
        open_one = business.mentorships.open().filter(mentor=mentor).first()
        if open_one is not None:
            raise _already_open(open_one)
        try:
            with transaction.atomic():
                mentorship = Mentorship.objects.create(
                    mentor=mentor, business=business, message=message
                )
        except IntegrityError as exc:  # a double click racing the check above
            raise MentorshipError(_("You have already asked this mentor.")) from exc
        mentorship.business = business
        notification_create(
            recipient=mentor,
            kind="mentorship_requested",
            context=_context(mentorship, message=message or "—"),
            url=_url(mentorship),
        )
    return mentorship


def _already_open(mentorship: Mentorship) -> MentorshipError:
    if mentorship.status == Mentorship.Status.ACTIVE:
        return MentorshipError(_("This mentor already mentors this business."))
    return MentorshipError(_("You have already asked this mentor."))


def mentorship_accept(*, mentorship: Mentorship, mentor: User) -> Mentorship:
    """The mentor takes the business on, if they still have room.

    One transaction: lock the mentor's profile, count the active mentorships, then
    activate. Concurrent accepts of the same mentor queue on the profile lock.
    """
    now = timezone.now()
    with transaction.atomic():
        profile = _lock_mentor_profile(mentorship.mentor)
        mentorship = _locked(mentorship)
        if mentorship.mentor_id != mentor.pk:
            raise MentorshipError(_("Only the mentor who was asked can answer this request."))
        if mentorship.status != Mentorship.Status.REQUESTED:
            raise MentorshipError(_("This request is no longer waiting for an answer."))
        _check_takes_businesses(profile, mentor=mentor)
        _activate(mentorship, now=now)
        notification_create(
            recipient=mentorship.business.owner,
            kind="mentorship_accepted",
            context=_context(mentorship),
            url=_url(mentorship),
        )
    return mentorship


def mentorship_decline(*, mentorship: Mentorship, mentor: User, reason: str) -> Mentorship:
    reason = (reason or "").strip()
    if not reason:
        raise MentorshipError(
            {"reason": _("Tell the owner why, so they can ask someone better suited.")}
        )
    with transaction.atomic():
        mentorship = _locked(mentorship)
        if mentorship.mentor_id != mentor.pk:
            raise MentorshipError(_("Only the mentor who was asked can answer this request."))
        if mentorship.status != Mentorship.Status.REQUESTED:
            raise MentorshipError(_("This request is no longer waiting for an answer."))
        mentorship.status = Mentorship.Status.DECLINED
        mentorship.decline_reason = reason
        mentorship.ended_at = timezone.now()
        mentorship.save(update_fields=["status", "decline_reason", "ended_at"])
        notification_create(
            recipient=mentorship.business.owner,
            kind="mentorship_declined",
            context=_context(mentorship, reason=reason),
            url=_url(mentorship),
        )
    return mentorship


def mentorship_assign(*, business: Business, mentor: User, staff: User) -> Mentorship:
    """Staff pair a mentor with a business directly; both are told.

    An open request of that pair becomes the active mentorship. Capacity and the
    pause switch hold for staff too (the assign page shows the free places).
    """
    if not staff.is_staff:
        raise MentorshipError(_("Only Disperindag staff can assign mentors."))
    now = timezone.now()
    with transaction.atomic():
        profile = _lock_mentor_profile(mentor)
        open_one = (
            Mentorship.objects.open()
            .select_for_update()
            .filter(business=business, mentor=mentor)
            .first()
        )
        if open_one is not None and open_one.status == Mentorship.Status.ACTIVE:
            raise _already_open(open_one)
        _check_takes_businesses(profile, mentor=mentor)
        mentorship = open_one or Mentorship.objects.create(mentor=mentor, business=business)
        mentorship = _locked(mentorship)
        _activate(mentorship, now=now, assigned_by=staff)
        for recipient in (business.owner, mentor):
            notification_create(
                recipient=recipient,
                kind="mentorship_assigned",
                context=_context(mentorship),
                url=_url(mentorship),
            )
    return mentorship


def mentorship_complete(*, mentorship: Mentorship, actor: User) -> Mentorship:
    """The mentor (or staff) ends an active mentorship; the other side is told."""
    with transaction.atomic():
        mentorship = _locked(mentorship)
        if not (actor.is_staff or mentorship.mentor_id == actor.pk):
            raise MentorshipError(_("Only the mentor or Disperindag staff can end a mentorship."))
        if mentorship.status != Mentorship.Status.ACTIVE:
            raise MentorshipError(_("Only an active mentorship can be completed."))
        mentorship.status = Mentorship.Status.COMPLETED
        mentorship.ended_at = timezone.now()
        mentorship.save(update_fields=["status", "ended_at"])
        recipients = [mentorship.business.owner]
        if mentorship.mentor_id != actor.pk:
            recipients.append(mentorship.mentor)
        for recipient in recipients:
            notification_create(
                recipient=recipient,
                kind="mentorship_completed",
                context=_context(mentorship),
                url=_url(mentorship),
            )
    return mentorship


# Logs and action items ------------------------------------------------------------------


def _check_can_write(mentorship: Mentorship, actor: User) -> None:
    if not (actor.is_staff or mentorship.mentor_id == actor.pk):
        raise MentorshipError(_("Only the mentor or Disperindag staff can write here."))
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise MentorshipError(_("Logs and action items belong to an active mentorship."))


def mentoring_log_create(
    *,
    mentorship: Mentorship,
    author: User,
    date: date,
    mode: str,
    duration_hours: Decimal,
    notes: str,
) -> MentoringLog:
    """Record a visit or call; the owner is told. The model checks the values (a date
    not in the future, 0.1 to 24 hours, the length of the notes)."""
    with transaction.atomic():
        mentorship = _locked(mentorship)
        _check_can_write(mentorship, author)
        log = MentoringLog(
            mentorship=mentorship,
            date=date,
            mode=mode,
            duration_hours=duration_hours,
            notes=notes.strip(),
        )
        log.full_clean(exclude=["mentorship"])
        log.save()
        notification_create(
            recipient=mentorship.business.owner,
            kind="log_added",
            context=_context(
                mentorship,
                mode=MentoringLog.Mode(log.mode).label,  # lazy: the owner's language
                date=log.date,
                notes=log.notes[:1000],
            ),
            url=_url(mentorship),
        )
    return log


def _missing_keys(*, business: Business, product: Product | None, facts=None) -> tuple[set, set]:
    """(keys on the checklist, keys still missing) for the product, else the business."""
    readiness = readiness_for(business=business, product=product, facts=facts)
    return {i.key for i in readiness.items}, {i.key for i in readiness.missing}


def action_item_create(
    *,
    mentorship: Mentorship,
    author: User,
    title: str,
    due_on: date,
    product: Product | None = None,
    readiness_key: str = "",
    log: MentoringLog | None = None,
) -> ActionItem:
    """Set the owner something to do, optionally tied to a product and/or an open
    readiness gap (which must apply to the product or business and still be open)."""
    _check_can_write(mentorship, author)
    business = mentorship.business
    if due_on < timezone.localdate():
        raise MentorshipError({"due_on": _("The due date cannot be in the past.")})
    if product is not None and product.business_id != business.pk:
        raise MentorshipError({"product": _("Choose a product of this business.")})
    if log is not None and log.mentorship_id != mentorship.pk:
        raise MentorshipError(_("The log entry belongs to another mentorship."))
    if readiness_key:
        keys, missing = _missing_keys(business=business, product=product)
        if readiness_key not in keys:
            raise MentorshipError(
                {
                    "readiness_key": _(
                        "This checklist item does not apply here. Choose a product for "
                        "product items, or none for business items."
                    )
                }
            )
        if readiness_key not in missing:
            raise MentorshipError({"readiness_key": _("This checklist item is already done.")})
    item = ActionItem(
        mentorship=mentorship,
        log=log,
        title=title.strip(),
        due_on=due_on,
        product=product,
        readiness_key=readiness_key,
    )
    item.full_clean(exclude=["mentorship", "log", "product"])
    item.save()
    return item


def action_item_mark_done(*, item: ActionItem, actor: User) -> bool:
    """The owner (or the mentor, or staff) ticks an item; False if it already was."""
    mentorship = item.mentorship
    allowed = (
        actor.is_staff
        or mentorship.mentor_id == actor.pk
        or mentorship.business.owner_id == actor.pk
    )
    if not allowed:
        raise MentorshipError(_("You cannot change this action item."))
    return bool(
        ActionItem.objects.filter(pk=item.pk, done_at__isnull=True).update(done_at=timezone.now())
    )


def action_items_close_resolved(*, business: Business, now: datetime | None = None) -> int:
    """Mark done the open items whose readiness gap is closed: the key is no longer
    missing for the item's product if it has one, else for the business.

    Called by the hourly sweep and by the mentorship pages on load, so an owner who
    fixed a gap sees the item closed at once. Cheap: one query when no open item has
    a readiness key; otherwise the readiness of each product concerned (and of the
    business) once. Returns the number of items closed.
    """
    items = list(
        ActionItem.objects.filter(mentorship__business=business, done_at__isnull=True)
        .exclude(readiness_key="")
        .select_related("product__category")
    )
    if not items:
        return 0
    facts = business_facts(business)
    missing_by_target: dict[int | None, set] = {}
    resolved = []
    for item in items:
        target = item.product_id
        if target not in missing_by_target:
            product = item.product
            if product is not None:
                product.business = business
            missing_by_target[target] = _missing_keys(
                business=business, product=product, facts=facts
            )[1]
        if item.readiness_key not in missing_by_target[target]:
            resolved.append(item.pk)
    if not resolved:
        return 0
    return ActionItem.objects.filter(pk__in=resolved, done_at__isnull=True).update(
        done_at=now or timezone.now()
    )


def action_items_remind_overdue(*, now: datetime | None = None) -> int:
    """Remind the owner once of each open item past its due date (active mentorships).

    Each item is claimed with a conditional UPDATE of ``reminded_at`` and the
    notification carries a dedupe key, so a late or repeated sweep never reminds twice.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = ActionItem.objects.filter(
        done_at__isnull=True,
        reminded_at__isnull=True,
        due_on__lt=today,
        mentorship__in=Mentorship.objects.active(),
    )
    sent = 0
    for pk in list(due.order_by("due_on", "pk").values_list("pk", flat=True)[:SWEEP_BATCH]):
        with transaction.atomic():
            claimed = ActionItem.objects.filter(
                pk=pk, done_at__isnull=True, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            item = ActionItem.objects.select_related("mentorship__business__owner").get(pk=pk)
            created = notification_create(
                recipient=item.mentorship.business.owner,
                kind="action_item_overdue",
                context={"item": item.title, "date": item.due_on},
                url=_url(item.mentorship),
                dedupe_key=f"action-item-overdue:{pk}",
            )
            sent += created is not None
    return sent


# The periodic sweep ---------------------------------------------------------------------


def _expire_requests(now: datetime) -> int:
    due = Mentorship.objects.filter(
        status=Mentorship.Status.REQUESTED, requested_at__lte=now - EXPIRE_AFTER
    )
    count = 0
    for pk in list(due.order_by("requested_at").values_list("pk", flat=True)[:SWEEP_BATCH]):
        with transaction.atomic():
            claimed = Mentorship.objects.filter(pk=pk, status=Mentorship.Status.REQUESTED).update(
                status=Mentorship.Status.EXPIRED, ended_at=now
            )
            if not claimed:
                continue
            mentorship = Mentorship.objects.select_related("business__owner", "mentor").get(pk=pk)
            notification_create(
                recipient=mentorship.business.owner,
                kind="mentorship_expired",
                context=_context(mentorship),
                url=_url(mentorship),
                dedupe_key=f"mentorship-expired:{pk}",
            )
            count += 1
    return count


def _remind_requests(now: datetime) -> int:
    due = Mentorship.objects.filter(
        status=Mentorship.Status.REQUESTED,
        reminded_at__isnull=True,
        requested_at__lte=now - REMIND_AFTER,
    )
    count = 0
    for pk in list(due.order_by("requested_at").values_list("pk", flat=True)[:SWEEP_BATCH]):
        with transaction.atomic():
            claimed = Mentorship.objects.filter(
                pk=pk, status=Mentorship.Status.REQUESTED, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            mentorship = Mentorship.objects.select_related("business__owner", "mentor").get(pk=pk)
            notification_create(
                recipient=mentorship.mentor,
                kind="mentorship_request_reminder",
                context=_context(mentorship),
                url=_url(mentorship),
                dedupe_key=f"mentorship-reminder:{pk}",
            )
            count += 1
    return count


def _close_resolved_items(now: datetime) -> int:
    business_ids = (
        ActionItem.objects.filter(done_at__isnull=True)
        .exclude(readiness_key="")
        .values_list("mentorship__business_id", flat=True)
        .distinct()
        .order_by()
    )
    closed = 0
    for business in Business.objects.filter(pk__in=list(business_ids[:SWEEP_BATCH])):
        closed += action_items_close_resolved(business=business, now=now)
    return closed


def mentorships_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Hourly (celery beat): expire requests unanswered for 14 days (telling the
    owner), remind the mentor once of requests unanswered for 3 days, remind owners
    once of overdue action items, and close items whose readiness gap is closed.

    Expiry runs first, so a request the sweep first sees after 14 days expires
    without a pointless reminder. Every step is claimed with a conditional UPDATE,
    so a late, repeated or parallel run is harmless.
    """
    now = now or timezone.now()
    return {
        "expired": _expire_requests(now),
        "reminded": _remind_requests(now),
        "overdue": action_items_remind_overdue(now=now),
        "closed": _close_resolved_items(now),
    }
