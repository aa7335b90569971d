"""``make bench``: seed PostgreSQL, load gunicorn page by page, time a notification fan-out.

Steps (each printed as it runs):

1. A database of its own (``jembatan_bench`` by default) on the machine's PostgreSQL,
   created if missing, migrated, and seeded with ``seed_demo --products N`` only when it
   does not hold exactly N benchmark products (``--reseed`` starts from scratch).
2. gunicorn with 2 sync workers on a free port of 127.0.0.1 (``DJANGO_DEBUG=False``,
   static files collected for whitenoise, ``bench.settings``), logs under var/bench/.
3. For each page: one GET for the status, the body size and the SQL query count (the
   ``X-Bench-Queries`` header of ``bench.middleware``), a short warm-up, then wrk (or
   the Python generator) for ``--duration`` seconds at 16 connections.
4. The framework's ceiling (``bench.ceiling``) is measured in the same run; every page
   is compared with it.
5. Fan-out: N training reminders written by the real sweep
   (``mentoring.services.trainings.trainings_sweep``) and delivered by one Celery worker
   process over Redis to a local SMTP sink, timed until every row is marked sent.

Prints a table and exits 0 even when a target is missed (``--strict`` exits 1 then).
``--update-readme`` writes the table between the README's bench markers.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import LoadResult, run_python, run_wrk, wrk_available  # noqa: E402
from bench.smtp_sink import SmtpSink  # noqa: E402

VAR = ROOT / "var" / "bench"
README = ROOT / "README.md"
MARK_START, MARK_END = "<!-- bench:start -->", "<!-- bench:end -->"
PYTHON = sys.executable
STAFF_EMAIL = "staff@demo.jembatan.id"
QUERY_HEADER = "X-Bench-Queries"
DEAD_REDIS_URL = "redis://127.0.0.1:1/0"  # port 1: nothing listens, connections are refused

# Targets (issue 8).
TARGET_RATIO = 0.5  # of the ceiling's requests per second, for every public page
TARGET_P99_MS = 250.0
TARGET_HTML_BYTES = 60_000  # catalogue HTML, before images
TARGET_FANOUT = 200.0  # notifications per second


def env(name: str, default: str) -> str:
    """A knob from the environment; empty counts as unset (make exports empty ones)."""
    return os.environ.get(name) or default


def say(message: str) -> None:
    print(message, flush=True)


class BenchError(Exception):
    """Something the benchmark needs is missing; the message says what."""


# --------------------------------------------------------------------------- processes


@contextlib.contextmanager
def process(command: list[str], *, environ: dict[str, str], log: Path, name: str):
    """Run ``command`` in its own process group; always stopped on the way out."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        child = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield child
    finally:
        stop(child, name)


def stop(child: subprocess.Popen, name: str) -> None:
    if child.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGTERM)
    try:
        child.wait(timeout=15)
    except subprocess.TimeoutExpired:
        say(f"  {name} did not stop in 15 s; killing it")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=5)


