"""``seed_demo --products N`` on PostgreSQL: products made by the server (``INSERT …
SELECT``) and, for a large load, the product table without its secondary indexes and
triggers until the end, when the indexes, the search rows, the catalogue words, the
listed counts and the facet counts are built once (issue 19)."""

import io
import re
import threading
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import DataError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from demo.loaders import bulk
from demo.loaders.umkm import bulk_products, product_lines, seed_categories
from demo.management.commands import seed_demo
from umkm import search_rows as search_rows_sql
from umkm import services
from umkm.models import (
    Business,
    CatalogueFacetCount,
    CatalogueSearchRow,
    CatalogueWord,
    Category,
    ListedProductCount,
    Product,
    normalise_hs_code,
)

from ..factories import ListedProductFactory
from ..support.catalogue import (
    product_keys,
    product_keys_recounted,
    search_row_words,
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
    # The dictionary of catalogue words holds exactly the listed products' words.
    words = set(CatalogueWord.objects.values_list("word", flat=True))
    assert words == search_row_words()
    first = bulk_products().order_by("pk").first()
    assert set(re.findall(r"[^\W_]+", first.name_en.lower())) <= words
    # Written as the services would: the search finds it, the listing timestamps are set.
    assert first.created_at is not None and first.updated_at is not None
    assert all(p.search_text == services.product_search_text(p) for p in bulk_products())
    word = re.findall(r"[^\W_]+", first.name_en.lower())[0]
    assert CatalogueSearchRow.objects.filter(pk=first.pk, search_vector=word).exists()

    # The product table's own ids go on after the load's (which reserved them).
    loaded = max(search_rows())
    later = ListedProductFactory()
    assert later.pk > loaded
    assert later.pk in search_rows()


@pytest.mark.parametrize("bulk_mode_from", [10_000, 100], ids=["triggers", "without-indexes"])
def test_the_server_makes_each_product_as_its_number_says(
    postgres_db, no_demo_businesses, monkeypatch, bulk_mode_from
):
    """On PostgreSQL the server makes the rows (``BulkProducts.insert_products``), on
    SQLite Python does (``BulkProducts.row``): the same products, column by column, a
    second, larger seed's too (drawn among its larger number of businesses)."""
    monkeypatch.setattr(bulk, "BULK_LOAD_MODE_FROM", bulk_mode_from)
    stamps = {"id", "created_at", "updated_at"}
    columns = [f.attname for f in Product._meta.concrete_fields if f.attname not in stamps]
    for seeded, size in [(0, 150), (150, 300)]:
        call_command("seed_demo", f"--products={size}", stdout=io.StringIO())
        plan = bulk.BulkProducts.make()  # (the businesses of this size)
        stored = bulk_products().order_by("slug")[seeded:]
        stored = list(stored.values(*columns, "created_at", "updated_at"))
        assert len(stored) == size - seeded
        for number, row in enumerate(stored, start=seeded + 1):
            made = replace(plan, now=row.pop("created_at"))
            assert row.pop("updated_at") == made.now
            expected = {**made.line(number).columns, **made.row(number)}
            assert row == {column: expected[column] for column in columns}, number
    # Drawn over all the businesses, in their sectors.
    assert bulk_products().values("business_id").distinct().count() == 8
    assert (
        not bulk_products()
        .exclude(
            business__sector__in=[
                "food",
                "fisheries",
                "crafts",
                "fashion",
                "furniture",
                "agriculture",
                "cosmetics",
            ]
        )
        .exists()
    )


def test_draws_spread_evenly_over_the_choices_and_the_price_band():
    """A product's supplier and price are drawn from its number alone (``bulk._draw``):
    every choice about as often as any other, prices over the whole band."""
    counts = Counter(bulk._draw(n, bulk._SUPPLIER_DRAW, 25) for n in range(1, 40_001))
    assert set(counts) == set(range(25))
    assert max(counts.values()) - min(counts.values()) < 0.05 * 1600
    prices = [bulk._price(100_000, bulk._draw(n, bulk._PRICE_DRAW, 10_000)) for n in range(1, 5001)]
    assert 85_000 <= min(prices) < 85_100 and 124_900 < max(prices) <= 125_000
    assert bulk._fob_usd(1) == Decimal("0.05")  # never under 5 cents
    assert bulk._fob_usd(163_000) == Decimal("8.00")  # 80 % at 16,300 rupiah to the dollar


def test_a_product_s_words_are_its_text_parts_words_joined_for_every_product_line(postgres_db):
    """A large load makes each product's words from the words of its search text's three
    parts (``bulk.BulkProducts.insert_search_rows``): the same vector as the whole text's, positions
    included, for every product line and variant, with any supplier's name."""
    seed_categories()
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    specs = [bulk.ProductSpec.from_row(row) for line in product_lines().values() for row in line]
    variants = [(v["id"], v["en"]) for v in bulk.bulk_vocabulary()["variants"]]
    now = timezone.now()
    lines = [
        bulk.ProductLine.of(
            spec, variant, categories[spec.category], normalise_hs_code(spec.hs_code), now, key=0
        )
        for spec in specs
        for variant in variants
    ]
    suppliers = [
        services.supplier_search_words(Business(name=name, city=city))
        for name, city in [
            ("Anyaman Sentosa Rumbai Kerajinan 04753", "Pekanbaru"),
            ("CV. Kopi-Tiam Riau's (Siak) & Co.", "Siak Sri Indrapura"),
            ("UD 3.5 Jaya/Makmur", ""),
            ("", ""),
        ]
    ]
    assert len(lines) > 100 and all(line.words and line.code for line in lines)
    parts = [(line.words, supplier, line.code) for line in lines for supplier in suppliers]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT line, supplier, code FROM unnest(%s::text[], %s::text[], %s::text[]) "
            "AS part (line, supplier, code) "
            "WHERE to_tsvector('simple', concat_ws(' ', line, nullif(supplier, ''), code)) "
            "IS DISTINCT FROM to_tsvector('simple', line) || to_tsvector('simple', supplier) "
            "|| to_tsvector('simple', code)",
            [list(column) for column in zip(*parts, strict=True)],
        )
        assert cursor.fetchall() == []


