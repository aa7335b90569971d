"""Helpers the inquiry tests share: an inquiry sent through the service."""

from marketplace import services
from marketplace.models import Inquiry

# Trade -------------------------------------------------------------------------------


def send_inquiry(*, buyer, product=None, business=None, **overrides) -> Inquiry:
    business = business or product.business
    return services.inquiry_create(
        buyer=buyer,
        business=business,
        product=product,
        quantity=overrides.get("quantity", 500),
        unit="pack",
        incoterm="FOB",
        destination_country="NL",
        message=overrides.get("message", "Please quote 500 packs."),
    )
