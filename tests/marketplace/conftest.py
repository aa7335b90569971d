"""The marketplace's shared data set: the ``shop`` (five listed products, three suppliers)."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from umkm import services

from ..factories import (
    AttendedRegistrationFactory,
    BusinessFactory,
    CategoryFactory,
    CertificationFactory,
    ListedProductFactory,
    MentorshipFactory,
)
from ..support.catalogue import add_photos


@pytest.fixture
def shop(db):
    """Five listed products from three suppliers, in two top categories.

    ============  ==========  ========  ====  =====  ====  ======  ==========
    slug          category    supplier  MOQ   FOB    lead  sample  listed
    ============  ==========  ========  ====  =====  ====  ======  ==========
    kopi          coffee      riau      100   2.10   14    yes     5 days ago
    kopi-dumai    coffee      dumai     500   5.00   30    no      4 days ago
    keripik       snacks      riau      50    (IDR)  7     yes     3 days ago
    kursi         rattan      bandung   20    12.50  45    no      2 days ago
    tikar         crafts      bandung   10    3.00   —     no      1 day ago
    ============  ==========  ========  ====  =====  ====  ======  ==========

    riau: verified, Halal and PIRT valid, a mentor, a completed training. dumai: not
    verified, its Halal is expired and its PIRT unverified. bandung: verified, SVLK
    valid, a mentor, a completed training.
    Export-ready: kopi and kursi.
    """
    now, today = timezone.now(), timezone.localdate()
    food = CategoryFactory(slug="food", name_en="Food", name_id="Makanan", is_food=True)
    coffee = CategoryFactory(
        slug="coffee", name_en="Coffee", name_id="Kopi", parent=food, is_food=True
    )
    snacks = CategoryFactory(
        slug="snacks", name_en="Snacks", name_id="Camilan", parent=food, is_food=True
    )
    crafts = CategoryFactory(slug="crafts", name_en="Crafts", name_id="Kerajinan")
    rattan = CategoryFactory(slug="rattan", name_en="Rattan", name_id="Rotan", parent=crafts)

    riau = BusinessFactory(name="Riau Roasters", city="Pekanbaru", verified_at=now)
    dumai = BusinessFactory(name="Dumai Kopi", city="Dumai")
    bandung = BusinessFactory(
        name="Bandung Rattan", province="Jawa Barat", city="Bandung", verified_at=now
    )
    CertificationFactory(business=riau, kind="halal")
    CertificationFactory(business=riau, kind="pirt", expires_on=today + timedelta(days=365))
    CertificationFactory(
        business=dumai,
        kind="halal",
        issued_on=today - timedelta(days=400),
        expires_on=today - timedelta(days=1),
    )
    CertificationFactory(business=dumai, kind="pirt", verified_at=None)
    CertificationFactory(business=bandung, kind="svlk", expires_on=today + timedelta(days=30))
    MentorshipFactory(business=riau)
    MentorshipFactory(business=bandung)
    AttendedRegistrationFactory(business=riau)
    AttendedRegistrationFactory(business=bandung)

    def product(slug, business, category, days, **fields):
        return ListedProductFactory(
            slug=slug,
            business=business,
            category=category,
            listed_at=now - timedelta(days=days),
            name_en=f"{slug} product",
            name_id=f"produk {slug}",
            **fields,
        )

    kopi = product(
        "kopi",
        riau,
        coffee,
        5,
        moq=100,
        fob_usd=Decimal("2.10"),
        lead_time_days=14,
        sample_available=True,
    )
    kopi_dumai = product(
        "kopi-dumai", dumai, coffee, 4, moq=500, fob_usd=Decimal("5.00"), lead_time_days=30
    )
    keripik = product(
        "keripik",
        riau,
        snacks,
        3,
        moq=50,
        fob_usd=None,
        price_idr=Decimal(30000),
        lead_time_days=7,
        sample_available=True,
    )
    kursi = product(
        "kursi", bandung, rattan, 2, moq=20, fob_usd=Decimal("12.50"), lead_time_days=45
    )
    tikar = product(
        "tikar", bandung, crafts, 1, moq=10, fob_usd=Decimal("3.00"), lead_time_days=None
    )
    add_photos([kopi, kopi_dumai, kursi], 3)
    add_photos([keripik], 1)
    services.products_refresh_search()
    return SimpleNamespace(
        riau=riau,
        dumai=dumai,
        bandung=bandung,
        food=food,
        coffee=coffee,
        crafts=crafts,
        kopi=kopi,
        kopi_dumai=kopi_dumai,
        keripik=keripik,
        kursi=kursi,
        tikar=tikar,
    )
