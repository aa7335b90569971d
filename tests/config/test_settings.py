"""Configuration comes from the environment; production mistakes stop start-up clearly."""

import os
import subprocess
import sys

import pytest

from ..support import ROOT

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "False",
    "SECRET_KEY": "k3y-" + "x7Qp9vL2mN8rT4wZ6yB1cD5fG0hJ3kS" * 2,
    "ALLOWED_HOSTS": "jembatan.example.id",
    "CSRF_TRUSTED_ORIGINS": "https://jembatan.example.id",
    "SITE_URL": "https://jembatan.example.id",
    "DATABASE_URL": "sqlite:////tmp/jembatan-check-deploy.sqlite3",
    "EMAIL_URL": "smtp://mailer:secret@mail.example.id:587/?tls=True",
}


SETTINGS_VARIABLES = {
    *PRODUCTION_ENV,
    "DJANGO_SETTINGS_MODULE",
    "REDIS_URL",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "TIME_ZONE",
    "USE_X_FORWARDED_PROTO",
    "DJANGO_DEMO_APP",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Nothing from the test process's own configuration leaks into the child.
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_in_production_stops_with_one_clear_sentence():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "SECRET_KEY" in lines[0]


@pytest.mark.parametrize("command", ["migrate", "runserver", "shell"])
def test_commands_that_serve_or_write_still_demand_the_secret_key(command):
    result = _manage(command, env={})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args", [("check",), ("makemigrations", "--check", "--dry-run"), ("showmigrations",)]
)
def test_commands_that_only_read_the_code_run_on_a_fresh_clone(args):
    """No SECRET_KEY, ALLOWED_HOSTS or SITE_URL: nothing is served, signed or sent."""
    result = _manage(*args, env={})
    assert result.returncode == 0, result.stderr


def test_invalid_debug_value_stops_with_one_sentence():
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "DJANGO_DEBUG" in result.stderr


def test_invalid_database_url_stops_with_one_sentence():
    result = _manage("check", env={**PRODUCTION_ENV, "DATABASE_URL": "nonsense://"})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "DATABASE_URL" in result.stderr


def test_check_deploy_reports_zero_issues_with_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_debug_without_secret_key_starts_for_local_development():
    result = _manage("check", env={"DJANGO_DEBUG": "True"})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("redis_url", "eager", "cache_backend"),
    [
        ("", True, "django.core.cache.backends.locmem.LocMemCache"),
        ("redis://127.0.0.1:6379/0", False, "config.cache.ResilientRedisCache"),
    ],
)
def test_redis_url_switches_celery_and_cache(redis_url, eager, cache_backend):
    code = (
        "from django.conf import settings as s;"
        "print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'],"
        " s.EMAIL_BACKEND, s.DATABASES['default']['ENGINE'], s.TIME_ZONE)"
    )
    result = _manage(
        "shell", "--no-imports", "-c", code, env={"DJANGO_DEBUG": "True", "REDIS_URL": redis_url}
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.split()
    assert out[0] == str(eager)
    assert out[1] == (redis_url or "memory://")
    assert out[2] == cache_backend
    assert out[3] == "django.core.mail.backends.console.EmailBackend"
    assert out[4] == "django.db.backends.sqlite3"
    assert out[5] == "Asia/Jakarta"


@pytest.mark.parametrize("variable", ["ALLOWED_HOSTS", "SITE_URL"])
def test_missing_public_address_in_production_stops_with_one_sentence(variable):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != variable}
    result = _manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert variable in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_forwarded_proto_is_trusted_only_when_asked():
    code = (
        "from django.conf import settings as s; print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    plain = _manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)
    assert plain.stdout.strip().endswith("None"), plain.stderr
    proxied = _manage(
        "shell", "--no-imports", "-c", code, env={**PRODUCTION_ENV, "USE_X_FORWARDED_PROTO": "True"}
    )
    assert "HTTP_X_FORWARDED_PROTO" in proxied.stdout, proxied.stderr


def test_postgresql_connections_run_without_the_jit_compiler():
    code = "from django.conf import settings as s; print(s.DATABASES['default'].get('OPTIONS'))"
    env = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://u:p@db.example.id:5432/jembatan"}
    result = _manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert "'options': '-c jit=off'" in result.stdout
    sqlite = _manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)
    assert "jit" not in sqlite.stdout


def test_a_postgresql_connection_has_the_settings_it_was_given(db, postgres_db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
