"""Profile one request of each signed-in page (dashboards, catalogue) on the bench database.

    DJANGO_SETTINGS_MODULE=bench.settings \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jembatan_bench \\
    .venv/bin/python -m bench.profile_dashboards [--page staff] [--top 25] [--explain 3] [--cold]

For each page: one warm-up request, then a few timed ones (their median wall time), the
SQL queries of one request (count and milliseconds in the database), the HTML size, the
functions that took the most cumulative time under cProfile and, with ``--explain N``,
``EXPLAIN (ANALYZE, BUFFERS)`` of the N slowest queries (PostgreSQL only). With
``--cold`` the cache is cleared before each timed and profiled request (the first request
after a flush, on a process that has already served the page); with ``--render`` only the
kept whole pages are dropped (``bench.run.KEPT_PAGE_KEYS``: the page is rendered from
cached data, what the bench's cold rule compares with). It uses the
test client (no server, no network), signed in as the demo accounts ``seed_demo`` makes.
Read-only: it never writes to the database apart from Django's session rows.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402

TOP_QUERIES = int(os.environ.get("TOP_QUERIES", "5"))  # the slowest queries printed
PAGES = {
    # name: (the demo account, the path; "{inquiry}" is one of the account's threads)
    "staff": ("staff@demo.jembatan.id", "/staff/"),
    "staff-quarter": ("staff@demo.jembatan.id", "/staff/?period=quarter"),
    "owner": ("owner@demo.jembatan.id", "/umkm/dashboard/"),
    "mentor": ("mentor@demo.jembatan.id", "/mentoring/dashboard/"),
    "buyer": ("buyer@demo.jembatan.id", "/catalogue/buyer/"),
    "inquiries-owner": ("owner@demo.jembatan.id", "/catalogue/inquiries/"),
    "inquiries-staff": ("staff@demo.jembatan.id", "/catalogue/inquiries/"),
    "thread": ("buyer@demo.jembatan.id", "{inquiry}"),
    # The public pages as a signed-in buyer sees them (no whole-response cache).
    "catalogue": ("buyer@demo.jembatan.id", "/catalogue/"),
    "catalogue-deep": ("buyer@demo.jembatan.id", "/catalogue/?page=200"),
    "search": ("buyer@demo.jembatan.id", "/catalogue/?q=rattan"),
    "filter": ("buyer@demo.jembatan.id", "/catalogue/?category=food-beverages&certification=halal"),
    "product": ("buyer@demo.jembatan.id", "{product}"),
    "supplier": ("buyer@demo.jembatan.id", "{supplier}"),
    "api-products": ("buyer@demo.jembatan.id", "/api/v1/products/"),
}


class Recorder:
    """Every SQL statement of a request with its time (works with DEBUG=False)."""

    def __init__(self):
        self.queries: list[tuple[float, str, tuple]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - started, sql, params))


def path_for(user: User, path: str) -> str:
    if path in ("{product}", "{supplier}"):
        from umkm.models import Product

        product = Product.objects.filter(is_listed=True).order_by("pk").first()
        if path == "{product}":
            return f"/catalogue/p/{product.slug}/"
        return f"/catalogue/s/{product.business.slug}/"
    if "{inquiry}" not in path:
        return path
    from marketplace.models import Inquiry

    inquiry = Inquiry.objects.filter(buyer=user).order_by("-pk").first()
    return inquiry.get_absolute_url() if inquiry else "/catalogue/inquiries/"


def explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def profile(
    name: str, *, top: int, runs: int, n_explain: int, cold: bool = False, render: bool = False
) -> None:
    from django.conf import settings
    from django.core.cache import cache

    from bench.run import flusher

    _flush, drop_pages = flusher(settings.CACHES["default"]["LOCATION"])

    def before() -> None:
        if cold:
            cache.clear()
        elif render:
            drop_pages()

    email, path = PAGES[name]
    user = User.objects.get(email=email)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    path = path_for(user, path)
    response = client.get(path)  # warm-up: imports, template loading, first queries
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    walls = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        client.get(path)
        walls.append(time.perf_counter() - started)
    recorder = Recorder()
    before()
    with connection.execute_wrapper(recorder):
        response = client.get(path)
    profiler = cProfile.Profile()
    before()
    profiler.enable()
    client.get(path)
    profiler.disable()
    db = sum(seconds for seconds, _sql, _params in recorder.queries)
    mode = " (cold: the cache cleared first)" if cold else ""
    mode = mode or (" (render: the kept page dropped first)" if render else "")
    print(f"\n=== {name}: {path} as {email}{mode}")
    print(
        f"median of {runs}: {1000 * statistics.median(walls):.1f} ms; "
        f"{len(recorder.queries)} queries, {1000 * db:.1f} ms in the database; "
        f"HTML {len(response.content) / 1024:.1f} KB"
    )
    for seconds, sql, _params in sorted(recorder.queries, key=lambda q: -q[0])[:TOP_QUERIES]:
        print(f"  {1000 * seconds:8.1f} ms  {sql[:150]}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    print(out.getvalue())
    if n_explain and connection.vendor == "postgresql":
        for seconds, sql, params in sorted(recorder.queries, key=lambda q: -q[0])[:n_explain]:
            print(f"--- EXPLAIN ({1000 * seconds:.1f} ms)\n{sql}\n{explain(sql, params)}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", action="append", choices=sorted(PAGES), help="default: all")
    parser.add_argument("--top", type=int, default=25, help="functions listed per page")
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page")
    parser.add_argument("--explain", type=int, default=0, metavar="N")
    parser.add_argument("--cold", action="store_true", help="clear the cache before each")
    parser.add_argument(
        "--render", action="store_true", help="drop only the kept whole pages before each"
    )
    args = parser.parse_args()
    for name in args.page or list(PAGES):
        profile(
            name,
            top=args.top,
            runs=args.runs,
            n_explain=args.explain,
            cold=args.cold,
            render=args.render,
        )


if __name__ == "__main__":
    main()
