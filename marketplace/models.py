from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.bounds import (
    LONG_TEXT,
    MAX_LEAD_TIME_DAYS,
    MAX_PRICE_USD,
    MAX_QUANTITY,
    SHORT_TEXT,
    date_q,
    moment_q,
    range_q,
    text_limit,
    validate_plausible_date,
)
from core.constraints import PyCheckConstraint

from .countries import BUYER_COUNTRY_CHOICES

MAX_IDR_PER_USD = Decimal(1_000_000)
# A deal: a hundred orders of the largest price. The column holds ten billion dollars.
MAX_DEAL_VALUE_USD = Decimal(100_000_000)

# The eleven Incoterms 2020 (ICC).
INCOTERM_CHOICES = [
    (code, code)
    for code in ["EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP"]
]


def _idempotency_key_field() -> models.CharField:
    """The key of the form or API request that created the row (``core.idempotency``)."""
    return models.CharField(
        _("idempotency key"),
        max_length=64,
        blank=True,
        default="",
        editable=False,
        help_text=_("Sent with the form or the API request; the same key again creates nothing."),
    )


def _idempotency_key_unique(*fields: str, name: str) -> models.UniqueConstraint:
    """One row per author and key; rows without a key are left out (partial index). The
    services look the key up through it before they write."""
    return models.UniqueConstraint(
        fields=[*fields, "idempotency_key"], condition=~Q(idempotency_key=""), name=name
    )


class ExchangeRate(models.Model):
    """The staff-maintained USD rate for approximate conversions (no network calls)."""

    idr_per_usd = models.DecimalField(
        _("rupiah per US dollar"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(MAX_IDR_PER_USD)],
    )
    valid_from = models.DateTimeField(
        _("valid from"), default=timezone.now, validators=[validate_plausible_date]
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-valid_from"]
        get_latest_by = "valid_from"
        constraints = [
            PyCheckConstraint(
                condition=range_q("idr_per_usd", 1, MAX_IDR_PER_USD) & moment_q("valid_from"),
                name="exchange_rate_values_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"1 USD = Rp {self.idr_per_usd} ({self.valid_from:%Y-%m-%d})"


MSG_COMPANY_NAME = _("Enter your company's name.")


def validate_company_name(value: str) -> None:
    """A name of spaces only is no name (the form strips them; the API and CSV do not)."""
    if not value.strip():
        raise ValidationError(MSG_COMPANY_NAME, code="blank")


class BuyerProfile(models.Model):
    class BuyerType(models.TextChoices):
        IMPORTER = "importer", _("Importer")
        DISTRIBUTOR = "distributor", _("Distributor or wholesaler")
        RETAILER = "retailer", _("Retailer")
        ONLINE = "online", _("Online shop")
        HORECA = "horeca", _("Hotel, restaurant or café")
        MANUFACTURER = "manufacturer", _("Manufacturer")
        AGENT = "agent", _("Trading agent")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="buyer_profile",
    )
    company = models.CharField(
        _("company"),
        max_length=150,
        validators=[validate_company_name],
        error_messages={"blank": MSG_COMPANY_NAME},
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        choices=BUYER_COUNTRY_CHOICES,
        # The wording of the profile form's list, so every door says the same.
        error_messages={
            "invalid_choice": _(
                "Select a valid choice. %(value)s is not one of the available choices."
            )
        },
        help_text=_("ISO country code"),
    )
    buyer_type = models.CharField(_("type of buyer"), max_length=20, choices=BuyerType.choices)
    website = models.URLField(_("website"), blank=True)
    interests = models.TextField(
        _("products of interest"),
        blank=True,
        max_length=SHORT_TEXT,
        validators=text_limit(SHORT_TEXT),
    )
    categories = models.ManyToManyField(
        "umkm.Category", verbose_name=_("categories of interest"), blank=True
    )

    class Meta:
        verbose_name = _("buyer profile")
        verbose_name_plural = _("buyer profiles")

    def __str__(self) -> str:
        return f"{self.company} ({self.country})"

    def clean(self):
        """Runs of spaces in the company name become one, as the site form did."""
        self.company = " ".join((self.company or "").split())


class ShortlistItem(models.Model):
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("buyer"),
        on_delete=models.CASCADE,
        related_name="shortlist",
    )
    product = models.ForeignKey(
        "umkm.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved product")
        verbose_name_plural = _("saved products")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["buyer", "product"], name="shortlist_unique")
        ]

    def __str__(self) -> str:
        return f"{self.buyer} ♥ {self.product_id}"


