"""The cache is an accelerator, never a dependency: with Redis really unreachable
(``redis://127.0.0.1:1/0``, where nothing listens) every page and API endpoint answers
from the database, sign-in and inquiries work, the rate limits still count (in each
process's memory), notifications stay pending, ``/readyz`` names Redis; when Redis is
back, the sweep delivers what waited.

The cache is ``config.cache.ResilientRedisCache`` as production configures it; the
tests that need Redis to come back use the ``redis_url`` fixture (skipped locally
without a server, required under CI).
"""

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
import redis
import redis.connection
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from config import cache as resilient
from config.celery_app import app as celery_app
from marketplace.caching import catalogue_version
from marketplace.models import Inquiry, ShortlistItem
from notifications import services as notification_services
from notifications.models import Notification
from umkm import services as umkm_services

from ..factories import PASSWORD, ListedProductFactory, MentorshipFactory, NotificationFactory
from ..support import ROOT
from ..support.catalogue import catalogue_paths

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # port 1: nothing listens, connections are refused
KEY_PREFIX = "test-redis-down"


def resilient_caches(url: str, **options) -> dict:
    """``CACHES`` as config/settings.py makes it when REDIS_URL is set."""
    return {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "RETRY_AFTER": 5,
                "LOCAL_FALLBACK_KEY_PREFIXES": ["throttle_", "allauth:rl:"],
                **options,
            },
        }
    }


@pytest.fixture(autouse=True)
def _no_outage_yet():
    """Each test starts as if Redis had never failed in this process."""
    resilient.forget_outages()
    yield
    resilient.forget_outages()


@pytest.fixture
def celery_broker():
    """Point the Celery app at a broker URL, not eager (restored afterwards)."""
    keys = ("broker_url", "task_always_eager")
    original = {key: celery_app.conf[key] for key in keys}

    def use(url: str, *, eager: bool = False) -> None:
        celery_app.conf.update(broker_url=url, task_always_eager=eager)
        celery_app._pool = None  # as Celery does after a fork: rebuilt for the new URL
        celery_app.amqp._producer_pool = None

    yield use
    celery_app.conf.update(original)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_down(settings, celery_broker):
    """Cache, broker and readiness check all pointed at a Redis that is not there."""
    settings.REDIS_URL = DEAD_REDIS
    settings.CACHES = resilient_caches(DEAD_REDIS)  # Django drops the old cache objects
    celery_broker(DEAD_REDIS)
    return settings


@pytest.fixture
def product(db):
    """A listed product of a business with an owner and an active mentor."""
    product = ListedProductFactory(name_en="Rattan laundry basket")
    MentorshipFactory(business=product.business)
    umkm_services.products_refresh_search()  # as the listing workflow does
    return product


def _sign_in(client, user) -> None:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, "the sign-in did not go through"


def _send_inquiry(client, product, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("marketplace:inquiry-create-product", args=[product.slug]),
            {
                "quantity": 500,
                "unit": "pack",
                "target_price_usd": "1.80",
                "incoterm": "FOB",
                "destination_country": "NL",
                "destination_port": "Rotterdam",
                "message": "Please quote 500 rattan baskets, FOB Dumai.",
                "website_url": "",
            },
        )


# Pages and API ------------------------------------------------------------------------


def _public_paths(product) -> list[str]:
    return [
        *catalogue_paths(product),
        "/api/v1/products/",
        f"/api/v1/products/{product.slug}/",
    ]


def test_public_pages_and_the_api_answer_anonymously_while_redis_is_unreachable(
    redis_down, product, caplog
):
    caplog.set_level(logging.WARNING, logger="config.cache")
    client = Client()
    for path in _public_paths(product) * 2:  # the second round: nothing cached anywhere
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, path
        assert "Rattan laundry basket" in response.content.decode(), path
    # One line in the log for the whole outage, not one per cache call.
    warnings = [r for r in caplog.records if r.name == "config.cache"]
    assert len(warnings) == 1
    assert "127.0.0.1:1/0 is unavailable" in warnings[0].getMessage()


def test_signed_in_pages_and_the_api_with_a_token_answer_while_redis_is_unreachable(
    redis_down, product, buyer
):
    client = Client()
    _sign_in(client, buyer)  # allauth's sign-in rate limit goes through the cache
    for path in [*_public_paths(product), "/catalogue/buyer/", "/catalogue/inquiries/"]:
        assert client.get(path).status_code == 200, path

    api = APIClient()
    # The token endpoint has its own throttle (the cache again).
    token = api.post(
        "/api/v1/auth/token/", {"email": buyer.email, "password": PASSWORD}, format="json"
    )
    assert token.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    listed = api.get("/api/v1/products/")
    assert listed.status_code == 200
    assert [item["slug"] for item in listed.json()["results"]] == [product.slug]
    assert api.get(f"/api/v1/products/{product.slug}/").status_code == 200
    assert api.get("/api/v1/inquiries/").status_code == 200


