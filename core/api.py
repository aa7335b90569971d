"""API plumbing named in ``REST_FRAMEWORK``: the JSON parser and its limits, pagination,
throttles, the error shape; and the JSON answers for errors outside the API's views
(an unknown URL under ``/api/``).

Kept apart from ``marketplace.api`` (serializers and views) because DRF imports these
while building ``APIView`` itself, before every app's models are ready.

Input never causes a 5xx: a body that is too large, too deep or not JSON, a lookup
that cannot exist, and a value the database refuses all answer a 4xx in the error
shape ``{"detail": "…", "errors": {"field": ["…"]}}``.
"""

import json
import logging
import re
from functools import partial

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views import defaults
from rest_framework import (
    authentication,
    exceptions,
    pagination,
    parsers,
    status,
    throttling,
)
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings

from core.http import whole_number
from core.pagination import CachedCountPaginator

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
API_LANGUAGES = ("en", "id")
MAX_PAGE_SIZE = 100
MAX_BODY_BYTES = 256 * 1024  # an inquiry is a few KB; uploads do not go through the API
MAX_JSON_DEPTH = 32  # our bodies are flat objects; the json module recurses per level

MSG_NOT_FOUND = _("Not found.")
MSG_INVALID = _("Some of the values sent are not valid.")
MSG_NOT_JSON = _("The request body is not valid JSON (line %(line)s, column %(column)s).")
MSG_NOT_TEXT = _("The request body is not valid UTF-8 text.")
MSG_TOO_DEEP = _("The JSON in the request body is nested more than %(limit)s levels deep.")
MSG_TOO_LARGE = _("The request body is too large: at most %(limit)s KB are accepted.")
MSG_BAD_REQUEST = _("The request could not be understood.")
MSG_SERVER_ERROR = _("Something went wrong on our side. Please try again later.")


def api_language(request) -> str:
    """The first of English or Indonesian the client accepts; English by default."""
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        base = code.split("-")[0].lower()
        if base in API_LANGUAGES:
            return base
    return "en"


# Authentication ------------------------------------------------------------------------

TOKEN_KEY = re.compile(r"[0-9a-f]{40}")  # rest_framework.authtoken: 20 random bytes in hex


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's, except that a key of the wrong form is refused without a query (PostgreSQL
    refuses a NUL byte in text: a 5xx otherwise)."""

    def authenticate_credentials(self, key):
        if not TOKEN_KEY.fullmatch(key):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(key)


# Parsing -------------------------------------------------------------------------------


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self):
        super().__init__(MSG_TOO_LARGE % {"limit": MAX_BODY_BYTES // 1024})


class InvalidInput(exceptions.APIException):
    """A value that passed validation but that the database or the code still refused."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = MSG_INVALID
    default_code = "invalid"


