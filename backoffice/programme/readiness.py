"""Export-readiness scores of many businesses in one query.

``umkm.selectors.business_readiness`` is the definition (the checklist an owner sees);
it costs queries per business. Here every checklist item is a boolean computed by the
database, and the score comes from the same ``Readiness.score``; tests prove both agree.
"""

import datetime as dt
from functools import cache

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from mentoring.models import Mentorship, Registration
from umkm.models import Business, Certification, Product
from umkm.selectors import FOOD_PERMITS, CheckItem, Readiness

# The business checklist of umkm.selectors.business_readiness, item by item.
ITEMS = ["r_english", "r_nib", "r_mentor", "r_training", "r_listed", "r_contact"]
FOOD_ITEMS = ["r_food_permit", "r_halal"]  # only for food businesses
READINESS_FIELDS = ["pk", "sector", *ITEMS, *FOOD_ITEMS]


def _boolean(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


def with_readiness(
    businesses: QuerySet[Business], *, today: dt.date | None = None, listed: bool = True
) -> QuerySet:
    """Annotate each checklist item as an ``r_…`` boolean.

    ``listed=False`` leaves ``r_listed`` out, for a caller that already counted the
    listed products per business (it must then add ``r_listed`` to each row).
    """
    today = today or timezone.localdate()
    valid = Certification.objects.filter(business=OuterRef("pk"), verified_at__isnull=False).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )
    if listed:
        businesses = businesses.annotate(
            r_listed=Exists(Product.objects.filter(business=OuterRef("pk"), is_listed=True))
        )
    return businesses.annotate(
        r_english=_boolean(~Q(description_en="")),
        r_nib=_boolean(Q(verified_at__isnull=False) & ~Q(nib="")),
        r_contact=_boolean((~Q(phone="") | ~Q(whatsapp="")) & ~Q(contact_email="")),
        r_food_permit=Exists(valid.filter(kind__in=FOOD_PERMITS)),
        r_halal=Exists(valid.filter(kind=Certification.Kind.HALAL)),
        r_mentor=Exists(
            Mentorship.objects.filter(business=OuterRef("pk"), status=Mentorship.Status.ACTIVE)
        ),
        r_training=Exists(
            Registration.objects.filter(
                business=OuterRef("pk"), status=Registration.Status.ATTENDED
            )
        ),
    )


@cache
def _score(items: int, done: int) -> int:
    """``Readiness.score`` of a checklist with ``done`` of ``items`` items done."""
    return Readiness([CheckItem(str(i), "", i < done) for i in range(items)]).score


def readiness_score(row: dict) -> int:
    """The score of one row of ``with_readiness(...).values(*READINESS_FIELDS)``."""
    names = ITEMS + FOOD_ITEMS if row["sector"] == Business.Sector.FOOD else ITEMS
    return _score(len(names), sum(bool(row[name]) for name in names))


def readiness_scores(
    businesses: QuerySet[Business], *, today: dt.date | None = None
) -> dict[int, int]:
    """Business id → readiness score (0–100), in one query."""
    rows = with_readiness(businesses, today=today).order_by().values(*READINESS_FIELDS)
    return {row["pk"]: readiness_score(row) for row in rows}
