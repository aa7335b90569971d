"""A person's own pages — dashboards, the inbox, a thread — from the cache between writes.

These pages are one person's view of a dozen tables: rendering one costs 8–12 queries
and 15–25 ms of Python, on every visit, although most visits change nothing. Their own
blocks (``core.page_blocks``) are kept per person, path, language, time zone and day,
under the ``PEOPLE`` cache version, which any write to the database replaces when it
commits (``core.writes``): a reply, a new product, a registration, a read notification
anywhere shows on every page at once. Between writes a visit costs the header and one
cache round trip. Anything that changes without a write — "3 hours ago", today's date —
follows within ``PERSONAL_PAGE_CACHE_SECONDS`` (60 s; 0 turns the cache off).

Not cached: anonymous requests, anything but GET and HEAD, and a render inside a
transaction that has written and not committed yet (it may show rows that are then
rolled back). With the cache unreachable every visit renders from the database.
"""

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language
from django.views.generic.list import MultipleObjectMixin

from core import cache_versions, page_blocks
from core.writes import has_uncommitted_writes

PERSONAL_PAGE_CACHE_SECONDS = 60
_PREFIX = "personal-page"


def _seconds() -> int:
    return getattr(settings, "PERSONAL_PAGE_CACHE_SECONDS", PERSONAL_PAGE_CACHE_SECONDS)


def _key(request) -> str:
    parts = (
        str(request.user.pk),
        get_language() or "",
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
        page_blocks.request_digest(request),
    )
    return f"{_PREFIX}:{':'.join(parts)}"


def _may_cache(request) -> bool:
    user = getattr(request, "user", None)
    return (
        _seconds() > 0
        and request.method in ("GET", "HEAD")
        and user is not None
        and user.is_authenticated
        and not has_uncommitted_writes(connection)
    )


def render_personal_page(request, template_name: str, make_context_data):
    """Render ``template_name`` (a page extending ``base.html``) for the signed-in
    ``request.user``: its blocks from the cache when nothing was written since they were
    rendered for this person and address, else from ``make_context_data()`` (the view's
    queries; it may raise ``Http404``); then the header, messages and CSRF token of now.
    (These pages show no shortlist hearts: a card's heart is left unchosen.)"""
    key = _key(request) if _may_cache(request) else None
    return page_blocks.render_kept_page(
        request,
        template_name,
        make_context_data,
        group=cache_versions.PEOPLE,
        key=key,
        seconds=_seconds(),
    )


class PersonalPageMixin:
    """For a ``TemplateView`` or ``ListView`` with a ``template_name``: ``get`` renders
    through ``render_personal_page`` (the permission checks of the view's ``dispatch``
    run first, on every request)."""

    def get(self, request, *args, **kwargs):
        def context() -> dict:
            if isinstance(self, MultipleObjectMixin):  # a list: what ListView.get sets
                self.object_list = self.get_queryset()
            return self.get_context_data(**kwargs)

        return render_personal_page(request, self.template_name, context)
