"""Buying requests close at their closing date and take a capped number of quotes:
refused in the service, so the web form (and every other door) says the same."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from marketplace import services
from marketplace.models import BUYING_REQUEST_DEFAULT_QUOTES, BuyingRequest, Quote

from ..factories import BusinessFactory, BuyerFactory, ListedProductFactory, SubCategoryFactory
from ..support.forms_as_sent import signed_in

pytestmark = pytest.mark.django_db


def quote_data(**overrides) -> dict:
    data = {
        "price_usd": "4.20",
        "incoterm": "FOB",
        "moq": 500,
        "lead_time_days": 21,
        "message": "We can supply 2 tonnes, Halal and BPOM certified.",
    }
    data.update(overrides)
    return data


def supplier(category):
    product = ListedProductFactory(category=category, business=BusinessFactory())
    return product.business


def post_request(buyer, category, **fields) -> BuyingRequest:
    values = {
        "title": "Dried pineapple, 2 tonnes",
        "description": "Unsweetened dried pineapple rings, 10 kg cartons.",
        "quantity": 2000,
        "unit": "kg",
        "destination_country": "JP",
        "valid_until": timezone.localdate() + timedelta(days=30),
    }
    values.update(fields)
    return services.buying_request_create(buyer=buyer, category=category, **values)


def quote(buying_request, business):
    return services.quote_create(
        buying_request=buying_request,
        business=business,
        author=business.owner,
        price_usd=Decimal("4.20"),
        moq=500,
        lead_time_days=21,
        message="We can supply 2 tonnes, Halal certified.",
    )


def test_a_new_request_takes_ten_quotes_by_default():
    category = SubCategoryFactory()
    buying_request = post_request(BuyerFactory(), category)
    assert buying_request.max_quotes == BUYING_REQUEST_DEFAULT_QUOTES == 10


@pytest.mark.usefixtures("english_texts")
def test_the_eleventh_quote_is_refused_with_a_clear_message(client):
    category = SubCategoryFactory()
    buying_request = post_request(BuyerFactory(), category)
    for _n in range(10):
        quote(buying_request, supplier(category))
    eleventh = supplier(category)
    with pytest.raises(ValidationError) as refused:
        quote(buying_request, eleventh)
    assert refused.value.code == "full"
    assert "10 quotes" in refused.value.messages[0]
    # The web form says the same and writes nothing.
    response = signed_in(eleventh.owner).post(
        reverse("marketplace:quote-create", args=[buying_request.pk]), quote_data()
    )
    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    assert error == services.MSG_REQUEST_FULL % {"count": 10}
    assert Quote.objects.filter(request=buying_request).count() == 10


def test_a_buyer_may_take_fewer_quotes():
    category = SubCategoryFactory()
    buying_request = post_request(BuyerFactory(), category, max_quotes=2)
    quote(buying_request, supplier(category))
    quote(buying_request, supplier(category))
    with pytest.raises(ValidationError):
        quote(buying_request, supplier(category))


@pytest.mark.parametrize("max_quotes", [0, -1, 51, 10**30])
def test_a_cap_out_of_bounds_is_refused(max_quotes):
    with pytest.raises(ValidationError) as refused:
        post_request(BuyerFactory(), SubCategoryFactory(), max_quotes=max_quotes)
    assert "max_quotes" in refused.value.message_dict
    assert not BuyingRequest.objects.exists()


def test_after_the_closing_date_no_more_quotes(client):
    category = SubCategoryFactory()
    buying_request = post_request(BuyerFactory(), category)
    business = supplier(category)
    # The day after its closing date (valid_until) nobody can quote, at any door.
    BuyingRequest.objects.filter(pk=buying_request.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(ValidationError) as refused:
        quote(buying_request, business)
    assert refused.value.code == "closed"
    response = signed_in(business.owner).post(
        reverse("marketplace:quote-create", args=[buying_request.pk]), quote_data()
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [services.MSG_REQUEST_CLOSED]
    assert not Quote.objects.exists()


@pytest.mark.parametrize("days", [0, 181])
def test_the_closing_date_is_bounded(days):
    with pytest.raises(ValidationError) as refused:
        post_request(
            BuyerFactory(),
            SubCategoryFactory(),
            valid_until=timezone.localdate() + timedelta(days=days),
        )
    assert "valid_until" in refused.value.message_dict


def test_the_buyer_sets_the_cap_on_the_form(client):
    from marketplace.forms.inquiries import BuyingRequestForm

    category = SubCategoryFactory()
    buyer = BuyerFactory()
    data = {
        "title": "Dried pineapple rings",
        "description": "Unsweetened, 10 kg cartons, Halal certified.",
        "category": category.pk,
        "quantity": 2000,
        "unit": "kg",
        "destination_country": "JP",
        "valid_until": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "website_url": "",
        "idempotency_key": "",
    }
    form = BuyingRequestForm()
    assert form["max_quotes"].initial == 10
    client = signed_in(buyer)
    for bad in ["0", "51", "1" + "0" * 30, "NaN"]:
        response = client.post(
            reverse("marketplace:buying-request-create"), {**data, "max_quotes": bad}
        )
        assert response.status_code == 200 and response.context["form"].errors["max_quotes"]
    assert not BuyingRequest.objects.exists()
    client.post(reverse("marketplace:buying-request-create"), {**data, "max_quotes": "3"})
    assert BuyingRequest.objects.get().max_quotes == 3


def test_a_full_request_says_so_to_owners_and_counts_for_the_buyer():
    category = SubCategoryFactory()
    buyer = BuyerFactory()
    buying_request = post_request(buyer, category, max_quotes=1)
    quote(buying_request, supplier(category))
    late = supplier(category)
    page = signed_in(late.owner).get(buying_request.get_absolute_url())
    assert page.status_code == 200
    assert page.context["quote_count"] == 1
    assert reverse("marketplace:quote-create", args=[buying_request.pk]) not in (
        page.content.decode()
    )
    assert page.context["full_message"] == services.MSG_REQUEST_FULL % {"count": 1}
    assert signed_in(buyer).get(buying_request.get_absolute_url()).context["quote_count"] == 1
