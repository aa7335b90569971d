"""The site's date and number style as template filters (``core.formatting``); a
builtin library (settings ``TEMPLATES`` ``builtins``), so no ``{% load %}`` is needed.

- ``{{ day|day }}`` → "5 Dec 2026" / "5 Des 2026"
- ``{{ when|moment }}`` → "5 Dec 2026, 14:30 WIB" (the active zone)
- ``{{ count|number }}`` → "2,400" / "2.400"; ``{{ x|number:1 }}`` → "2.5" / "2,5"
- ``{{ amount|rupiah }}`` → "Rp 25.000"; ``{{ amount|usd }}`` → "US$ 1,250.50"
"""

from django import template

from core import formatting

register = template.Library()


@register.filter
def day(value):
    return formatting.format_date(value)


@register.filter
def moment(value):
    return formatting.format_datetime(value)


@register.filter
def number(value, decimals=None):
    try:
        places = None if decimals in (None, "") else int(decimals)
        return formatting.format_number(value, places)
    except (TypeError, ValueError, ArithmeticError):
        return value


@register.filter
def rupiah(value):
    try:
        return formatting.format_rupiah(value)
    except (TypeError, ValueError, ArithmeticError):
        return value


@register.filter
def usd(value):
    try:
        return formatting.format_usd(value)
    except (TypeError, ValueError, ArithmeticError):
        return value