def test_a_signed_in_buyer_sees_their_own_page_while_redis_is_unreachable(
    redis_down, product, buyer
):
    """Session (cached_db: from the database), the unread badge and the shared page
    blocks (rendered afresh, nothing kept) all answer without the cache."""
    ShortlistItem.objects.create(buyer=buyer, product=product)
    NotificationFactory(recipient=buyer)
    client = Client()
    _sign_in(client, buyer)
    for _ in range(2):
        for path in ["/catalogue/", f"/catalogue/p/{product.slug}/"]:
            page = client.get(path).content.decode()
            assert "Rattan laundry basket" in page or "Keranjang" in page, path
            assert 'class="heart" aria-pressed="true"' in page or "data-saved" in page, path
            assert 'class="badge"' in page, path
            assert 'name="csrfmiddlewaretoken"' in page, path


def test_owner_mentor_and_staff_dashboards_load_while_redis_is_unreachable(
    redis_down, product, staff
):
    for user, path in [
        (product.business.owner, "/umkm/dashboard/"),
        (product.business.mentorships.get().mentor, "/mentoring/dashboard/"),
        (staff, "/staff/"),
        (staff, "/staff/queues/"),
    ]:
        client = Client()
        _sign_in(client, user)
        assert client.get(path).status_code == 200, path


def test_a_buyer_signs_in_and_sends_an_inquiry_while_redis_is_unreachable(
    redis_down, product, buyer, django_capture_on_commit_callbacks
):
    client = Client()
    _sign_in(client, buyer)
    started = time.monotonic()
    response = _send_inquiry(client, product, django_capture_on_commit_callbacks)
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    inquiry = Inquiry.objects.get(buyer=buyer)
    assert inquiry.product == product
    # The owner's notification is written with the inquiry; its email waits for the
    # broker (the enqueue after commit failed and was logged, not raised).
    told = Notification.objects.get(recipient=product.business.owner, kind="inquiry_received")
    assert told.email_status == Notification.EmailStatus.PENDING
    assert mail.outbox == []
    assert elapsed < 5, f"the dead broker held the request for {elapsed:.1f} s"
    # The thread opens for both sides.
    assert client.get(f"/catalogue/inquiries/{inquiry.pk}/").status_code == 200
    owner = Client()
    _sign_in(owner, product.business.owner)
    assert owner.get(f"/catalogue/inquiries/{inquiry.pk}/").status_code == 200


def test_when_redis_returns_the_sweep_delivers_what_waited_and_the_cache_works_again(
    redis_down,
    redis_url,
    settings,
    celery_broker,
    product,
    buyer,
    django_capture_on_commit_callbacks,
):
    client = Client()
    _sign_in(client, buyer)
    assert _send_inquiry(client, product, django_capture_on_commit_callbacks).status_code == 302
    pending = Notification.EmailStatus.PENDING
    # The owner is told, and the business's mentor as its advisor.
    recipients = sorted(
        Notification.objects.filter(email_status=pending).values_list("recipient__email", flat=True)
    )
    assert len(recipients) == 2

    # Redis is back (the cache and the broker; the worker runs eagerly here). The
    # cache's keys get a prefix of their own, removed at the end.
    settings.REDIS_URL = redis_url
    settings.CACHES = resilient_caches(redis_url)
    settings.CACHES["default"]["KEY_PREFIX"] = KEY_PREFIX
    celery_broker(redis_url, eager=True)
    with django_capture_on_commit_callbacks(execute=True):
        queued = notification_services.notifications_sweep(
            now=timezone.now() + timedelta(minutes=settings.NOTIFICATIONS_SWEEP_AFTER_MINUTES + 1)
        )
    assert queued == 2
    assert not Notification.objects.filter(email_status=pending).exists()
    assert sorted(to for m in mail.outbox for to in m.to) == recipients

    # The catalogue is cached again: a version exists and an anonymous page is stored.
    server = redis.Redis.from_url(redis_url)
    try:
        assert catalogue_version() != ""
        assert Client().get("/catalogue/").status_code == 200
        assert server.keys(f"{KEY_PREFIX}:*:anon-response:*")
        assert Client().get("/readyz").status_code == 200
    finally:
        for key in server.scan_iter(f"{KEY_PREFIX}:*"):
            server.delete(key)
        server.close()


# Rate limits --------------------------------------------------------------------------


