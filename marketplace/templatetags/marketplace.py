"""Prices as each viewer expects them: USD for buyers and English readers, IDR locally;
and the cheap per-card helpers of a page of product cards (unit label, product link)."""

import re
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.formatting import format_number, format_rupiah, format_usd
from marketplace.models import Inquiry
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


@register.filter
def get(mapping, key):
    """``{{ counts|get:slug }}``: a dictionary value by a variable key."""
    if not mapping:
        return None
    return mapping.get(key)


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
