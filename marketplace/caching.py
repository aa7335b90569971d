"""Whole responses of the public catalogue for anonymous visitors, from the cache.

Rendering a catalogue page, a product page or an API list costs 15–40 ms of Python even
with its queries cached; most readers are anonymous buyers abroad who all see the same
page. ``cache_anonymous_response`` keeps a rendered 200 for ``PAGE_CACHE_SECONDS``.

Our own decorator rather than Django's ``UpdateCacheMiddleware``/``cache_page``: their
key is the URL plus the request headers named in ``Vary`` (the raw Cookie and
Accept-Language), so every visitor's cookie jar would be its own entry and a signed-in
person's page could be stored; here the key is what the page actually depends on for an
anonymous visitor — the language already resolved by the middleware (?lang=, language
cookie, Accept-Language; it also decides the currency shown), scheme, host, full path
with query string — plus ``catalogue_version``, which every listing change replaces, so an
archived or unlisted product leaves cached pages at once. Anything else shown (supplier
names, certificates, exchange rate) follows within ``PAGE_CACHE_SECONDS``.

Never stored or served: requests with a session cookie, a messages cookie or an
Authorization header (someone signed in, or with something personal to show); responses
that are not a plain 200, that set a cookie, that are private or no-store, that put a
CSRF token in the page (a cached token would not match the next visitor's cookie), or
during which a message was added.

The API's public reads (products, suppliers) are the same JSON for everyone: there the
decorator takes ``everyone=True`` and API clients with a token or a session share the
entry too, after DRF has authenticated and throttled them (the API marks their copy
``private``; only anonymous copies are publicly cacheable).
"""

import hashlib
import re
import secrets
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.template.context import make_context
from django.template.loader_tags import BlockNode
from django.utils import timezone
from django.utils.cache import has_vary_header
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core import cache_versions
from marketplace.models import ShortlistItem

PAGE_CACHE_SECONDS = 60
# settings.ANONYMOUS_RESPONSE_CACHE_SECONDS overrides it; 0 turns the cache off (tests
# that measure what one render costs).
VERSION_KEY = cache_versions.version_key(cache_versions.CATALOGUE)
_KEY_PREFIX = "anon-response"
_PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")


def catalogue_version() -> str:
    """The catalogue's cache version (``core.cache_versions``); listing changes bump it."""
    return cache_versions.version(cache_versions.CATALOGUE)


def _may_use_cache(request, *, everyone: bool = False) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if everyone:
        return True
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    return not any(name in request.COOKIES for name in _PERSONAL_COOKIES)


def _may_store(request, response, *, everyone: bool = False) -> bool:
    user = getattr(request, "user", None)
    if not everyone and user is not None and user.is_authenticated:
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page holds a CSRF token for this visitor's cookie
    messages = getattr(request, "_messages", None)
    if messages is not None and getattr(messages, "added_new", False):
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return False
    # A response that depends on more than the language and the visitor being anonymous.
    return not has_vary_header(response, "Authorization")


def _where(request) -> str:
    """Scheme, host, path and query string of ``request``, as a digest for a cache key."""
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return hashlib.sha256(where.encode()).hexdigest()


def _key(request, language: str) -> str:
    return f"{_KEY_PREFIX}:{catalogue_version()}:{language}:{_where(request)}"


def _seconds() -> int:
    return getattr(settings, "ANONYMOUS_RESPONSE_CACHE_SECONDS", PAGE_CACHE_SECONDS)