def test_api_throttling_still_counts_in_memory_while_redis_is_unreachable(
    redis_down, product, settings
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "3/min",
        },
    }
    api = APIClient()
    statuses = [api.get(f"/api/v1/products/{product.slug}/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_failed_sign_ins_are_still_limited_while_redis_is_unreachable(redis_down, buyer):
    """allauth's limit of 5 failed sign-ins per address holds (counted in memory)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": buyer.email, "password": "wrong-guess"}
        )
        assert response.status_code == 200
        assert "Too many failed login attempts" not in response.content.decode()
    response = client.post(reverse("account_login"), {"login": buyer.email, "password": PASSWORD})
    assert response.status_code != 302  # not signed in, even with the right password
    assert "Too many failed login attempts" in response.content.decode()


# Health -------------------------------------------------------------------------------


def test_readyz_reports_redis_as_failed_while_healthz_stays_ok(redis_down):
    client = Client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["redis"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("failed: ")


# The backend itself -------------------------------------------------------------------


def test_the_settings_configure_the_cache_these_tests_use():
    code = "import json; from django.conf import settings as s; print(json.dumps(s.CACHES))"
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "True",
            "REDIS_URL": DEAD_REDIS,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == resilient_caches(DEAD_REDIS)


def _backend(url: str, **options):
    config = resilient_caches(url, **options)["default"]
    return resilient.ResilientRedisCache(config["LOCATION"], config)


def test_the_circuit_breaker_spares_the_network_after_a_failure():
    backend = _backend(DEAD_REDIS, RETRY_AFTER=0.3)
    original = redis.connection.Connection._connect
    with mock.patch.object(
        redis.connection.Connection, "_connect", autospec=True, side_effect=original
    ) as connect:
        assert backend.get("catalogue_version") is None
        assert connect.call_count == 1
        # Within the window: nothing is tried, every call is a miss at once.
        assert backend.get("catalogue_version", "fallback") == "fallback"
        assert backend.add("catalogue_version", "v1") is False
        assert backend.set("anything", 1) is None
        assert backend.get_many(["a", "b"]) == {}
        assert backend.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert backend.delete("anything") is False
        assert backend.has_key("anything") is False
        assert backend.touch("anything") is False
        with pytest.raises(ValueError, match="not found"):
            backend.incr("counter")
        assert backend.get_or_set("computed", 42) == 42
        assert connect.call_count == 1
        # After the window one call tries again.
        time.sleep(0.35)
        backend.get("catalogue_version")
        assert connect.call_count == 2


def test_rate_limit_keys_fall_back_to_local_memory_and_nothing_else_does():
    backend = _backend(DEAD_REDIS)
    backend.set("throttle_anon_203.0.113.9", [1.0, 2.0], 60)
    assert backend.get("throttle_anon_203.0.113.9") == [1.0, 2.0]
    assert backend.add("allauth:rl:allauth.account:login:lock", True, 10) is True
    assert backend.add("allauth:rl:allauth.account:login:lock", True, 10) is False
    backend.set("anon-response:v1:en:abc", b"<html>", 60)
    assert backend.get("anon-response:v1:en:abc") is None
    backend.clear()
    assert backend.get("throttle_anon_203.0.113.9") is None


def test_a_hanging_redis_costs_one_short_timeout_not_one_per_call():
    """A server that accepts connections but never answers (a frozen Redis)."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        backend = _backend(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        started = time.monotonic()
        assert backend.get("catalogue_version") is None
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(50):
            assert backend.get("catalogue_version") is None
        rest = time.monotonic() - started
    assert 0.4 <= first < 2, f"the first call took {first:.2f} s"
    assert rest < 0.5, f"50 calls during the outage took {rest:.2f} s"


def test_a_reachable_redis_is_used_as_before(redis_url):
    backend = _backend(redis_url)
    backend.set("jembatan-test-key", {"n": 1}, 30)
    assert backend.get("jembatan-test-key") == {"n": 1}
    backend.set("jembatan-test-counter", 1, 30)
    assert backend.incr("jembatan-test-counter") == 2
    backend.delete_many(["jembatan-test-key", "jembatan-test-counter"])
    assert backend.get("jembatan-test-key") is None


def test_one_redis_client_serves_every_operation_and_every_thread(redis_url, monkeypatch):
    """Django makes a redis-py client per cache operation, which costs more than the
    round trip; here one is made per server and shared."""
    made = []
    real_init = redis.Redis.__init__

    def counting_init(self, *args, **kwargs):
        made.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting_init)
    backend = _backend(redis_url)

    def work(n: int) -> None:
        backend.set(f"jembatan-test-shared-{n}", n, 30)
        assert backend.get(f"jembatan-test-shared-{n}") == n
        assert backend.get_many([f"jembatan-test-shared-{n}"]) == {f"jembatan-test-shared-{n}": n}
        backend.delete(f"jembatan-test-shared-{n}")

    work(99)  # the first use makes the client (two threads at once could make two)
    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1


def test_a_broker_that_hangs_delays_an_enqueue_by_seconds_not_forever(celery_broker, owner):
    """The row stays pending and nothing is raised into the request."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        celery_broker(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        notification = notification_services.notification_create(
            recipient=owner, kind="welcome", context={"name": "Siti", "next_step": "-"}
        )
        started = time.monotonic()
        notification_services.notification_enqueue(notification.pk)
        elapsed = time.monotonic() - started
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.PENDING
    assert elapsed < 4, f"publishing to a hung broker took {elapsed:.1f} s"
