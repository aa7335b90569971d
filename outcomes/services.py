"""Every write of outcomes: baselines and their history, follow-up surveys and their
links, shipments and their verification, the staff's monthly rates and budget.

Each function checks who acts, validates the model, writes in one transaction and
tells the person concerned through the notification core.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import clean_document_upload
from mentoring.models import Mentorship
from notifications.services import batched_delivery, notification_create
from umkm.models import Business

from .models import (
    ANSWER_FIELDS,
    Baseline,
    BaselineChange,
    BudgetPeriod,
    FollowUp,
    MonthlyRate,
    Shipment,
)
from .selectors import can_give_baseline, can_record_shipment, rate_for

logger = logging.getLogger(__name__)

# Follow-up rounds: 6 and 12 months after the first mentorship began, then yearly.
FIRST_ROUNDS = (6, 12)
# A survey link works this long after it was sent (a reminder sends a fresh link).
SURVEY_LINK_DAYS = 30
# Reminders of an unanswered survey, this many days after the link was sent.
REMINDER_DAYS = (7, 14)
SURVEY_SALT = "outcomes.survey-link"


def _check_staff(user) -> None:
    if not (user.is_authenticated and user.is_staff):
        raise PermissionDenied


def _clean_answers(answers: dict) -> dict:
    unknown = set(answers) - set(ANSWER_FIELDS)
    if unknown:
        raise ValueError(f"not answer fields: {sorted(unknown)}")
    return answers


# Baselines -----------------------------------------------------------------------


def baseline_give(*, business: Business, by, **answers) -> Baseline:
    """The owner's baseline, given once (staff may give it too, e.g. from a paper
    form). Refused when the business already has one: staff correct it instead."""
    _clean_answers(answers)
    if not can_give_baseline(user=by, business=business):
        if Baseline.objects.filter(business=business).exists():
            raise ValidationError(
                _("The baseline is already given; Disperindag staff can correct it."),
                code="baseline_exists",
            )
        raise PermissionDenied
    baseline = Baseline(business=business, **answers)
    baseline.full_clean()
    try:
        with transaction.atomic():
            baseline.save()
            BaselineChange.objects.create(
                baseline=baseline, changed_by=by, before={}, after=baseline.answers()
            )
    except IntegrityError:  # a second tab or a double click won the race
        raise ValidationError(
            _("The baseline is already given; Disperindag staff can correct it."),
            code="baseline_exists",
        ) from None
    return baseline


def baseline_update(*, baseline: Baseline, by, **answers) -> Baseline:
    """Staff correct a baseline; the answers before and after are kept."""
    _clean_answers(answers)
    _check_staff(by)
    with transaction.atomic():
        current = Baseline.objects.select_for_update().get(pk=baseline.pk)
        before = current.answers()
        for name, value in answers.items():
            setattr(current, name, value)
        current.full_clean()
        after = current.answers()
        if after != before:
            current.save(update_fields=[*answers, "updated_at"])
            BaselineChange.objects.create(
                baseline=current, changed_by=by, before=before, after=after
            )
    return current


# Follow-up surveys ---------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (day.day, 30, 29, 28):  # 31 August + 6 months is 28 February
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def rounds_due(start: date, today: date) -> list[tuple[int, date]]:
    """The rounds (months, due date) of a business whose first mentorship began on
    ``start`` that are due by ``today``: 6, 12, 24, 36, …"""
    found, months = [], 6
    while (due := add_months(start, months)) <= today:
        found.append((months, due))
        months = 12 if months == 6 else months + 12
    return found


def survey_token(follow_up: FollowUp) -> str:
    """A signed, timestamped token for this follow-up of this business only."""
    return signing.dumps({"f": follow_up.pk, "b": follow_up.business_id}, salt=SURVEY_SALT)


def survey_path(follow_up: FollowUp) -> str:
    return reverse(
        "outcomes:survey",
        kwargs={"slug": follow_up.business.slug, "token": survey_token(follow_up)},
    )


class SurveyLinkRefused(Exception):
    """Why a survey link is refused: ``altered``, ``expired``, ``other_business``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def survey_follow_up(*, token: str, slug: str) -> FollowUp:
    """The follow-up a survey link opens, or ``SurveyLinkRefused``.

    The token must be unaltered (signed with this site's key and the survey salt), not
    older than ``SURVEY_LINK_DAYS``, and name the business of the link's address.
    """
    try:
        payload = signing.loads(token, salt=SURVEY_SALT, max_age=timedelta(days=SURVEY_LINK_DAYS))
    except signing.SignatureExpired:
        raise SurveyLinkRefused("expired") from None
    except signing.BadSignature:
        raise SurveyLinkRefused("altered") from None
    if not isinstance(payload, dict) or not all(
        isinstance(payload.get(key), int) for key in ("f", "b")
    ):
        raise SurveyLinkRefused("altered")
    follow_up = FollowUp.objects.select_related("business").filter(pk=payload["f"]).first()
    if follow_up is None or follow_up.business_id != payload["b"]:
        raise SurveyLinkRefused("altered")
    if follow_up.business.slug != slug:
        raise SurveyLinkRefused("other_business")
    return follow_up


