"""The buying requests' cast: the shared ``cast`` around one open buying request."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from marketplace.models import BuyingRequest
from mentoring.models import Mentorship

from ...factories import (
    BusinessFactory,
    CategoryFactory,
    ListedProductFactory,
    MentorshipFactory,
)
from ...support.buying_requests import make_request

# The cast around one buying request ------------------------------------------------


@dataclass
class Market:
    top: object
    sub: object
    other_sub: object
    unrelated: object
    buyer: object
    other_buyer: object
    owner: object  # business A: listed products in ``sub``
    sibling_owner: object  # business B: a listed product in ``other_sub``
    other_owner: object  # business D: a listed product in ``unrelated``
    mentor: object
    other_mentor: object
    pending_mentor: object
    staff: object
    business: object
    sibling: object
    other_business: object
    product: object
    request: BuyingRequest

    def user(self, role: str):
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def market(cast) -> Market:
    """The shared cast around one buying request for dried fruit.

    The business (A, "Nanas Kering Riau") lists two products in ``sub``, a third business
    (B, a factory one) one in ``other_sub`` under the same top category, the other business
    (D, "Rotan Siak") one in ``unrelated``. The assigned mentor advises A, another mentor
    (a factory one) D; the pending mentor has an active mentorship with A.
    """
    top = CategoryFactory(name_en="Food")
    sub = CategoryFactory(name_en="Dried fruit", parent=top)
    other_sub = CategoryFactory(name_en="Snacks", parent=top)
    unrelated = CategoryFactory(name_en="Rattan")
    business, other_business = cast.business, cast.other_business
    business.name = "Nanas Kering Riau"
    business.save(update_fields=["name"])
    product = ListedProductFactory(business=business, category=sub)
    ListedProductFactory(business=business, category=sub)  # two products: one notification
    sibling = BusinessFactory(name="Snack Pekanbaru")
    ListedProductFactory(business=sibling, category=other_sub)
    other_business.name = "Rotan Siak"
    other_business.save(update_fields=["name"])
    ListedProductFactory(business=other_business, category=unrelated)
    other_mentor = MentorshipFactory(business=other_business).mentor
    Mentorship.objects.create(
        mentor=cast.pending_mentor, business=business, status="active", started_at=timezone.now()
    )
    return Market(
        top=top,
        sub=sub,
        other_sub=other_sub,
        unrelated=unrelated,
        buyer=cast.buyer,
        other_buyer=cast.other_buyer,
        owner=cast.owner,
        sibling_owner=sibling.owner,
        other_owner=cast.other_owner,
        mentor=cast.mentor,
        other_mentor=other_mentor,
        pending_mentor=cast.pending_mentor,
        staff=cast.staff,
        business=business,
        sibling=sibling,
        other_business=other_business,
        product=product,
        request=make_request(cast.buyer, sub, max_quotes=50),  # room for the growth test
    )
