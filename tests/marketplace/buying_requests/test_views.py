"""Buying requests (RFQ to many suppliers) and quotes through their pages: who may post,
see and quote, which businesses are told, the thread a quote opens, comparing quotes,
and query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from marketplace import services
from marketplace.models import BuyingRequest, Inquiry, Quote
from notifications.models import Notification

from ...factories import (
    BusinessFactory,
    BuyerFactory,
    ListedProductFactory,
    ProductFactory,
)
from ...support import count_warm_queries
from ...support.buying_requests import make_request

pytestmark = pytest.mark.django_db


LOGIN = "/accounts/login/"


def request_data(market, **overrides) -> dict:
    data = {
        "title": "Dried pineapple rings",
        "description": "Unsweetened, 10 kg cartons, Halal certified.",
        "category": market.sub.pk,
        "quantity": 2000,
        "unit": "kg",
        "target_price_usd": "4.50",
        "destination_country": "JP",
        "valid_until": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "website_url": "",
    }
    data.update(overrides)
    return data


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


def assert_status(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)
    else:
        assert response.status_code == expected


def page(response) -> str:
    return response.content.decode()


def tr(user, message) -> str:
    """``message`` as ``user`` reads it (owners use Indonesian)."""
    with translation.override(user.language):
        return escape(str(message))


ROLES = [
    "buyer",
    "other_buyer",
    "owner",
    "other_owner",
    "mentor",
    "other_mentor",
    "pending_mentor",
    "staff",
    "anonymous",
]


MATRIX = {
    "buying-request-list": {
        "buyer": 200, "other_buyer": 200, "owner": 200, "other_owner": 200, "mentor": 403,
        "other_mentor": 403, "pending_mentor": 403, "staff": 200, "anonymous": "login",
    },
    "buying-request-create": {
        "buyer": 200, "other_buyer": 200, "owner": 403, "other_owner": 403, "mentor": 403,
        "other_mentor": 403, "pending_mentor": 403, "staff": 403, "anonymous": "login",
    },
    "buying-request-detail": {
        "buyer": 200, "other_buyer": 404, "owner": 200, "other_owner": 404, "mentor": 404,
        "other_mentor": 404, "pending_mentor": 404, "staff": 200, "anonymous": "login",
    },
    "quote-create": {
        "buyer": 403, "other_buyer": 403, "owner": 200, "other_owner": 404, "mentor": 403,
        "other_mentor": 403, "pending_mentor": 403, "staff": 403, "anonymous": "login",
    },
}  # fmt: skip


def url_for(name, market):
    if name in ("buying-request-detail", "quote-create"):
        return reverse(f"marketplace:{name}", args=[market.request.pk])
    return reverse(f"marketplace:{name}")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(MATRIX))
def test_permission_matrix_get(client, market, name, role):
    user = market.user(role)
    if user is not None:
        client.force_login(user)
    assert_status(client.get(url_for(name, market)), MATRIX[name][role])


@pytest.mark.parametrize("role", ROLES)
def test_only_verified_buyers_post_requests(client, market, role):
    user = market.user(role)
    if user is not None:
        client.force_login(user)
    count = BuyingRequest.objects.count()
    response = client.post(reverse("marketplace:buying-request-create"), request_data(market))
    if role in ("buyer", "other_buyer"):
        assert response.status_code == 302
        assert BuyingRequest.objects.count() == count + 1
    else:
        assert_status(response, MATRIX["buying-request-create"][role])
        assert BuyingRequest.objects.count() == count


@pytest.mark.parametrize("role", ROLES)
def test_only_matching_owners_quote(client, market, role):
    user = market.user(role)
    if user is not None:
        client.force_login(user)
    url = reverse("marketplace:quote-create", args=[market.request.pk])
    response = client.post(url, quote_data())
    if role == "owner":
        assert response.status_code == 302
        assert Quote.objects.count() == 1
    else:
        assert_status(response, MATRIX["quote-create"][role])
        assert Quote.objects.count() == 0
        assert Inquiry.objects.count() == 0


# Posting and matching ----------------------------------------------------------------


def test_subcategory_request_notifies_exactly_businesses_with_listed_products_in_it(
    client, market, mailoutbox, django_capture_on_commit_callbacks
):
    ProductFactory(business=BusinessFactory(), category=market.sub)  # a draft: not told
    ListedProductFactory(business=BusinessFactory(is_active=False), category=market.sub)
    client.force_login(market.other_buyer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("marketplace:buying-request-create"), request_data(market))
    buying_request = BuyingRequest.objects.get(buyer=market.other_buyer)
    assert response.status_code == 302
    assert response.url == buying_request.get_absolute_url()
    assert buying_request.status == "open"
    assert buying_request.target_price_usd == Decimal("4.50")
    told = Notification.objects.filter(kind="buying_request_matched")
    assert [n.recipient for n in told] == [market.owner]  # one per business, not per product
    assert told[0].url == buying_request.get_absolute_url()
    assert [m.to for m in mailoutbox] == [[market.owner.email]]


def test_top_category_request_reaches_its_subcategories(client, market):
    client.force_login(market.other_buyer)
    client.post(
        reverse("marketplace:buying-request-create"), request_data(market, category=market.top.pk)
    )
    told = Notification.objects.filter(kind="buying_request_matched")
    assert {n.recipient for n in told} == {market.owner, market.sibling_owner}


@pytest.mark.parametrize("days", [-1, 0, 181])
def test_valid_until_must_be_future_and_within_180_days(client, market, days):
    client.force_login(market.other_buyer)
    day = (timezone.localdate() + timedelta(days=days)).isoformat()
    response = client.post(
        reverse("marketplace:buying-request-create"), request_data(market, valid_until=day)
    )
    assert response.status_code == 200
    assert "valid_until" in response.context["form"].errors
    assert not BuyingRequest.objects.filter(buyer=market.other_buyer).exists()
    assert not Notification.objects.filter(kind="buying_request_matched")


def test_valid_until_180_days_ahead_is_accepted(client, market):
    client.force_login(market.other_buyer)
    day = (timezone.localdate() + timedelta(days=180)).isoformat()
    response = client.post(
        reverse("marketplace:buying-request-create"), request_data(market, valid_until=day)
    )
    assert response.status_code == 302


def test_unverified_buyer_cannot_post_a_request(client, market):
    unverified = BuyerFactory(verified=False)
    client.force_login(unverified)
    url = reverse("marketplace:buying-request-create")
    assert "confirm your email address" in page(client.get(url))
    response = client.post(url, request_data(market))
    assert response.status_code == 200
    assert "Please confirm your email address first" in page(response)
    assert not BuyingRequest.objects.filter(buyer=unverified).exists()
    assert not Notification.objects.filter(kind="buying_request_matched")


def test_honeypot_refuses_a_request(client, market):
    client.force_login(market.other_buyer)
    response = client.post(
        reverse("marketplace:buying-request-create"),
        request_data(market, website_url="https://bot.example"),
    )
    assert response.status_code == 200
    assert "We could not send this" in page(response)
    assert not BuyingRequest.objects.filter(buyer=market.other_buyer).exists()


# What owners see ---------------------------------------------------------------------


def test_owner_list_shows_open_matching_requests_only(client, market):
    expired = make_request(
        market.other_buyer,
        market.sub,
        title="Expired wish",
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    closed = make_request(market.other_buyer, market.sub, title="Closed wish", status="closed")
    top_request = make_request(market.other_buyer, market.top, title="Anything from Riau")
    url = reverse("marketplace:buying-request-list")
    client.force_login(market.owner)
    content = page(client.get(url))
    assert market.request.title in content
    assert top_request.title in content
    assert expired.title not in content
    assert closed.title not in content
    client.force_login(market.other_owner)
    content = page(client.get(url))
    assert market.request.title not in content
    assert top_request.title not in content
    client.force_login(market.sibling_owner)
    content = page(client.get(url))
    assert top_request.title in content
    assert market.request.title not in content


def test_buyer_list_shows_own_requests_with_quote_counts(client, market):
    services.quote_create(
        buying_request=market.request,
        business=market.business,
        author=market.owner,
        price_usd=Decimal("4.20"),
        moq=500,
        lead_time_days=21,
        message="Our offer, FOB Dumai.",
    )
    client.force_login(market.buyer)
    response = client.get(reverse("marketplace:buying-request-list"))
    assert market.request.title in page(response)
    [row] = response.context["buying_requests"]
    assert row.quote_count == 1
    client.force_login(market.other_buyer)
    assert market.request.title not in page(client.get(reverse("marketplace:buying-request-list")))


# Quotes ------------------------------------------------------------------------------


def test_quote_opens_a_thread_and_tells_the_buyer(
    client, market, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(market.owner)
    form = client.get(reverse("marketplace:quote-create", args=[market.request.pk]))
    assert list(form.context["form"].fields["product"].queryset) == list(
        market.business.products.filter(is_listed=True)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("marketplace:quote-create", args=[market.request.pk]),
            quote_data(product=market.product.pk, incoterm="CIF"),
        )
    quote = Quote.objects.get()
    inquiry = quote.inquiry
    assert response.status_code == 302
    assert response.url == inquiry.get_absolute_url()
    assert (quote.business, quote.product, quote.price_usd) == (
        market.business,
        market.product,
        Decimal("4.20"),
    )
    assert inquiry.buyer == market.buyer
    assert inquiry.business == market.business
    assert inquiry.status == "replied"
    assert inquiry.first_reply_at is not None
    assert inquiry.incoterm == "CIF"
    assert (inquiry.quantity, inquiry.unit, inquiry.destination_country) == (2000, "kg", "JP")
    [message] = inquiry.messages.all()
    assert (message.author, message.author_role) == (market.owner, "supplier")
    assert message.body.startswith("We can supply 2 tonnes")
    assert Notification.objects.get(kind="quote_received").recipient == market.buyer
    assert [m.to for m in mailoutbox] == [[market.buyer.email]]
    # The thread works like an inquiry: the buyer reads and answers it.
    client.force_login(market.buyer)
    assert client.get(inquiry.get_absolute_url()).status_code == 200
    reply = client.post(
        reverse("marketplace:inquiry-reply", args=[inquiry.pk]), {"body": "Send a sample?"}
    )
    assert reply.status_code == 302


def test_one_quote_per_business(client, market):
    client.force_login(market.owner)
    url = reverse("marketplace:quote-create", args=[market.request.pk])
    client.post(url, quote_data())
    # A second quote (or the same one sent twice) shows the quote already sent.
    response = client.post(url, quote_data(price_usd="3.90"), follow=True)
    assert response.redirect_chain == [(Quote.objects.get().inquiry.get_absolute_url(), 302)]
    assert tr(market.owner, services.MSG_ALREADY_QUOTED) in page(response)
    assert Quote.objects.count() == 1
    assert Inquiry.objects.count() == 1
    again = client.get(url)
    assert again.status_code == 302
    assert again.url == market.request.get_absolute_url()


def test_quoting_a_closed_or_expired_request_is_refused(client, market):
    client.force_login(market.owner)
    closed = make_request(market.other_buyer, market.sub, status="closed")
    expired = make_request(
        market.other_buyer, market.sub, valid_until=timezone.localdate() - timedelta(days=1)
    )
    for buying_request in (closed, expired):
        url = reverse("marketplace:quote-create", args=[buying_request.pk])
        assert tr(market.owner, services.MSG_REQUEST_CLOSED) in page(client.get(url))
        response = client.post(url, quote_data())
        assert response.status_code == 200
        assert tr(market.owner, services.MSG_REQUEST_CLOSED) in page(response)
    assert Quote.objects.count() == 0
    assert Inquiry.objects.count() == 0


def test_quote_refuses_a_product_of_another_business_or_unlisted(client, market):
    client.force_login(market.owner)
    url = reverse("marketplace:quote-create", args=[market.request.pk])
    draft = ProductFactory(business=market.business, category=market.sub)
    foreign = ListedProductFactory(business=market.sibling, category=market.sub)
    for product in (draft, foreign):
        response = client.post(url, quote_data(product=product.pk))
        assert response.status_code == 200
        assert "product" in response.context["form"].errors
    assert Quote.objects.count() == 0


def test_buyer_compares_quotes_sorted_by_price_moq_or_lead_time(client, market):
    offers = [
        (market.business, "5.00", 100, 30),
        (market.sibling, "4.00", 900, 10),
        (BusinessFactory(name="Third Supplier"), "4.50", 300, 20),
    ]
    for business, price, moq, lead in offers:
        ListedProductFactory(business=business, category=market.sub)
        services.quote_create(
            buying_request=market.request,
            business=business,
            author=business.owner,
            price_usd=Decimal(price),
            moq=moq,
            lead_time_days=lead,
            message="Our offer, FOB Dumai.",
        )
    client.force_login(market.buyer)
    url = market.request.get_absolute_url()

    def order(sort):
        response = client.get(url, {"sort": sort} if sort else {})
        return [q.business.name for q in response.context["quotes"]]

    assert order(None) == ["Snack Pekanbaru", "Third Supplier", "Nanas Kering Riau"]
    assert order("price") == ["Snack Pekanbaru", "Third Supplier", "Nanas Kering Riau"]
    assert order("moq") == ["Nanas Kering Riau", "Third Supplier", "Snack Pekanbaru"]
    assert order("lead_time") == ["Snack Pekanbaru", "Third Supplier", "Nanas Kering Riau"]
    assert order("nonsense") == order("price")
    content = page(client.get(url, {"sort": "moq"}))
    assert "US$ 4.00" in content
    assert 'aria-sort="ascending"' in content
    # An owner sees only their own quote, never the competitors'.
    client.force_login(market.sibling_owner)
    response = client.get(url)
    assert response.context["my_quote"].business == market.sibling
    assert "quotes" not in response.context
    assert "5.00" not in page(response)


@pytest.mark.parametrize("role", ["buyer", "owner", "staff"])
def test_request_pages_query_count_does_not_grow(client, market, role):
    client.force_login(market.user(role))
    list_url = reverse("marketplace:buying-request-list")
    detail_url = market.request.get_absolute_url()

    def add(n):
        for _ in range(n):
            make_request(market.buyer, market.sub)
            business = BusinessFactory()
            ListedProductFactory(business=business, category=market.sub)
            services.quote_create(
                buying_request=market.request,
                business=business,
                author=business.owner,
                price_usd=Decimal("4.00"),
                moq=10,
                lead_time_days=5,
                message="Our offer, FOB Dumai.",
            )

    add(2)
    few = count_warm_queries(client, list_url), count_warm_queries(client, detail_url)
    add(10)
    assert (count_warm_queries(client, list_url), count_warm_queries(client, detail_url)) == few
