"""The notification delivery figures of the programme dashboard, loaded by their own
partial (``programme/partials/delivery.html``) so the dashboard's view does not carry
them: one aggregate query over the last 30 days of notifications."""

from django import template

from notifications.selectors import delivery_figures

register = template.Library()


@register.simple_tag
def notification_delivery_figures() -> dict:
    return delivery_figures()
