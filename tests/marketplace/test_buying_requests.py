"""Buying requests (RFQ to many suppliers) and quotes: who may post, see and quote,
which businesses are told, the thread a quote opens, comparing quotes, and closing at
the validity date."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from marketplace import services
from marketplace.models import BuyingRequest, Inquiry, Quote
from marketplace.tasks import hourly_sweep
from mentoring.models import Mentorship
from notifications.models import Notification

from ..factories import (
    BusinessFactory,
    BuyerFactory,
    CategoryFactory,
    ListedProductFactory,
    MentorshipFactory,
    PendingMentorFactory,
    ProductFactory,
    StaffFactory,
)
from ..support import count_queries

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@dataclass
class World:
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


def make_request(buyer, category, **fields) -> BuyingRequest:
    values = {
        "title": "Dried pineapple, 2 tonnes",
        "description": "Unsweetened dried pineapple rings, 10 kg cartons.",
        "quantity": 2000,
        "unit": "kg",
        "destination_country": "JP",
        "valid_until": timezone.localdate() + timedelta(days=30),
    }
    values.update(fields)
    return BuyingRequest.objects.create(buyer=buyer, category=category, **values)


@pytest.fixture
def world(db) -> World:
    top = CategoryFactory(name_en="Food")
    sub = CategoryFactory(name_en="Dried fruit", parent=top)
    other_sub = CategoryFactory(name_en="Snacks", parent=top)
    unrelated = CategoryFactory(name_en="Rattan")
    business = BusinessFactory(name="Nanas Kering Riau")
    product = ListedProductFactory(business=business, category=sub)
    ListedProductFactory(business=business, category=sub)  # two products: one notification
    sibling = BusinessFactory(name="Snack Pekanbaru")
    ListedProductFactory(business=sibling, category=other_sub)
    other_business = BusinessFactory(name="Rotan Siak")
    ListedProductFactory(business=other_business, category=unrelated)
    mentor = MentorshipFactory(business=business).mentor
    other_mentor = MentorshipFactory(business=other_business).mentor
    pending_mentor = PendingMentorFactory()
    Mentorship.objects.create(
        mentor=pending_mentor, business=business, status="active", started_at=timezone.now()
    )
    buyer = BuyerFactory()
    return World(
        top=top,
        sub=sub,
        other_sub=other_sub,
        unrelated=unrelated,
        buyer=buyer,
        other_buyer=BuyerFactory(),
        owner=business.owner,
        sibling_owner=sibling.owner,
        other_owner=other_business.owner,
        mentor=mentor,
        other_mentor=other_mentor,
        pending_mentor=pending_mentor,
        staff=StaffFactory(),
        business=business,
        sibling=sibling,
        other_business=other_business,
        product=product,
        request=make_request(buyer, sub),
    )


def request_data(world, **overrides) -> dict:
    data = {
        "title": "Dried pineapple rings",
        "description": "Unsweetened, 10 kg cartons, Halal certified.",
        "category": world.sub.pk,
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


def url_for(name, world):
    if name in ("buying-request-detail", "quote-create"):
        return reverse(f"marketplace:{name}", args=[world.request.pk])
    return reverse(f"marketplace:{name}")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(MATRIX))
def test_permission_matrix_get(client, world, name, role):
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    assert_status(client.get(url_for(name, world)), MATRIX[name][role])


@pytest.mark.parametrize("role", ROLES)
def test_only_verified_buyers_post_requests(client, world, role):
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    count = BuyingRequest.objects.count()
    response = client.post(reverse("marketplace:buying-request-create"), request_data(world))
    if role in ("buyer", "other_buyer"):
        assert response.status_code == 302
        assert BuyingRequest.objects.count() == count + 1
    else:
        assert_status(response, MATRIX["buying-request-create"][role])
        assert BuyingRequest.objects.count() == count


@pytest.mark.parametrize("role", ROLES)
def test_only_matching_owners_quote(client, world, role):
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    url = reverse("marketplace:quote-create", args=[world.request.pk])
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
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    ProductFactory(business=BusinessFactory(), category=world.sub)  # a draft: not told
    ListedProductFactory(business=BusinessFactory(is_active=False), category=world.sub)
    client.force_login(world.other_buyer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("marketplace:buying-request-create"), request_data(world))
    buying_request = BuyingRequest.objects.get(buyer=world.other_buyer)
    assert response.status_code == 302
    assert response.url == buying_request.get_absolute_url()
    assert buying_request.status == "open"
    assert buying_request.target_price_usd == Decimal("4.50")
    told = Notification.objects.filter(kind="buying_request_matched")
    assert [n.recipient for n in told] == [world.owner]  # one per business, not per product
    assert told[0].url == buying_request.get_absolute_url()
    assert [m.to for m in mailoutbox] == [[world.owner.email]]


def test_top_category_request_reaches_its_subcategories(client, world):
    client.force_login(world.other_buyer)
    client.post(
        reverse("marketplace:buying-request-create"), request_data(world, category=world.top.pk)
    )
    told = Notification.objects.filter(kind="buying_request_matched")
    assert {n.recipient for n in told} == {world.owner, world.sibling_owner}


@pytest.mark.parametrize("days", [-1, 0, 181])
def test_valid_until_must_be_future_and_within_180_days(client, world, days):
    client.force_login(world.other_buyer)
    day = (timezone.localdate() + timedelta(days=days)).isoformat()
    response = client.post(
        reverse("marketplace:buying-request-create"), request_data(world, valid_until=day)
    )
    assert response.status_code == 200
    assert "valid_until" in response.context["form"].errors
    assert not BuyingRequest.objects.filter(buyer=world.other_buyer).exists()
    assert not Notification.objects.filter(kind="buying_request_matched")


def test_valid_until_180_days_ahead_is_accepted(client, world):
    client.force_login(world.other_buyer)
    day = (timezone.localdate() + timedelta(days=180)).isoformat()
    response = client.post(
        reverse("marketplace:buying-request-create"), request_data(world, valid_until=day)
    )
    assert response.status_code == 302


def test_unverified_buyer_cannot_post_a_request(client, world):
    unverified = BuyerFactory(verified=False)
    client.force_login(unverified)
    url = reverse("marketplace:buying-request-create")
    assert "confirm your email address" in page(client.get(url))
    response = client.post(url, request_data(world))
    assert response.status_code == 200
    assert "Please confirm your email address first" in page(response)
    assert not BuyingRequest.objects.filter(buyer=unverified).exists()
    assert not Notification.objects.filter(kind="buying_request_matched")


def test_honeypot_refuses_a_request(client, world):
    client.force_login(world.other_buyer)
    response = client.post(
        reverse("marketplace:buying-request-create"),
        request_data(world, website_url="https://bot.example"),
    )
    assert response.status_code == 200
    assert "We could not send this" in page(response)
    assert not BuyingRequest.objects.filter(buyer=world.other_buyer).exists()


def test_at_most_five_requests_a_day(world):
    buyer = BuyerFactory()
    valid_until = timezone.localdate() + timedelta(days=10)
    fields = {
        "title": "Chips",
        "description": "Banana chips",
        "category": world.unrelated,
        "quantity": 10,
        "unit": "kg",
        "destination_country": "SG",
        "valid_until": valid_until,
    }
    for _ in range(5):
        services.buying_request_create(buyer=buyer, **fields)
    with pytest.raises(ValidationError) as refused:
        services.buying_request_create(buyer=buyer, **fields)
    assert refused.value.code == "rate_limited"
    assert BuyingRequest.objects.filter(buyer=buyer).count() == 5


# What owners see ---------------------------------------------------------------------


def test_owner_list_shows_open_matching_requests_only(client, world):
    expired = make_request(
        world.other_buyer,
        world.sub,
        title="Expired wish",
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    closed = make_request(world.other_buyer, world.sub, title="Closed wish", status="closed")
    top_request = make_request(world.other_buyer, world.top, title="Anything from Riau")
    url = reverse("marketplace:buying-request-list")
    client.force_login(world.owner)
    content = page(client.get(url))
    assert world.request.title in content
    assert top_request.title in content
    assert expired.title not in content
    assert closed.title not in content
    client.force_login(world.other_owner)
    content = page(client.get(url))
    assert world.request.title not in content
    assert top_request.title not in content
    client.force_login(world.sibling_owner)
    content = page(client.get(url))
    assert top_request.title in content
    assert world.request.title not in content


def test_buyer_list_shows_own_requests_with_quote_counts(client, world):
    services.quote_create(
        buying_request=world.request,
        business=world.business,
        author=world.owner,
        price_usd=Decimal("4.20"),
        moq=500,
        lead_time_days=21,
        message="Our offer, FOB Dumai.",
    )
    client.force_login(world.buyer)
    response = client.get(reverse("marketplace:buying-request-list"))
    assert world.request.title in page(response)
    [row] = response.context["buying_requests"]
    assert row.quote_count == 1
    client.force_login(world.other_buyer)
    assert world.request.title not in page(client.get(reverse("marketplace:buying-request-list")))


# Quotes ------------------------------------------------------------------------------


def test_quote_opens_a_thread_and_tells_the_buyer(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.owner)
    form = client.get(reverse("marketplace:quote-create", args=[world.request.pk]))
    assert list(form.context["form"].fields["product"].queryset) == list(
        world.business.products.filter(is_listed=True)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("marketplace:quote-create", args=[world.request.pk]),
            quote_data(product=world.product.pk, incoterm="CIF"),
        )
    quote = Quote.objects.get()
    inquiry = quote.inquiry
    assert response.status_code == 302
    assert response.url == inquiry.get_absolute_url()
    assert (quote.business, quote.product, quote.price_usd) == (
        world.business,
        world.product,
        Decimal("4.20"),
    )
    assert inquiry.buyer == world.buyer
    assert inquiry.business == world.business
    assert inquiry.status == "replied"
    assert inquiry.first_reply_at is not None
    assert inquiry.incoterm == "CIF"
    assert (inquiry.quantity, inquiry.unit, inquiry.destination_country) == (2000, "kg", "JP")
    [message] = inquiry.messages.all()
    assert (message.author, message.author_role) == (world.owner, "supplier")
    assert message.body.startswith("We can supply 2 tonnes")
    assert Notification.objects.get(kind="quote_received").recipient == world.buyer
    assert [m.to for m in mailoutbox] == [[world.buyer.email]]
    # The thread works like an inquiry: the buyer reads and answers it.
    client.force_login(world.buyer)
    assert client.get(inquiry.get_absolute_url()).status_code == 200
    reply = client.post(
        reverse("marketplace:inquiry-reply", args=[inquiry.pk]), {"body": "Send a sample?"}
    )
    assert reply.status_code == 302


def test_one_quote_per_business(client, world):
    client.force_login(world.owner)
    url = reverse("marketplace:quote-create", args=[world.request.pk])
    client.post(url, quote_data())
    # A second quote (or the same one sent twice) shows the quote already sent.
    response = client.post(url, quote_data(price_usd="3.90"), follow=True)
    assert response.redirect_chain == [(Quote.objects.get().inquiry.get_absolute_url(), 302)]
    assert tr(world.owner, services.MSG_ALREADY_QUOTED) in page(response)
    assert Quote.objects.count() == 1
    assert Inquiry.objects.count() == 1
    again = client.get(url)
    assert again.status_code == 302
    assert again.url == world.request.get_absolute_url()


def test_database_refuses_a_second_quote_from_the_same_business(world):
    from django.db import IntegrityError, transaction

    fields = {"price_usd": Decimal(1), "moq": 1, "lead_time_days": 1, "message": "x"}
    Quote.objects.create(request=world.request, business=world.business, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.objects.create(request=world.request, business=world.business, **fields)


def test_quoting_a_closed_or_expired_request_is_refused(client, world):
    client.force_login(world.owner)
    closed = make_request(world.other_buyer, world.sub, status="closed")
    expired = make_request(
        world.other_buyer, world.sub, valid_until=timezone.localdate() - timedelta(days=1)
    )
    for buying_request in (closed, expired):
        url = reverse("marketplace:quote-create", args=[buying_request.pk])
        assert tr(world.owner, services.MSG_REQUEST_CLOSED) in page(client.get(url))
        response = client.post(url, quote_data())
        assert response.status_code == 200
        assert tr(world.owner, services.MSG_REQUEST_CLOSED) in page(response)
    assert Quote.objects.count() == 0
    assert Inquiry.objects.count() == 0


def test_quote_refuses_a_product_of_another_business_or_unlisted(client, world):
    client.force_login(world.owner)
    url = reverse("marketplace:quote-create", args=[world.request.pk])
    draft = ProductFactory(business=world.business, category=world.sub)
    foreign = ListedProductFactory(business=world.sibling, category=world.sub)
    for product in (draft, foreign):
        response = client.post(url, quote_data(product=product.pk))
        assert response.status_code == 200
        assert "product" in response.context["form"].errors
    assert Quote.objects.count() == 0


def test_buyer_compares_quotes_sorted_by_price_moq_or_lead_time(client, world):
    offers = [
        (world.business, "5.00", 100, 30),
        (world.sibling, "4.00", 900, 10),
        (BusinessFactory(name="Third Supplier"), "4.50", 300, 20),
    ]
    for business, price, moq, lead in offers:
        ListedProductFactory(business=business, category=world.sub)
        services.quote_create(
            buying_request=world.request,
            business=business,
            author=business.owner,
            price_usd=Decimal(price),
            moq=moq,
            lead_time_days=lead,
            message="Our offer, FOB Dumai.",
        )
    client.force_login(world.buyer)
    url = world.request.get_absolute_url()

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
    client.force_login(world.sibling_owner)
    response = client.get(url)
    assert response.context["my_quote"].business == world.sibling
    assert "quotes" not in response.context
    assert "5.00" not in page(response)


def test_requests_close_after_their_validity_date(world):
    today = timezone.localdate()
    ending_today = make_request(world.other_buyer, world.sub, valid_until=today)
    yesterday = make_request(world.other_buyer, world.sub, valid_until=today - timedelta(days=1))
    assert hourly_sweep()["closed"] == 1
    yesterday.refresh_from_db()
    ending_today.refresh_from_db()
    world.request.refresh_from_db()
    assert yesterday.status == "closed"
    assert ending_today.status == "open"
    assert world.request.status == "open"
    assert hourly_sweep()["closed"] == 0


def test_quote_threads_do_not_count_against_the_buyers_inquiry_limit(world):
    for i in range(10):
        business = BusinessFactory()
        ListedProductFactory(business=business, category=world.sub)
        services.quote_create(
            buying_request=world.request,
            business=business,
            author=business.owner,
            price_usd=Decimal("4.00") + i,
            moq=10,
            lead_time_days=5,
            message="Our offer, FOB Dumai.",
        )
    inquiry = services.inquiry_create(
        buyer=world.buyer,
        business=world.business,
        product=world.product,
        quantity=10,
        unit="kg",
        incoterm="FOB",
        destination_country="JP",
        message="Direct question",
    )
    assert inquiry.quote_id is None


@pytest.mark.parametrize("role", ["buyer", "owner", "staff"])
def test_request_pages_query_count_does_not_grow(client, world, role):
    client.force_login(world.user(role))
    list_url = reverse("marketplace:buying-request-list")
    detail_url = world.request.get_absolute_url()

    def add(n):
        for _ in range(n):
            make_request(world.buyer, world.sub)
            business = BusinessFactory()
            ListedProductFactory(business=business, category=world.sub)
            services.quote_create(
                buying_request=world.request,
                business=business,
                author=business.owner,
                price_usd=Decimal("4.00"),
                moq=10,
                lead_time_days=5,
                message="Our offer, FOB Dumai.",
            )

    add(2)
    few = count_queries(client, list_url), count_queries(client, detail_url)
    add(10)
    assert (count_queries(client, list_url), count_queries(client, detail_url)) == few


@pytest.mark.parametrize(
    ("field", "value"), [("lead_time_days", 400), ("moq", 10**12), ("price_usd", Decimal(10**7))]
)
def test_a_quote_out_of_bounds_is_refused_with_the_models_message(world, field, value):
    """The service runs the model's value rules itself: a caller other than the form (the
    demo, a script) gets the message under the field, not the database's refusal."""
    values = {"price_usd": Decimal("2.10"), "moq": 100, "lead_time_days": 14, field: value}
    with pytest.raises(ValidationError) as refused:
        services.quote_create(
            buying_request=world.request,
            business=world.business,
            author=world.owner,
            message="Our offer, FOB Dumai.",
            **values,
        )
    assert list(refused.value.message_dict) == [field]
    assert not Quote.objects.exists()
