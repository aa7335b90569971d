"""Prices as each viewer expects them: USD for buyers and English readers, IDR locally;
and the cheap per-card helpers of a page of product cards (unit label, product link)."""

import hashlib
import re
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.formatting import format_number, format_rupiah, format_usd
from core.page_blocks import SLOTS
from marketplace.models import Inquiry, ShortlistItem
from marketplace.selectors import current_rate
from umkm.models import Product

register = template.Library()

# ``Product.get_unit_display()`` rebuilds a hashable copy of every choice on each call;
# a page of 24 cards (or 24 API items) called it 24 times. Lazy labels: translated when
# rendered, in the active language.
UNIT_LABELS = dict(Product.Unit.choices)
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # the <slug:…> converter: no quoting needed
_SLUG_MARK = "slug-mark"


def unit_label(unit: str):
    """The unit's label, or the stored value when it is not a choice (as Django does)."""
    return UNIT_LABELS.get(unit, unit)


@register.filter(name="unit_label")
def unit_label_filter(product):
    """``{{ product|unit_label }}``: ``product.get_unit_display`` without its cost."""
    return unit_label(product.unit)


@register.filter
def quantity(value, unit: str = ""):
    """``{{ inquiry.quantity|quantity:inquiry.unit }}`` → "2,400 pack" / "2.400 pak": the
    number in the language's style and the unit's translated label."""
    if value is None or value == "":
        return ""
    return f"{format_number(value)} {unit_label(unit)}".strip()


@register.simple_tag(takes_context=True)
def product_url(context, product):
    """``{% url 'marketplace:product' product.slug %}``, reversed once per request: the
    path is the same for every slug around it (24 cards made 24 ``reverse()`` calls)."""
    slug = product.slug
    request = context.get("request")
    if request is None or not _SLUG.fullmatch(slug):
        return reverse("marketplace:product", args=[slug])  # raises as {% url %} would
    parts = getattr(request, "_marketplace_product_path", None)
    if parts is None:
        head, _mark, tail = reverse("marketplace:product", args=[_SLUG_MARK]).rpartition(_SLUG_MARK)
        parts = request._marketplace_product_path = (head, tail)
    return f"{parts[0]}{slug}{parts[1]}"