# One left-to-right pass: a whole JSON string (escapes included; possessive, so it never
# backtracks), a bracket outside strings, or a quote that opens a string never closed.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*+"|[\[\]{}]|"', re.DOTALL)


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects in ``text`` nest deeper than ``limit``, found without
    parsing (the parser itself would recurse once per level). Linear in the length: a
    string that never closes ends the scan (the parser then refuses the body)."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        found = match.group()
        if found in "[{":
            depth += 1
            if depth > limit:
                return True
        elif found in "]}":
            depth -= 1
        elif found == '"':  # unterminated: nothing after it is outside a string
            return False
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a body size limit (413) and a nesting depth limit (400),
    and its messages translated; ``NaN``, ``Infinity`` and half surrogate pairs are
    refused.

    DRF reads the body before parsing; a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``
    (2.5 MB) Django refuses without reading it, also a 413 (``_as_api_exception``).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        request = parser_context.get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        declared = whole_number(declared or "")
        if declared is not None and declared > MAX_BODY_BYTES:
            raise RequestTooLarge
        body = _read_at_most(stream, MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            raise RequestTooLarge
        try:
            text = body.decode(parsers.get_encoding(parser_context) or "utf-8")
        except (UnicodeDecodeError, LookupError):
            raise exceptions.ParseError(MSG_NOT_TEXT) from None
        if json_too_deep(text):
            raise exceptions.ParseError(MSG_TOO_DEEP % {"limit": MAX_JSON_DEPTH})
        parse_constant = _refuse_constant if self.strict else None
        try:
            data = json.loads(text, parse_constant=parse_constant)
        except json.JSONDecodeError as error:
            raise exceptions.ParseError(
                MSG_NOT_JSON % {"line": error.lineno, "column": error.colno}
            ) from None
        except (ValueError, RecursionError):  # NaN/Infinity (strict); depth, as a last guard
            raise exceptions.ParseError(MSG_NOT_JSON % {"line": 1, "column": 1}) from None
        if _has_lone_surrogate(data):
            # "\ud800" is JSON but no character: it cannot be stored, nor even echoed
            # back in an error message as UTF-8.
            raise exceptions.ParseError(MSG_NOT_TEXT)
        return data


_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(data) -> bool:
    """Whether a string (a key or a value) holds half of a UTF-16 pair; ``json`` joins
    the escapes of a whole pair into one character."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _refuse_constant(name: str):
    raise ValueError(name)  # NaN, Infinity, -Infinity: not JSON (RFC 8259)


def _read_at_most(stream, size: int) -> bytes:
    chunks, remaining = [], size
    while remaining > 0:
        chunk = stream.read(min(remaining, 64 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


# Pagination and throttles -------------------------------------------------------------


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=`` and ``?page_size=`` (at most 100; larger asks are capped); the total is
    cached briefly, as on the catalogue page."""

    django_paginator_class = CachedCountPaginator
    page_size = 24
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        # A view with a cheaper total than COUNT(*) (``page_total``, e.g. the maintained
        # catalogue counts) or a cheaper way to a page's ids (``page_ids``, e.g. a
        # search's ranked hits) hands them to the paginator.
        self.django_paginator_class = partial(
            CachedCountPaginator,
            total=getattr(view, "page_total", None),
            ids=getattr(view, "page_ids", None),
        )
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        size = whole_number(raw)
        if size is None or size < 1:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [_("Enter a whole number of at least 1.")]}
            )
        return min(size, self.max_page_size)


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


def _as_api_exception(exc):
    """Errors raised below the API views, as the 4xx they stand for.

    Every 404 says the same (a hidden object and one that does not exist look alike);
    a Django ``ValidationError`` from a model or service keeps its messages; a value
    the database or a conversion refused is a 400, logged: validation should have
    caught it first.
    """
    if isinstance(exc, Http404):
        return exceptions.NotFound(MSG_NOT_FOUND)
    if isinstance(exc, RequestDataTooBig):  # over DATA_UPLOAD_MAX_MEMORY_SIZE: never read
        return RequestTooLarge()
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(get_error_detail(exc))
    if isinstance(exc, (DataError, ValueError, ArithmeticError)):
        logger.error("API input refused only by the database or a conversion", exc_info=exc)
        return InvalidInput()
    return exc


def exception_handler(exc, context):
    """Every error as ``{"detail": "…", "errors": {"field": ["…"]}}``.

    ``errors`` is empty unless particular fields or query parameters are wrong; errors
    not tied to one field come under ``non_field_errors``.
    """
    # Imported here: rest_framework.views reads DEFAULT_THROTTLE_CLASSES (this module)
    # at import time, so importing it above would be circular.
    from rest_framework.views import exception_handler as drf_exception_handler

    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            errors = {str(field): _as_lists(value) for field, value in detail.items()}
        else:
            errors = {api_settings.NON_FIELD_ERRORS_KEY: _as_lists(detail)}
        message = MSG_INVALID
        general = errors.get(api_settings.NON_FIELD_ERRORS_KEY)
        if general and len(errors) == 1:
            message = general[0]  # e.g. "The email address or the password is not right."
        response.data = {"detail": str(message), "errors": errors}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {"detail": str(detail), "errors": {}}
    return response


# Errors outside the API's views (root URLconf handlers) --------------------------------


def _json_error(request, message, status_code: int) -> JsonResponse:
    language = api_language(request)
    with translation.override(language):
        body = {"detail": str(message), "errors": {}}
    compact = {"ensure_ascii": False, "separators": (",", ":")}  # as DRF's JSONRenderer
    response = JsonResponse(body, status=status_code, json_dumps_params=compact)
    response["Content-Language"] = language
    response["Cache-Control"] = "private, no-store"
    return response


def _is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def bad_request(request, exception):
    if _is_api(request):
        return _json_error(request, MSG_BAD_REQUEST, 400)
    return defaults.bad_request(request, exception)


def page_not_found(request, exception):
    """An unknown URL under ``/api/`` answers as a missing object does."""
    if _is_api(request):
        return _json_error(request, MSG_NOT_FOUND, 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return _json_error(request, MSG_SERVER_ERROR, 500)
    return defaults.server_error(request)
