"""Outcomes panels that pages of other apps compose: the programme dashboard's outcomes
section (backoffice) and the owner's outcomes links (umkm), without those apps
importing outcomes' Python."""

from django import template

from outcomes.figures import DASHBOARD_MENTORS, DEFINITIONS, cached_outcome_figures
from outcomes.models import Baseline
from outcomes.selectors import can_record_shipment

register = template.Library()
TOP = 10


@register.inclusion_tag("outcomes/partials/dashboard_section.html")
def outcomes_section(as_of=None):
    """The programme dashboard's outcomes section (figures up to today, from the cache
    while nothing they count has changed)."""
    figures = cached_outcome_figures(as_of=as_of)
    return {
        "figures": figures,
        "countries": figures.countries[:TOP],
        "mentors": figures.mentors[:DASHBOARD_MENTORS],
        "definitions": DEFINITIONS,
    }


@register.inclusion_tag("outcomes/partials/owner_links.html")
def owner_outcomes(business, user):
    """The owner's (or mentor's) links to the baseline and the shipments."""
    return {
        "business": business,
        "has_baseline": Baseline.objects.filter(business=business).exists(),
        "can_record": can_record_shipment(user=user, business=business),
    }
