"""A page's own blocks rendered apart from ``base.html``, kept in the cache, and served
with the parts that belong to the person reading it.

Signed-in people never get a whole cached response: the header is theirs (navigation for
their role, the unread badge, a sign-out form with their CSRF token) and so are the
messages above the content. What a page template defines itself — title, description,
head, main content — is rendered once (``render_blocks``) and kept; each request then
renders ``base.html`` around it (``BLOCKS_TEMPLATE``), with this person's parts put in
place of the markers the render left (``fill``):

- every ``{% csrf_token %}`` in the blocks holds a marker that becomes this person's
  token;
- HTML that depends on a per-reader choice (a shortlist heart) is stored in both states
  and a ``choose`` function, given the choices of the page, picks one for this reader.

The markers carry a random nonce made at render time and stored with the blocks, so
nothing a user types (escaped anyway) can fake one. Cold or warm, a page goes through
the same two steps, so both give the same HTML.

Two caches use it: the public catalogue pages shared by every signed-in reader of one
kind (``marketplace.caching.render_shared_page``) and a person's own pages (dashboards,
inbox, threads: ``core.personal_pages``).
"""

import hashlib
import re
import secrets
from collections.abc import Callable

from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.template.context import make_context
from django.template.loader_tags import BlockNode
from django.test.signals import template_rendered
from django.utils.safestring import mark_safe

from core import cache_versions

BLOCKS = ("title", "description", "extra_head", "content", "extra_body")
# base.html with the stored blocks in place of its own.
BLOCKS_TEMPLATE = "blocks_page.html"
SLOTS = "personal_slots"  # the context variable of a render whose blocks are kept


class Slots:
    """What a kept render leaves for each request to fill in."""

    def __init__(self) -> None:
        self.nonce = secrets.token_hex(8)
        self.csrf_token = f"csrf-{self.nonce}"
        self.choices: list[tuple[int, str, str]] = []

    def choice(self, pk: int, if_chosen: str, if_not: str) -> str:
        """A marker for HTML that depends on whether the reader has chosen ``pk``."""
        self.choices.append((pk, str(if_chosen), str(if_not)))
        return mark_safe(f"<!--personal:{self.nonce}:{len(self.choices) - 1}-->")  # noqa: S308  # nosec B308


def request_digest(request) -> str:
    """Scheme, host, path and query string of ``request``, as a digest for a cache key."""
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return hashlib.sha256(where.encode()).hexdigest()


def render_blocks(template_name: str, context: dict, request) -> dict:
    """The page's own blocks (those of ``BLOCKS`` it defines), each rendered as
    ``base.html`` would render it, with markers for the personal parts; what ``fill``
    needs to put those parts back is stored beside them."""
    slots = Slots()
    context = {**context, SLOTS: slots, "csrf_token": slots.csrf_token}
    template = loader.get_template(template_name).template
    nodes = [node for node in template.nodelist.get_nodes_by_type(BlockNode) if node.name in BLOCKS]
    bound = make_context(context, request, autoescape=template.engine.autoescape)
    with bound.render_context.push_state(template), bound.bind_template(template):
        bound.template_name = template.name
        blocks = {node.name: str(node.render(bound)) for node in nodes}
        # What rendering the whole template tells the test client (its ``context`` and
        # ``templates``); nothing listens outside tests.
        template_rendered.send(sender=template, template=template, context=bound)
    return {"blocks": blocks, "nonce": slots.nonce, "choices": slots.choices}


def fill(stored: dict, request, choose: Callable[[set[int]], set[int]] | None = None) -> dict:
    """The stored blocks with this person's parts in place of the markers. ``choose``
    gets the pks of the page's choices and returns those the reader has chosen."""
    nonce, choices = stored["nonce"], stored["choices"]
    chosen: set[int] = set()
    if choices and choose is not None:
        chosen = choose({pk for pk, _yes, _no in choices})
    marker = re.compile(rf"<!--personal:{nonce}:(\d+)-->")
    csrf_marker = f"csrf-{nonce}"

    def pick(match) -> str:
        pk, if_chosen, if_not = choices[int(match.group(1))]
        return if_chosen if pk in chosen else if_not

    token = None
    blocks = {}
    for name, html in stored["blocks"].items():
        if choices:
            html = marker.sub(pick, html)
        if csrf_marker in html:
            token = token or get_token(request)
            html = html.replace(csrf_marker, token)
        # Safe: the blocks are the page template's rendered (autoescaped) output.
        blocks[name] = mark_safe(html)  # noqa: S308  # nosec B308
    return blocks


def render_kept_page(
    request,
    template_name: str,
    make_context_data: Callable[[], dict],
    *,
    group: str,
    key: str | None,
    seconds: int,
    choose: Callable[[set[int]], set[int]] | None = None,
):
    """Render ``template_name`` (a page extending ``base.html``): its blocks from the
    cache under ``key`` while ``group``'s version is the one they were rendered under
    (``key`` None: not kept, rendered now), else from ``make_context_data()`` (the view's
    queries; it may raise ``Http404``); then this person's parts and ``base.html``."""

    def blocks() -> dict:
        return render_blocks(template_name, make_context_data(), request)

    stored = blocks() if key is None else cache_versions.remember(group, key, blocks, seconds)
    return render(request, BLOCKS_TEMPLATE, {"page": fill(stored, request, choose)})
