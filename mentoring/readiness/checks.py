"""Export readiness, declared once (DESIGN "Export readiness").

``CHECKS`` is the one list. Each check has its key and label, its scope (the product's
own fields, or facts of its business), the checklists it appears on, where the owner
fixes it, and its condition twice over the same facts: ``passes`` in Python for one
page and ``condition`` as a ``Q`` for SQL. ``CHECKLISTS`` says, the same two ways, when
a checklist is a food one (food checks apply only there). Everything else is derived
in ``mentoring.readiness.selectors``: the owners' checklists and scores, the catalogue's
export-ready filter, the programme's scores of many businesses in one query, the gaps
a mentor may tie an action item to, the mentors' mentee scores.
``tests/mentoring/readiness/test_python_and_sql_agree.py`` generates businesses and products and
proves that both halves of every check agree.

readiness reads business facts (umkm) and mentoring facts (``mentoring.models``), and
is used by mentoring's services, selectors and views and by marketplace and the staff
figures: it sits between mentoring's models and the rest of mentoring, without a cycle.
umkm never imports it; its pages compose the checklists with ``{% load readiness %}``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _

from mentoring.models import Mentorship, Registration
from umkm.models import Business, Certification, Product, ProductImage

PRODUCT = "product"  # a product's checklist, and the scope of a check about the product
BUSINESS = "business"  # a business's checklist, and the scope of a check about the business

FOOD_PERMITS = frozenset(
    {Certification.Kind.PIRT, Certification.Kind.BPOM_MD, Certification.Kind.BPOM_ML}
)
MIN_PHOTOS = 3


@dataclass(frozen=True)
class Facts:
    """What the business checks read beyond the business's own row, computed once per
    business (``mentoring.readiness.selectors.business_facts``) so that a list of its products
    costs no more queries than one product. ``has_listed`` is left out (None) where
    only product checklists are shown; the business checklist then asks for it."""

    valid_kinds: frozenset = frozenset()
    has_mentor: bool = False
    has_training: bool = False
    has_listed: bool | None = None


class Subject:
    """What the Python side of a check reads: a business, its facts, and the product
    whose checklist it is (None on the business's checklist)."""

    def __init__(self, business: Business, facts: Facts, product: Product | None = None):
        self.business = business
        self.facts = facts
        self.product = product

    @cached_property
    def image_count(self) -> int:
        """``product.image_count`` when the queryset annotated it, else one query."""
        count = getattr(self.product, "image_count", None)
        return self.product.images.count() if count is None else count

    @cached_property
    def has_listed(self) -> bool:
        if self.facts.has_listed is not None:
            return self.facts.has_listed
        return self.business.products.filter(is_listed=True).exists()


@dataclass(frozen=True)
class Path:
    """Where the business is, seen from the rows a condition filters: the business row
    itself (the bulk scores) or a product's business (the export-ready filter)."""

    prefix: str
    outer: str

    def __call__(self, lookup: str) -> str:
        return self.prefix + lookup

    def ref(self) -> OuterRef:
        return OuterRef(self.outer)


FROM_BUSINESS = Path("", "pk")
FROM_PRODUCT = Path("business__", "business")


@dataclass(frozen=True)
class Fix:
    """Where the owner fixes a missing item: a URL name and its arguments, and the exact
    place on that page — the form field (``anchor``, e.g. ``id_hs_code``) or a form
    preset by ``query`` (the certificate form with the kind chosen)."""

    url_name: str
    args: Callable[[Subject], tuple] = lambda subject: ()
    anchor: str = ""
    query: str = ""

    def url(self, subject: Subject) -> str:
        url = reverse(self.url_name, args=self.args(subject))
        if self.query:
            url = f"{url}?{self.query}"
        return f"{url}#{self.anchor}" if self.anchor else url


@dataclass(frozen=True)
class FixFirst:
    """The fix of the first step still missing: ``steps`` are (done?, fix) pairs, and
    the last fix applies when every earlier step is done."""

    steps: tuple[tuple[Callable[[Subject], bool], Fix], ...]
    otherwise: Fix

    def url(self, subject: Subject) -> str:
        for done, fix in self.steps:
            if not done(subject):
                return fix.url(subject)
        return self.otherwise.url(subject)


@dataclass(frozen=True)
class Check:
    key: str
    label: Promise
    scope: str  # PRODUCT: reads the product's own fields; BUSINESS: its business
    on: frozenset  # the checklists it appears on
    passes: Callable[[Subject], bool]
    condition: Callable[[Path, date], Q]  # the same in SQL; product checks filter products
    fix: Fix | FixFirst | None = None
    food_only: bool = False  # only on food checklists (see CHECKLISTS)
    action_item: bool = True  # a mentor may tie an action item to this gap


@dataclass(frozen=True)
class Checklist:
    """A checklist's rows and when it is a food one, in Python and in SQL."""

    name: str
    path: Path  # how its rows reach the business
    is_food: Callable[[Subject], bool]
    food: Q  # the same on its rows


CHECKLISTS = {
    PRODUCT: Checklist(
        PRODUCT, FROM_PRODUCT, lambda s: s.product.category.is_food, Q(category__is_food=True)
    ),
    BUSINESS: Checklist(
        BUSINESS,
        FROM_BUSINESS,
        lambda s: s.business.sector == Business.Sector.FOOD,
        Q(sector=Business.Sector.FOOD),
    ),
}

ONLY_PRODUCTS = frozenset({PRODUCT})
ONLY_BUSINESSES = frozenset({BUSINESS})
BOTH = frozenset({PRODUCT, BUSINESS})


def _edit_product(field: str) -> Fix:
    """The product's edit form, at ``field``."""
    return Fix("umkm:product-edit", lambda s: (s.product.pk,), anchor=f"id_{field}")


def _edit_business(field: str) -> Fix:
    """The business profile form, at ``field``."""
    return Fix("umkm:business-edit", lambda s: (s.business.slug,), anchor=f"id_{field}")


def _add_certificate(kind: str) -> Fix:
    """The "Add a certificate" form of the legal papers page, with ``kind`` chosen."""
    return Fix(
        "umkm:certification-list",
        lambda s: (s.business.slug,),
        anchor="add-certificate",
        query=f"kind={kind}",
    )


def _photos(at: Path, today: date) -> Q:
    count = (
        ProductImage.objects.filter(product=OuterRef("pk"))
        .values("product")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Q(GreaterThanOrEqual(Coalesce(Subquery(count), 0), MIN_PHOTOS))


def _valid_certificate(at: Path, today: date, **kind) -> Q:
    return Q(Exists(Certification.objects.valid(on=today).filter(business=at.ref(), **kind)))


CHECKS: tuple[Check, ...] = (
    # The product's own export facts.
    Check(
        "english",
        _("English name and description"),
        PRODUCT,
        ONLY_PRODUCTS,
        passes=lambda s: bool(s.product.name_en and s.product.description_en),
        condition=lambda at, today: ~Q(name_en="") & ~Q(description_en=""),
        fix=FixFirst(
            steps=((lambda s: bool(s.product.name_en), _edit_product("name_en")),),
            otherwise=_edit_product("description_en"),
        ),
    ),
    Check(
        "photos",
        _("At least three photos"),
        PRODUCT,
        ONLY_PRODUCTS,
        passes=lambda s: s.image_count >= MIN_PHOTOS,
        condition=_photos,
        fix=Fix("umkm:product-images", lambda s: (s.product.pk,)),
    ),
    Check(
        "hs_code",
        _("HS code"),
        PRODUCT,
        ONLY_PRODUCTS,
        passes=lambda s: bool(s.product.hs_code),
        condition=lambda at, today: ~Q(hs_code=""),
        fix=_edit_product("hs_code"),
    ),
    Check(
        "fob",
        _("FOB price in USD"),
        PRODUCT,
        ONLY_PRODUCTS,
        passes=lambda s: s.product.fob_usd is not None,
        condition=lambda at, today: Q(fob_usd__isnull=False),
        fix=_edit_product("fob_usd"),
    ),
    Check(
        "moq",
        _("Minimum order quantity"),
        PRODUCT,
        ONLY_PRODUCTS,
        passes=lambda s: s.product.moq is not None,
        condition=lambda at, today: Q(moq__isnull=False),
        fix=_edit_product("moq"),
    ),
    Check(
        "capacity",
        _("Monthly capacity and lead time"),
        PRODUCT,
        ONLY_PRODUCTS,
        passes=lambda s: (
            s.product.capacity_per_month is not None and s.product.lead_time_days is not None
        ),
        condition=lambda at, today: Q(
            capacity_per_month__isnull=False, lead_time_days__isnull=False
        ),
        fix=_edit_product("capacity_per_month"),
    ),
    # The business: its papers, its mentor and training, and what buyers need of it.
    Check(
        "english",
        _("English description of the business"),
        BUSINESS,
        ONLY_BUSINESSES,
        passes=lambda s: bool(s.business.description_en),
        condition=lambda at, today: ~Q(**{at("description_en"): ""}),
        fix=_edit_business("description_en"),
    ),
    Check(
        "nib",
        _("Verified NIB"),
        BUSINESS,
        BOTH,
        passes=lambda s: bool(s.business.nib) and s.business.is_verified,
        condition=lambda at, today: Q(**{at("verified_at__isnull"): False}) & ~Q(**{at("nib"): ""}),
        # No number yet: the profile's NIB field; else the NIB document staff check.
        fix=FixFirst(
            steps=((lambda s: bool(s.business.nib), _edit_business("nib")),),
            otherwise=_add_certificate(Certification.Kind.NIB),
        ),
    ),
    Check(
        "food_permit",
        _("A valid, verified PIRT or BPOM permit"),
        BUSINESS,
        BOTH,
        passes=lambda s: bool(s.facts.valid_kinds & FOOD_PERMITS),
        condition=lambda at, today: _valid_certificate(at, today, kind__in=FOOD_PERMITS),
        fix=_add_certificate(Certification.Kind.PIRT),
        food_only=True,
    ),
    Check(
        "halal",
        _("A valid, verified Halal certificate"),
        BUSINESS,
        BOTH,
        passes=lambda s: Certification.Kind.HALAL in s.facts.valid_kinds,
        condition=lambda at, today: _valid_certificate(at, today, kind=Certification.Kind.HALAL),
        fix=_add_certificate(Certification.Kind.HALAL),
        food_only=True,
    ),
    Check(
        "mentor",
        _("A mentor"),
        BUSINESS,
        BOTH,
        passes=lambda s: s.facts.has_mentor,
        condition=lambda at, today: Q(
            Exists(Mentorship.objects.active().filter(business=at.ref()))
        ),
        fix=Fix("mentoring:mentor-directory"),  # where an owner asks a mentor
        action_item=False,  # a mentee has one by definition
    ),
    Check(
        "training",
        _("At least one completed training"),
        BUSINESS,
        BOTH,
        passes=lambda s: s.facts.has_training,
        condition=lambda at, today: Q(
            Exists(
                Registration.objects.filter(business=at.ref(), status=Registration.Status.ATTENDED)
            )
        ),
        fix=Fix("mentoring:session-list"),  # the public training calendar
        action_item=False,
    ),
    Check(
        "listed",
        _("At least one product listed"),
        BUSINESS,
        ONLY_BUSINESSES,
        passes=lambda s: s.has_listed,
        condition=lambda at, today: Q(
            Exists(Product.objects.filter(business=at.ref(), is_listed=True))
        ),
        fix=Fix("umkm:product-list", lambda s: (s.business.slug,)),
    ),
    Check(
        "contact",
        _("Phone or WhatsApp and an email for buyers"),
        BUSINESS,
        ONLY_BUSINESSES,
        passes=lambda s: bool(
            (s.business.phone or s.business.whatsapp) and s.business.contact_email
        ),
        condition=lambda at, today: (
            (~Q(**{at("phone"): ""}) | ~Q(**{at("whatsapp"): ""})) & ~Q(**{at("contact_email"): ""})
        ),
        fix=_edit_business("phone"),
    ),
)


def checks_on(checklist: str) -> tuple[Check, ...]:
    """The checks of one checklist, in the order they are shown."""
    return tuple(check for check in CHECKS if checklist in check.on)