def _range_message(message, **numbers) -> str:
    def written(value) -> str:
        places = 2 if isinstance(value, Decimal) else None
        return number_format(value, decimal_pos=places, force_grouping=True)

    return message % {name: written(value) for name, value in numbers.items()}


# The terms an inquiry may ask for, checked by ``marketplace.services.inquiry_create``
# for every door (web form, API, demo), which show the same message. Within what the
# columns hold (a 32-bit integer; 10 digits with 2 decimals) and what one order needs.
# A first message to a supplier or a buyer (an inquiry, a buying request, a quote) says
# at least this much; the forms and the services share it.
OPENING_MESSAGE_MIN_LENGTH = 10
INQUIRY_MAX_QUANTITY = MAX_QUANTITY  # the bound of every quantity (core.bounds)
INQUIRY_MIN_TARGET_PRICE_USD = Decimal("0.01")
INQUIRY_MAX_TARGET_PRICE_USD = MAX_PRICE_USD  # per unit (core.bounds)
# Lazy: the numbers are written the reader's way (100,000,000 or 100.000.000).
MSG_INQUIRY_QUANTITY = lazy(_range_message, str)(
    _("Enter a quantity from 1 to %(max)s."), max=INQUIRY_MAX_QUANTITY
)
MSG_INQUIRY_TARGET_PRICE = lazy(_range_message, str)(
    _("Enter a target price per unit from %(min)s to %(max)s USD."),
    min=INQUIRY_MIN_TARGET_PRICE_USD,
    max=INQUIRY_MAX_TARGET_PRICE_USD,
)


# Why a deal was lost (``Inquiry.lost_reason``; ``LostReason`` below names them).
LOST_REASON_CHOICES = [
    ("price", _("price too high")),
    ("lead_time", _("lead time too long")),
    ("quality", _("sample or quality not suitable")),
    ("terms", _("payment or delivery terms")),
    ("certificates", _("certificates missing")),
    ("no_response", _("no answer from the other side")),
    ("other", _("other")),
]


class InquiryQuerySet(models.QuerySet):
    # Who may read which thread: ``marketplace.selectors.inquiries_visible_to``.

    def visible(self):
        return self.exclude(status=Inquiry.Status.SPAM)


