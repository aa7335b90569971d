"""Checklists on any page, so that an app below readiness (umkm) can show them without
importing it: ``{% load readiness %}`` then

- ``{% business_checklist business can_fix=True %}``
- ``{% product_checklist product can_fix=can_edit %}``
- ``{% product_checklists products as rows %}`` → ``(product, readiness)`` pairs, the
  business facts computed once per business.
"""

from django import template

from mentoring.readiness.selectors import (
    business_readiness,
    product_readiness,
    product_readiness_rows,
)

register = template.Library()

CHECKLIST = "readiness/partials/checklist.html"


@register.inclusion_tag(CHECKLIST)
def business_checklist(business, can_fix=False, readiness_id="main"):
    return {
        "readiness": business_readiness(business),
        "can_fix": can_fix,
        "readiness_id": readiness_id,
    }


@register.inclusion_tag(CHECKLIST)
def product_checklist(product, can_fix=False, readiness_id="product"):
    return {
        "readiness": product_readiness(product),
        "can_fix": can_fix,
        "readiness_id": readiness_id,
    }


@register.simple_tag
def product_checklists(products):
    return product_readiness_rows(products)
