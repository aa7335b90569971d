"""The bounds of an inquiry's quantity and target price live once
(``marketplace.models``, checked by ``marketplace.services.inquiry_create``): the web
form, the API and the service refuse the same values with the same message, in the
reader's language, and accept the largest allowed ones.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from marketplace.models import (
    INQUIRY_MAX_QUANTITY,
    INQUIRY_MAX_TARGET_PRICE_USD,
    Inquiry,
)
from marketplace.services import inquiry_create

from ..factories import BuyerFactory, ListedProductFactory

pytestmark = pytest.mark.django_db

QUANTITY = "Enter a quantity from 1 to 1,000,000,000."
PRICE = "Enter a target price per unit from 0.01 to 1,000,000.00 USD."
BAD = [
    ("quantity", 0, QUANTITY),
    ("quantity", -5, QUANTITY),
    ("quantity", INQUIRY_MAX_QUANTITY + 1, QUANTITY),
    ("quantity", 2**31, QUANTITY),
    ("quantity", 10**30, QUANTITY),
    ("target_price_usd", Decimal("0"), PRICE),
    ("target_price_usd", Decimal("-1"), PRICE),
    ("target_price_usd", INQUIRY_MAX_TARGET_PRICE_USD + Decimal("0.01"), PRICE),
    ("target_price_usd", Decimal(10**30), PRICE),
    ("message", "hi", "Ensure this value has at least 10 characters (it has 2)."),
]
TERMS = {
    "quantity": 500,
    "unit": "pack",
    "incoterm": "FOB",
    "destination_country": "NL",
    "destination_port": "Rotterdam",
    "target_price_usd": Decimal("1.80"),
    "message": "Please quote 500 packs, FOB Dumai.",
}


@pytest.fixture
def product(db):
    return ListedProductFactory()


@pytest.fixture
def english_buyer(db):
    return BuyerFactory(language="en")


def web_errors(client, product, field, value) -> list[str]:
    url = reverse("marketplace:inquiry-create-product", args=[product.slug])
    response = client.post(url, {**TERMS, field: str(value), "website_url": ""})
    assert response.status_code == 200
    return response.context["form"].errors.get(field)


def api_errors(api, product, field, value) -> list[str]:
    payload = {
        **TERMS,
        "supplier": product.business.slug,
        "product": product.slug,
        "target_price_usd": str(TERMS["target_price_usd"]),
        field: value if isinstance(value, int) else str(value),
    }
    response = api.post("/api/v1/inquiries/", payload, format="json")
    assert response.status_code == 400
    return response.json()["errors"].get(field)


def service_errors(buyer, product, field, value) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        inquiry_create(
            buyer=buyer, business=product.business, product=product, **{**TERMS, field: value}
        )
    return refused.value.message_dict.get(field)


@pytest.mark.parametrize(("field", "value", "message"), BAD)
def test_the_same_bad_value_gets_the_same_message_at_every_door(
    client, english_buyer, product, field, value, message
):
    client.force_login(english_buyer)
    api = APIClient()
    api.force_authenticate(english_buyer)
    with translation.override("en"):
        from_service = service_errors(english_buyer, product, field, value)
    assert web_errors(client, product, field, value) == [message]
    assert api_errors(api, product, field, value) == [message]
    assert from_service == [message]
    assert not Inquiry.objects.exists()


def test_the_message_follows_the_reader_s_language(client, product):
    """The number is written the reader's way; the words are translated once the lead
    regenerates the catalogues (until then the English words show)."""
    buyer = BuyerFactory(language="id")
    client.force_login(buyer)
    [message] = web_errors(client, product, "quantity", 10**30)
    assert "1.000.000.000" in message
    api = APIClient()
    api.force_authenticate(buyer)
    [message] = api.post(
        "/api/v1/inquiries/",
        {**TERMS, "supplier": product.business.slug, "quantity": 10**30, "target_price_usd": None},
        format="json",
        HTTP_ACCEPT_LANGUAGE="id",
    ).json()["errors"]["quantity"]
    assert "1.000.000.000" in message


def test_the_largest_allowed_values_are_accepted_at_every_door(client, english_buyer, product):
    largest = {"quantity": INQUIRY_MAX_QUANTITY, "target_price_usd": INQUIRY_MAX_TARGET_PRICE_USD}
    client.force_login(english_buyer)
    url = reverse("marketplace:inquiry-create-product", args=[product.slug])
    response = client.post(url, {**TERMS, **{k: str(v) for k, v in largest.items()}})
    assert response.status_code == 302
    api = APIClient()
    api.force_authenticate(english_buyer)
    payload = {
        **TERMS,
        "supplier": product.business.slug,
        "quantity": INQUIRY_MAX_QUANTITY,
        "target_price_usd": str(INQUIRY_MAX_TARGET_PRICE_USD),
    }
    assert api.post("/api/v1/inquiries/", payload, format="json").status_code == 201
    inquiry_create(buyer=english_buyer, business=product.business, **{**TERMS, **largest})
    assert Inquiry.objects.filter(**largest).count() == 3
