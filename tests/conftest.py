"""Shared fixtures.

Service-backed tests (PostgreSQL, Redis with a real Celery worker, Chromium) skip
locally when the service is missing, with the reason; under CI=true they fail instead,
so CI can never pass by skipping them.
"""

import gc
import os
import warnings
from dataclasses import dataclass

import pytest
from pytest_django.plugin import blocking_manager_key

from .factories import (
    BusinessFactory,
    BuyerFactory,
    MentorFactory,
    MentorshipFactory,
    OwnerFactory,
    PendingMentorFactory,
    StaffFactory,
)
from .support.coverage_pause import untraced
from .support.media import media_under
from .support.shared import end_for, module_rows, requested_first

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


# The garbage collector: Python's default scans the young objects every 700 allocations,
# and the ORM and the templates allocate millions a minute. Scanning them every 50,000
# (the older generations keep their default of every 10th scan of the younger one, so
# cycles are still freed), with what is loaded at collection frozen out of the scans,
# takes a tenth off the suite's CPU (three test folders: 33.2 → 29.0 user-s, and less
# memory than a rarer full scan). The tests free what they hold when they end; none
# checks when a cycle is collected.
GC_THRESHOLDS = (50_000, 10, 10)


def pytest_configure(config):
    gc.set_threshold(*GC_THRESHOLDS)


def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()


# Tests that take ten seconds or more (seeding the whole demo, a 1,000-row import, the
# API's hostile GET sweep, the browser journeys) start first, so the workers finish
# together instead of one waiting for the other's long test at the end.
SLOW_FIRST = (
    "tests/demo/",
    "tests/browser/",
    "test_exactly_1000_rows",
    "test_every_get_endpoint_refuses_hostile",
)


def pytest_collection_modifyitems(config, items):
    """Slow tests first. Under pytest-xdist's worksteal each worker is handed a contiguous
    share of this order (and gives away the end of its queue when another is idle), so
    each share starts with its turn of the slow modules, dealt round-robin; a module's
    slow tests stay together, so the demo seed module's shared seed is made once."""
    items[:] = requested_first(items)  # a module's tests sharing rows (the cast) first
    slow, fast = [], []
    for item in items:
        (slow if any(mark in item.nodeid for mark in SLOW_FIRST) else fast).append(item)
    modules: dict[str, list] = {}
    for item in slow:
        modules.setdefault(item.nodeid.split("::")[0], []).append(item)
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    firsts = [[] for _ in range(workers)]
    for number, module in enumerate(modules.values()):
        firsts[number % workers].extend(module)
    ordered, left = [], len(items)
    for worker, first in enumerate(firsts):
        share = left // (workers - worker)  # what worksteal sends this worker first
        rest = max(0, share - len(first))
        ordered += first + fast[:rest]
        fast = fast[rest:]
        left -= len(first) + rest
    items[:] = ordered + fast


def pytest_sessionfinish(session):
    """pytest-xdist's controller drops the template the workers' databases were copied
    from (``config/test_postgresql``)."""
    if hasattr(session.config, "workerinput") or not getattr(
        session.config.option, "numprocesses", None
    ):
        return
    from django.db import Error, connection

    drop_template = getattr(connection.creation, "drop_template", None)
    if drop_template is None:
        return
    try:
        with session.config.stash[blocking_manager_key].unblock():
            drop_template()
    except Error as error:  # the run's result stands; the template is only left over
        warnings.warn(f"the workers' template database was not dropped: {error}", stacklevel=1)


# Whole modules run untraced, as the ``no_cover`` matrices do: the branches they take
# are taken by the rest of the suite too (measured on 6 Dec 2026 with
# ``--cov-context=test``: of 31,183 arcs, 8 are taken by these modules alone, besides
# first imports of modules that other tests import later). The browser journeys wait on
# Chromium, and the others repeat requests or checks that the view and service tests
# already trace; tracing them cost about 50 s of the suite's time. The README's
# "Coverage" says which 8 and how to measure this again.
UNTRACED_MODULES = frozenset(
    {
        "tests/accounts/test_permissions.py",
        "tests/browser/test_buyer_pages.py",
        "tests/browser/test_journey_buyer.py",
        "tests/browser/test_journey_outcomes.py",
        "tests/browser/test_journey_owner_mentor.py",
        "tests/browser/test_journey_phone.py",
        "tests/browser/test_journey_staff.py",
        "tests/browser/test_journey_training.py",
        "tests/browser/test_journey_whatsapp.py",
        "tests/config/test_i18n.py",
        "tests/config/test_storage_s3.py",
        "tests/config/test_urls_stable.py",
        "tests/config/test_whatsapp_settings.py",
        "tests/demo/test_demo_app_boundary.py",
        "tests/demo/test_seed_outcomes.py",
        "tests/demo/test_seed_scale.py",
        "tests/marketplace/test_catalogue_perf.py",
        "tests/marketplace/test_catalogue_scale.py",
        "tests/marketplace/test_signed_in_pages.py",
        "tests/mentoring/readiness/test_python_and_sql_agree.py",
        "tests/mentoring/test_training_concurrency.py",
        "tests/security/test_hidden_and_missing_alike.py",
        "tests/security/test_idor.py",
        "tests/umkm/test_facet_locks.py",
    }
)


