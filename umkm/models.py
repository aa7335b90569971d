import itertools
import re
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.bounds import (
    CAPACITY_TEXT,
    LONG_TEXT,
    MAX_BUSINESS_FIGURE_IDR,
    MAX_BUSINESS_PHOTOS,
    MAX_EMPLOYEES,
    MAX_LEAD_TIME_DAYS,
    MAX_PRICE_IDR,
    MAX_PRICE_USD,
    MAX_QUANTITY,
    MAX_SHELF_LIFE_DAYS,
    MAX_WEIGHT_GRAMS,
    date_q,
    is_plausible,
    range_q,
    text_limit,
    validate_plausible_date,
)
from core.constraints import PyCheckConstraint

from .regions import PROVINCE_CHOICES, city_in_province

nib_validator = RegexValidator(r"^\d{13}$", _("The NIB has exactly 13 digits."))

EARLIEST_FOUNDING_YEAR = 1900
LATEST_FOUNDING_YEAR = 2100  # the database's bound; "not in the future" is checked too


def validate_founding_year(value: int) -> None:
    if value is not None and value > timezone.localdate().year:
        raise ValidationError(_("The founding year cannot be in the future."), code="future")


def validate_issue_date(value) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError(_("The issue date cannot be in the future."), code="future")


def normalise_hs_code(value: str) -> str:
    """'0901.11' and '0901 11' → '090111'."""
    return re.sub(r"[\s.\-]", "", value or "")


def validate_hs_code(value: str) -> None:
    digits = normalise_hs_code(value)
    if not re.fullmatch(r"\d{4,10}", digits) or len(digits) % 2:
        raise ValidationError(
            _("An HS code has 4, 6, 8 or 10 digits, e.g. 0901.11."), code="hs_code"
        )


def format_hs_code(digits: str) -> str:
    """'090111' → '0901.11'; '09011190' → '0901.11.90'."""
    if not digits:
        return ""
    head, rest = digits[:4], digits[4:]
    parts = [rest[i : i + 2] for i in range(0, len(rest), 2)]
    return ".".join([head, *parts])