def _link_until(now: datetime) -> str:
    return formats.date_format(timezone.localdate(now + timedelta(days=SURVEY_LINK_DAYS)))


def _notify_survey(follow_up: FollowUp, *, kind: str, now: datetime, key: str) -> None:
    notification_create(
        recipient=follow_up.business.owner,
        kind=kind,
        context={
            "business": follow_up.business.name,
            "months": follow_up.months,
            "date": _link_until(now),
        },
        url=survey_path(follow_up),
        dedupe_key=key,
    )


def first_mentorship_starts() -> dict[int, date]:
    """Business id → the day its first mentorship began (active or completed ones: only
    accepting or assigning a mentorship gives it a start)."""
    rows = (
        Mentorship.objects.filter(started_at__isnull=False)
        .values("business")
        .annotate(first=Min("started_at"))
    )
    return {row["business"]: timezone.localdate(row["first"]) for row in rows}


def follow_ups_open(*, now: datetime | None = None) -> int:
    """Create each business's latest due round and send its link (the daily sweep).

    Only the most recent due round is opened: a business whose mentorship began three
    years ago gets the 36-month survey, not four at once. Idempotent: a round exists
    once per business (unique), and its invitation once (dedupe key).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    opened = 0
    existing = set(FollowUp.objects.values_list("business_id", "months"))
    with batched_delivery():
        for business_id, start in first_mentorship_starts().items():
            due = rounds_due(start, today)
            if not due:
                continue
            months, due_on = due[-1]
            if (business_id, months) in existing:
                continue
            if follow_up_open(business_id=business_id, months=months, due_on=due_on, now=now):
                opened += 1
    return opened


def follow_up_open(
    *, business_id: int, months: int, due_on: date, now: datetime | None = None
) -> FollowUp | None:
    """Open one round of a business and send its link; None when it exists already."""
    with transaction.atomic():
        follow_up, created = FollowUp.objects.get_or_create(
            business_id=business_id, months=months, defaults={"due_on": due_on}
        )
        if not created:
            return None
        follow_up_send(follow_up=follow_up, now=now)
    return follow_up


def follow_up_send(*, follow_up: FollowUp, now: datetime | None = None) -> None:
    """Email (and whatever channels the core offers) the survey link to the owner."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = FollowUp.objects.filter(pk=follow_up.pk, sent_at__isnull=True).update(sent_at=now)
        if claimed:
            follow_up = FollowUp.objects.select_related("business__owner").get(pk=follow_up.pk)
            _notify_survey(
                follow_up, kind="outcome_survey", now=now, key=f"outcome-survey:{follow_up.pk}"
            )


