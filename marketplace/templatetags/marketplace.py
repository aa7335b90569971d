"""Prices as each viewer expects them: USD for buyers and English readers, IDR locally."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from marketplace.selectors import current_rate

register = template.Library()


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
            return format_html("US$ {} <small>FOB</small>", f"{usd:,.2f}")
        if idr is not None and (rate := _rate(context)):
            value = (idr / rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            return format_html(
                '<span class="approx">≈ US$ {} <small>({})</small></span>',
                f"{value:,.2f}",
                _("approx."),
            )
    else:
        if idr is not None:
            return format_html("Rp {}", intcomma(int(idr)))
        if usd is not None and (rate := _rate(context)):
            value = int((usd * rate).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
            return format_html(
                '<span class="approx">≈ Rp {} <small>({})</small></span>',
                intcomma(value),
                _("approx."),
            )
    # No rate to convert with: the price in the currency the supplier gave, rather than
    # hiding it.
    if usd is not None:
        return format_html("US$ {} <small>FOB</small>", f"{usd:,.2f}")
    if idr is not None:
        return format_html("Rp {}", intcomma(int(idr)))
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
