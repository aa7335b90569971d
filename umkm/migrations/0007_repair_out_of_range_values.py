"""Bring stored values inside the bounds that the next migration's CHECK constraints
enforce (see ``core.bounds``), so that adding them cannot fail on existing rows.

A nullable figure out of range becomes "not stated" (the owner enters it again); a
required one moves to the nearest bound. A business whose scale contradicts its assets
and turnover gets the smallest scale they fit (PP 7/2021, either criterion); one whose
figures fit no scale at all cannot be repaired without a person: the migration stops
and names it.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations
from django.db.models import Q

from core.bounds import repair_range

# Frozen here as they were when the constraint was added.
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2100, 12, 31)
MAX_FIGURE = Decimal(10_000_000_000_000)
SCALE_BANDS = {
    "mikro": (0, 1_000_000_000, 0, 2_000_000_000),
    "kecil": (1_000_000_000, 5_000_000_000, 2_000_000_000, 15_000_000_000),
    "menengah": (5_000_000_000, 10_000_000_000, 15_000_000_000, 50_000_000_000),
}


def _fits(scale: str) -> Q:
    a_low, a_high, t_low, t_high = SCALE_BANDS[scale]
    above = "gte" if scale == "mikro" else "gt"
    return Q(**{f"assets_idr__{above}": a_low, "assets_idr__lte": a_high}) | Q(
        **{f"annual_turnover_idr__{above}": t_low, "annual_turnover_idr__lte": t_high}
    )


def repair(apps, schema_editor):
    Business = apps.get_model("umkm", "Business")
    Certification = apps.get_model("umkm", "Certification")
    Product = apps.get_model("umkm", "Product")
    PriceTier = apps.get_model("umkm", "PriceTier")

    repair_range(Business, "assets_idr", 0, MAX_FIGURE)
    repair_range(Business, "annual_turnover_idr", 0, MAX_FIGURE)
    repair_range(Business, "founded_year", 1900, 2100)
    repair_range(Business, "employees", 0, 100_000)
    consistent = Q()
    for scale in SCALE_BANDS:
        consistent |= Q(scale=scale) & _fits(scale)
    for scale in SCALE_BANDS:  # the smallest fitting scale first
        Business.objects.exclude(consistent).filter(_fits(scale)).update(scale=scale)
    stuck = list(Business.objects.exclude(consistent).values_list("slug", flat=True)[:20])
    if stuck:
        raise RuntimeError(
            "These businesses' assets and turnover fit no PP 7/2021 scale; correct them "
            f"in the admin, then migrate again: {', '.join(stuck)}"
        )

    # The expiry first, so that no step puts it before the issue date. Empty means "does
    # not expire": right for a typed 9999, wrong for an expiry long past, which stays
    # past (1 January 2000).
    certificates = Certification.objects.all()
    certificates.filter(expires_on__lt=EARLIEST_DATE).update(expires_on=EARLIEST_DATE)
    certificates.filter(expires_on__gt=LATEST_DATE).update(expires_on=None)
    repair_range(Certification, "issued_on", EARLIEST_DATE, LATEST_DATE)

    repair_range(Product, "moq", 1, 1_000_000_000)
    repair_range(Product, "capacity_per_month", 1, 1_000_000_000)
    repair_range(Product, "price_idr", 0, Decimal(10_000_000_000))
    repair_range(Product, "fob_usd", Decimal("0.01"), Decimal(1_000_000))
    repair_range(Product, "sample_price_usd", 0, Decimal(1_000_000))
    repair_range(Product, "lead_time_days", 0, 365)
    repair_range(Product, "shelf_life_days", 1, 3650)
    repair_range(Product, "weight_grams", 1, 100_000_000)

    # A tier beyond a billion units or a million dollars is a typo; "and more" instead
    # of an impossible upper end, no tier instead of an impossible start or price.
    repair_range(PriceTier, "max_quantity", 1, 1_000_000_000)
    PriceTier.objects.filter(
        Q(min_quantity__gt=1_000_000_000) | Q(price_usd__gt=1_000_000) | Q(price_usd__lt="0.01")
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("umkm", "0006_catalogue_word"),
    ]

    operations = [
        migrations.RunPython(repair, migrations.RunPython.noop),
    ]