def follow_ups_remind(*, now: datetime | None = None) -> int:
    """Remind owners of unanswered surveys 7 and 14 days after the link was sent, each
    reminder once (a conditional update claims it), with a fresh link."""
    now = now or timezone.now()
    reminded = 0
    with batched_delivery():
        for number, days in enumerate(REMINDER_DAYS, start=1):
            due = FollowUp.objects.open().filter(
                sent_at__lte=now - timedelta(days=days), reminders_sent=number - 1
            )
            for follow_up in due.select_related("business__owner"):
                with transaction.atomic():
                    claimed = FollowUp.objects.filter(
                        pk=follow_up.pk, answered_at__isnull=True, reminders_sent=number - 1
                    ).update(reminders_sent=number)
                    if not claimed:
                        continue
                    _notify_survey(
                        follow_up,
                        kind="outcome_survey_reminder",
                        now=now,
                        key=f"outcome-survey:{follow_up.pk}:reminder-{number}",
                    )
                    reminded += 1
    return reminded


def follow_up_answer(
    *, follow_up: FollowUp, by=None, attribution: str, phone: bool = False, **answers
) -> FollowUp:
    """Record the answers of a follow-up: the owner through the link (once), or staff
    from a phone call (``phone=True``; staff may correct an answer too)."""
    _clean_answers(answers)
    if phone:
        _check_staff(by)
    with transaction.atomic():
        current = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if current.is_answered and not phone:
            raise ValidationError(_("This survey is already answered. Thank you!"), code="answered")
        for name, value in answers.items():
            setattr(current, name, value)
        current.attribution = attribution
        missing = [
            name
            for name in ("revenue_band", "export_status", "attribution", "women_paid", "men_paid")
            if getattr(current, name) in ("", None)
        ]
        if missing:
            raise ValidationError(
                {name: _("Please answer this question.") for name in missing}, code="required"
            )
        current.answered_at = timezone.now()
        current.answered_by = by if by is not None and by.is_authenticated else None
        current.channel = FollowUp.Channel.PHONE if phone else FollowUp.Channel.LINK
        current.full_clean()
        current.save()
    return current


# Shipments -----------------------------------------------------------------------


