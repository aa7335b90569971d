"""The catalogue's query plans at the benchmark's size (issue 19): every SQL query the
public catalogue page runs, with ``EXPLAIN (ANALYZE, BUFFERS)``, for

- a category and a certification (``--category food-beverages --certification halal``:
  its total and facet counts come from the maintained aggregate),
- page 1 and a deep page of the whole catalogue,
- a search (``?q=rattan``) and a misspelt one (``?q=ratan``).

Run against the benchmark database (``make bench`` seeds it; this script never seeds)::

    DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python -m bench.explain_catalogue

``BENCH_DATABASE_URL`` names another database (``jembatan_bench`` by default). The page
is requested anonymously through Django's test client with a dummy cache, so that every
query runs as on a cold cache; each is then explained (``ANALYZE`` runs it a second
time: the buffers shown are mostly hits). Reads only.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/jembatan_bench"


def _setup() -> None:
    # The benchmark database, never the one a developer's DATABASE_URL names.
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def _pages(args) -> list[tuple[str, dict]]:
    from marketplace import selectors
    from marketplace.views.catalogue import CATALOGUE_MAX_PAGES, PAGE_SIZE

    deep_page = args.deep_page

    if deep_page is None:
        total = selectors.catalogue_total(selectors.Filters()) or 0
        # The middle of the catalogue, or the last page it offers.
        deep_page = max(1, min(total // PAGE_SIZE // 2, CATALOGUE_MAX_PAGES))
    return [
        (
            "category + certification: total and facets",
            {"category": args.category, "certification": args.certification},
        ),
        ("page 1", {}),
        (f"deep page ({deep_page})", {"page": str(deep_page), "sort": "newest"}),
        ("search ?q=rattan", {"q": "rattan"}),
        ("misspelt search ?q=ratan", {"q": "ratan"}),
    ]


def _explain(label: str, params: dict, *, out) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/catalogue/", params)
    elapsed = (time.perf_counter() - started) * 1000
    query = "&".join(f"{k}={v}" for k, v in params.items())
    print(f"\n{'=' * 100}\n{label}: /catalogue/?{query}", file=out)
    print(
        f"HTTP {response.status_code}, {len(captured.captured_queries)} queries, "
        f"{elapsed:.0f} ms (cold cache, DEBUG cursor)",
        file=out,
    )
    with connection.cursor() as cursor:
        for number, executed in enumerate(captured.captured_queries, 1):
            sql = executed["sql"]
            print(f"\n--- query {number} ({float(executed['time']) * 1000:.1f} ms)", file=out)
            print(sql, file=out)
            if sql.startswith("SET LOCAL "):
                # Explained outside the page's transaction: the setting for the session.
                cursor.execute("SET " + sql.removeprefix("SET LOCAL "))
                continue
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            for (line,) in cursor.fetchall():
                print(f"    {line}", file=out)
        cursor.execute("RESET ALL")


def _same_hits(q: str) -> str:
    """Whether two lookups of ``q`` in a row find the same products (each one's scan
    would otherwise start where the last one stopped, ``marketplace.selectors._hits``)."""
    from marketplace import selectors

    query = selectors._typed_query(q)
    first, second = selectors._hits(query).pks, selectors._hits(query).pks
    if set(first) == set(second):
        return f"search ?q={q}: the same {len(first):,} products at two lookups in a row"
    common = len(set(first) & set(second))
    return f"search ?q={q}: DIFFERENT products at two lookups in a row ({common:,} in common)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--deep-page", type=int, default=None, help="page number (default: the middle one)"
    )
    parser.add_argument("--category", default="food-beverages", help="a category's slug")
    parser.add_argument("--certification", default="halal", help="a certification kind")
    args = parser.parse_args(argv)
    _setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()  # the test client records each response's context
    print(f"database: {connection.settings_dict['NAME']}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM umkm_product WHERE is_listed), "
            "(SELECT count(*) FROM umkm_listedproductcount), "
            "(SELECT count(*) FROM umkm_cataloguefacetcount)"
        )
        listed, listed_counts, facet_counts = cursor.fetchone()
        # Plans follow the statistics: right after a bulk load (before ``make bench``'s
        # VACUUM (ANALYZE) or autovacuum) a filtered page may be planned as a sort of every
        # match instead of a walk down the page index.
        cursor.execute(
            "SELECT relname, greatest(last_analyze, last_autoanalyze) FROM pg_stat_user_tables "
            "WHERE relname IN ('umkm_product', 'umkm_business', 'umkm_certification') "
            "ORDER BY relname"
        )
        analysed = cursor.fetchall()
    print(
        f"listed products: {listed:,}; listed-count rows: {listed_counts:,}; "
        f"facet-count rows: {facet_counts:,}"
    )
    print("last analysed: " + ", ".join(f"{name} {when or 'never'}" for name, when in analysed))
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    # Static URLs without the manifest ``make bench`` collects: only the SQL matters here.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(CACHES=dummy, STORAGES=storages, ANONYMOUS_RESPONSE_CACHE_SECONDS=0):
        Client(HTTP_HOST="127.0.0.1").get("/catalogue/")  # imports, templates: not timed
        for label, params in _pages(args):
            _explain(label, params, out=sys.stdout)
    print(f"\n{_same_hits('rattan')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
