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

from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import has_vary_header
from django.utils.translation import get_language

from core import cache_versions, page_blocks
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


def _key(request, language: str) -> str:
    return f"{_KEY_PREFIX}:{catalogue_version()}:{language}:{page_blocks.request_digest(request)}"


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
# The page's own blocks (``core.page_blocks``: title, description, head, main content)
# are the same for everyone who reads the same path in the same language and time zone
# as the same kind of reader ("audience": a buyer, or any other signed-in person; a buyer
# also sees prices in USD, the dashboard link, the save buttons and the "Contact
# supplier" button). Those blocks are rendered once per key and kept, with the
# ``catalogue_version`` they were rendered under (served only while it is current), for
# ``PAGE_CACHE_SECONDS`` like the anonymous pages: the same staleness for supplier names
# and the exchange rate (settings.SHARED_PAGE_CACHE_SECONDS overrides it, 0 turns it
# off). What belongs to one person is never in them, only a placeholder: the CSRF token,
# and a shortlist control (a card's heart, the product page's save button) stored in
# both states, of which the person's shortlist (one query a page) picks one.

_SHARED_PREFIX = "shared-page"


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
        page_blocks.request_digest(request),
    )
    return f"{_SHARED_PREFIX}:{':'.join(parts)}"


def shortlist_chooser(request):
    """``core.page_blocks.fill``'s ``choose`` for a buyer: which of the page's products
    are on their shortlist (one query); None for anyone else (every heart stays empty)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_buyer:
        return None

    def choose(pks: set[int]) -> set[int]:
        return set(
            ShortlistItem.objects.filter(buyer=user, product_id__in=pks).values_list(
                "product_id", flat=True
            )
        )

    return choose


def render_shared_page(request, template_name: str, make_context_data):
    """Render ``template_name`` (a page extending ``base.html``) for ``request``: its
    blocks from the cache when another reader of the same kind rendered them under
    the current catalogue version, else from ``make_context_data()`` (the view's
    queries; it may raise ``Http404``), then this person's parts and ``base.html``."""

    seconds = _shared_seconds()
    user = getattr(request, "user", None)
    # Anonymous visitors have the whole-response cache; those it skips (a session or
    # messages cookie) get a fresh render, as before. An entry is served only under the
    # catalogue version it was rendered under.
    kept = seconds and user is not None and user.is_authenticated
    return page_blocks.render_kept_page(
        request,
        template_name,
        make_context_data,
        group=cache_versions.CATALOGUE,
        key=_shared_key(request) if kept else None,
        seconds=seconds,
        choose=shortlist_chooser(request),
    )