def idr_value(value_usd: Decimal, rate: Decimal) -> Decimal:
    return (value_usd * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def shipment_record(
    *,
    business: Business,
    by,
    shipped_on: date,
    buyer_country: str,
    products: str,
    value_usd: Decimal,
    incoterm: str,
    document_kind: str,
    document,
) -> Shipment:
    """The owner or an active mentor records a shipment with its document; it waits for
    staff verification. The rupiah value uses the staff's rate of the shipment's month;
    when that month has no rate yet it stays empty until staff enter one."""
    if not can_record_shipment(user=by, business=business):
        raise PermissionDenied
    if not document:
        raise ValidationError({"document": _("Attach the document that proves the shipment.")})
    if not isinstance(document, ContentFile):  # a raw upload (API, demo): clean it here
        document = clean_document_upload(document)
    shipment = Shipment(
        business=business,
        shipped_on=shipped_on,
        buyer_country=buyer_country,
        products=products,
        value_usd=value_usd,
        incoterm=incoterm,
        document_kind=document_kind,
        recorded_by=by,
    )
    shipment.full_clean(exclude=["document"])
    if shipped_on > timezone.localdate():
        raise ValidationError({"shipped_on": _("A shipment cannot be in the future.")})
    rate = rate_for(shipped_on)
    if rate is not None:
        shipment.idr_per_usd = rate.idr_per_usd
        shipment.value_idr = idr_value(value_usd, rate.idr_per_usd)
    shipment.document.save(document.name, document, save=False)  # before the transaction
    try:
        with transaction.atomic():
            shipment.save()
    except Exception:
        shipment.document.storage.delete(shipment.document.name)
        raise
    return shipment


def _shipment_context(shipment: Shipment, **extra) -> dict:
    return {
        "business": shipment.business.name,
        "country": shipment.get_buyer_country_display(),
        "date": formats.date_format(shipment.shipped_on),
        "value": formats.number_format(shipment.value_usd, 2, force_grouping=True),
        **extra,
    }


def shipment_verify(*, shipment: Shipment, by) -> Shipment:
    """Staff checked the document: the shipment counts as an export."""
    _check_staff(by)
    with transaction.atomic():
        current = (
            Shipment.objects.select_for_update()
            .select_related("business__owner")
            .get(pk=shipment.pk)
        )
        if current.status != Shipment.Status.SUBMITTED:
            raise ValidationError(_("This shipment is already reviewed."), code="reviewed")
        current.status = Shipment.Status.VERIFIED
        current.reviewed_by, current.reviewed_at = by, timezone.now()
        current.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        notification_create(
            recipient=current.business.owner,
            kind="shipment_verified",
            context=_shipment_context(current),
            url=reverse("outcomes:shipment-list", args=[current.business.slug]),
        )
    return current


def shipment_reject(*, shipment: Shipment, by, reason: str) -> Shipment:
    """Staff could not verify the shipment; the owner is told why."""
    _check_staff(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the shipment cannot be verified.")})
    with transaction.atomic():
        current = (
            Shipment.objects.select_for_update()
            .select_related("business__owner")
            .get(pk=shipment.pk)
        )
        if current.status != Shipment.Status.SUBMITTED:
            raise ValidationError(_("This shipment is already reviewed."), code="reviewed")
        current.status = Shipment.Status.REJECTED
        current.reject_reason = reason
        current.reviewed_by, current.reviewed_at = by, timezone.now()
        current.full_clean(exclude=["document"])
        current.save(update_fields=["status", "reject_reason", "reviewed_by", "reviewed_at"])
        notification_create(
            recipient=current.business.owner,
            kind="shipment_rejected",
            context=_shipment_context(current, reason=reason),
            url=reverse("outcomes:shipment-list", args=[current.business.slug]),
        )
    return current


# Staff inputs: monthly rates and budget ------------------------------------------


def monthly_rate_set(*, month: date, idr_per_usd: Decimal, by) -> MonthlyRate:
    """Set (or correct) a month's rate, and price that month's shipments with it."""
    _check_staff(by)
    month = month.replace(day=1)
    with transaction.atomic():
        rate = MonthlyRate.objects.select_for_update().filter(month=month).first() or MonthlyRate(
            month=month
        )
        rate.idr_per_usd, rate.set_by = idr_per_usd, by
        rate.full_clean(validate_unique=False)
        rate.save()
        next_month = add_months(month, 1)
        shipments = Shipment.objects.filter(shipped_on__gte=month, shipped_on__lt=next_month)
        for shipment in shipments.only("pk", "value_usd"):
            Shipment.objects.filter(pk=shipment.pk).update(
                idr_per_usd=idr_per_usd, value_idr=idr_value(shipment.value_usd, idr_per_usd)
            )
    return rate


def budget_period_add(
    *, starts_on: date, ends_on: date, amount_idr: Decimal, by, note: str = ""
) -> BudgetPeriod:
    """Staff enter what the programme cost over a period; periods may not overlap."""
    _check_staff(by)
    period = BudgetPeriod(
        starts_on=starts_on, ends_on=ends_on, amount_idr=amount_idr, note=note, entered_by=by
    )
    period.full_clean()
    with transaction.atomic():
        overlapping = BudgetPeriod.objects.select_for_update().filter(
            Q(starts_on__lte=ends_on) & Q(ends_on__gte=starts_on)
        )
        if overlapping.exists():
            raise ValidationError(
                {"starts_on": _("This period overlaps a budget period already entered.")},
                code="overlap",
            )
        period.save()
    return period


def budget_period_delete(*, period: BudgetPeriod, by) -> None:
    _check_staff(by)
    period.delete()


@dataclass(frozen=True)
class SweepResult:
    opened: int
    reminded: int


def follow_ups_sweep(*, now: datetime | None = None) -> SweepResult:
    """The daily job: open the rounds that fell due, remind the unanswered ones."""
    now = now or timezone.now()
    return SweepResult(opened=follow_ups_open(now=now), reminded=follow_ups_remind(now=now))
