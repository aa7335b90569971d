"""A hidden supplier, product, training or inquiry answers exactly as one that does not
exist (SECURITY.md: ids and slugs cannot be probed), through the API and the web
inquiry form; and inquiries reach only the suppliers and products the site shows.

Hidden: an inactive business, an active business with no listed product (also when
unverified), a draft or archived product, a listed product of an inactive business, a
product of another supplier, a draft, cancelled or past training, another buyer's
inquiry. Bodies are compared byte for byte with the slug or id replaced.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from marketplace.models import Inquiry
from marketplace.services import inquiry_create
from mentoring.models import TrainingSession
from notifications.models import Notification
from umkm.models import Product

from ..factories import (
    BusinessFactory,
    BuyerFactory,
    ListedProductFactory,
    MentorFactory,
    MentorshipFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db

INQUIRIES = "/api/v1/inquiries/"
MISSING = "no-such-slug-at-all"
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def api(buyer):
    client = APIClient()
    client.force_authenticate(buyer)
    return client


@pytest.fixture
def shown(db):
    """A supplier the site shows, with a listed product."""
    return ListedProductFactory(business=BusinessFactory(verified_at=timezone.now()))


def _unlisted_business():
    """Active, unverified, only a draft product: the web has no page for it."""
    business = BusinessFactory(verified_at=None)
    ProductFactory(business=business)
    return business


def hidden_suppliers() -> dict:
    inactive = BusinessFactory(is_active=False)
    ListedProductFactory(business=inactive)
    return {"inactive": inactive, "no listed product": _unlisted_business()}


def hidden_products(shown) -> dict:
    inactive = BusinessFactory(is_active=False)
    return {
        "draft": ProductFactory(business=shown.business),
        "archived": ProductFactory(business=shown.business, status=Product.Status.ARCHIVED),
        "submitted": ProductFactory(business=shown.business, status=Product.Status.SUBMITTED),
        "of an inactive business": ListedProductFactory(business=inactive),
    }


def not_this_suppliers_products(shown) -> dict:
    """For an inquiry to ``shown``'s supplier: hidden ones, and another's listed one."""
    return {**hidden_products(shown), "another supplier's": ListedProductFactory()}


def _payload(supplier: str, product: str = "") -> dict:
    data = {
        "supplier": supplier,
        "quantity": 500,
        "unit": "pack",
        "incoterm": "FOB",
        "destination_country": "NL",
        "message": "Please quote 500 packs, FOB Dumai.",
    }
    if product:
        data["product"] = product
    return data


def _alike(response, slug: str):
    """What the client sees, with ``slug`` replaced and CSRF tokens (new each time)
    blanked."""
    body = response.content.replace(slug.encode(), b"<slug>")
    body = CSRF.sub(b'name="csrfmiddlewaretoken" value=""', body)
    return response.status_code, response.get("Content-Type"), body


# API: sending an inquiry -----------------------------------------------------------------


def test_api_inquiry_to_a_hidden_supplier_answers_as_to_a_missing_one(api, shown):
    missing = _alike(api.post(INQUIRIES, _payload(MISSING), format="json"), MISSING)
    assert missing[0] == 400
    assert missing[2] == (
        b'{"detail":"Some of the values sent are not valid.",'
        b'"errors":{"supplier":["This supplier or product is not available for inquiries."]}}'
    )
    for name, business in hidden_suppliers().items():
        response = api.post(INQUIRIES, _payload(business.slug), format="json")
        assert _alike(response, business.slug) == missing, name
        # With one of its products (listed or not), the supplier is still what is refused.
        product = business.products.first()
        response = api.post(INQUIRIES, _payload(business.slug, product.slug), format="json")
        assert _alike(response, business.slug) == missing, name
    assert not Inquiry.objects.exists()


def test_api_inquiry_about_a_hidden_product_answers_as_about_a_missing_one(api, shown):
    supplier = shown.business.slug
    missing = _alike(api.post(INQUIRIES, _payload(supplier, MISSING), format="json"), MISSING)
    assert missing[0] == 400
    assert b'"errors":{"product":["This supplier or product' in missing[2]
    for name, product in not_this_suppliers_products(shown).items():
        response = api.post(INQUIRIES, _payload(supplier, product.slug), format="json")
        assert _alike(response, product.slug) == missing, name
    assert not Inquiry.objects.exists()


def test_api_inquiry_to_an_unlisted_business_is_refused_and_nobody_is_told(
    api, django_capture_on_commit_callbacks
):
    """Before: 201, and the owner and the mentor were notified, while the web answered
    404 for this supplier."""
    business = _unlisted_business()
    MentorshipFactory(business=business)
    client = APIClient()
    assert client.get(reverse("marketplace:supplier", args=[business.slug])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(INQUIRIES, _payload(business.slug), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "supplier": ["This supplier or product is not available for inquiries."]
    }
    assert not Inquiry.objects.exists()
    assert not Notification.objects.filter(kind="inquiry_received").exists()
    assert not mail.outbox


def test_the_service_refuses_what_the_site_hides_whoever_calls_it(buyer, shown):
    """The rule lives in ``inquiry_create``: the demo, the admin or a new door obey it."""
    terms = {
        "quantity": 5,
        "unit": "pack",
        "incoterm": "FOB",
        "destination_country": "NL",
        "message": "Hello, a price please.",
    }
    for name, business in hidden_suppliers().items():
        with pytest.raises(ValidationError) as refused:
            inquiry_create(buyer=buyer, business=business, **terms)
        assert refused.value.code == "unavailable", name
    for name, product in not_this_suppliers_products(shown).items():
        with pytest.raises(ValidationError) as refused:
            inquiry_create(buyer=buyer, business=shown.business, product=product, **terms)
        assert refused.value.code == "unavailable", name
    assert not Inquiry.objects.exists()
    assert inquiry_create(buyer=buyer, business=shown.business, product=shown, **terms).pk


def test_api_takes_inquiries_exactly_for_the_suppliers_and_products_the_web_shows(api, shown):
    web = APIClient()
    unverified_listed = ListedProductFactory(business=BusinessFactory(verified_at=None))
    businesses = {
        "shown": shown.business,
        "unverified with a listed product": unverified_listed.business,
        **hidden_suppliers(),
    }
    for name, business in businesses.items():
        page = web.get(reverse("marketplace:supplier", args=[business.slug])).status_code
        sent = api.post(INQUIRIES, _payload(business.slug), format="json").status_code
        assert (page, sent) in {(200, 201), (404, 400)}, name
    products = {"shown": shown, "unverified": unverified_listed, **hidden_products(shown)}
    for name, product in products.items():
        page = web.get(reverse("marketplace:product", args=[product.slug])).status_code
        payload = _payload(product.business.slug, product.slug)
        sent = api.post(INQUIRIES, payload, format="json").status_code
        assert (page, sent) in {(200, 201), (404, 400)}, name


# API: detail endpoints ---------------------------------------------------------------------


def _training(**fields) -> TrainingSession:
    starts = timezone.now() + timedelta(days=7)
    values = {
        "host": MentorFactory(),
        "title": "Pelatihan ekspor",
        "topic": "export",
        "description_id": "Cara mengekspor.",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "registration_deadline": starts - timedelta(hours=2),
        "mode": TrainingSession.Mode.ONLINE,
        "capacity": 10,
        "status": TrainingSession.Status.PUBLISHED,
        **fields,
    }
    return TrainingSession.objects.create(**values)


@pytest.mark.parametrize("who", ["anonymous", "buyer"])
def test_api_details_of_hidden_objects_answer_as_missing_ones(buyer, shown, who):
    client = APIClient()
    if who == "buyer":
        client.force_authenticate(buyer)

    def check(prefix: str, hidden: dict, missing: str):
        expected = _alike(client.get(f"{prefix}{missing}/"), missing)
        assert expected[0] == 404
        assert expected[2] == b'{"detail":"Not found.","errors":{}}'
        for name, key in hidden.items():
            assert _alike(client.get(f"{prefix}{key}/"), str(key)) == expected, (prefix, name)

    suppliers = hidden_suppliers()
    check("/api/v1/suppliers/", {n: b.slug for n, b in suppliers.items()}, MISSING)
    check("/api/v1/products/", {n: p.slug for n, p in hidden_products(shown).items()}, MISSING)
    past = timezone.now() - timedelta(days=7)
    trainings = {
        "draft": _training(status=TrainingSession.Status.DRAFT),
        "cancelled": _training(status=TrainingSession.Status.CANCELLED),
        "past": _training(
            starts_at=past, ends_at=past + timedelta(hours=2), registration_deadline=past
        ),
    }
    check("/api/v1/trainings/", {n: t.pk for n, t in trainings.items()}, "999999")
    if who == "buyer":
        theirs = inquiry_create(
            buyer=BuyerFactory(),
            business=shown.business,
            quantity=5,
            unit="pack",
            incoterm="FOB",
            destination_country="NL",
            message="Hello, a price please.",
        )
        check(INQUIRIES, {"another buyer's": theirs.pk}, "999999")


# Web: the inquiry form --------------------------------------------------------------------


def test_web_inquiry_form_answers_hidden_as_missing(client, buyer, shown):
    client.force_login(buyer)
    cases = [
        ("marketplace:inquiry-create-supplier", {n: b.slug for n, b in hidden_suppliers().items()}),
        (
            "marketplace:inquiry-create-product",
            {n: p.slug for n, p in hidden_products(shown).items()},
        ),
    ]
    form = {
        "quantity": 500,
        "unit": "pack",
        "incoterm": "FOB",
        "destination_country": "NL",
        "message": "Please quote 500 packs, FOB Dumai.",
    }
    for url_name, hidden in cases:
        missing_url = reverse(url_name, args=[MISSING])
        for method in ("get", "post"):
            expected = _alike(getattr(client, method)(missing_url, form), MISSING)
            assert expected[0] == 404
            for name, slug in hidden.items():
                response = getattr(client, method)(reverse(url_name, args=[slug]), form)
                assert _alike(response, slug) == expected, (url_name, method, name)
    assert not Inquiry.objects.exists()
