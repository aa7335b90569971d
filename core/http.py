"""Small request helpers shared by the apps' views."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback: str) -> str:
    """A POSTed ``next`` only if it stays on this site (no open redirects)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def whole_number(raw: str, *, max_digits: int = 18) -> int | None:
    """``raw`` as a non-negative whole number, or None: ASCII digits only (``"²"`` and
    ``"٣"`` pass ``str.isdigit()``, and ``int()`` refuses the first) and at most
    ``max_digits`` of them (``int()`` refuses more than 4,300)."""
    if raw and len(raw) <= max_digits and raw.isascii() and raw.isdigit():
        return int(raw)
    return None
