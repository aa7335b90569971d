"""Benchmark settings: ``config.settings`` plus what only ``make bench`` needs.

- the ``bench.ceiling`` app (a bare Django page, the framework's ceiling on the machine),
- the ``demo`` app, whose ``seed_demo --products N`` fills the benchmark database,
- a middleware that reports the number of SQL queries in a response header,
- API throttling kept on (its cache round trips are part of the cost) but at a rate
  one client on 127.0.0.1 cannot reach.

Defaults are set here so that ``manage.py`` with ``DJANGO_SETTINGS_MODULE=bench.settings``
works on its own; ``bench/run.py`` overrides the database and Redis URLs. Never used in
production.
"""

import os
from pathlib import Path

_VAR = Path(__file__).resolve().parent.parent / "var" / "bench"

for _name, _value in {
    "DJANGO_DEBUG": "False",
    "DJANGO_DEMO_APP": "True",  # seeds with seed_demo --products N
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": "http://127.0.0.1:8000",
    "SECURE_SSL_REDIRECT": "False",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/jembatan_bench",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "STATIC_ROOT": str(_VAR / "static"),
    "MEDIA_ROOT": str(_VAR / "media"),
    "PRIVATE_MEDIA_ROOT": str(_VAR / "private"),
    "LOG_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(_name, _value)

from config.settings import *  # noqa: E402, F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench.ceiling"]  # noqa: F405
# Outermost, so that the count includes the session, user and message queries.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
ROOT_URLCONF = "bench.urls"

# A history of at most one second per client: the throttle still reads and writes the
# cache on every request, but 16 connections from one address never hit 429.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/s", "user": "100000/s", "token": "100000/s"},
}
