"""API plumbing named in ``REST_FRAMEWORK``: pagination, throttles, the error shape.

Kept apart from ``marketplace.api`` (serializers and views) because DRF imports these
while building ``APIView`` itself, before every app's models are ready.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination, throttling
from rest_framework.settings import api_settings

from marketplace.pagination import CachedCountPaginator

MAX_PAGE_SIZE = 100


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=`` and ``?page_size=`` (at most 100; larger asks are capped); the total is
    cached briefly, as on the catalogue page."""

    django_paginator_class = CachedCountPaginator
    page_size = 24
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [_("Enter a whole number of at least 1.")]}
            )
        return min(int(raw), self.max_page_size)


# The throttles count in the cache. While Redis is down the cache keeps their keys
# ("throttle_…") in each process's memory (config/cache.py), so limits still hold, per
# process, rather than failing open or failing the request.
class _LiveRateMixin:
    """Read the rate from the current settings (DRF binds them at import time)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_LiveRateMixin, throttling.AnonRateThrottle):
    pass


class UserThrottle(_LiveRateMixin, throttling.UserRateThrottle):
    pass


class ScopedThrottle(_LiveRateMixin, throttling.ScopedRateThrottle):
    pass


def _as_lists(value) -> list:
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, dict):
        return [str(item) for items in value.values() for item in _as_lists(items)]
    return [str(value)]


def exception_handler(exc, context):
    """Every error as ``{"detail": "…", "errors": {"field": ["…"]}}``.

    ``errors`` is empty unless particular fields or query parameters are wrong; errors
    not tied to one field come under ``non_field_errors``.
    """
    # Imported here: rest_framework.views reads DEFAULT_THROTTLE_CLASSES (this module)
    # at import time, so importing it above would be circular.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            errors = {str(field): _as_lists(value) for field, value in detail.items()}
        else:
            errors = {api_settings.NON_FIELD_ERRORS_KEY: _as_lists(detail)}
        message = _("Some of the values sent are not valid.")
        general = errors.get(api_settings.NON_FIELD_ERRORS_KEY)
        if general and len(errors) == 1:
            message = general[0]  # e.g. "The email address or the password is not right."
        response.data = {"detail": str(message), "errors": errors}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {"detail": str(detail), "errors": {}}
    return response
