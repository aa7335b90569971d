"""The WhatsApp channel's pieces that know no database: the phone-number rules, the
Graph API client, the template registry and the webhook's signature and payload.

The services (``notifications.services.whatsapp``) put them together with the rows.
"""

from django.conf import settings

WINDOW_HOURS = 24  # WhatsApp's customer-service window after the person's last message


def channel_on() -> bool:
    """True when the operator configured the channel (all WHATSAPP_ variables set)."""
    return bool(settings.WHATSAPP_PHONE_NUMBER_ID and settings.WHATSAPP_ACCESS_TOKEN)
