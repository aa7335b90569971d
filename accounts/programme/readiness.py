"""Export-readiness scores of many businesses in one query.

``umkm.selectors.business_readiness`` is the definition (the checklist an owner sees);
it costs queries per business. Here the same checklist items are SQL annotations, and
the score is computed by the same ``Readiness.score``; a test proves both agree.
"""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from mentoring.models import Mentorship, Registration
from umkm.models import Business, Certification, Product
from umkm.selectors import FOOD_PERMITS, CheckItem, Readiness

READINESS_FIELDS = [
    "pk",
    "sector",
    "description_en",
    "nib",
    "verified_at",
    "phone",
    "whatsapp",
    "contact_email",
    "r_food_permit",
    "r_halal",
    "r_mentor",
    "r_training",
    "r_listed",
]


def with_readiness(businesses: QuerySet[Business], *, today: dt.date | None = None) -> QuerySet:
    """Annotate the checklist items that need other tables (``r_…`` booleans)."""
    today = today or timezone.localdate()
    valid = Certification.objects.filter(business=OuterRef("pk"), verified_at__isnull=False).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )
    return businesses.annotate(
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
        r_listed=Exists(Product.objects.filter(business=OuterRef("pk"), is_listed=True)),
    )


def readiness_score(row: dict) -> int:
    """The score of one row of ``with_readiness(...).values(*READINESS_FIELDS)``."""
    done = [
        bool(row["description_en"]),  # english
        bool(row["nib"]) and row["verified_at"] is not None,  # nib
    ]
    if row["sector"] == Business.Sector.FOOD:
        done += [row["r_food_permit"], row["r_halal"]]
    done += [
        row["r_mentor"],
        row["r_training"],
        row["r_listed"],
        bool((row["phone"] or row["whatsapp"]) and row["contact_email"]),  # contact
    ]
    return Readiness([CheckItem(str(i), "", bool(ok)) for i, ok in enumerate(done)]).score


def readiness_scores(
    businesses: QuerySet[Business], *, today: dt.date | None = None
) -> dict[int, int]:
    """Business id → readiness score (0–100), in one query."""
    rows = with_readiness(businesses, today=today).order_by().values(*READINESS_FIELDS)
    return {row["pk"]: readiness_score(row) for row in rows}