def manage(*arguments: str, environ: dict[str, str]) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *arguments],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise BenchError(
            f"manage.py {' '.join(arguments)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --------------------------------------------------------------------------- database


def _pg_admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or parts.scheme not in {"postgres", "postgresql"}:
        raise BenchError(f"BENCH_DATABASE_URL must be postgres://user@host:port/name, not {url!r}")
    return parts._replace(path="/postgres").geturl(), name


def prepare_database(url: str, *, recreate: bool) -> bool:
    """Create the database if missing (drop it first with ``recreate``); True if new."""
    import psycopg
    from psycopg import sql

    admin, name = _pg_admin_url(url)
    try:
        connection = psycopg.connect(admin, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise BenchError(f"PostgreSQL is not reachable at {admin}: {exc}".strip()) from exc
    with connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and recreate:
            connection.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
            )
        if not exists or recreate:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    return False


def bulk_product_count(url: str) -> int | None:
    """Benchmark products in the database, or None before the first migration."""
    import psycopg

    with psycopg.connect(url, connect_timeout=5) as connection:
        table = connection.execute("SELECT to_regclass('umkm_product')").fetchone()[0]
        if table is None:
            return None
        return connection.execute(
            r"SELECT count(*) FROM umkm_product WHERE slug ~ '^bulk-[0-9]{7}-'"
        ).fetchone()[0]


def row_count(url: str) -> int:
    """Every row of every table in the public schema (exact counts)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, connect_timeout=5) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        return sum(
            connection.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))
            ).fetchone()[0]
            for t in tables
        )


def vacuum_analyze(url: str) -> None:
    """Fresh statistics and visibility maps, as autovacuum keeps them on a live site
    (right after a bulk load the planner would otherwise guess and pick bad plans)."""
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
        connection.execute("VACUUM (ANALYZE)")


def check_redis(url: str) -> str:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=5)
        version = client.info("server")["redis_version"]
        client.flushdb()  # the benchmark's own database number: stale tasks and cache out
        client.close()
    except redis.RedisError as exc:
        raise BenchError(f"Redis is not reachable at {url}: {exc}") from exc
    return version


# --------------------------------------------------------------------------- seeding


@dataclass
class Seeding:
    products: int
    rows: int
    seconds: float
    date: str
    bulk_seconds: float = 0.0  # the --products part (bulk inserts) of the seconds
    ran: bool = True

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        when = "this run" if self.ran else f"last seeded {self.date}"
        bulk = ""
        if self.bulk_seconds:
            bulk = (
                f"; of which the {self.products:,} products with their businesses, mentors, "
                f"trainings and inquiries took {self.bulk_seconds:.1f} s "
                f"({self.products / self.bulk_seconds:,.0f} products/s)"
            )
        return (
            f"seeding: seed_demo --products {self.products:,} wrote {self.rows:,} rows in "
            f"{self.seconds:.1f} s ({self.rows_per_second:,.0f} rows/s, the demo's drawn "
            f"photos included{bulk}; {when})"
        )


def seed(args, environ: dict[str, str]) -> Seeding | None:
    recreate = args.reseed
    created = prepare_database(args.database_url, recreate=False)
    have = None if created else bulk_product_count(args.database_url)
    if have is not None and have > args.products:
        say(f"  {have:,} benchmark products, more than the {args.products:,} asked: reseeding")
        recreate = True
    if recreate:
        prepare_database(args.database_url, recreate=True)
        have = None
    say("  migrating")
    manage("migrate", "--noinput", environ=environ)
    saved = VAR / "seeding.json"
    if have == args.products:
        say(f"  {have:,} benchmark products already there: not reseeded")
        if saved.exists():
            data = json.loads(saved.read_text())
            if data.get("products") == args.products:
                return Seeding(**{**data, "ran": False})
        return None
    say(f"  seeding {args.products:,} products (seed_demo --products; a minute or more)")
    before = row_count(args.database_url)
    started = time.perf_counter()
    # Eager Celery and local-memory cache: the demo's thumbnails are made inline and
    # nothing is queued for a worker that is not running yet.
    output = manage(
        "seed_demo",
        "--force",
        f"--products={args.products}",
        environ={**environ, "REDIS_URL": "", "EMAIL_URL": "dummymail://"},
    )
    seconds = time.perf_counter() - started
    for line in output.splitlines():
        if line.startswith(("Benchmark", "Demo:", "Mentoring:", "Marketplace:")):
            say(f"    {line}")
    bulk = re.search(r"Benchmark products: \d+ added in ([0-9.]+) s", output)
    result = Seeding(
        products=args.products,
        rows=row_count(args.database_url) - before,
        seconds=seconds,
        date=datetime.now(tz=UTC).strftime("%Y-%m-%d"),
        bulk_seconds=float(bulk.group(1)) if bulk else 0.0,
    )
    saved.parent.mkdir(parents=True, exist_ok=True)
    data = asdict(result)
    data.pop("ran")
    saved.write_text(json.dumps(data))
    return result


def ensure_ceiling_rows(n: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from bench.ceiling.models import CeilingRow

    if CeilingRow.objects.count() == n:
        return
    say(f"  filling the ceiling table with {n:,} rows")
    now = timezone.now()
    with transaction.atomic():
        CeilingRow.objects.all().delete()
        for start in range(0, n, 10_000):
            CeilingRow.objects.bulk_create(
                CeilingRow(
                    name=f"Row {i:07d} rattan basket",
                    price_usd=1 + (i % 5000) / 100,
                    created_at=now - timedelta(minutes=i),
                )
                for i in range(start, min(n, start + 10_000))
            )


# --------------------------------------------------------------------------- pages


@dataclass
class Page:
    key: str
    label: str
    path: str
    public: bool = True
    catalogue: bool = False  # the HTML size target applies
    staff: bool = False
    redis_down: bool = False  # served by a second gunicorn whose Redis is not there


@dataclass
class PageResult:
    page: Page
    status: int
    bytes: int
    queries: int | None
    load: LoadResult | None = None
    ratio: float | None = None
    failures: list[str] = field(default_factory=list)

    def verdict(self) -> str:
        if self.failures:
            return "FAIL: " + "; ".join(self.failures)
        if self.page.key == "ceiling":
            return "reference"
        return "pass" if self.page.public or self.page.catalogue else "no target"


def pages(product_slug: str) -> list[Page]:
    return [
        Page("ceiling", "ceiling (bare Django)", "/bench/ceiling/", public=False),
        Page("catalogue", "catalogue, page 1", "/catalogue/", catalogue=True),
        Page("catalogue-200", "catalogue, page 200", "/catalogue/?page=200", catalogue=True),
        Page("search", "search", "/catalogue/?q=rattan", catalogue=True),
        Page(
            "filter",
            "filter",
            "/catalogue/?category=food-beverages&certification=halal",
            catalogue=True,
        ),
        Page("product", "product page", f"/catalogue/p/{product_slug}/"),
        Page("api", "API list", "/api/v1/products/"),
        Page("staff", "staff dashboard", "/staff/", public=False, staff=True),
        # During a Redis outage: no page cache, no cached counts or facets, the rate
        # limits in memory; it must answer from the database, only slower (no target).
        Page(
            "catalogue-redis-down",
            "catalogue, Redis down",
            "/catalogue/",
            public=False,
            redis_down=True,
        ),
    ]


def probe(
    port: int, path: str, headers: dict[str, str], *, timeout: float = 60
) -> tuple[int, int, int | None]:
    """One GET: the status, the body's size and the SQL query count (0 when no answer)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        queries = response.getheader(QUERY_HEADER)
        return response.status, len(body), int(queries) if queries else None
    except (OSError, http.client.HTTPException):
        return 0, 0, None
    finally:
        connection.close()


def drain(port: int, workers: int) -> None:
    """Wait until requests a load run left queued (e.g. after timeouts) are done: a probe
    per worker goes to the back of the queue."""
    for _ in range(workers):
        probe(port, "/healthz", {}, timeout=180)


def staff_cookie() -> str:
    """A signed-in staff session, made directly in the benchmark database."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    user = User.objects.get(email=STAFF_EMAIL)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def load(args, port: int, path: str, headers: dict[str, str], seconds: float) -> LoadResult:
    if args.loadgen == "wrk":
        return run_wrk(
            f"http://127.0.0.1:{port}{path}",
            headers=headers,
            connections=args.connections,
            threads=args.threads,
            seconds=seconds,
        )
    return run_python(
        "127.0.0.1",
        port,
        path,
        headers={"Host": "127.0.0.1", **headers},
        connections=args.connections,
        seconds=seconds,
    )


def wait_until_up(port: int, child: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise BenchError(f"gunicorn exited with {child.returncode}:\n{tail(log)}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if probe(port, "/healthz", {})[0] == 200:
                return
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{tail(log)}")


@contextlib.contextmanager
def serve(args, environ: dict[str, str], log: Path):
    """gunicorn on a free port of 127.0.0.1, answering; yields the port."""
    port = free_port()
    log.unlink(missing_ok=True)
    tmp = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108 - as in production
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={args.workers}",
        "--worker-class=sync",
        "--timeout=30",
        f"--access-logfile={log}",
        f"--error-logfile={log}",
        *([f"--worker-tmp-dir={tmp}"] if tmp else []),
    ]
    say(f"  gunicorn: {args.workers} sync workers on 127.0.0.1:{port} (log {log})")
    with process(command, environ=environ, log=log, name="gunicorn") as child:
        wait_until_up(port, child, log)
        yield port


def measure_page(args, port: int, page: Page, headers: dict[str, str]) -> PageResult:
    drain(port, args.workers)
    status, size, queries = probe(port, page.path, headers)
    result = PageResult(page, status, size, queries)
    if status != 200:
        result.failures.append(f"answered {status}" if status else "no answer in 60 s")
        say(f"  {page.label:<22} {page.path}: HTTP {status or '-'}, not loaded")
        return result
    if args.warmup:
        load(args, port, page.path, headers, args.warmup)
        drain(port, args.workers)
    # Counted again once warm: a worker's first request also opens its database
    # connection (and runs its set-up statements).
    _status, result.bytes, result.queries = probe(port, page.path, headers)
    try:
        result.load = load(args, port, page.path, headers, args.duration)
    except (subprocess.CalledProcessError, ValueError, RuntimeError) as exc:
        result.failures.append(f"load run failed ({exc})")
        say(f"  {page.label:<22} load run failed: {exc}")
        return result
    say(
        f"  {page.label:<22} {result.load.rps:8.1f} req/s  p50 {result.load.p50_ms:6.1f} "
        f"ms  p99 {result.load.p99_ms:6.1f} ms  {result.queries} queries  "
        f"{result.bytes:,} bytes"
    )
    return result


def measure_pages(args, environ: dict[str, str]) -> list[PageResult]:
    from demo.loaders.umkm import bulk_products

    slugs = bulk_products().order_by("pk").values_list("slug", flat=True)
    slug = slugs[max(0, args.products // 2 - 1)]
    cookie = staff_cookie()
    every = pages(slug)
    runs = [
        (environ, VAR / "gunicorn.log", [p for p in every if not p.redis_down]),
        # The same site with its Redis gone (cache and broker): nothing listens there.
        (
            {**environ, "REDIS_URL": DEAD_REDIS_URL},
            VAR / "gunicorn-redis-down.log",
            [p for p in every if p.redis_down],
        ),
    ]
    results = []
    for run_environ, log, run_pages in runs:
        if not run_pages:
            continue
        with serve(args, run_environ, log) as port:
            for page in run_pages:
                headers = {"Accept-Language": "en"}
                if page.staff:
                    headers["Cookie"] = cookie
                results.append(measure_page(args, port, page, headers))
    judge(results)
    return results


def judge(results: list[PageResult]) -> None:
    ceiling = next((r for r in results if r.page.key == "ceiling" and r.load), None)
    for result in results:
        if result.load is None:
            continue
        if ceiling:
            result.ratio = result.load.rps / ceiling.load.rps
        if not result.load.requests:
            result.failures.append("no request completed (each took longer than the run)")
            continue
        if result.load.errors:
            result.failures.append(f"{result.load.errors} failed requests")
        if result.page.public:
            if result.ratio is not None and result.ratio < TARGET_RATIO:
                result.failures.append(f"{result.ratio:.2f} of the ceiling < {TARGET_RATIO}")
            if result.load.p99_ms >= TARGET_P99_MS:
                result.failures.append(f"p99 {result.load.p99_ms:.0f} ms >= {TARGET_P99_MS:.0f}")
        if result.page.catalogue and result.bytes >= TARGET_HTML_BYTES:
            result.failures.append(f"HTML {result.bytes / 1000:.1f} KB >= 60 KB")


# --------------------------------------------------------------------------- fan-out


@dataclass
class Fanout:
    notifications: int
    seconds: float
    written_seconds: float
    delivered: int
    concurrency: int
    failures: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.delivered / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        verdict = "FAIL: " + "; ".join(self.failures) if self.failures else "pass"
        written = self.notifications / self.written_seconds if self.written_seconds else 0
        return (
            f"fan-out: {self.delivered:,} of {self.notifications:,} training reminders delivered "
            f"in {self.seconds:.1f} s from enqueue to the last one marked sent = "
            f"{self.per_second:,.0f} notifications/s by 1 Celery worker (prefork, concurrency "
            f"{self.concurrency}) over Redis to an SMTP sink; target >= {TARGET_FANOUT:.0f}/s: "
            f"{verdict} (the sweep wrote the rows at {written:,.0f}/s beforehand)"
        )


FANOUT_TITLE = "Benchmark fan-out"


def fanout_cleanup() -> None:
    from mentoring.models import TrainingSession
    from notifications.models import Notification

    sessions = TrainingSession.objects.filter(title__startswith=FANOUT_TITLE)
    stamps = {int(s.starts_at.timestamp()) for s in sessions}
    for stamp in stamps:
        Notification.objects.filter(
            kind="training_reminder", dedupe_key__endswith=f":{stamp}"
        ).delete()
    sessions.delete()


def fanout_fixtures(n: int):
    """``n`` confirmed registrations for sessions far in the future (none else is due then)."""
    from django.utils import timezone

    from accounts.models import User
    from mentoring.models import Registration, TrainingSession
    from umkm.models import Business

    businesses = list(
        Business.objects.filter(is_active=True)
        .exclude(owner__email="")
        .select_related("owner")
        .order_by("pk")[:n]
    )
    if not businesses:
        raise BenchError("no active business to register for the fan-out")
    host = User.objects.filter(role="mentor", mentor_approved_at__isnull=False).first()
    starts = (timezone.now() + timedelta(days=3650)).replace(minute=0, second=0, microsecond=0)
    sessions = TrainingSession.objects.bulk_create(
        TrainingSession(
            host=host,
            title=f"{FANOUT_TITLE} {k + 1}",
            topic="export",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            mode=TrainingSession.Mode.ONLINE,
            capacity=min(len(businesses), 30000),
            registration_deadline=starts - timedelta(hours=3),
            status=TrainingSession.Status.PUBLISHED,
        )
        for k in range(math.ceil(n / len(businesses)))
    )
    Registration.objects.bulk_create(
        Registration(
            session=sessions[i // len(businesses)],
            business=businesses[i % len(businesses)],
            attendee_name=businesses[i % len(businesses)].owner.get_full_name()[:150] or "-",
            status=Registration.Status.CONFIRMED,
        )
        for i in range(n)
    )
    return starts


def measure_fanout(args, environ: dict[str, str]) -> Fanout:
    from django.db import transaction

    from mentoring.services.trainings import trainings_sweep
    from notifications.models import Notification

    fanout_cleanup()
    starts = fanout_fixtures(args.fanout)
    stamp = int(starts.timestamp())
    ours = Notification.objects.filter(kind="training_reminder", dedupe_key__endswith=f":{stamp}")
    log = VAR / "celery.log"
    log.unlink(missing_ok=True)
    concurrency = args.worker_concurrency
    command = [
        PYTHON,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "-l",
        "info",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        "--hostname=bench@%h",
    ]
    try:
        with SmtpSink() as sink:
            worker_env = {**environ, "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}"}
            say(f"  Celery worker (prefork, concurrency {concurrency}; log {log}), SMTP sink")
            with process(command, environ=worker_env, log=log, name="celery") as child:
                deadline = time.monotonic() + 60
                while " ready." not in (log.read_text(errors="replace") if log.exists() else ""):
                    if child.poll() is not None or time.monotonic() > deadline:
                        raise BenchError(f"the Celery worker did not start:\n{tail(log)}")
                    time.sleep(0.2)
                # The sweep writes the rows (one transaction each, as in production, but
                # nested in one here so that every delivery is enqueued at the commit):
                # the clock measures enqueue -> sent, the writing is reported apart.
                began = time.perf_counter()
                with transaction.atomic():
                    written = trainings_sweep(now=starts - timedelta(hours=12))
                    started = time.perf_counter()
                written_seconds = started - began
                deadline = time.monotonic() + max(120, args.fanout / 10)
                sent = 0
                while time.monotonic() < deadline:
                    sent = ours.filter(email_status=Notification.EmailStatus.SENT).count()
                    if sent >= args.fanout:
                        break
                    time.sleep(0.05)
                seconds = time.perf_counter() - started
            result = Fanout(args.fanout, seconds, written_seconds, sent, concurrency)
            if written != args.fanout:
                result.failures.append(f"the sweep wrote {written}, not {args.fanout}")
            if sent < args.fanout:
                result.failures.append(f"only {sent} sent before the time limit")
            if sink.count < sent:
                result.failures.append(f"the SMTP sink received only {sink.count}")
            if result.per_second < TARGET_FANOUT:
                result.failures.append(f"{result.per_second:.0f}/s < {TARGET_FANOUT:.0f}/s")
            return result
    finally:
        fanout_cleanup()


# --------------------------------------------------------------------------- report


def machine() -> str:
    model = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} cores"


def load_average() -> str:
    """The 1-minute load average: how much else the machine was doing."""
    return f"{os.getloadavg()[0]:.1f}"


def versions() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0].split()[0]
    return f"PostgreSQL {pg}, Python {platform.python_version()}"


def table(results: list[PageResult], *, markdown: bool) -> str:
    head = ["page", "path", "req/s", "p50 ms", "p99 ms", "SQL/req", "bytes", "× ceiling", "result"]
    rows = []
    for r in results:
        load = r.load
        rows.append(
            [
                r.page.label,
                f"`{r.page.path}`" if markdown else r.page.path,
                f"{load.rps:,.0f}" if load else "-",
                f"{load.p50_ms:.1f}" if load else "-",
                f"{load.p99_ms:.1f}" if load else "-",
                "-" if r.queries is None else str(r.queries),
                f"{r.bytes / 1000:.1f} KB",
                f"{r.ratio:.2f}" if r.ratio is not None else "-",
                r.verdict(),
            ]
        )
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "---:|" * 6 + "---|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(x)) for x in column) for column in zip(head, *rows, strict=True)]
    numeric = {2, 3, 4, 5, 6, 7}

    def fmt(row):
        cells = [
            str(c).rjust(w) if i in numeric else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    return "\n".join([fmt(head), "  ".join("-" * w for w in widths), *map(fmt, rows)])


def summary(args, results, fanout, seeding, about) -> str:
    started = about["started"]
    tool = results[0].load.tool if results and results[0].load else args.loadgen
    lines = [
        f"Last run: {started} on {about['machine']} (1-minute load average "
        f"{about['load_start']} at the start, {about['load_end']} at the end, "
        f"other work included); {about['versions']}.",
        "",
        f"{args.products:,} listed benchmark products; gunicorn {args.workers} sync workers; "
        f"load from {tool} on the same machine, {args.connections} connections, "
        f"{args.duration:g} s per page after a {args.warmup:g} s warm-up.",
        "",
        table(results, markdown=True),
        "",
    ]
    if fanout:
        lines.append(f"- {fanout.line()}")
    if seeding:
        lines.append(f"- {seeding.line()}")
    missed = [r for r in results if r.failures]
    if missed or (fanout and fanout.failures):
        names = [r.page.label for r in missed] + (["fan-out"] if fanout and fanout.failures else [])
        lines.append(f"- targets missed: {', '.join(names)}")
    else:
        lines.append("- every target met")
    return "\n".join(lines)


def update_readme(text: str) -> None:
    content = README.read_text()
    if MARK_START not in content or MARK_END not in content:
        raise BenchError(f"README.md has no {MARK_START} … {MARK_END} markers to write between")
    before, rest = content.split(MARK_START, 1)
    _old, after = rest.split(MARK_END, 1)
    README.write_text(f"{before}{MARK_START}\n{text}\n{MARK_END}{after}")


# --------------------------------------------------------------------------- main


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=env("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jembatan_bench"),
        help="PostgreSQL database of its own (created if missing); BENCH_DATABASE_URL",
    )
    parser.add_argument(
        "--redis-url",
        default=env("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        help="Redis database number of its own (flushed first); BENCH_REDIS_URL",
    )
    parser.add_argument(
        "--products", type=int, default=int(env("BENCH_PRODUCTS", "100000")), help="BENCH_PRODUCTS"
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=float(env("BENCH_DURATION", "10")),
        help="seconds of load per page; BENCH_DURATION",
    )
    parser.add_argument("--warmup", type=float, default=float(env("BENCH_WARMUP", "2")))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--loadgen",
        choices=["auto", "wrk", "python"],
        default=env("BENCH_LOADGEN", "auto"),
        help="wrk if installed (auto), or the bounded Python generator; BENCH_LOADGEN",
    )
    parser.add_argument("--fanout", type=int, default=1000, help="reminders to deliver")
    parser.add_argument(
        "--worker-concurrency",
        type=int,
        default=os.cpu_count() or 1,
        help="Celery prefork processes (default: CPU count, as the compose file's worker)",
    )
    parser.add_argument("--skip-fanout", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--reseed", action="store_true", help="drop the database and seed again")
    parser.add_argument(
        "--update-readme",
        action="store_true",
        default=env("BENCH_UPDATE_README", "") not in ("", "0"),
        help="write the table between the README's bench markers; BENCH_UPDATE_README=1",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if min(args.products, args.connections, args.fanout, args.worker_concurrency) < 1 or (
        args.duration <= 0
    ):
        parser.error(
            "--products, --duration, --connections, --fanout and concurrency must be positive"
        )
    if args.loadgen == "auto":
        args.loadgen = "wrk" if wrk_available() else "python"
    elif args.loadgen == "wrk" and not wrk_available():
        parser.error("wrk is not installed; use --loadgen=python")
    return args


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    VAR.mkdir(parents=True, exist_ok=True)
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "PYTHONPATH": str(ROOT),
    }
    # A SIGTERM (CI timeout, kill) unwinds like Ctrl-C, so the servers are stopped.
    signal.signal(signal.SIGTERM, _interrupt)
    about = {
        "started": datetime.now(tz=UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "load_start": load_average(),
    }
    try:
        say(
            f"Benchmark: {args.products:,} products, {args.loadgen}, {about['machine']}, "
            f"load average {about['load_start']}"
        )
        redis_version = check_redis(args.redis_url)
        say("Database")
        seeding = seed(args, environ)
        say("  VACUUM (ANALYZE)")
        vacuum_analyze(args.database_url)
        os.environ.update(environ)
        import django

        django.setup()
        ensure_ceiling_rows(args.products)
        about["versions"] = f"{versions()}, Redis {redis_version}"
        say("Static files")
        manage("collectstatic", "--noinput", "-v0", environ=environ)
        results, fanout = [], None
        if not args.skip_pages:
            say("Pages")
            results = measure_pages(args, environ)
        if not args.skip_fanout:
            say("Fan-out")
            fanout = measure_fanout(args, environ)
    except BenchError as exc:
        say(f"Benchmark stopped: {exc}")
        return 2
    except KeyboardInterrupt:
        say("Benchmark interrupted; servers stopped.")
        return 130
    about["load_end"] = load_average()
    say("")
    if results:
        say(table(results, markdown=False))
    if fanout:
        say(fanout.line())
    if seeding:
        say(seeding.line())
    text = summary(args, results, fanout, seeding, about)
    (VAR / "last-run.md").write_text(text + "\n")
    if args.update_readme:
        update_readme(text)
        say("README.md: Performance table updated.")
    missed = [r.page.label for r in results if r.failures]
    if fanout and fanout.failures:
        missed.append("fan-out")
    if missed:
        say(f"Targets missed: {', '.join(missed)}.")
        return 1 if args.strict else 0
    say("Every target met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