def _prefers_usd(context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_buyer:
        return True
    return (get_language() or "").startswith("en")


def _rate(context) -> Decimal | None:
    """The exchange rate, looked up only for a price that needs converting and then once
    per request (a catalogue page shows 24 prices; each lookup is a cache round trip)."""
    request = context.get("request")
    if request is None:
        return current_rate()
    if not hasattr(request, "_marketplace_rate"):
        request._marketplace_rate = current_rate()
    return request._marketplace_rate


@register.simple_tag(takes_context=True)
def price(context, product):
    """The product's unit price in the viewer's currency; converted ones say 'approx.'."""
    usd, idr = product.fob_usd, product.price_idr
    if _prefers_usd(context):
        if usd is not None:
            return format_html("{} <small>FOB</small>", format_usd(usd))
        if idr is not None and (rate := _rate(context)):
            value = (idr / rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            return format_html(
                '<span class="approx">≈ {} <small>({})</small></span>',
                format_usd(value),
                _("approx."),
            )
    else:
        if idr is not None:
            return format_rupiah(idr)
        if usd is not None and (rate := _rate(context)):
            value = int((usd * rate).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
            return format_html(
                '<span class="approx">≈ {} <small>({})</small></span>',
                format_rupiah(value),
                _("approx."),
            )
    # No rate to convert with: the price in the currency the supplier gave, rather than
    # hiding it.
    if usd is not None:
        return format_html("{} <small>FOB</small>", format_usd(usd))
    if idr is not None:
        return format_rupiah(idr)
    return "—"


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (page links, facets)."""
    request = context["request"]
    query = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    if "page" not in changes:
        query.pop("page", None)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def _option(value, label, counts, selected, *, child: bool = False) -> str:
    return format_html(
        _CHILD_OPTION if child else _OPTION,
        value,
        " selected" if value == selected else "",
        label,
        (counts or {}).get(value, 0),
    )


_OPTION = '<option value="{}"{}>{} ({})</option>'
_CHILD_OPTION = '<option value="{}"{}>&nbsp;&nbsp;– {} ({})</option>'


@register.simple_tag
def category_options(categories, counts, selected):
    """The catalogue filter's category ``<option>``s: each top category, then its
    subcategories indented, each with its count of products (0 too), the selected one
    marked (a loop in Python: the template's own loop cost a first render 4 ms)."""
    options = []
    for category in categories:
        options.append(_option(category.slug, category.name, counts, selected))
        for child in category.children.all():
            options.append(_option(child.slug, child.name, counts, selected, child=True))
    # Safe: each option is format_html's output.
    return mark_safe("".join(options))  # noqa: S308  # nosec B308


@register.simple_tag
def facet_options(choices, counts, selected):
    """The ``<option>``s of a filter: ``choices`` are values (shown as they are) or
    (value, label) pairs, each with its count of products (0 too), the selected one
    marked."""
    options = []
    for choice in choices:
        value, label = choice if isinstance(choice, tuple | list) else (choice, choice)
        options.append(_option(value, label, counts, selected))
    # Safe: each option is format_html's output.
    return mark_safe("".join(options))  # noqa: S308  # nosec B308


OWNER_OPEN_INQUIRIES = 5


@register.inclusion_tag("marketplace/partials/owner_open_inquiries.html")
def owner_open_inquiries(business):
    """The business's inquiries still waiting for its reply, newest first (the owner's
    dashboard in umkm composes this panel without importing marketplace)."""
    inquiries = (
        Inquiry.objects.filter(business=business, status=Inquiry.Status.OPEN)
        .select_related("product")
        .order_by("-last_message_at")[:OWNER_OPEN_INQUIRIES]
    )
    return {"open_inquiries": list(inquiries)}


# Product cards, each rendered once and shared by every page and every reader ---------

CARD_TEMPLATE = "marketplace/partials/product_card.html"
CARD_CACHE_SECONDS = 24 * 3600  # the key changes with everything the card shows


def _card_key(product, language: str, usd: bool, rate) -> str:
    """Everything a card shows, as a key: the product's row (``updated_at`` moves on
    every save), its supplier's name and badge, its first picture, the language and
    currency of the reader and, for a converted price, the exchange rate."""
    business = product.business
    image = next(iter(product.images.all()), None)
    converting = (product.fob_usd is None) if usd else (product.price_idr is None)
    parts = (
        product.pk,
        product.updated_at.isoformat() if product.updated_at else "",
        business.name,
        bool(business.verified_at),
        (image.pk, str(image.thumb_small), image.alt_text) if image else None,
        language,
        get_script_prefix(),
        usd,
        str(rate) if converting else "",
    )
    return "card:" + hashlib.sha256(repr(parts).encode()).hexdigest()


@register.simple_tag(takes_context=True)
def product_cards(context, products):
    """The ``<li>`` cards of ``products`` (rows with ``business`` and ``images``
    loaded): each card's HTML comes from the cache (one round trip for the page) and
    only the missing ones are rendered, from ``product_card.html``. A card is the same
    for everyone who reads the same language in the same currency, signed in or not."""
    products = list(products)
    if not products:
        return ""
    usd = _prefers_usd(context)
    language = get_language() or ""
    needs_rate = any(
        (p.fob_usd is None and p.price_idr is not None)
        if usd
        else (p.price_idr is None and p.fob_usd is not None)
        for p in products
    )
    rate = _rate(context) if needs_rate else None
    keys = [_card_key(p, language, usd, rate) for p in products]
    found = cache.get_many(keys)
    missing = {}
    card = None
    for key, product in zip(keys, products, strict=True):
        if key in found:
            continue
        if card is None:
            card = context.template.engine.get_template(CARD_TEMPLATE)
        with context.push(product=product):
            found[key] = missing[key] = card.render(context)
    if missing:
        cache.set_many(missing, CARD_CACHE_SECONDS)
    cards = [found[key] for key in keys]
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_buyer:
        # The buyer's own part of a card, outside the shared HTML.
        here = request.get_full_path()
        slots = context.get(SLOTS)
        if slots is not None:
            # A shared render (marketplace.caching): both hearts of each card, with the
            # token's marker; the reader's shortlist picks one when the page is served.
            cards = [
                _before_end(
                    card,
                    slots.choice(
                        product.pk,
                        _heart(product, True, slots.csrf_token, here),
                        _heart(product, False, slots.csrf_token, here),
                    ),
                )
                for card, product in zip(cards, products, strict=True)
            ]
        else:
            # One query a page.
            saved = set(
                ShortlistItem.objects.filter(
                    buyer=user, product_id__in=[p.pk for p in products]
                ).values_list("product_id", flat=True)
            )
            token = get_token(request)
            cards = [
                _before_end(card, _heart(product, product.pk in saved, token, here))
                for card, product in zip(cards, products, strict=True)
            ]
    # Safe: each card is a template's rendered (autoescaped) output, each heart
    # format_html's.
    return mark_safe("".join(cards))  # noqa: S308  # nosec B308


_CARD_END = "</li>"


def _heart(product, saved: bool, token: str, here: str) -> str:
    """A buyer's save/remove button of a card."""
    label = (
        _("Remove “%(name)s” from your shortlist")
        if saved
        else _("Save “%(name)s” to your shortlist")
    ) % {"name": product.name}
    return format_html(
        '<form method="post" action="{}" class="card-save">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="action" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="heart" aria-pressed="{}" aria-label="{}" title="{}">'
        "{}</button>"
        "</form>",
        reverse("marketplace:product-save", args=[product.slug]),
        token,
        "remove" if saved else "save",
        here,
        "true" if saved else "false",
        label,
        label,
        "♥" if saved else "♡",
    )


def _before_end(card: str, heart: str) -> str:
    """The card with ``heart`` before its closing ``</li>``."""
    head, end, tail = card.rpartition(_CARD_END)
    return f"{head}{heart}{end}{tail}" if end else card + heart


SAVE_BUTTON_TEMPLATE = "marketplace/buyers/partials/save_button.html"


@register.simple_tag(takes_context=True)
def save_button(context, product):
    """The product page's save/remove form for a buyer (nothing for anyone else). In a
    shared render (marketplace.caching) both states are kept and the reader's
    shortlist picks one when the page is served; otherwise ``saved`` says which."""
    button = context.template.engine.get_template(SAVE_BUTTON_TEMPLATE)
    user = context.get("user")
    slots = context.get(SLOTS)
    if slots is None or user is None or not user.is_authenticated or not user.is_buyer:
        return button.render(context)  # the template shows nothing to others
    with context.push(saved=True):
        if_saved = button.render(context)
    with context.push(saved=False):
        if_not_saved = button.render(context)
    return slots.choice(product.pk, if_saved, if_not_saved)