def untraced_call(item) -> bool:
    """Whether the test's call runs with no tracer: ``no_cover`` (pytest-cov's two ways of
    asking: the marker, or the fixture) or a module of ``UNTRACED_MODULES``."""
    return (
        item.get_closest_marker("no_cover") is not None
        or "no_cover" in item.fixturenames
        or item.nodeid.split("::", 1)[0] in UNTRACED_MODULES
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    if not untraced_call(item):
        return (yield)
    with untraced():
        return (yield)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    end_for(item)


def require_service(available: bool, reason: str) -> None:
    """Skip (locally) or fail (under CI) when a required service is missing."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"required under CI but unavailable: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_root(tmp_path):
    """Uploads of a test go to its own folders, public and private alike."""
    with media_under(tmp_path):
        yield


@pytest.fixture(autouse=True)
def _not_a_celery_worker():
    """Each test leaves its process unmarked as a Celery worker. The tests that run eager
    tasks from several threads at once (the concurrency tests) leave the mark, and a
    later test's ``.get()`` on a result then refuses ("Never call result.get() within a
    task"), depending on which tests a worker happened to run before."""
    from celery import _state

    yield
    _state._set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner(db):
    return OwnerFactory()


@pytest.fixture
def mentor(db):
    return MentorFactory()


@pytest.fixture
def pending_mentor(db):
    return PendingMentorFactory()


@pytest.fixture
def buyer(db):
    return BuyerFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()


@dataclass
class Cast:
    """The people of the site, one of each kind a permission test needs."""

    owner: object  # owns ``business``
    business: object
    other_owner: object  # owns ``other_business``
    other_business: object
    mentor: object  # approved, in an active mentorship with ``business``
    mentorship: object
    unassigned_mentor: object  # approved, mentors nobody
    pending_mentor: object  # not yet approved
    buyer: object  # email verified
    other_buyer: object  # email verified
    staff: object

    def in_english(self) -> None:
        """The people's accounts in English (for tests that read English texts)."""
        from accounts.models import User

        people = [getattr(self, name) for name in self.__dataclass_fields__]
        people = [person for person in people if isinstance(person, User)]
        User.objects.filter(pk__in=[person.pk for person in people]).update(language="en")
        for person in people:
            person.language = "en"

    def __getitem__(self, role: str):
        """``cast["mentor"]``; ``cast["anonymous"]`` is None (for role-parametrized tests)."""
        return None if role == "anonymous" else getattr(self, role)


def _build_cast() -> Cast:
    business, other_business = BusinessFactory(), BusinessFactory()
    mentorship = MentorshipFactory(business=business)
    return Cast(
        owner=business.owner,
        business=business,
        other_owner=other_business.owner,
        other_business=other_business,
        mentor=mentorship.mentor,
        mentorship=mentorship,
        unassigned_mentor=MentorFactory(),
        pending_mentor=PendingMentorFactory(),
        buyer=BuyerFactory(),
        other_buyer=BuyerFactory(),
        staff=StaffFactory(),
    )


@pytest.fixture
def cast(_cast_rows, db, request) -> Cast:
    """Two owners with their businesses, an assigned mentor, an unassigned mentor, a
    pending mentor, two buyers and staff: built once for a module's tests (see
    ``module_rows``), each test getting its own copy of the objects."""
    people = _cast_rows.copy()
    if "english_texts" in request.fixturenames:  # made before the test: made English here
        people.in_english()
    return people


@pytest.fixture(scope="module")
def _cast_rows(request, django_db_setup, django_db_blocker):
    with module_rows(request, django_db_blocker, _build_cast) as rows:
        yield rows


@pytest.fixture
def postgres_db():
    """Skip/fail unless the test database is PostgreSQL."""
    from django.db import connection

    require_service(
        connection.vendor == "postgresql",
        "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/jembatan",
    )


@pytest.fixture
def redis_url():
    """The Redis URL of a reachable server, or skip/fail."""
    url = os.environ.get("REDIS_URL", "")
    ok = False
    if url:
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=1).ping()
            ok = True
        except redis.RedisError:
            ok = False
    require_service(ok, "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0 with a running server")
    return _per_worker_redis_database(url)


def _per_worker_redis_database(url: str) -> str:
    """Each pytest-xdist worker gets its own Redis database (gw0 → 1, gw1 → 2, …), so a
    real Celery worker started by one test process never takes another's tasks."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{1 + int(worker[2:])}"))


@pytest.fixture
def english_texts(settings):
    """The site, and every account made during the test, in English: for tests that read
    English texts (the site's default language is Indonesian, and so is a new account's)."""
    from .support.english import read_in_english

    with read_in_english(settings):
        yield
