"""``seed_demo --products N`` on PostgreSQL: products through ``COPY`` and, for a large
load, the product table without its secondary indexes and triggers until the end, when
the indexes, the search rows, the catalogue words, the listed counts and the facet counts
are built once (issue 19)."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from demo.loaders import bulk
from demo.loaders.umkm import bulk_products
from demo.management.commands import seed_demo
from umkm import services
from umkm.models import (
    CatalogueFacetCount,
    CatalogueSearchRow,
    CatalogueWord,
    ListedProductCount,
    Product,
)

from ..support.catalogue import (
    product_keys,
    product_keys_recounted,
    search_rows,
    search_rows_copied,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_demo_businesses(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(seed_demo, "seed_businesses", lambda: [])


def product_table() -> tuple[set[str], dict[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes "
            "WHERE tablename IN ('umkm_product', 'umkm_cataloguesearchrow')"
        )
        indexes = {name for (name,) in cursor.fetchall()}
        cursor.execute(
            "SELECT tgname, tgenabled FROM pg_trigger "
            "WHERE tgrelid = 'umkm_product'::regclass AND NOT tgisinternal"
        )
        triggers = dict(cursor.fetchall())
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'umkm_product'::regclass AND contype = 'f'"
        )
        triggers.update(cursor.fetchall())  # and the foreign keys, by name
    return indexes, triggers


@pytest.mark.parametrize("bulk_mode_from", [10_000, 100], ids=["copy", "copy-without-indexes"])
def test_a_bulk_load_leaves_the_table_its_indexes_triggers_words_and_counts(
    postgres_db, no_demo_businesses, monkeypatch, bulk_mode_from
):
    monkeypatch.setattr(bulk, "BULK_LOAD_MODE_FROM", bulk_mode_from)
    indexes, triggers = product_table()
    call_command("seed_demo", "--products=200", stdout=io.StringIO())
    assert product_table() == (indexes, triggers)
    assert {state for name, state in triggers.items() if "fk" not in name} == {"O"}  # enabled
    assert sum("FOREIGN KEY" in value for value in triggers.values()) == 2
    listed = Product.objects.filter(is_listed=True)
    assert bulk_products().count() == 200
    assert ListedProductCount.objects.aggregate(n=Sum("n"))["n"] == listed.count()
    active = Product.objects.listed().count()
    assert CatalogueFacetCount.objects.aggregate(n=Sum("n"))["n"] == active
    # Each product carries its business's key in the facets, with the triggers off too.
    assert product_keys() == product_keys_recounted()
    assert {mask for _province, mask in product_keys().values()} - {0}
    # Each listed product has its search row, written once for the whole load.
    assert search_rows() == search_rows_copied()
    assert len(search_rows()) == listed.count()
    words = set(CatalogueWord.objects.values_list("word", flat=True))
    first = bulk_products().order_by("pk").first()
    assert set(re.findall(r"[^\W_]+", first.name_en.lower())) <= words
    # Written as the services would: the search finds it, the listing timestamps are set.
    assert first.created_at is not None and first.updated_at is not None
    assert first.search_text == services.product_search_text(first)
    word = re.findall(r"[^\W_]+", first.name_en.lower())[0]
    assert CatalogueSearchRow.objects.filter(pk=first.pk, search_vector=word).exists()
