"""Settings for Jembatan UMKM, read from the environment (12-factor).

Every variable is documented in README.md and .env.example. The embedded default
(no variables set but DJANGO_DEBUG=True) is SQLite under var/, eager Celery and
console email. Production sets DJANGO_DEBUG=False and must provide SECRET_KEY.
"""

import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _fail(sentence: str) -> None:
    """Stop start-up with one clear sentence instead of a traceback."""
    sys.stderr.write(f"Configuration error: {sentence}\n")
    raise SystemExit(2)


def _env_flag(name: str, default: bool) -> bool:
    """A strict boolean: a typo must not silently mean False."""
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    _fail(f"{name} must be True or False, not {raw!r}.")
    return default  # pragma: no cover - _fail exits


DEBUG = _env_flag("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-only-for-DJANGO_DEBUG-True"  # noqa: S105
    else:
        _fail(
            "SECRET_KEY is not set; set the SECRET_KEY environment variable "
            "(or DJANGO_DEBUG=True for local development)."
        )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not ALLOWED_HOSTS:
    _fail("ALLOWED_HOSTS is not set; list the host names the site answers to, comma-separated.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    _fail("SITE_URL is not set; give the site's public address, e.g. https://jembatan.example.id.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "notifications",
    "umkm",
    "mentoring",
    "marketplace",
    "outcomes",
    "backoffice",
    "pages",
]
# The demo data and its seed_demo command: development, tests and the benchmark only.
# It imports the apps above; none of them imports it.
if _env_flag("DJANGO_DEMO_APP", default=DEBUG):
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, so it sees a view's exceptions first, with the language and user set.
    "config.database.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
            # One date and number style everywhere (core/formatting.py), in every
            # template, email and PDF without a {% load %}.
            "builtins": ["core.templatetags.formatting"],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
(BASE_DIR / "var").mkdir(exist_ok=True)
_database_url = env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
if _database_url.split("://", 1)[0] not in {"sqlite", "postgres", "postgresql", "pgsql"}:
    _fail(
        "DATABASE_URL must start with postgres:// or sqlite:// (e.g. postgres://user@host:5432/name)."
    )
DATABASES = {"default": environ.Env.db_url_config(_database_url)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The site runs short queries only. PostgreSQL's JIT compiler prices the larger
    # aggregates (programme dashboard, catalogue facets at 100,000 products) above
    # jit_above_cost and then spends longer compiling than running them (300 ms of JIT
    # for a 90 ms query), so it is off for our connections unless OPTIONS say otherwise.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several people at once (`make run`, a small site on
    # one server). Every connection: write-ahead logging (readers never wait for the
    # writer), NORMAL sync (safe in WAL: a power cut may lose the last commits, never
    # the file), transactions that take the write lock when they begin (IMMEDIATE, so
    # that a transaction that read first never fails on its first write), and a wait of
    # up to `timeout` seconds for the lock (Python's sqlite3 sets busy_timeout from it),
    # below gunicorn's 30 s worker timeout. Django itself turns foreign keys on.
    # Query options of DATABASE_URL (e.g. ?timeout=30) win.
    _sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    _sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
    _sqlite_options.setdefault("timeout", 20)
    _sqlite_options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email is the login, verification is mandatory, rate limits stay on
# (allauth's defaults for login failures, sign-ups and password resets).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Jembatan UMKM] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Tell people by email when their password or email address changed (branded, in
# their language: accounts.adapter.AccountAdapter).
ACCOUNT_EMAIL_NOTIFICATIONS = True

# Language and time.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Jakarta")
USE_I18N = True
USE_TZ = True
# "5 Dec 2026" / "5 Des 2026", times with their zone: core/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["core.formats"]

# Static and media files: whitenoise serves static files; nothing from a CDN.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Certificates and other documents: never under MEDIA_URL, served by a checked view.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))

# Media on S3-compatible object storage (AWS S3, MinIO, Wasabi, …) when a bucket is
# named, so every web and worker host shares one store; otherwise the folders above.
# Empty credentials leave boto3 to its own chain (instance role, ~/.aws).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _s3_connection = {
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
        "file_overwrite": False,
    }
    # Product photos and logos are public: plain, cacheable URLs.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3_connection,
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "default_acl": None,
            "querystring_auth": False,
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
        },
    }
    # Certificates: a separate bucket, or a "private/" prefix of the same one (keep it
    # out of any public bucket policy); only short-lived signed URLs reach a browser.
    _private_bucket = env.str("AWS_PRIVATE_BUCKET_NAME", default="")
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3_connection,
            "bucket_name": _private_bucket or AWS_STORAGE_BUCKET_NAME,
            "location": "" if _private_bucket else "private",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "signature_version": "s3v4",
            "custom_domain": None,
        },
    }

# Email: console by default; EMAIL_URL=smtp://user:pass@host:587/?tls=True in production.
try:
    vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
except Exception:  # noqa: BLE001
    _fail("EMAIL_URL is not a valid email URL (e.g. smtp://user:password@host:587/?tls=True).")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Jembatan UMKM <noreply@jembatan.id>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# Redis: when REDIS_URL is set it is the Celery broker and the cache; otherwise tasks