INCOTERMS = ["EXW", "FCA", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP"]


def validate_incoterms(value) -> None:
    if not isinstance(value, list) or any(code not in INCOTERMS for code in value):
        raise ValidationError(
            _("Choose Incoterms from the list: %(codes)s."),
            code="incoterms",
            params={"codes": ", ".join(INCOTERMS)},
        )


class Bilingual:
    """Pick the field in the active language, falling back to the other one."""

    def localised(self, field: str) -> str:
        first, second = ("en", "id") if (get_language() or "id").startswith("en") else ("id", "en")
        return getattr(self, f"{field}_{first}") or getattr(self, f"{field}_{second}")


class BusinessQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def verified(self):
        return self.filter(verified_at__isnull=False)

    def mentored_by(self, user):
        """Businesses ``user`` is an active mentor of. What "active" means is defined
        once, by ``Mentorship.objects.active()``; umkm sits below mentoring and reaches
        it through the user's reverse relation instead of importing it."""
        if not (user.is_authenticated and user.is_approved_mentor):
            return self.none()  # cannot mentor: no query
        return self.filter(Exists(user.mentorships.active().filter(business=OuterRef("pk"))))

    def for_user(self, user):
        """Businesses ``user`` may see in the back office (not the public pages)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        if user.is_owner:
            return self.filter(owner=user)
        if user.is_approved_mentor:
            return self.mentored_by(user)
        return self.none()

    def editable_by(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        if user.is_owner:
            return self.filter(owner=user)
        return self.none()


# Business scale bands (PP 7/2021): assets without land and buildings, annual turnover.
# (lowest assets, highest assets, lowest turnover, highest turnover); a business is of a
# scale when its assets or its turnover fall into that scale's band. The lower bounds
# are exclusive except micro's.
SCALE_BANDS = {
    "mikro": (Decimal(0), Decimal(1_000_000_000), Decimal(0), Decimal(2_000_000_000)),
    "kecil": (
        Decimal(1_000_000_000),
        Decimal(5_000_000_000),
        Decimal(2_000_000_000),
        Decimal(15_000_000_000),
    ),
    "menengah": (
        Decimal(5_000_000_000),
        Decimal(10_000_000_000),
        Decimal(15_000_000_000),
        Decimal(50_000_000_000),
    ),
}


def _in_band(value: Decimal | None, low: Decimal, high: Decimal, *, from_zero: bool) -> bool:
    return value is not None and (value > low or (from_zero and value >= low)) and value <= high


def scale_for(*, assets: Decimal | None, turnover: Decimal | None) -> set[str]:
    """The scales that the stated assets or turnover fall into (either criterion)."""
    found = set()
    for scale, (a_low, a_high, t_low, t_high) in SCALE_BANDS.items():
        from_zero = scale == "mikro"
        if _in_band(assets, a_low, a_high, from_zero=from_zero) or _in_band(
            turnover, t_low, t_high, from_zero=from_zero
        ):
            found.add(scale)
    return found


def first_scale_for(*, assets: Decimal | None, turnover: Decimal | None) -> str:
    """The smallest scale the figures fit, "" if none (``Business.clean`` then says why)."""
    fitting = scale_for(assets=assets, turnover=turnover)
    return next((scale for scale in SCALE_BANDS if scale in fitting), "")


def scale_fits_figures_q() -> Q:
    """``scale_for`` as a CHECK condition: the scale is one the figures fall into."""
    condition = Q()
    for scale, (a_low, a_high, t_low, t_high) in SCALE_BANDS.items():
        above = "gte" if scale == "mikro" else "gt"
        fits = Q(**{f"assets_idr__{above}": a_low, "assets_idr__lte": a_high}) | Q(
            **{f"annual_turnover_idr__{above}": t_low, "annual_turnover_idr__lte": t_high}
        )
        condition |= Q(scale=scale) & fits
    return condition


class Business(Bilingual, models.Model):
    class LegalForm(models.TextChoices):
        INDIVIDUAL = "perorangan", _("Sole proprietorship (perorangan)")
        UD = "ud", _("UD (usaha dagang)")
        CV = "cv", _("CV (limited partnership)")
        PT = "pt", _("PT (limited company)")
        PT_PERORANGAN = "pt_perorangan", _("PT Perorangan (single-owner company)")
        COOPERATIVE = "koperasi", _("Cooperative (koperasi)")

    class Scale(models.TextChoices):
        MICRO = "mikro", _("Micro (mikro)")
        SMALL = "kecil", _("Small (kecil)")
        MEDIUM = "menengah", _("Medium (menengah)")

    class Sector(models.TextChoices):
        FOOD = "food", _("Food and beverages")
        CRAFTS = "crafts", _("Crafts")
        FASHION = "fashion", _("Fashion and textiles")
        FURNITURE = "furniture", _("Furniture and wood")
        AGRICULTURE = "agriculture", _("Agriculture and plantation")
        FISHERIES = "fisheries", _("Fisheries")
        COSMETICS = "cosmetics", _("Herbal and cosmetics")
        OTHER = "other", _("Other")

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="business",
        limit_choices_to={"role": "owner"},
    )
    name = models.CharField(_("business name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=170, unique=True)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    nib = models.CharField(
        _("NIB"),
        max_length=13,
        blank=True,
        validators=[nib_validator],
        help_text=_("Nomor Induk Berusaha from OSS: 13 digits."),
    )
    assets_idr = models.DecimalField(
        _("business assets (IDR)"),
        max_digits=16,
        decimal_places=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_BUSINESS_FIGURE_IDR)],
        help_text=_("Capital used in the business, without land and buildings."),
    )
    annual_turnover_idr = models.DecimalField(
        _("annual turnover (IDR)"),
        max_digits=16,
        decimal_places=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_BUSINESS_FIGURE_IDR)],
    )
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    province = models.CharField(_("province"), max_length=40, choices=PROVINCE_CHOICES)
    city = models.CharField(_("city or regency"), max_length=60)
    address = models.CharField(_("address"), max_length=255, blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("year founded"),
        validators=[MinValueValidator(EARLIEST_FOUNDING_YEAR), validate_founding_year],
    )
    employees = models.PositiveIntegerField(
        _("employees"), default=1, validators=[MaxValueValidator(MAX_EMPLOYEES)]
    )
    description_id = models.TextField(
        _("description (Indonesian)"),
        blank=True,
        max_length=LONG_TEXT,
        validators=text_limit(LONG_TEXT),
    )
    description_en = models.TextField(
        _("description (English)"),
        blank=True,
        max_length=LONG_TEXT,
        validators=text_limit(LONG_TEXT),
    )
    story_id = models.TextField(
        _("story (Indonesian)"),
        blank=True,
        max_length=LONG_TEXT,
        validators=text_limit(LONG_TEXT),
        help_text=_("How the business started, who makes the products and how."),
    )
    story_en = models.TextField(
        _("story (English)"),
        blank=True,
        max_length=LONG_TEXT,
        validators=text_limit(LONG_TEXT),
        help_text=_("Buyers abroad read this one."),
    )
    capacity_id = models.CharField(
        _("production capacity (Indonesian)"),
        max_length=CAPACITY_TEXT,
        blank=True,
        help_text=_("e.g. 2 ton keripik per bulan, 3 jalur produksi"),
    )
    capacity_en = models.CharField(
        _("production capacity (English)"),
        max_length=CAPACITY_TEXT,
        blank=True,
        help_text=_("e.g. 2 tonnes of chips a month, 3 production lines"),
    )
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    whatsapp = models.CharField(_("WhatsApp"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    has_exported = models.BooleanField(_("has exported before"), default=False)
    export_markets = models.CharField(
        _("export markets"), max_length=255, blank=True, help_text=_("e.g. Malaysia, Singapore")
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive businesses are hidden from buyers.")
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verification_note = models.TextField(
        _("verification note"),
        blank=True,
        max_length=500,
        help_text=_("Why staff verified the business without its NIB document, if they did."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BusinessQuerySet.as_manager()

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["nib"], condition=~Q(nib=""), name="business_nib_unique"
            ),
            PyCheckConstraint(
                condition=Q(scale__in=["mikro", "kecil", "menengah"]), name="business_scale_valid"
            ),
            PyCheckConstraint(
                condition=Q(verified_at__isnull=True) | ~Q(nib=""),
                name="business_verified_has_nib",
            ),
            PyCheckConstraint(
                condition=range_q("assets_idr", 0, MAX_BUSINESS_FIGURE_IDR)
                & range_q("annual_turnover_idr", 0, MAX_BUSINESS_FIGURE_IDR),
                name="business_figures_in_range",
            ),
            PyCheckConstraint(
                condition=scale_fits_figures_q(),
                name="business_scale_fits_figures",
                violation_error_message=_("The scale does not fit the assets and turnover."),
            ),
            PyCheckConstraint(
                condition=range_q("founded_year", EARLIEST_FOUNDING_YEAR, LATEST_FOUNDING_YEAR),
                name="business_founded_year_range",
            ),
            PyCheckConstraint(
                condition=range_q("employees", 0, MAX_EMPLOYEES), name="business_employees_range"
            ),
        ]
        indexes = [
            # The few switched-off businesses, which the public catalogue leaves out
            # (``ProductQuerySet.listed``) without reading the others.
            models.Index(fields=["id"], condition=Q(is_active=False), name="business_inactive_idx"),
            # Staff queue: businesses waiting for verification.
            models.Index(
                fields=["created_at"],
                name="business_unverified_idx",
                condition=Q(verified_at__isnull=True),
            ),
            # Catalogue filters by location.
            models.Index(fields=["province", "city"], name="business_location_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("umkm:business-detail", args=[self.slug])

    def active_mentors(self):
        """The business's active mentors, by name: ``Mentorship.objects.active()``
        reached through the reverse relation (umkm sits below mentoring)."""
        mentors = self.mentorships.active().values("mentor")
        return get_user_model().objects.filter(pk__in=mentors).order_by("full_name", "pk")

    def clean(self):
        """The location and the PP 7/2021 scale, for every door (forms, admin, seeds)."""
        errors = {}
        if self.province and self.city and not city_in_province(self.city, self.province):
            errors["city"] = ValidationError(
                _("%(city)s is not in %(province)s."),
                code="city_province",
                params={"city": self.city, "province": self.province},
            )
        figures = [
            value for value in (self.assets_idr, self.annual_turnover_idr) if value is not None
        ]
        plausible = all(0 <= value <= MAX_BUSINESS_FIGURE_IDR for value in figures)
        if self.scale and figures and plausible:
            fitting = scale_for(assets=self.assets_idr, turnover=self.annual_turnover_idr)
            if self.scale not in fitting:
                names = ", ".join(
                    str(Business.Scale(scale).label) for scale in SCALE_BANDS if scale in fitting
                )
                errors["scale"] = ValidationError(
                    _(
                        "With these assets and turnover the business is %(fitting)s "
                        "(micro: assets up to Rp 1 billion or turnover up to Rp 2 billion; "
                        "small: up to Rp 5 / 15 billion; medium: up to Rp 10 / 50 billion)."
                    ),
                    code="scale",
                    params={"fitting": names or _("none")},
                )
        if errors:
            raise ValidationError(errors)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def description(self) -> str:
        return self.localised("description")

    @property
    def story(self) -> str:
        return self.localised("story")

    @property
    def capacity(self) -> str:
        return self.localised("capacity")

    @property
    def years_in_business(self) -> int:
        return max(0, timezone.localdate().year - self.founded_year)


def business_photo_upload_to(instance, filename: str) -> str:
    return f"businesses/{instance.business_id}/{filename}"


class BusinessPhoto(models.Model):
    """A photo on the supplier's public profile: the workshop, the team, production."""

    MAX_PER_BUSINESS = MAX_BUSINESS_PHOTOS

    business = models.ForeignKey(
        Business, verbose_name=_("business"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        _("image"), upload_to=business_photo_upload_to, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    alt_text = models.CharField(
        _("description of the photo"),
        max_length=200,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("business photo")
        verbose_name_plural = _("business photos")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text or f"{self.business} #{self.position}"


class CertificationQuerySet(models.QuerySet):
    def valid(self, on=None):
        """Verified and not expired: what counts for readiness and buyers."""
        on = on or timezone.localdate()
        return self.filter(verified_at__isnull=False).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=on)
        )

    def expiring_on(self, day):
        return self.filter(expires_on=day)


def certificate_upload_to(instance, filename: str) -> str:
    return f"certificates/{instance.business_id}/{filename}"


def private_storage():
    """Certificates live in a store that is never served directly (see views)."""
    from django.core.files.storage import storages

    return storages["private"]


class Certification(models.Model):
    class Kind(models.TextChoices):
        NIB = "nib", _("NIB (business identity number)")
        PIRT = "pirt", _("P-IRT (home-industry food permit)")
        BPOM_MD = "bpom_md", _("BPOM MD (domestic processed food)")
        BPOM_ML = "bpom_ml", _("BPOM ML (imported processed food)")
        HALAL = "halal", _("Halal (BPJPH)")
        SNI = "sni", _("SNI (Indonesian National Standard)")
        HACCP = "haccp", _("HACCP")
        ISO22000 = "iso22000", _("ISO 22000")
        ORGANIC = "organic", _("Organic")
        SVLK = "svlk", _("SVLK (timber legality)")
        OTHER = "other", _("Other")

    business = models.ForeignKey(
        Business,
        verbose_name=_("business"),
        on_delete=models.CASCADE,
        related_name="certifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("certificate number"), max_length=100)
    issuer = models.CharField(_("issued by"), max_length=150, blank=True)
    issued_on = models.DateField(
        _("issued on"), validators=[validate_plausible_date, validate_issue_date]
    )
    expires_on = models.DateField(
        _("expires on"),
        null=True,
        blank=True,
        validators=[validate_plausible_date],
        help_text=_("Leave empty if it does not expire."),
    )
    document = models.FileField(
        _("document"),
        upload_to=certificate_upload_to,
        storage=private_storage,
        blank=True,
        help_text=_("PDF, JPEG or PNG, at most 5 MB."),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["kind", "-issued_on"]
        constraints = [
            PyCheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("issued_on")),
                name="certification_expires_after_issue",
                violation_error_message=_("The expiry date must be after the issue date."),
            ),
            PyCheckConstraint(
                condition=date_q("issued_on") & date_q("expires_on", null=True),
                name="certification_dates_in_range",
            ),
            models.UniqueConstraint(
                fields=["business", "kind", "number"], name="certification_unique_number"
            ),
        ]
        indexes = [
            # The daily expiry job looks up certificates by expiry date.
            models.Index(fields=["expires_on"], name="certification_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("umkm:certification-list", args=[self.business.slug])

    def clean(self):
        issued, expires = self.issued_on, self.expires_on
        if is_plausible(issued) and is_plausible(expires) and expires < issued:
            raise ValidationError(
                {"expires_on": _("The expiry date must be after the issue date.")}, code="order"
            )

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def counts(self) -> bool:
        return self.is_verified and not self.is_expired


class Category(Bilingual, models.Model):
    name_id = models.CharField(_("name (Indonesian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_food = models.BooleanField(
        _("food category"),
        default=False,
        help_text=_("Food products need PIRT or BPOM and Halal to be export-ready."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name_en"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("Categories have two levels at most.")})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A category cannot be its own parent.")})

    @property
    def name(self) -> str:
        return self.localised("name")


class SearchVectorOnPostgreSQL(SearchVector):
    """``to_tsvector`` on PostgreSQL; NULL on SQLite, which has no text-search vectors
    (its catalogue search matches the words of ``search_text`` instead). The expression
    of the generated ``Product.search_vector`` of migrations 0005 to 0018, which moved
    the words to ``CatalogueSearchRow``."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", []


def _switched_off_businesses():
    """The businesses whose products no buyer sees (``ProductQuerySet.listed``)."""
    return Business.objects.filter(is_active=False).values("pk")


class ProductQuerySet(models.QuerySet):
    def listed(self):
        """Publicly visible: an approved version exists, of an active business.

        "Not of a switched-off business" rather than a join to the active ones: the
        switched-off few are looked up once per query (``business_inactive_idx``), and
        a page of the catalogue reads its ids from the product index alone (a deep page
        skipped 4,800 rows, each with its business looked up, 14 ms at page 200)."""
        return self.filter(is_listed=True).exclude(business__in=_switched_off_businesses())

    def for_user(self, user):
        """Products ``user`` may see in the back office, in any state."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        if user.is_owner:
            return self.filter(business__owner=user)
        if user.is_approved_mentor:
            return self.filter(business__in=Business.objects.mentored_by(user))
        return self.none()


MSG_SAMPLE_PRICE = _("Tick “samples available” to give a sample price.")


class Product(Bilingual, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("waiting for review")
        LISTED = "listed", _("listed")
        CHANGES_REQUESTED = "changes_requested", _("changes requested")
        ARCHIVED = "archived", _("archived")

    class Unit(models.TextChoices):
        PIECE = "piece", _("piece")
        PACK = "pack", _("pack")
        BOX = "box", _("box")
        CARTON = "carton", _("carton")
        KG = "kg", _("kilogram")
        TONNE = "tonne", _("tonne")
        LITRE = "litre", _("litre")
        BOTTLE = "bottle", _("bottle")
        SET = "set", _("set")
        METRE = "metre", _("metre")

    INCOTERMS = INCOTERMS

    business = models.ForeignKey(
        Business, verbose_name=_("business"), on_delete=models.CASCADE, related_name="products"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    description_id = models.TextField(
        _("description (Indonesian)"),
        blank=True,
        max_length=LONG_TEXT,
        validators=text_limit(LONG_TEXT),
    )
    description_en = models.TextField(
        _("description (English)"),
        blank=True,
        max_length=LONG_TEXT,
        validators=text_limit(LONG_TEXT),
    )
    hs_code = models.CharField(
        _("HS code"),
        max_length=10,
        blank=True,
        validators=[validate_hs_code],
        help_text=_("Harmonized System code, 4 to 10 digits, e.g. 0901.11."),
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.PIECE)
    moq = models.PositiveIntegerField(
        _("minimum order quantity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)],
    )
    price_idr = models.DecimalField(
        _("price (IDR)"),
        max_digits=14,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_PRICE_IDR)],
    )
    fob_usd = models.DecimalField(
        _("FOB price (USD)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_PRICE_USD)],
    )
    sample_available = models.BooleanField(_("samples available"), default=False)
    sample_price_usd = models.DecimalField(
        _("sample price (USD)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_PRICE_USD)],
    )
    capacity_per_month = models.PositiveIntegerField(
        _("monthly capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)],
        help_text=_("In the product's unit."),
    )
    lead_time_days = models.PositiveSmallIntegerField(
        _("lead time (days)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_LEAD_TIME_DAYS)],
    )
    weight_grams = models.PositiveIntegerField(
        _("weight (grams)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WEIGHT_GRAMS)],
    )
    size = models.CharField(
        _("size"), max_length=100, blank=True, help_text=_("e.g. 20 × 15 × 5 cm")
    )
    shelf_life_days = models.PositiveSmallIntegerField(
        _("shelf life (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SHELF_LIFE_DAYS)],
    )
    incoterms = models.JSONField(
        _("Incoterms offered"),
        default=list,
        blank=True,
        validators=[validate_incoterms],
        help_text=_("e.g. FOB, CIF"),
    )
    port_of_loading = models.CharField(
        _("port of loading"), max_length=100, blank=True, help_text=_("e.g. Dumai, Pekanbaru")
    )
    certifications = models.ManyToManyField(
        Certification, verbose_name=_("certifications"), blank=True, related_name="products"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    is_listed = models.BooleanField(
        _("publicly listed"),
        default=False,
        help_text=_("An approved version is public (it stays public while an edit is reviewed)."),
    )
    listed_at = models.DateTimeField(_("first listed at"), null=True, blank=True)
    pending_changes = models.JSONField(
        _("changes waiting for review"),
        default=dict,
        blank=True,
        help_text=_("Edits to a listed product's export facts, applied when approved."),
    )
    search_text = models.TextField(
        _("search text"),
        blank=True,
        editable=False,
        help_text=_("Names, descriptions, category and supplier of the public version."),
    )
    # Its business's key in the facets, carried by the row a search scans, so that the
    # facet counts of a search need no lookup of a business and its certificates per hit
    # (issue 19): the business's province and the kinds of its certificates valid on
    # ``CatalogueFacetDate.valid_on`` (``facet_counts.kind_bit``), as
    # ``CatalogueFacetCount`` counts them. PostgreSQL only: triggers keep them (the
    # product's own, the business's and the certificates', ``umkm/facet_counts.py``,
    # migration 0016) and the daily ``catalogue_facets_rebuild`` moves the masks past
    # expired certificates; SQLite never reads them.
    facet_province = models.CharField(
        _("province in the facets"), max_length=40, db_default="", editable=False
    )
    facet_cert_mask = models.IntegerField(
        _("valid certification kinds in the facets"), db_default=0, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-created_at", "-id"]
        constraints = [
            PyCheckConstraint(
                condition=Q(
                    status__in=["draft", "submitted", "listed", "changes_requested", "archived"]
                ),
                name="product_status_valid",
            ),
            PyCheckConstraint(
                condition=~Q(status="archived") | Q(is_listed=False),
                name="product_archived_not_listed",
            ),
            PyCheckConstraint(
                condition=~Q(status="listed") | Q(is_listed=True),
                name="product_listed_is_public",
            ),
            PyCheckConstraint(
                condition=range_q("moq", 1, MAX_QUANTITY, null=True)
                & range_q("capacity_per_month", 1, MAX_QUANTITY, null=True),
                name="product_quantities_in_range",
            ),
            PyCheckConstraint(
                condition=range_q("price_idr", 0, MAX_PRICE_IDR, null=True)
                & range_q("fob_usd", Decimal("0.01"), MAX_PRICE_USD, null=True)
                & range_q("sample_price_usd", 0, MAX_PRICE_USD, null=True),
                name="product_prices_in_range",
            ),
            PyCheckConstraint(
                condition=range_q("lead_time_days", 0, MAX_LEAD_TIME_DAYS, null=True)
                & range_q("shelf_life_days", 1, MAX_SHELF_LIFE_DAYS, null=True)
                & range_q("weight_grams", 1, MAX_WEIGHT_GRAMS, null=True),
                name="product_facts_in_range",
            ),
            PyCheckConstraint(
                condition=Q(sample_price_usd__isnull=True) | Q(sample_available=True),
                name="product_sample_price_needs_samples",
                violation_error_message=MSG_SAMPLE_PRICE,
            ),
        ]
        indexes = [
            # The public catalogue: listed products, newest first, in the page order
            # (``-listed_at, -id``), with what the filters join on (PostgreSQL: an
            # index-only scan reads the ids of any page, deep ones too).
            models.Index(
                fields=["-listed_at", "-id"],
                include=["business", "category"],
                name="product_listed_page_idx",
                condition=Q(is_listed=True),
            ),
            # The default order (``Meta.ordering``): the admin's list of every product,
            # newest first, walks it instead of sorting the whole table (0.9 s at a
            # million products).
            models.Index(fields=["-created_at", "-id"], name="product_created_idx"),
            # The sitemap's last change of a listed product (a step down this index).
            models.Index(
                fields=["-updated_at"],
                name="product_listed_updated_idx",
                condition=Q(is_listed=True),
            ),
            # An owner's product list by status.
            models.Index(fields=["business", "status"], name="product_business_status_idx"),
            # Review queues: products waiting for a mentor or staff.
            models.Index(
                fields=["created_at"],
                name="product_submitted_idx",
                condition=Q(status="submitted"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("umkm:product-detail", args=[self.pk])

    def clean(self):
        if self.sample_price_usd is not None and not self.sample_available:
            raise ValidationError(
                {"sample_price_usd": MSG_SAMPLE_PRICE},
                code="sample_price",
            )

    @property
    def name(self) -> str:
        return self.localised("name")

    @property
    def description(self) -> str:
        return self.localised("description")

    @property
    def hs_code_display(self) -> str:
        return format_hs_code(self.hs_code)


# Fields whose change on a listed product needs a new review (what a buyer relies on).
EXPORT_FIELDS = [
    "name_id",
    "name_en",
    "description_id",
    "description_en",
    "category",
    "hs_code",
    "unit",
    "moq",
    "fob_usd",
    "sample_available",
    "sample_price_usd",
    "capacity_per_month",
    "lead_time_days",
    "shelf_life_days",
    "incoterms",
    "port_of_loading",
]


MSG_TIERS_OVERLAP = _("Price tiers must not overlap.")


def validate_tiers_do_not_overlap(ranges) -> None:
    """``(from, to)`` quantity ranges of one product's price tiers (``to`` None: open
    ended) may not overlap: the rule of the tier formset, the admin and the services."""
    spans = sorted((low, float("inf") if high is None else high) for low, high in ranges)
    for (_low1, high1), (low2, _high2) in itertools.pairwise(spans):
        if low2 <= high1:
            raise ValidationError(MSG_TIERS_OVERLAP, code="tiers_overlap")


class PriceTier(models.Model):
    """FOB price by order quantity, e.g. 100–499 units $2.10, 500+ $1.85."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="price_tiers"
    )
    min_quantity = models.PositiveIntegerField(
        _("from quantity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    max_quantity = models.PositiveIntegerField(
        _("to quantity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)],
        help_text=_("Empty means “and more”."),
    )
    price_usd = models.DecimalField(
        _("FOB price (USD)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_PRICE_USD)],
    )

    class Meta:
        verbose_name = _("price tier")
        verbose_name_plural = _("price tiers")
        ordering = ["min_quantity"]
        constraints = [
            PyCheckConstraint(
                condition=Q(max_quantity__isnull=True)
                | Q(max_quantity__gte=models.F("min_quantity")),
                name="price_tier_range_valid",
                violation_error_message=_("“To” must not be below “from”."),
            ),
            models.UniqueConstraint(
                fields=["product", "min_quantity"], name="price_tier_unique_start"
            ),
            PyCheckConstraint(
                condition=range_q("min_quantity", 1, MAX_QUANTITY)
                & range_q("max_quantity", 1, MAX_QUANTITY, null=True)
                & range_q("price_usd", Decimal("0.01"), MAX_PRICE_USD),
                name="price_tier_values_in_range",
            ),
        ]

    def __str__(self) -> str:
        upper = f"–{self.max_quantity}" if self.max_quantity else "+"
        return f"{self.min_quantity}{upper}: ${self.price_usd}"


def product_image_upload_to(instance, filename: str) -> str:
    return f"products/{instance.product_id}/{filename}"


class ProductImage(models.Model):
    MAX_PER_PRODUCT = 8

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(
        _("image"), upload_to=product_image_upload_to, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    thumb_small = models.ImageField(
        _("small thumbnail"), upload_to=product_image_upload_to, blank=True
    )
    thumb_large = models.ImageField(
        _("large thumbnail"), upload_to=product_image_upload_to, blank=True
    )
    alt_text = models.CharField(
        _("description of the photo"),
        max_length=200,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("product photo")
        verbose_name_plural = _("product photos")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text or f"{self.product} #{self.position}"

    @property
    def thumbnails_ready(self) -> bool:
        return bool(self.thumb_small and self.thumb_large)


class ProductTransition(models.Model):
    """The listing workflow's history: who moved a product, when, and why."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Product.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Product.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("product status change")
        verbose_name_plural = _("product status changes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.product}: {self.from_status} → {self.to_status}"


class CatalogueWord(models.Model):
    """A word of the listed catalogue's search vectors: the dictionary that corrects a
    misspelt search (``ratan`` → ``rattan``) through its trigram index.

    PostgreSQL only (SQLite's search has no typo tolerance). The search-row trigger adds
    the words of every listed product whose text it parses (``umkm/search_rows.py``,
    migration 0018; migration 0006 filled it first), so no listed word is ever missing;
    ``services.catalogue_words_rebuild`` drops words nobody uses any more.
    """

    word = models.TextField(_("word"), primary_key=True)

    class Meta:
        verbose_name = _("catalogue word")
        verbose_name_plural = _("catalogue words")

    def __str__(self) -> str:
        return self.word


class CatalogueSearchRowQuerySet(models.QuerySet):
    def listed(self):
        """The rows of the products ``Product.objects.listed()`` returns (the table holds
        listed products only; their business must still be active)."""
        return self.exclude(business__in=_switched_off_businesses())


class CatalogueSearchRow(models.Model):
    """What a catalogue search scans of each listed product, and nothing more: its
    words, its listing time and the key its hits are counted under in the facets. A
    product row is about 800 bytes (two descriptions, the search text); this one about
    650, and a search reads no other table, so a search that reads the first thousand
    matches reads half the pages it read in the product table (issue 19: at a million
    products, the first search after the cache is cleared spent most of its time
    reading those pages).

    The words (``search_vector``, ``to_tsvector('simple', search_text)``) live here
    only: the product table keeps the text, and parsing it into words is most of the
    cost of writing a listed product, paid when its text changes and not by the
    product's other writes (migration 0018).

    PostgreSQL only: a row trigger on ``umkm_product`` keeps it, every door included
    (``umkm/search_rows.py``, migrations 0017 and 0018); the GIN index of the words is
    on this table. SQLite never reads it (its search matches ``Product.search_text``)."""

    product = models.OneToOneField(
        Product,
        verbose_name=_("product"),
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the trigger deletes the row with its product
        db_constraint=False,
        related_name="+",
    )
    business = models.ForeignKey(
        Business,
        verbose_name=_("business"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    listed_at = models.DateTimeField(_("first listed at"), null=True)
    search_vector = SearchVectorField(_("search vector"), null=True)
    facet_province = models.CharField(_("province in the facets"), max_length=40)
    facet_cert_mask = models.IntegerField(_("valid certification kinds in the facets"))

    objects = CatalogueSearchRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalogue search row")
        verbose_name_plural = _("catalogue search rows")

    def __str__(self) -> str:
        return str(self.product_id)


class ListedProductCount(models.Model):
    """How many listed products a business has in a category: the first level of the
    maintained aggregates behind the catalogue's facet counts and totals (a few rows per
    business instead of a scan of every product); ``CatalogueFacetCount`` sums it by
    place, verified flag and valid certificates, and the catalogue reads that.

    PostgreSQL only: statement triggers on ``umkm_product`` recount the businesses a
    statement touched (migration 0012); ``services.listed_counts_rebuild`` recounts
    everything (after a bulk load with the triggers off, and hourly against drift from
    concurrent writers).
    """

    business = models.ForeignKey(
        Business, verbose_name=_("business"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="+"
    )
    n = models.PositiveIntegerField(_("listed products"))

    class Meta:
        verbose_name = _("listed product count")
        verbose_name_plural = _("listed product counts")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "category"], name="listed_count_one_per_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.business_id}/{self.category_id}: {self.n}"


class CatalogueFacetCount(models.Model):
    """How many listed products of active businesses share a category, a place, the
    verified flag and a set of valid certification kinds: the second-level aggregate the
    catalogue's totals and facet counts read (issue 19). Its size is bounded by
    categories × cities × flags, not by products or businesses, so a count costs the
    same at a million products as at a thousand.

    ``cert_mask`` has one bit per ``Certification.Kind``, in declaration order
    (``facet_counts.kind_bit``), set when the business holds a certificate of that kind
    valid on ``CatalogueFacetDate.valid_on``.

    PostgreSQL only: statement triggers on ``umkm_listedproductcount``, ``umkm_business``
    and ``umkm_certification`` move a business's products between rows as they change
    (``umkm/facet_counts.py``, migration 0013); ``services.catalogue_facets_rebuild``
    recounts it from ``ListedProductCount`` after local midnight, when certificates
    expire without any write, and hourly against drift.
    """

    # No index of its own: the unique key starts with the category.
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    province = models.CharField(_("province"), max_length=40)
    city = models.CharField(_("city or regency"), max_length=60)
    verified = models.BooleanField(_("verified business"))
    cert_mask = models.IntegerField(_("valid certification kinds"))
    # No CHECK on n: a row is deleted when it reaches 0, and should two writers ever
    # race past the triggers' locks, a wrong count until the hourly recount is better
    # than refusing a supplier's save.
    n = models.IntegerField(_("listed products"))

    class Meta:
        verbose_name = _("catalogue facet count")
        verbose_name_plural = _("catalogue facet counts")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "province", "city", "verified", "cert_mask"],
                name="catalogue_facet_count_one_per_key",
            ),
            PyCheckConstraint(condition=Q(cert_mask__gte=0), name="catalogue_facet_mask_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.category_id}/{self.province}/{self.city}: {self.n}"


class CatalogueFacetDate(models.Model):
    """The day whose valid certificates ``CatalogueFacetCount.cert_mask`` holds (one row).

    Certificates expire with the calendar, not with a write: until the daily rebuild
    moves this date on, the triggers keep computing masks as of this day, so a business
    is always taken out of the row it was put in."""

    valid_on = models.DateField(_("certificates valid on"), primary_key=True)

    class Meta:
        verbose_name = _("catalogue facet date")
        verbose_name_plural = _("catalogue facet dates")

    def __str__(self) -> str:
        return str(self.valid_on)
