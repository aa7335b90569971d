"""Liveness and readiness probes for load balancers and orchestrators."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return type(exc).__name__
    return None


def _check_redis() -> str | None:
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        client.ping()
        client.close()
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__
    return None


@never_cache
@require_GET
def readyz(request):
    checks = {"database": _check_database()}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis()
    failed = [name for name, error in checks.items() if error]
    body = {
        "status": "ok" if not failed else "unavailable",
        "checks": {
            name: ("ok" if not error else f"failed: {error}") for name, error in checks.items()
        },
    }
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)
