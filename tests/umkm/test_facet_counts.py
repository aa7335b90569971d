"""The catalogue's facet counts per category, place, verified flag and valid certification
kinds (``CatalogueFacetCount``, issue 19) on PostgreSQL: every write a supplier, a
reviewer or staff makes keeps it, and the key each product carries for a search's facets
(``Product.facet_province``/``facet_cert_mask``), equal to a recount from scratch,
certificates that expire at midnight leave both with the daily job, and the catalogue's
counts read from them are the ones counting the products gives."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone

from marketplace import selectors
from umkm import search_rows as search_row_sql
from umkm import services, tasks
from umkm.facet_counts import kind_bit
from umkm.models import (
    CatalogueFacetCount,
    CatalogueFacetDate,
    CatalogueWord,
    Certification,
    ListedProductCount,
    Product,
)

from ..factories import (
    BusinessFactory,
    CategoryFactory,
    CertificationFactory,
    ListedProductFactory,
    ProductFactory,
    StaffFactory,
)
from ..support.catalogue import (
    SEARCH_ROW_FIELDS,
    counted_from_products,
    facet_rows,
    facet_rows_recounted,
    product_keys,
    product_keys_recounted,
    search_row_words,
    search_rows,
    search_rows_copied,
)

pytestmark = pytest.mark.django_db

CATALOGUE = "/catalogue/"
HALAL, SVLK = Certification.Kind.HALAL, Certification.Kind.SVLK
# What a buyer may pick that the aggregate answers, one of each and together.
FILTERS = [
    {},
    {"category": "food"},
    {"category": "rattan"},
    {"certification": "halal"},
    {"certification": "svlk", "category": "crafts"},
    {"province": "Riau"},
    {"province": "Riau", "city": "Dumai"},
    {"verified": "on"},
]


# Searches without a filter: their facets count the keys their hits carry.
SEARCHES = ["pineapple", "keripik"]


def check(client):
    """The aggregate and the products' keys equal a recount, the search rows are the
    listed products' own, and the catalogue's total and facet counts for each filter and
    search equal those counted over the products."""
    assert facet_rows() == facet_rows_recounted()
    assert 0 not in facet_rows().values()
    assert product_keys() == product_keys_recounted()
    assert search_rows() == search_rows_copied()
    services.products_refresh_search()  # (factories write no search text)
    assert search_rows() == search_rows_copied()
    # Every word a search row holds is in the dictionary that corrects misspelt searches.
    assert search_row_words() <= set(CatalogueWord.objects.values_list("word", flat=True))
    for q in SEARCHES:
        cache.clear()
        response = client.get(CATALOGUE, {"q": q})
        filters = response.context["filters"]
        assert selectors._only_searched(filters)
        total, facets = counted_from_products(filters)
        assert (response.context["total"], response.context["facets"]) == (total, facets), q
    for params in FILTERS:
        cache.clear()
        response = client.get(CATALOGUE, params)
        filters = response.context["filters"]
        assert selectors._from_aggregate(filters)
        total, facets = counted_from_products(filters)
        assert (response.context["total"], response.context["facets"]) == (total, facets), params


@pytest.fixture
def suppliers(postgres_db, settings):
    settings.ANONYMOUS_RESPONSE_CACHE_SECONDS = 0
    food = CategoryFactory(slug="food", is_food=True)
    coffee = CategoryFactory(slug="coffee", parent=food)
    crafts = CategoryFactory(slug="crafts")
    rattan = CategoryFactory(slug="rattan", parent=crafts)
    kedai = BusinessFactory(name="Kedai Nusantara")  # Pekanbaru, Riau, not verified
    anyaman = BusinessFactory(name="Anyaman Siak", verified_at=timezone.now())
    CertificationFactory(business=anyaman, kind=SVLK, number="S-1")
    bali = BusinessFactory(name="Bali Craft", province="Bali", city="Denpasar")
    return SimpleNamespace(
        food=food,
        coffee=coffee,
        crafts=crafts,
        rattan=rattan,
        kedai=kedai,
        anyaman=anyaman,
        bali=bali,
        staff=StaffFactory(),
    )


def test_the_search_row_trigger_watches_every_column_of_the_table():
    """A column the trigger did not list would be copied when a product is first listed
    and then never again (its ``WHEN`` clause would not see it change); the words are
    made from the search text, which it watches too."""
    assert {*search_row_sql.COPIED, search_row_sql.WORDS} == set(SEARCH_ROW_FIELDS)
    assert set(search_row_sql.WATCHED) == {"is_listed", *search_row_sql.COPIED, "search_text"}


def test_every_write_keeps_the_facet_counts_exact(client, suppliers):
    s = suppliers
    today = timezone.localdate()
    # Products listed, one of them reviewed and approved, drafts not counted.
    coffee = ListedProductFactory.create_batch(3, business=s.kedai, category=s.coffee)
    ListedProductFactory.create_batch(2, business=s.anyaman, category=s.rattan)
    ListedProductFactory(business=s.bali, category=s.rattan)
    ProductFactory(business=s.kedai, category=s.coffee)
    submitted = ProductFactory(business=s.bali, category=s.coffee, status="submitted")
    services.product_approve(product=submitted, reviewer=s.staff)
    check(client)

    services.product_archive(product=coffee[0], actor=s.kedai.owner)
    services.product_delete(product=coffee[1], by=s.staff)
    Product.objects.filter(pk=coffee[2].pk).update(category=s.rattan)  # a bulk change
    check(client)
    # Staff move a product to another supplier (the admin): it takes that supplier's key.
    Product.objects.filter(pk=coffee[2].pk).update(business=s.anyaman)
    assert product_keys()[coffee[2].pk] == ("Riau", kind_bit(SVLK))
    check(client)

    # The business moves to another city, then another province; staff verify it.
    services.business_update(business=s.kedai, by=s.kedai.owner, city="Dumai")
    check(client)
    services.business_update(business=s.kedai, by=s.kedai.owner, province="Bali", city="Gianyar")
    check(client)
    services.business_verify(business=s.kedai, staff=s.staff, reason="Checked by phone.")
    check(client)

    # A certificate waits for staff (no change), is verified, changed (verification
    # cleared), verified again, and a second of the same kind counts once.
    halal = services.certification_create(
        business=s.kedai, by=s.kedai.owner, kind=HALAL, number="H-1", issued_on=today
    )
    assert facet_rows() == facet_rows_recounted()
    services.certification_verify(certification=halal, staff=s.staff)
    check(client)
    halal = services.certification_update(certification=halal, by=s.kedai.owner, number="H-2")
    assert halal.verified_at is None
    check(client)
    services.certification_verify(certification=halal, staff=s.staff)
    CertificationFactory(business=s.kedai, kind=HALAL, number="H-3")
    check(client)
    services.certification_delete(certification=halal, by=s.kedai.owner)
    check(client)

    # A supplier switched off leaves every count, and comes back; another is deleted.
    services.business_update(business=s.anyaman, by=s.staff, is_active=False)
    check(client)
    services.business_update(business=s.anyaman, by=s.staff, is_active=True)
    check(client)
    services.business_delete(business=s.bali, by=s.staff)
    check(client)


def test_a_certificate_that_expires_leaves_the_counts_with_the_daily_job(
    client, suppliers, monkeypatch
):
    s = suppliers
    today = timezone.localdate()
    CertificationFactory(
        business=s.kedai, kind=HALAL, issued_on=today - timedelta(days=300), expires_on=today
    )
    ListedProductFactory.create_batch(2, business=s.kedai, category=s.coffee)
    services.catalogue_facets_rebuild()
    check(client)
    halal_bit = kind_bit(HALAL)
    assert CatalogueFacetCount.objects.get(category=s.coffee).cert_mask == halal_bit

    # Midnight: the certificate has expired without any write.
    tomorrow = today + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    # Until the job runs, writes still count it as valid: each business is taken out of
    # the row it was put in.
    product = ListedProductFactory(business=s.kedai, category=s.coffee)
    assert facet_rows() == facet_rows_recounted()
    assert product_keys() == product_keys_recounted()
    assert product_keys()[product.pk] == ("Riau", halal_bit)
    assert CatalogueFacetCount.objects.get(category=s.coffee).n == 3
    assert tasks.rebuild_catalogue_facets.apply().get() == 1
    assert CatalogueFacetDate.objects.get().valid_on == tomorrow
    assert CatalogueFacetCount.objects.get(category=s.coffee).cert_mask == 0
    check(client)
    services.product_archive(product=product, actor=s.kedai.owner)
    check(client)


def test_the_hourly_recount_and_a_bulk_recount_leave_the_same_rows(client, suppliers):
    ListedProductFactory.create_batch(2, business=suppliers.kedai, category=suppliers.coffee)
    ListedProductFactory(business=suppliers.anyaman, category=suppliers.rattan)
    before = facet_rows()
    # Drift: a row changed behind the triggers' back is put right by the hourly job.
    CatalogueFacetCount.objects.filter(category=suppliers.coffee).update(n=99)
    ListedProductCount.objects.filter(business=suppliers.anyaman).update(n=1)
    tasks.rebuild_catalogue_words.apply().get()
    assert facet_rows() == before == facet_rows_recounted()
    # The recount pauses the facet triggers for its own transaction only.
    ListedProductFactory(business=suppliers.bali, category=suppliers.coffee)
    check(client)


def test_the_facet_counts_are_rebuilt_daily_after_local_midnight(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["catalogue-facets"]
    assert entry["task"] == "umkm.tasks.rebuild_catalogue_facets"
    assert entry["schedule"].hour == {0}
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE


def test_each_certification_kind_has_its_own_bit():
    bits = [kind_bit(kind) for kind in Certification.Kind.values]
    assert len(set(bits)) == len(bits)
    assert sum(bits) < 2**31  # an integer column