class Inquiry(models.Model):
    """A buyer's request for quotation to one supplier, with a message thread."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        REPLIED = "replied", _("replied")
        CLOSED = "closed", _("closed")
        SPAM = "spam", _("marked as spam")

    class Outcome(models.TextChoices):
        NONE = "", _("not recorded")
        NO_DEAL = "no_deal", _("no deal")
        SAMPLE_SENT = "sample_sent", _("sample sent")
        DEAL_WON = "deal_won", _("deal won")

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("buyer"),
        on_delete=models.CASCADE,
        related_name="inquiries",
    )
    business = models.ForeignKey(
        "umkm.Business",
        verbose_name=_("supplier"),
        on_delete=models.CASCADE,
        related_name="inquiries",
    )
    product = models.ForeignKey(
        "umkm.Product",
        verbose_name=_("product"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
    )
    quote = models.OneToOneField(
        "Quote",
        verbose_name=_("quote"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiry",
    )
    subject = models.CharField(_("subject"), max_length=200)
    # One message for both ends, the same at every door (form, API, service, admin).
    quantity = models.PositiveIntegerField(
        _("quantity"),
        validators=[
            MinValueValidator(1, message=MSG_INQUIRY_QUANTITY),
            MaxValueValidator(INQUIRY_MAX_QUANTITY, message=MSG_INQUIRY_QUANTITY),
        ],
    )
    unit = models.CharField(_("unit"), max_length=20)
    target_price_usd = models.DecimalField(
        _("target price per unit (USD)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(INQUIRY_MIN_TARGET_PRICE_USD, message=MSG_INQUIRY_TARGET_PRICE),
            MaxValueValidator(INQUIRY_MAX_TARGET_PRICE_USD, message=MSG_INQUIRY_TARGET_PRICE),
        ],
    )
    incoterm = models.CharField(_("Incoterm"), max_length=3, choices=INCOTERM_CHOICES)
    destination_country = models.CharField(_("destination country"), max_length=2)
    destination_port = models.CharField(_("destination port"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="open")
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, blank=True, default=""
    )
    lost_reason = models.CharField(
        _("why the deal was lost"), max_length=12, choices=LOST_REASON_CHOICES, blank=True
    )
    deal_value_usd = models.DecimalField(
        _("approximate deal value (USD)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_DEAL_VALUE_USD)],
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    first_reply_at = models.DateTimeField(_("first reply at"), null=True, blank=True)
    last_message_at = models.DateTimeField(_("last message at"), default=timezone.now)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    idempotency_key = _idempotency_key_field()

    objects = InquiryQuerySet.as_manager()

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-last_message_at"]
        constraints = [
            PyCheckConstraint(
                condition=Q(status__in=["open", "replied", "closed", "spam"]),
                name="inquiry_status_valid",
            ),
            PyCheckConstraint(
                condition=Q(deal_value_usd__isnull=True) | Q(outcome="deal_won"),
                name="inquiry_deal_value_only_when_won",
            ),
            PyCheckConstraint(
                condition=Q(lost_reason="") | Q(outcome="no_deal"),
                name="inquiry_lost_reason_only_when_lost",
            ),
            _idempotency_key_unique("buyer", name="inquiry_idempotency_key_unique"),
            PyCheckConstraint(
                condition=range_q("quantity", 1, MAX_QUANTITY), name="inquiry_quantity_range"
            ),
            # Prices are positive; their upper bounds are the validators' and the
            # columns' (the API's serializer bounds them by digits).
            PyCheckConstraint(
                condition=(Q(target_price_usd__isnull=True) | Q(target_price_usd__gt=0))
                & (Q(deal_value_usd__isnull=True) | Q(deal_value_usd__gte=0)),
                name="inquiry_prices_positive",
            ),
        ]
        indexes = [
            # A supplier's inbox and its response rate.
            models.Index(fields=["business", "-last_message_at"], name="inquiry_business_idx"),
            # Staff's inbox (every thread, the latest first, a page at a time): read in
            # this order and stop after the page, instead of sorting every thread.
            models.Index(fields=["-last_message_at", "-id"], name="inquiry_inbox_idx"),
            # The 48-hour reminder sweep looks only at unanswered threads.
            models.Index(
                fields=["created_at"],
                name="inquiry_unanswered_idx",
                condition=Q(status="open", first_reply_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("marketplace:inquiry-detail", args=[self.pk])


def inquiry_attachment_upload_to(instance, filename: str) -> str:
    if instance.inquiry_id is None:
        # The first message's file is stored before its inquiry is written (a file
        # upload must not hold the write transaction), so under its author instead.
        return f"inquiries/new/{instance.author_id}/{filename}"
    return f"inquiries/{instance.inquiry_id}/{filename}"


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class InquiryMessage(models.Model):
    class Role(models.TextChoices):
        BUYER = "buyer", _("buyer")
        SUPPLIER = "supplier", _("supplier")
        ADVISOR = "advisor", _("mentor (advice)")
        STAFF = "staff", _("Disperindag staff")

    inquiry = models.ForeignKey(
        Inquiry, verbose_name=_("inquiry"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    author_role = models.CharField(_("written as"), max_length=10, choices=Role.choices)
    body = models.TextField(_("message"), max_length=LONG_TEXT, validators=text_limit(LONG_TEXT))
    attachment = models.FileField(
        _("attachment"),
        upload_to=inquiry_attachment_upload_to,
        storage=_private_storage,
        blank=True,
        help_text=_("PDF quotation or specification sheet, at most 5 MB."),
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    idempotency_key = _idempotency_key_field()

    class Meta:
        verbose_name = _("inquiry message")
        verbose_name_plural = _("inquiry messages")
        ordering = ["created_at", "id"]
        constraints = [
            _idempotency_key_unique(
                "inquiry", "author", name="inquiry_message_idempotency_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inquiry_id} · {self.author_role}"


# A buying request takes at most this many quotes (the buyer compares a handful; the
# eleventh supplier is told the request is full), and never more than the bound.
BUYING_REQUEST_DEFAULT_QUOTES = 10
BUYING_REQUEST_MAX_QUOTES = 50


class BuyingRequest(models.Model):
    """A buyer's request to many suppliers: owners with matching products may quote."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("buyer"),
        on_delete=models.CASCADE,
        related_name="buying_requests",
    )
    title = models.CharField(_("what you want to buy"), max_length=200)
    description = models.TextField(
        _("details"), max_length=LONG_TEXT, validators=text_limit(LONG_TEXT)
    )
    category = models.ForeignKey(
        "umkm.Category", verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    unit = models.CharField(_("unit"), max_length=20)
    target_price_usd = models.DecimalField(
        _("target price per unit (USD)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_PRICE_USD)],
    )
    destination_country = models.CharField(_("destination country"), max_length=2)
    # The closing date: quotes are taken up to and including it (``quote_create``).
    valid_until = models.DateField(_("valid until"), validators=[validate_plausible_date])
    max_quotes = models.PositiveSmallIntegerField(
        _("most quotes taken"),
        default=BUYING_REQUEST_DEFAULT_QUOTES,
        validators=[MinValueValidator(1), MaxValueValidator(BUYING_REQUEST_MAX_QUOTES)],
        help_text=_("Once this many suppliers have quoted, no more quotes are taken."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="open")
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    idempotency_key = _idempotency_key_field()

    class Meta:
        verbose_name = _("buying request")
        verbose_name_plural = _("buying requests")
        ordering = ["-created_at"]
        constraints = [
            _idempotency_key_unique("buyer", name="buying_request_idempotency_key_unique"),
            PyCheckConstraint(
                condition=range_q("quantity", 1, MAX_QUANTITY)
                & (Q(target_price_usd__isnull=True) | Q(target_price_usd__gt=0))
                & date_q("valid_until"),
                name="buying_request_values_in_range",
            ),
            PyCheckConstraint(
                condition=range_q("max_quotes", 1, BUYING_REQUEST_MAX_QUOTES),
                name="buying_request_max_quotes_range",
            ),
        ]
        indexes = [
            # Owners see open requests in their categories; the closing job scans these.
            models.Index(
                fields=["category", "valid_until"],
                name="buying_request_open_idx",
                condition=Q(status="open"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("marketplace:buying-request-detail", args=[self.pk])


class Quote(models.Model):
    """A supplier's answer to a buying request; opens a thread like an inquiry."""

    request = models.ForeignKey(
        BuyingRequest,
        verbose_name=_("buying request"),
        on_delete=models.CASCADE,
        related_name="quotes",
    )
    business = models.ForeignKey(
        "umkm.Business", verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="quotes"
    )
    product = models.ForeignKey(
        "umkm.Product",
        verbose_name=_("product"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    price_usd = models.DecimalField(
        _("price per unit (USD)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_PRICE_USD)],
    )
    moq = models.PositiveIntegerField(
        _("minimum order quantity"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)],
    )
    lead_time_days = models.PositiveSmallIntegerField(
        _("lead time (days)"), validators=[MaxValueValidator(MAX_LEAD_TIME_DAYS)]
    )
    message = models.TextField(_("message"), max_length=LONG_TEXT, validators=text_limit(LONG_TEXT))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["price_usd"]
        constraints = [
            models.UniqueConstraint(fields=["request", "business"], name="quote_one_per_supplier"),
            PyCheckConstraint(
                condition=Q(price_usd__gt=0)
                & range_q("moq", 1, MAX_QUANTITY)
                & range_q("lead_time_days", 0, MAX_LEAD_TIME_DAYS),
                name="quote_values_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business} → {self.request}: ${self.price_usd}"


# The deal pipeline of an inquiry (issue 17): sample → quotation (revised a few times at
# the buyer's request) → proforma invoice → won or lost. Written only through
# ``marketplace.services`` (``sample_request_*``, ``quotation_*``, ``deal_close``).

# The first quotation and at most two revised ones the buyer asks for (counter-offers).
MAX_QUOTATION_ROUNDS = 3
MAX_QUOTATION_LINES = 20
MAX_SAMPLE_QUANTITY = 10_000
MAX_QUOTATION_VALID_DAYS = 180
DEAL_CURRENCY = "USD"
MSG_UNIT_PRICE = lazy(_range_message, str)(
    _("Enter a unit price from %(min)s to %(max)s USD."),
    min=Decimal("0.01"),
    max=MAX_PRICE_USD,
)
MSG_SAMPLE_QUANTITY = lazy(_range_message, str)(
    _("Enter a sample quantity from 1 to %(max)s."), max=MAX_SAMPLE_QUANTITY
)
MSG_DEAL_TOTAL = lazy(_range_message, str)(
    _("The quotation's total may be at most %(max)s USD."), max=MAX_DEAL_VALUE_USD
)


class PaymentTerm(models.TextChoices):
    TT_ADVANCE = "tt_advance", _("T/T in advance")
    # Translators: a plain label, not a format ("30%" is a percentage).
    # xgettext:no-python-format
    TT_DEPOSIT = "tt_deposit", _("T/T: 30% deposit, balance before shipment")
    TT_BL = "tt_bl", _("T/T against copy of the bill of lading")
    DP = "dp", _("D/P (documents against payment)")
    DA = "da", _("D/A (documents against acceptance)")
    LC_SIGHT = "lc_sight", _("L/C at sight")
    LC_USANCE = "lc_usance", _("L/C usance (deferred payment)")


class SampleRequest(models.Model):
    """The buyer asks for a sample; the supplier sends it (fee, courier, tracking)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        SENT = "sent", _("sent")

    inquiry = models.ForeignKey(
        Inquiry,
        verbose_name=_("inquiry"),
        on_delete=models.CASCADE,
        related_name="sample_requests",
    )
    quantity = models.PositiveIntegerField(
        _("sample quantity"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SAMPLE_QUANTITY)],
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    fee_usd = models.DecimalField(
        _("sample fee (USD)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_PRICE_USD)],
    )
    courier = models.CharField(_("courier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sample request")
        verbose_name_plural = _("sample requests")
        ordering = ["created_at", "id"]
        constraints = [
            PyCheckConstraint(
                condition=range_q("quantity", 1, MAX_SAMPLE_QUANTITY)
                & range_q("fee_usd", 0, MAX_PRICE_USD, null=True)
                & Q(status__in=["requested", "sent"]),
                name="sample_request_values_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inquiry_id} · sample × {self.quantity}"


class Quotation(models.Model):
    """The supplier's priced offer in an inquiry, in rounds. Once the buyer accepts it,
    it gets its proforma invoice number (``PI-<year>-<nnnn>``, per supplier and year)."""

    class Status(models.TextChoices):
        SENT = "sent", _("waiting for the buyer")
        REVISION = "revision", _("revision asked")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    inquiry = models.ForeignKey(
        Inquiry, verbose_name=_("inquiry"), on_delete=models.CASCADE, related_name="quotations"
    )
    # The supplier, kept here for the proforma numbering constraint (one per year).
    business = models.ForeignKey(
        "umkm.Business",
        verbose_name=_("supplier"),
        on_delete=models.CASCADE,
        related_name="quotations",
    )
    round = models.PositiveSmallIntegerField(
        _("round"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUOTATION_ROUNDS)],
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    currency = models.CharField(_("currency"), max_length=3, default=DEAL_CURRENCY, editable=False)
    incoterm = models.CharField(_("Incoterm"), max_length=3, choices=INCOTERM_CHOICES)
    port = models.CharField(_("port"), max_length=100)
    valid_until = models.DateField(_("valid until"), validators=[validate_plausible_date])
    payment_term = models.CharField(_("payment term"), max_length=12, choices=PaymentTerm.choices)
    lead_time_days = models.PositiveSmallIntegerField(
        _("lead time (days)"), validators=[MaxValueValidator(MAX_LEAD_TIME_DAYS)]
    )
    notes = models.TextField(
        _("notes"), blank=True, max_length=SHORT_TEXT, validators=text_limit(SHORT_TEXT)
    )
    total_usd = models.DecimalField(
        _("total (USD)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_DEAL_VALUE_USD)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SENT
    )
    buyer_note = models.TextField(
        _("buyer's answer"), blank=True, max_length=SHORT_TEXT, validators=text_limit(SHORT_TEXT)
    )
    proforma_year = models.PositiveSmallIntegerField(_("proforma year"), null=True, blank=True)
    proforma_sequence = models.PositiveIntegerField(_("proforma sequence"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        ordering = ["inquiry", "round"]
        constraints = [
            models.UniqueConstraint(fields=["inquiry", "round"], name="quotation_one_per_round"),
            models.UniqueConstraint(
                fields=["business", "proforma_year", "proforma_sequence"],
                condition=Q(proforma_sequence__isnull=False),
                name="quotation_proforma_number_unique",
            ),
            PyCheckConstraint(
                condition=range_q("round", 1, MAX_QUOTATION_ROUNDS)
                & range_q("total_usd", Decimal("0.01"), MAX_DEAL_VALUE_USD)
                & range_q("lead_time_days", 0, MAX_LEAD_TIME_DAYS)
                & Q(currency=DEAL_CURRENCY)
                & Q(status__in=["sent", "revision", "accepted", "declined"])
                & date_q("valid_until"),
                name="quotation_values_in_range",
            ),
            PyCheckConstraint(
                condition=Q(proforma_sequence__isnull=True, proforma_year__isnull=True)
                | Q(status="accepted", proforma_sequence__gte=1, proforma_year__gte=2000),
                name="quotation_proforma_only_when_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inquiry_id} · {self.round}"

    @property
    def proforma_number(self) -> str:
        if self.proforma_sequence is None:
            return ""
        return f"PI-{self.proforma_year}-{self.proforma_sequence:04d}"


class QuotationLine(models.Model):
    quotation = models.ForeignKey(
        Quotation, verbose_name=_("quotation"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    product = models.ForeignKey(
        "umkm.Product",
        verbose_name=_("product"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=200)
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    unit = models.CharField(_("unit"), max_length=20)
    unit_price_usd = models.DecimalField(
        _("unit price (USD)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_PRICE_USD)],
    )

    class Meta:
        verbose_name = _("quotation line")
        verbose_name_plural = _("quotation lines")
        ordering = ["quotation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["quotation", "position"], name="quotation_line_position_unique"
            ),
            PyCheckConstraint(
                condition=range_q("quantity", 1, MAX_QUANTITY)
                & range_q("unit_price_usd", Decimal("0.01"), MAX_PRICE_USD),
                name="quotation_line_values_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}"

    @property
    def amount_usd(self) -> Decimal:
        return self.quantity * self.unit_price_usd
