"""What changed for the businesses: baselines, follow-up surveys, verified shipments,
and the staff's inputs to the figures (monthly exchange rates, programme budget).

The baseline and each follow-up answer the same questions (``Answers``), so a
follow-up is compared with the baseline field by field.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.bounds import (
    MAX_EMPLOYEES,
    SHORT_TEXT,
    date_q,
    range_q,
    text_limit,
    validate_plausible_date,
)
from core.constraints import PyCheckConstraint
from marketplace.countries import COUNTRIES
from umkm.models import INCOTERMS, Certification, private_storage

# A shipment of one business: up to a hundred million US dollars.
MAX_SHIPMENT_USD = Decimal(100_000_000)
MAX_IDR_PER_USD = Decimal(100_000)
# A programme budget of one period: Rp 1 trillion.
MAX_BUDGET_IDR = Decimal(1_000_000_000_000)
CERTIFICATE_KINDS = [kind for kind, _label in Certification.Kind.choices]


class RevenueBand(models.TextChoices):
    """Yearly turnover, in bands that follow PP 7/2021's scale limits (micro up to
    Rp 2 billion, small up to Rp 15 billion, medium up to Rp 50 billion)."""

    UNDER_300M = "lt300m", _("less than Rp 300 million a year")
    UP_TO_2B = "lt2b", _("Rp 300 million to 2 billion a year")
    UP_TO_15B = "lt15b", _("Rp 2 to 15 billion a year")
    UP_TO_50B = "lt50b", _("Rp 15 to 50 billion a year")
    OVER_50B = "gt50b", _("more than Rp 50 billion a year")


REVENUE_RANK = {value: rank for rank, value in enumerate(RevenueBand.values)}


class ExportStatus(models.TextChoices):
    NEVER = "never", _("never exported")
    INDIRECT = "indirect", _("exports indirectly, through a trader")
    DIRECT = "direct", _("exports directly to buyers abroad")


def validate_certificate_kinds(value) -> None:
    if not isinstance(value, list) or any(kind not in CERTIFICATE_KINDS for kind in value):
        raise ValidationError(_("Choose certificates from the list."), code="certificates")


def _employee_field(label):
    return models.PositiveIntegerField(
        label, null=True, blank=True, validators=[MaxValueValidator(MAX_EMPLOYEES)]
    )


ANSWER_FIELDS = [
    "revenue_band",
    "women_paid",
    "men_paid",
    "women_unpaid",
    "men_unpaid",
    "export_status",
    "markets",
    "certificates",
]


class Answers(models.Model):
    """The questions of the baseline and of every follow-up. Empty until answered (a
    follow-up row exists before its answer); the forms require every one."""

    revenue_band = models.CharField(
        _("revenue band"), max_length=10, choices=RevenueBand.choices, blank=True
    )
    women_paid = _employee_field(_("paid women workers"))
    men_paid = _employee_field(_("paid men workers"))
    women_unpaid = _employee_field(_("unpaid women workers (e.g. family)"))
    men_unpaid = _employee_field(_("unpaid men workers (e.g. family)"))
    export_status = models.CharField(
        _("export status"), max_length=10, choices=ExportStatus.choices, blank=True
    )
    markets = models.CharField(
        _("markets"),
        max_length=255,
        blank=True,
        help_text=_("Where the business sells, e.g. Pekanbaru, Riau, Malaysia."),
    )
    certificates = models.JSONField(
        _("certificates held"),
        default=list,
        blank=True,
        validators=[validate_certificate_kinds],
    )

    class Meta:
        abstract = True

    @property
    def paid_jobs(self) -> int:
        return (self.women_paid or 0) + (self.men_paid or 0)

    @property
    def revenue_rank(self) -> int | None:
        return REVENUE_RANK.get(self.revenue_band)

    def answers(self) -> dict:
        """The answers as plain JSON values (for the history and comparisons)."""
        return {name: getattr(self, name) for name in ANSWER_FIELDS}


def _answers_valid() -> Q:
    return (
        Q(revenue_band__in=["", *RevenueBand.values])
        & Q(export_status__in=["", *ExportStatus.values])
        & range_q("women_paid", 0, MAX_EMPLOYEES, null=True)
        & range_q("men_paid", 0, MAX_EMPLOYEES, null=True)
        & range_q("women_unpaid", 0, MAX_EMPLOYEES, null=True)
        & range_q("men_unpaid", 0, MAX_EMPLOYEES, null=True)
    )


class Baseline(Answers):
    """The business as it was when it joined the programme: given once by the owner,
    corrected by staff afterwards (every change kept in ``BaselineChange``)."""

    business = models.OneToOneField(
        "umkm.Business",
        verbose_name=_("business"),
        on_delete=models.CASCADE,
        related_name="baseline",
    )
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        constraints = [
            PyCheckConstraint(condition=_answers_valid(), name="baseline_answers_valid"),
        ]

    def __str__(self) -> str:
        return str(self.business)


class BaselineChange(models.Model):
    """One write of a baseline: who, when, the answers before and after."""

    baseline = models.ForeignKey(
        Baseline, verbose_name=_("baseline"), on_delete=models.CASCADE, related_name="changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict)

    class Meta:
        verbose_name = _("baseline change")
        verbose_name_plural = _("baseline changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.baseline} · {self.changed_at:%Y-%m-%d %H:%M}"

    def changed_fields(self) -> list[str]:
        return [name for name in ANSWER_FIELDS if self.before.get(name) != self.after.get(name)]


class FollowUpQuerySet(models.QuerySet):
    def answered(self):
        return self.filter(answered_at__isnull=False)

    def open(self):
        return self.filter(answered_at__isnull=True)


class FollowUp(Answers):
    """A follow-up survey of one business, ``months`` after its first mentorship began
    (6, 12, then every 12). Created by the daily sweep when due; answered through the
    emailed link or by staff from a phone call."""

    class Attribution(models.TextChoices):
        NO = "no", _("No, not without the programme")
        PARTLY = "partly", _("Partly, it would have taken longer")
        YES = "yes", _("Yes, it would have happened anyway")
        UNSURE = "unsure", _("I do not know")

    class Channel(models.TextChoices):
        LINK = "link", _("survey link")
        PHONE = "phone", _("phone call (entered by staff)")

    business = models.ForeignKey(
        "umkm.Business",
        verbose_name=_("business"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    months = models.PositiveSmallIntegerField(
        _("months after the mentorship began"), validators=[MinValueValidator(1)]
    )
    due_on = models.DateField(_("due on"), validators=[validate_plausible_date])
    sent_at = models.DateTimeField(_("link sent at"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    attribution = models.CharField(
        _("would this have happened without the programme?"),
        max_length=10,
        choices=Attribution.choices,
        blank=True,
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(
        _("answered through"), max_length=10, choices=Channel.choices, blank=True
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up survey")
        verbose_name_plural = _("follow-up surveys")
        ordering = ["due_on", "business_id"]
        constraints = [
            models.UniqueConstraint(fields=["business", "months"], name="followup_one_per_round"),
            PyCheckConstraint(
                condition=_answers_valid()
                & date_q("due_on")
                & Q(attribution__in=["", "no", "partly", "yes", "unsure"])
                & Q(channel__in=["", "link", "phone"]),
                name="followup_values_valid",
            ),
            PyCheckConstraint(
                condition=Q(answered_at__isnull=True)
                | (~Q(revenue_band="") & ~Q(export_status="") & ~Q(attribution="")),
                name="followup_answered_complete",
            ),
        ]
        indexes = [
            # The reminder sweep reads the unanswered rounds.
            models.Index(
                fields=["due_on"], name="followup_open_idx", condition=Q(answered_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business} · {self.months}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class ShipmentQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=Shipment.Status.VERIFIED)

    def pending(self):
        return self.filter(status=Shipment.Status.SUBMITTED)


def shipment_upload_to(instance, filename: str) -> str:
    return f"shipments/{instance.business_id}/{filename}"


class Shipment(models.Model):
    """One export shipment a business made, with the document that proves it; it counts
    as an export once staff verified it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for verification")
        VERIFIED = "verified", _("verified")
        REJECTED = "rejected", _("rejected")

    class Document(models.TextChoices):
        INVOICE = "invoice", _("commercial invoice")
        PEB = "peb", _("export declaration (PEB)")
        ORIGIN = "origin", _("certificate of origin / e-SKA")
        LADING = "lading", _("bill of lading / air waybill")

    business = models.ForeignKey(
        "umkm.Business",
        verbose_name=_("business"),
        on_delete=models.CASCADE,
        related_name="shipments",
    )
    shipped_on = models.DateField(_("shipped on"), validators=[validate_plausible_date])
    buyer_country = models.CharField(_("buyer's country"), max_length=2, choices=COUNTRIES)
    products = models.CharField(
        _("products"),
        max_length=255,
        help_text=_("What was shipped, e.g. 2,000 kg dried pineapple."),
    )
    value_usd = models.DecimalField(
        _("value in US$"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_SHIPMENT_USD)],
    )
    idr_per_usd = models.DecimalField(
        _("rupiah per US$ on that date"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The staff's rate for the shipment's month; empty while that month has none."),
    )
    value_idr = models.DecimalField(
        _("value in rupiah"), max_digits=18, decimal_places=0, null=True, blank=True
    )
    incoterm = models.CharField(
        _("Incoterm"), max_length=3, choices=[(code, code) for code in INCOTERMS]
    )
    document_kind = models.CharField(_("document"), max_length=10, choices=Document.choices)
    document = models.FileField(
        _("document file"),
        upload_to=shipment_upload_to,
        storage=private_storage,
        help_text=_("PDF, JPEG or PNG, at most 5 MB."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reject_reason = models.TextField(
        _("reason for rejecting"),
        blank=True,
        max_length=SHORT_TEXT,
        validators=text_limit(SHORT_TEXT),
    )

    objects = ShipmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-shipped_on", "-id"]
        constraints = [
            PyCheckConstraint(
                condition=Q(status__in=["submitted", "verified", "rejected"])
                & Q(document_kind__in=["invoice", "peb", "origin", "lading"])
                & Q(incoterm__in=INCOTERMS)
                & range_q("value_usd", Decimal("0.01"), MAX_SHIPMENT_USD)
                & date_q("shipped_on"),
                name="shipment_values_valid",
            ),
            PyCheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="shipment_rejected_has_reason",
            ),
        ]
        indexes = [
            # Staff's queue of shipments waiting for verification.
            models.Index(
                fields=["recorded_at"],
                name="shipment_pending_idx",
                condition=Q(status="submitted"),
            ),
            # The figures read a business's verified shipments by date.
            models.Index(fields=["business", "status", "shipped_on"], name="shipment_business_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.business} · {self.shipped_on} · US$ {self.value_usd}"


class MonthlyRate(models.Model):
    """The staff's rupiah per US dollar for a calendar month: a shipment's IDR value
    uses the rate of its month."""

    month = models.DateField(
        _("month"),
        unique=True,
        validators=[validate_plausible_date],
        help_text=_("The first day of the month."),
    )
    idr_per_usd = models.DecimalField(
        _("rupiah per US$"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(MAX_IDR_PER_USD)],
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("monthly exchange rate")
        verbose_name_plural = _("monthly exchange rates")
        ordering = ["-month"]
        constraints = [
            PyCheckConstraint(
                condition=range_q("idr_per_usd", 1, MAX_IDR_PER_USD)
                & date_q("month")
                & Q(month__day=1),
                name="monthly_rate_values_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: Rp {self.idr_per_usd}"

    def clean(self):
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)


class BudgetPeriod(models.Model):
    """What the programme cost over a period (staff enter it from the city's books)."""

    starts_on = models.DateField(_("from"), validators=[validate_plausible_date])
    ends_on = models.DateField(_("to"), validators=[validate_plausible_date])
    amount_idr = models.DecimalField(
        _("budget in rupiah"),
        max_digits=16,
        decimal_places=0,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_BUDGET_IDR)],
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme budget period")
        verbose_name_plural = _("programme budget periods")
        ordering = ["starts_on"]
        constraints = [
            PyCheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on"))
                & date_q("starts_on")
                & date_q("ends_on")
                & range_q("amount_idr", 0, MAX_BUDGET_IDR),
                name="budget_period_valid",
                violation_error_message=_("The period must end on or after its start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} – {self.ends_on}: Rp {self.amount_idr}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": _("The period must end on or after its start.")}, code="order"
            )


class FiguresSnapshot(models.Model):
    """The outcome figures of one day as last computed (``figures.lasting_outcome_figures``),
    so that a cleared cache does not make the next reader of the programme dashboard
    compute them again. ``generation`` goes up with every write of what they count
    (``signals``); the stored figures hold while ``computed_generation`` matches it."""

    day = models.DateField(_("day"), unique=True)
    generation = models.PositiveBigIntegerField(_("generation"), default=0)
    computed_generation = models.PositiveBigIntegerField(_("computed at generation"), null=True)
    data = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), null=True)

    class Meta:
        verbose_name = _("outcome figures snapshot")
        verbose_name_plural = _("outcome figures snapshots")

    def __str__(self) -> str:
        return f"{self.day} ({self.computed_at})"