def search_index() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'catalogue_search_vector_idx'"
        )
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.mark.django_db(transaction=True)
def test_statements_alongside_run_on_a_second_connection_once_committed(postgres_db):
    """``Alongside`` (which builds a large load's search index while ``seed_demo`` goes
    on) runs its statements on a thread of its own after the commit, and leaving the
    block waits for them. (A test that leaves no rows: a flush after the bulk load's
    facet rows is another test's business.)"""
    ran = []
    run = bulk.Alongside._run

    def spy(self, statements):
        ran.append(threading.current_thread() is threading.main_thread())
        run(self, statements)

    probe = "CREATE TABLE alongside_probe (pid int DEFAULT pg_backend_pid())"
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(bulk.Alongside, "_run", spy)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                [ours] = cursor.fetchone()
            with bulk.Alongside() as alongside, transaction.atomic():
                alongside.after_commit([probe, "INSERT INTO alongside_probe DEFAULT VALUES"])
                assert ran == []  # not before the commit
            assert ran == [False]  # on another thread, and waited for
            with connection.cursor() as cursor:
                cursor.execute("SELECT pid FROM alongside_probe")
                [(theirs,)] = cursor.fetchall()
            assert theirs != ours  # on another connection
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS alongside_probe")


@pytest.mark.django_db(transaction=True)
def test_a_statement_that_fails_alongside_is_raised_on_leaving(postgres_db):
    with (
        pytest.raises(DataError, match="division by zero"),
        bulk.Alongside() as alongside,
        transaction.atomic(),
    ):
        alongside.after_commit(["SELECT 1/0"])


def test_a_seed_whose_search_index_is_missing_builds_it_again(
    postgres_db, no_demo_businesses, monkeypatch
):
    """A seed stopped before the index was built: the next run adds no products and
    builds it."""
    monkeypatch.setattr(bulk, "BULK_LOAD_MODE_FROM", 100)
    call_command("seed_demo", "--products=200", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute(search_rows_sql.DROP_INDEX)
    assert search_index() is None
    out = io.StringIO()
    call_command("seed_demo", "--products=200", stdout=out)
    assert "Benchmark products: 0 added" in out.getvalue()
    assert "USING gin (search_vector)" in search_index()


def test_copied_rows_keep_tabs_newlines_and_backslashes_and_their_own_times(postgres_db):
    """``_write_all`` writes COPY's text format itself: a value holding its separators
    comes back as it was, and a creation time given is kept (not stamped "now")."""
    name = "Tab\there, a new\nline, a back\\slash\\N and a\rreturn"
    joined = timezone.now() - timedelta(days=400)
    [user] = bulk._write_all(
        User, [User(email="copy@bench.jembatan.id", full_name=name, date_joined=joined)]
    )
    stored = User.objects.get(pk=user.pk)
    assert (stored.full_name, stored.date_joined, stored.last_login) == (name, joined, None)
    # A second row takes the next id of the table's own sequence.
    later = User.objects.create(email="later@bench.jembatan.id")
    assert later.pk > user.pk


def test_copied_rows_refuse_a_field_the_text_format_is_not_written_for(postgres_db):
    with pytest.raises(ValueError, match="SearchVectorField"):
        bulk._write_all(CatalogueSearchRow, [CatalogueSearchRow(product_id=1)])


def test_copied_rows_with_a_primary_key_of_their_own_keep_it(postgres_db):
    bulk._write_all(CatalogueWord, [CatalogueWord(word="zzyzx"), CatalogueWord(word="qqx\tw")])
    assert {"zzyzx", "qqx\tw"} <= set(CatalogueWord.objects.values_list("word", flat=True))
    with pytest.raises(ValueError, match="needs the ids"):
        bulk._write_all(CatalogueWord, [CatalogueWord(word=None)])
