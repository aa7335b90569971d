"""Test override: fast hashing, in-memory email and cache, eager Celery.

DATABASE_URL and REDIS_URL still come from the environment, so CI runs the same suite
against PostgreSQL and Redis; tests that need a real worker switch eagerness off.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DJANGO_DEBUG", "False")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("ALLOWED_HOSTS", "*")
os.environ.setdefault("SITE_URL", "https://jembatan.test")
os.environ.setdefault("DJANGO_DEMO_APP", "True")  # seed_demo and its tests

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# libwebp's fastest effort for thumbnails: the same format and sizes, a third of the time
# (the seeded demo alone makes 764 of them). Production keeps 4 (core.uploads.webp).
THUMBNAIL_WEBP_METHOD = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SITE_URL = "https://jembatan.test"
ALLOWED_HOSTS = ["*"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns otherwise
# Serve static files through whitenoise from the finders, as in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # A test's commit never has to survive a crash: not waiting for the write-ahead log
    # makes each transactional test's TRUNCATE of every table (0.6 → 0.35 s) and the
    # migrations that create each worker's database about twice as fast.
    DATABASES["default"]["OPTIONS"]["options"] += " -c synchronous_commit=off"  # noqa: F405
    # The same backend whose flush deletes rows instead of truncating every table.
    DATABASES["default"]["ENGINE"] = "config.test_postgresql"  # noqa: F405
