"""The inquiries' cast: the shared ``cast`` around one inquiry."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from marketplace.models import BuyerProfile, Inquiry
from mentoring.models import Mentorship

from ...factories import (
    ListedProductFactory,
    MentorshipFactory,
)
from ...support.inquiries import send_inquiry

# The cast around one inquiry -------------------------------------------------------


@dataclass
class Trade:
    buyer: object
    other_buyer: object
    owner: object
    other_owner: object
    mentor: object
    other_mentor: object
    pending_mentor: object
    staff: object
    business: object
    other_business: object
    product: object
    inquiry: Inquiry

    def user(self, role: str):
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def trade(cast) -> Trade:
    """The shared cast around one inquiry: the buyer (Anna de Vries of Tropical Foods BV)
    asked the business (Keripik Nanas Riau) about its pineapple chips; the assigned
    mentor advises the business; another mentor (a factory one) mentors the other
    business, which lists a product too; the pending mentor has an active mentorship
    with the business and still must not read its threads."""
    business, other_business = cast.business, cast.other_business
    business.name = "Keripik Nanas Riau"
    business.save(update_fields=["name"])
    product = ListedProductFactory(business=business, name_en="Pineapple chips")
    ListedProductFactory(business=other_business)
    other_mentor = MentorshipFactory(business=other_business).mentor
    Mentorship.objects.create(
        mentor=cast.pending_mentor, business=business, status="active", started_at=timezone.now()
    )
    buyer = cast.buyer
    buyer.full_name = "Anna de Vries"
    buyer.save(update_fields=["full_name"])
    BuyerProfile.objects.create(
        user=buyer, company="Tropical Foods BV", country="NL", buyer_type="importer"
    )
    inquiry = send_inquiry(buyer=buyer, product=product, message="First question, please.")
    return Trade(
        buyer=buyer,
        other_buyer=cast.other_buyer,
        owner=cast.owner,
        other_owner=cast.other_owner,
        mentor=cast.mentor,
        other_mentor=other_mentor,
        pending_mentor=cast.pending_mentor,
        staff=cast.staff,
        business=business,
        other_business=other_business,
        product=product,
        inquiry=inquiry,
    )
