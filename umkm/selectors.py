"""Reads: export readiness, the owner's lists, the staff queues."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Prefetch, Q
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Business, Certification, Product

FOOD_PERMITS = {Certification.Kind.PIRT, Certification.Kind.BPOM_MD, Certification.Kind.BPOM_ML}
MIN_PHOTOS = 3
TRAININGS = reverse_lazy("mentoring:session-list")  # the public training calendar


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: Promise
    done: bool
    fix_url: str = ""


@dataclass(frozen=True)
class Readiness:
    items: list[CheckItem] = field(default_factory=list)

    @property
    def score(self) -> int:
        if not self.items:
            return 0
        return round(100 * sum(item.done for item in self.items) / len(self.items))

    @property
    def missing(self) -> list[CheckItem]:
        return [item for item in self.items if not item.done]


@dataclass(frozen=True)
class BusinessFacts:
    """What every product of one business shares, computed once per business."""

    valid_kinds: frozenset
    nib_verified: bool
    has_mentor: bool
    has_training: bool


def business_facts(business: Business) -> BusinessFacts:
    today = timezone.localdate()
    valid = frozenset(business.certifications.valid(on=today).values_list("kind", flat=True))
    return BusinessFacts(
        valid_kinds=valid,
        nib_verified=bool(business.nib) and business.is_verified,
        has_mentor=business.mentorships.filter(status="active").exists(),
        has_training=business.registrations.filter(status="attended").exists(),
    )


def _cert_items(facts: BusinessFacts, *, is_food: bool, fix_url: str) -> list[CheckItem]:
    if not is_food:
        return []
    return [
        CheckItem(
            "food_permit",
            _("A valid, verified PIRT or BPOM permit"),
            bool(facts.valid_kinds & FOOD_PERMITS),
            fix_url,
        ),
        CheckItem(
            "halal",
            _("A valid, verified Halal certificate"),
            Certification.Kind.HALAL in facts.valid_kinds,
            fix_url,
        ),
    ]


def product_readiness(product: Product, *, facts: BusinessFacts | None = None) -> Readiness:
    """The export checklist of one product (DESIGN "Export readiness").

    Uses ``product.image_count`` when the queryset annotated it, so lists stay at a
    constant number of queries.
    """
    facts = facts or business_facts(product.business)
    edit = reverse("umkm:product-edit", args=[product.pk])
    photos = reverse("umkm:product-images", args=[product.pk])
    certs = reverse("umkm:certification-list", args=[product.business.slug])
    image_count = getattr(product, "image_count", None)
    if image_count is None:
        image_count = product.images.count()
    items = [
        CheckItem(
            "english",
            _("English name and description"),
            bool(product.name_en and product.description_en),
            edit,
        ),
        CheckItem("photos", _("At least three photos"), image_count >= MIN_PHOTOS, photos),
        CheckItem("hs_code", _("HS code"), bool(product.hs_code), edit),
        CheckItem("fob", _("FOB price in USD"), product.fob_usd is not None, edit),
        CheckItem("moq", _("Minimum order quantity"), product.moq is not None, edit),
        CheckItem(
            "capacity",
            _("Monthly capacity and lead time"),
            product.capacity_per_month is not None and product.lead_time_days is not None,
            edit,
        ),
        *_cert_items(facts, is_food=product.category.is_food, fix_url=certs),
        CheckItem(
            "nib",
            _("Verified NIB"),
            facts.nib_verified,
            reverse("umkm:business-edit", args=[product.business.slug]),
        ),
        CheckItem("mentor", _("A mentor"), facts.has_mentor, ""),
        CheckItem("training", _("At least one completed training"), facts.has_training, TRAININGS),
    ]
    return Readiness(items)


def export_ready_q(*, today=None) -> Q:
    """The product checklist above as one SQL condition (the catalogue's filter).

    It must agree with ``product_readiness(...).score == 100``; a test checks both.
    """
    from django.db.models import Exists, OuterRef, Subquery
    from django.db.models.functions import Coalesce
    from django.db.models.lookups import GreaterThanOrEqual

    from mentoring.models import Mentorship, Registration

    from .models import ProductImage

    today = today or timezone.localdate()
    valid = Certification.objects.filter(
        business=OuterRef("business"), verified_at__isnull=False
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    photos = (
        ProductImage.objects.filter(product=OuterRef("pk"))
        .values("product")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        ~Q(name_en="")
        & ~Q(description_en="")
        & ~Q(hs_code="")
        & Q(fob_usd__isnull=False, moq__isnull=False)
        & Q(capacity_per_month__isnull=False, lead_time_days__isnull=False)
        & Q(business__verified_at__isnull=False)
        & ~Q(business__nib="")
        & Q(Exists(Mentorship.objects.filter(business=OuterRef("business"), status="active")))
        & Q(Exists(Registration.objects.filter(business=OuterRef("business"), status="attended")))
        & Q(GreaterThanOrEqual(Coalesce(Subquery(photos), 0), MIN_PHOTOS))
        & (
            Q(category__is_food=False)
            | (
                Q(Exists(valid.filter(kind__in=FOOD_PERMITS)))
                & Q(Exists(valid.filter(kind=Certification.Kind.HALAL)))
            )
        )
    )


def business_readiness(business: Business, *, facts: BusinessFacts | None = None) -> Readiness:
    facts = facts or business_facts(business)
    edit = reverse("umkm:business-edit", args=[business.slug])
    is_food = business.sector == Business.Sector.FOOD
    listed = business.products.filter(is_listed=True).exists()
    items = [
        CheckItem(
            "english", _("English description of the business"), bool(business.description_en), edit
        ),
        CheckItem("nib", _("Verified NIB"), facts.nib_verified, edit),
        *_cert_items(
            facts, is_food=is_food, fix_url=reverse("umkm:certification-list", args=[business.slug])
        ),
        CheckItem("mentor", _("A mentor"), facts.has_mentor, ""),
        CheckItem("training", _("At least one completed training"), facts.has_training, TRAININGS),
        CheckItem(
            "listed",
            _("At least one product listed"),
            listed,
            reverse("umkm:product-list", args=[business.slug]),
        ),
        CheckItem(
            "contact",
            _("Phone or WhatsApp and an email for buyers"),
            bool((business.phone or business.whatsapp) and business.contact_email),
            edit,
        ),
    ]
    return Readiness(items)


def products_for_owner_list(business: Business):
    """The owner's product list: one query for products, one for first photos."""
    from .models import ProductImage

    return (
        business.products.select_related("category", "business")
        .annotate(image_count=Count("images"))
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))
        )
        .order_by("status", "-updated_at")
    )


def status_counts(business: Business) -> dict[str, int]:
    counts = business.products.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Product.Status.values}
    )
    return counts


# Staff work queues (the queues page and the verification page) ------------------------

EXPIRY_HORIZON_DAYS = 30  # staff see verified certificates expiring within this many days


def businesses_awaiting_verification():
    """Active businesses no staff member has verified yet, oldest first."""
    return (
        Business.objects.active()
        .filter(verified_at__isnull=True)
        .select_related("owner")
        .order_by("created_at", "pk")
    )


def certifications_awaiting_verification():
    """Certificates of active businesses waiting for a staff check, oldest first."""
    return (
        Certification.objects.filter(verified_at__isnull=True, business__is_active=True)
        .select_related("business")
        .order_by("created_at", "pk")
    )


def certifications_expiring(*, today=None, within_days: int = EXPIRY_HORIZON_DAYS):
    """Verified certificates of active businesses that expire within ``within_days``
    or have already expired (they no longer count), the soonest expiry first."""
    today = today or timezone.localdate()
    return (
        Certification.objects.filter(
            verified_at__isnull=False,
            expires_on__lte=today + timedelta(days=within_days),
            business__is_active=True,
        )
        .select_related("business")
        .order_by("expires_on", "pk")
    )