def cache_anonymous_response(view=None, *, everyone: bool = False):
    """Decorate a view function, or with ``method_decorator`` a view's ``get`` or a DRF
    viewset's ``list``/``retrieve`` (there the API has already picked its language,
    authenticated and throttled the request, so API clients keep their rate limit; a
    DRF response is stored once it has been rendered).

    ``everyone=True``: the response does not depend on who asks (the API's public
    reads), so signed-in and token clients read and fill the same entry."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            seconds = _seconds()
            if not seconds or not _may_use_cache(request, everyone=everyone):
                return view_func(request, *args, **kwargs)
            key = _key(request, get_language())
            stored = cache.get(key)
            if stored is not None:
                content, headers = stored
                return HttpResponse(content, headers=headers)
            response = view_func(request, *args, **kwargs)

            def store(rendered):
                if _may_store(request, rendered, everyone=everyone):
                    cache.set(key, (rendered.content, dict(rendered.items())), seconds)

            if getattr(response, "is_rendered", True):
                store(response)
            else:
                response.add_post_render_callback(store)
            return response

        return wrapped

    if view is not None:
        return decorator(view)
    return decorator


# Public pages for signed-in people: the shared part from the cache, the personal part now
#
# Signed-in people cannot get a whole cached response: the header is theirs (navigation
# for their role, the unread badge, a sign-out form with their CSRF token). The page's
# own blocks (title, description, head, main content) are the same for everyone who
# reads the same path in the same language and time zone as the same kind of reader
# ("audience": a buyer, or any other signed-in person; a buyer also sees prices in USD,
# the dashboard link, the save buttons and the "Contact supplier" button). Those blocks
# are rendered once per key and kept, with the ``catalogue_version`` they were rendered
# under (served only while it is current), for ``PAGE_CACHE_SECONDS`` like the
# anonymous pages: the same staleness for supplier names and the exchange rate
# (settings.SHARED_PAGE_CACHE_SECONDS overrides it, 0 turns it off). What belongs to
# one person is never in them, only a placeholder:
#
# - every ``{% csrf_token %}`` (and a card's save form) holds a marker that is replaced
#   by this person's token when the page is served;
# - a shortlist control (a card's heart, the product page's save button) is stored in
#   both states, and the person's shortlist (one query a page) picks one.
#
# The markers carry a random nonce made at render time and stored with the blocks, so
# nothing a supplier types (escaped anyway) can fake one. Cold or warm, a page goes
# through the same two steps (blocks with markers, then the person's parts), so both
# give the same HTML.

SHARED_PAGE_BLOCKS = ("title", "description", "extra_head", "content", "extra_body")
SHARED_PAGE_TEMPLATE = "marketplace/shared_page.html"
_SHARED_PREFIX = "shared-page"
PERSONAL = "personal_slots"  # the context variable of a shared render


class PersonalSlots:
    """What a shared render leaves for each request to fill in."""

    def __init__(self) -> None:
        self.nonce = secrets.token_hex(8)
        self.csrf_token = f"csrf-{self.nonce}"
        self.choices: list[tuple[int, str, str]] = []

    def shortlist_choice(self, product_pk: int, if_saved: str, if_not_saved: str) -> str:
        """A marker for HTML that depends on whether the reader saved the product."""
        self.choices.append((product_pk, str(if_saved), str(if_not_saved)))
        return mark_safe(f"<!--personal:{self.nonce}:{len(self.choices) - 1}-->")  # noqa: S308  # nosec B308


def audience(user) -> str:
    """The kind of reader a shared page is rendered for."""
    if user is None or not user.is_authenticated:
        return "anonymous"
    return "buyer" if user.is_buyer else "member"


def _shared_seconds() -> int:
    return getattr(settings, "SHARED_PAGE_CACHE_SECONDS", PAGE_CACHE_SECONDS)


def _shared_key(request) -> str:
    parts = (
        get_language() or "",
        audience(getattr(request, "user", None)),
        timezone.get_current_timezone_name(),
        _where(request),
    )
    return f"{_SHARED_PREFIX}:{':'.join(parts)}"


def _render_blocks(template_name: str, context: dict, request) -> dict[str, str]:
    """The page template's own blocks (those of ``SHARED_PAGE_BLOCKS`` it defines),
    each rendered as ``base.html`` would render it, without the rest of the page."""
    template = loader.get_template(template_name).template
    blocks = [
        node
        for node in template.nodelist.get_nodes_by_type(BlockNode)
        if node.name in SHARED_PAGE_BLOCKS
    ]
    bound = make_context(context, request, autoescape=template.engine.autoescape)
    with bound.render_context.push_state(template), bound.bind_template(template):
        bound.template_name = template.name
        return {node.name: str(node.render(bound)) for node in blocks}


def _fill(stored: dict, request) -> dict[str, str]:
    """The stored blocks with this person's parts in place of the markers."""
    nonce, choices = stored["nonce"], stored["choices"]
    saved: set[int] = set()
    user = getattr(request, "user", None)
    if choices and user is not None and user.is_authenticated and user.is_buyer:
        saved = set(
            ShortlistItem.objects.filter(
                buyer=user, product_id__in={pk for pk, _yes, _no in choices}
            ).values_list("product_id", flat=True)
        )
    marker = re.compile(rf"<!--personal:{nonce}:(\d+)-->")
    csrf_marker = f"csrf-{nonce}"

    def choose(match) -> str:
        product_pk, if_saved, if_not_saved = choices[int(match.group(1))]
        return if_saved if product_pk in saved else if_not_saved

    token = None
    blocks = {}
    for name, html in stored["blocks"].items():
        if choices:
            html = marker.sub(choose, html)
        if csrf_marker in html:
            token = token or get_token(request)
            html = html.replace(csrf_marker, token)
        # Safe: the blocks are the page template's rendered (autoescaped) output.
        blocks[name] = mark_safe(html)  # noqa: S308  # nosec B308
    return blocks


def render_shared_page(request, template_name: str, make_context_data):
    """Render ``template_name`` (a page extending ``base.html``) for ``request``: its
    blocks from the cache when another reader of the same kind rendered them under
    the current catalogue version, else from ``make_context_data()`` (the view's
    queries; it may raise ``Http404``), then this person's parts and ``base.html``."""

    def blocks() -> dict:
        slots = PersonalSlots()
        context = {**make_context_data(), PERSONAL: slots, "csrf_token": slots.csrf_token}
        return {
            "blocks": _render_blocks(template_name, context, request),
            "nonce": slots.nonce,
            "choices": slots.choices,
        }

    seconds = _shared_seconds()
    user = getattr(request, "user", None)
    # Anonymous visitors have the whole-response cache; those it skips (a session or
    # messages cookie) get a fresh render, as before. An entry is served only under the
    # catalogue version it was rendered under.
    if seconds and user is not None and user.is_authenticated:
        stored = cache_versions.remember(
            cache_versions.CATALOGUE, _shared_key(request), blocks, seconds
        )
    else:
        stored = blocks()
    return render(request, SHARED_PAGE_TEMPLATE, {"page": _fill(stored, request)})