# run eagerly in the web process and the cache is local memory. The cache only speeds
# things up: while Redis is down every page is made from the database (config/cache.py),
# and the rate limits of sign-in (allauth) and the API (DRF) count in each process's
# memory meanwhile, so they still hold (per process) instead of failing open.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "RETRY_AFTER": 5,
                "LOCAL_FALLBACK_KEY_PREFIXES": ["throttle_", "allauth:rl:"],
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions are read from the cache and written to both (a signed-in page no longer
# costs a session query); the database stays the record, so a session survives a
# flushed or unreachable cache (ResilientRedisCache then answers "missing").
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request must not hang when the broker is down: publish fails fast, the row
# stays pending and the sweep re-enqueues it later.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# One second each way: refused fails at once, an unreachable or hung broker costs a
# request at most about two seconds (two tries). The worker's BRPOP is not bound by
# socket_timeout (kombu waits for it in its event loop).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {
        "task": "notifications.tasks.sweep_pending",
        "schedule": 60.0,
    },
    "thumbnails-sweep": {
        "task": "umkm.tasks.sweep_thumbnails",
        "schedule": 300.0,
    },
    # Words of products no longer listed leave the search's typo dictionary.
    "catalogue-words": {
        "task": "umkm.tasks.rebuild_catalogue_words",
        "schedule": crontab(minute=35),
    },
    # Certificates that expired at midnight leave the catalogue's facet counts (local
    # time: CELERY_TIMEZONE is TIME_ZONE).
    "catalogue-facets": {
        "task": "umkm.tasks.rebuild_catalogue_facets",
        "schedule": crontab(hour=0, minute=5),
    },
    "certifications-expiry": {
        "task": "umkm.tasks.warn_expiring_certifications",
        "schedule": crontab(hour=7, minute=0),
    },
    "marketplace-hourly": {
        "task": "marketplace.tasks.hourly_sweep",
        "schedule": crontab(minute=15),
    },
    "mentoring-sweep": {
        "task": "mentoring.tasks.sweep_mentorships",
        "schedule": crontab(minute=5),
    },
    # Follow-up surveys that fell due, and reminders of unanswered ones (idempotent).
    "outcomes-follow-ups": {
        "task": "outcomes.tasks.sweep_follow_ups",
        "schedule": crontab(hour=8, minute=10),
    },
    # Training reminders 24 h and 1 h before the start (idempotent, catches up).
    # The programme dashboard's figures, computed ahead of the page (shown with the time).
    "programme-snapshots": {
        "task": "backoffice.tasks.refresh_programme_snapshots",
        "schedule": 600.0,
    },
    "trainings-sweep": {
        "task": "mentoring.tasks.sweep_trainings",
        "schedule": 300.0,
    },
}

# Public JSON API (Django REST Framework) under /api/v1/, OpenAPI 3 schema at
# /api/schema/ and docs at /api/docs/ served from the sidecar's static files (no CDN).
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.TokenAuthentication",  # DRF's, refusing malformed keys first
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.api.JSONParser"],  # body size and depth limits
    "DEFAULT_PAGINATION_CLASS": "core.api.PageNumberPagination",
    "PAGE_SIZE": 24,
    "DEFAULT_THROTTLE_CLASSES": ["core.api.AnonThrottle", "core.api.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": "60/min",
        "user": "120/min",
        "token": "10/min",  # POST /api/v1/auth/token/ (password guessing)
    },
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Jembatan UMKM API",
    "DESCRIPTION": (
        "Public catalogue of Indonesian MSME export products, suppliers, categories and "
        "trainings; authenticated buyers send inquiries."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# Notifications: a pending email older than this is re-enqueued by the sweep.
NOTIFICATIONS_SWEEP_AFTER_MINUTES = env.int("NOTIFICATIONS_SWEEP_AFTER_MINUTES", default=5)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=6)

# WhatsApp Business Cloud API (Meta's Graph API). All four credentials unset: the
# channel is off and nothing else changes; set one, set all four.
WHATSAPP_API_URL = env.str("WHATSAPP_API_URL", default="https://graph.facebook.com/v24.0").rstrip(
    "/"
)
WHATSAPP_PHONE_NUMBER_ID = env.str("WHATSAPP_PHONE_NUMBER_ID", default="")
WHATSAPP_ACCESS_TOKEN = env.str("WHATSAPP_ACCESS_TOKEN", default="")
WHATSAPP_APP_SECRET = env.str("WHATSAPP_APP_SECRET", default="")
WHATSAPP_VERIFY_TOKEN = env.str("WHATSAPP_VERIFY_TOKEN", default="")
_whatsapp_missing = [
    name
    for name in (
        "WHATSAPP_PHONE_NUMBER_ID",
        "WHATSAPP_ACCESS_TOKEN",
        "WHATSAPP_APP_SECRET",
        "WHATSAPP_VERIFY_TOKEN",
    )
    if not globals()[name]
]
if 0 < len(_whatsapp_missing) < 4:
    _fail(
        f"{', '.join(_whatsapp_missing)} not set; the WhatsApp channel needs all four "
        "WHATSAPP_ variables (or none, to keep it off)."
    )
if not WHATSAPP_API_URL.startswith(("http://", "https://")):
    _fail("WHATSAPP_API_URL must start with https://, e.g. https://graph.facebook.com/v24.0.")

# Security. Production (DJANGO_DEBUG=False) gets HTTPS-only cookies and HSTS; each can
# be relaxed by its variable (e.g. behind a proxy that already redirects).
# Trust X-Forwarded-Proto only behind a proxy that sets it (else anyone could claim https).
if _env_flag("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client address that rate limits count (allauth's sign-in limits, the API's
# throttles): REMOTE_ADDR, or behind N proxies that append to X-Forwarded-For, the
# address the nearest of them saw. The header is never trusted beyond that: anyone can
# send one, and a new address per request would dodge every limit.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    _fail("TRUSTED_PROXY_COUNT must be 0 (no proxy) or the number of proxies in front.")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
SECURE_SSL_REDIRECT = _env_flag("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = _env_flag("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = _env_flag("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = _env_flag("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
