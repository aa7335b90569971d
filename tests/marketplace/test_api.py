"""The public JSON API under /api/v1/ and its OpenAPI schema.

Every endpoint, each catalogue filter (the same results as the web catalogue, from the
``shop`` of the marketplace conftest), bad query values as 400s in the error shape, who may read
and write inquiries, throttles, languages, cache headers, query counts, the schema and
its docs page, and a schemathesis run of the GET operations against the schema.
"""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marketplace.models import Inquiry
from marketplace.services import INQUIRIES_PER_HOUR
from mentoring.models import Registration, TrainingSession
from umkm.models import PriceTier

from ..factories import (
    PASSWORD,
    BusinessFactory,
    BuyerFactory,
    CategoryFactory,
    CertificationFactory,
    ListedProductFactory,
    MentorFactory,
    OwnerFactory,
    ProductFactory,
    SubCategoryFactory,
)
from ..support.catalogue import ALL, add_photos
from ..support.queries import captured_queries

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products/"
INQUIRIES = "/api/v1/inquiries/"
TOKEN = "/api/v1/auth/token/"
JOIN_LINK = "https://meet.example.com/secret-room"


@pytest.fixture
def api():
    return APIClient()


def slugs(response) -> set[str]:
    return {item["slug"] for item in response.json()["results"]}


def inquiry_payload(product, **overrides) -> dict:
    data = {
        "supplier": product.business.slug,
        "product": product.slug,
        "quantity": 500,
        "unit": "pack",
        "incoterm": "FOB",
        "destination_country": "NL",
        "destination_port": "Rotterdam",
        "target_price_usd": "1.80",
        "message": "Please quote 500 packs, FOB Dumai.",
    }
    data.update(overrides)
    return data


def session(**fields) -> TrainingSession:
    starts = (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    values = {
        "host": MentorFactory(),
        "title": "Pelatihan ekspor",
        "topic": "export",
        "description_id": "Cara mengekspor keripik.",
        "description_en": "How to export chips.",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "registration_deadline": starts - timedelta(hours=2),
        "mode": TrainingSession.Mode.HYBRID,
        "venue": "Gedung Disperindag",
        "city": "Pekanbaru",
        "join_link": JOIN_LINK,
        "capacity": 3,
        "status": TrainingSession.Status.PUBLISHED,
    }
    values.update(fields)
    return TrainingSession.objects.create(**values)


def set_rates(settings, **rates) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }
    cache.clear()


# Products ------------------------------------------------------------------------------


def test_product_list_and_detail_fields(api, shop):
    PriceTier.objects.create(product=shop.kopi, min_quantity=100, price_usd=Decimal("2.10"))
    shop.kopi.certifications.add(shop.riau.certifications.get(kind="halal"))
    response = api.get(PRODUCTS)
    assert response.status_code == 200
    assert response.json()["count"] == 5
    assert slugs(response) == ALL

    detail = api.get(f"{PRODUCTS}kopi/").json()
    assert detail["name"] == "kopi product"
    assert detail["name_id"] == "produk kopi"
    assert detail["hs_code"] == "2008.99"
    assert detail["fob_usd"] == "2.10"
    assert detail["price_tiers"] == [
        {"min_quantity": 100, "max_quantity": None, "price_usd": "2.10"}
    ]
    assert detail["category"]["slug"] == "coffee"
    assert detail["category"]["parent"] == "food"
    assert detail["supplier"] == {
        "slug": shop.riau.slug,
        "name": "Riau Roasters",
        "city": "Pekanbaru",
        "province": "Riau",
        "verified": True,
    }
    assert detail["certifications"][0]["kind"] == "halal"
    assert detail["certifications"][0]["verified"] is True
    assert len(detail["images"]) == 3
    assert detail["images"][0]["thumbnail_small"].startswith("http://testserver/media/")
    assert detail["url"].startswith("http://testserver/")


def test_draft_and_hidden_products_are_404(api, db):
    draft = ProductFactory(slug="draft-one")
    hidden = ListedProductFactory(slug="hidden-one", business=BusinessFactory(is_active=False))
    for product in (draft, hidden):
        response = api.get(f"{PRODUCTS}{product.slug}/")
        assert response.status_code == 404
        assert set(response.json()) == {"detail", "errors"}
    assert api.get(PRODUCTS).json()["count"] == 0
    assert api.get(f"{PRODUCTS}no.such.thing/").status_code == 404  # JSON, not the HTML page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "kopi"}, {"kopi", "kopi-dumai"}),
        ({"category": "food"}, {"kopi", "kopi-dumai", "keripik"}),
        ({"category": "coffee"}, {"kopi", "kopi-dumai"}),
        ({"province": "Jawa Barat"}, {"kursi", "tikar"}),
        ({"certification": "halal"}, {"kopi", "keripik"}),
        ({"certification": "svlk"}, {"kursi", "tikar"}),
        ({"moq_max": "50"}, {"keripik", "kursi", "tikar"}),
        ({"price_usd_min": "3"}, {"kopi-dumai", "kursi", "tikar"}),
        ({"price_usd_max": "3"}, {"kopi", "tikar"}),
        ({"lead_time_max": "14"}, {"kopi", "keripik"}),
        ({"sample": "true"}, {"kopi", "keripik"}),
        ({"sample": "false"}, ALL),
        ({"verified": "1"}, {"kopi", "keripik", "kursi", "tikar"}),
        ({"export_ready": "true"}, {"kopi", "kursi"}),
        ({"category": "food", "certification": "halal", "sample": "true"}, {"kopi", "keripik"}),
        ({}, ALL),
    ],
)
def test_each_filter(api, shop, params, expected):
    response = api.get(PRODUCTS, params)
    assert response.status_code == 200, response.json()
    assert slugs(response) == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("newest", ["tikar", "kursi", "keripik", "kopi-dumai", "kopi"]),
        ("price_asc", ["kopi", "tikar", "kopi-dumai", "kursi", "keripik"]),
        ("price_desc", ["kursi", "kopi-dumai", "tikar", "kopi", "keripik"]),
        ("relevance", ["tikar", "kursi", "keripik", "kopi-dumai", "kopi"]),  # no q: newest
    ],
)
def test_ordering(api, shop, ordering, expected):
    response = api.get(PRODUCTS, {"ordering": ordering})
    assert [item["slug"] for item in response.json()["results"]] == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"moq_max": "abc"}, "moq_max"),
        ({"moq_max": "0"}, "moq_max"),
        ({"ordering": "evil"}, "ordering"),
        ({"certification": "xyz"}, "certification"),
        ({"province": "Atlantis"}, "province"),
        ({"category": "no-such-category"}, "category"),
        ({"price_usd_min": "cheap"}, "price_usd_min"),
        ({"price_usd_min": "5", "price_usd_max": "2"}, "price_usd_max"),
        ({"lead_time_max": "999"}, "lead_time_max"),
        ({"sample": "maybe"}, "sample"),
        ({"verified": "yes please"}, "verified"),
        ({"q": "x" * 101}, "q"),
        ({"page_size": "many"}, "page_size"),
    ],
)
def test_bad_values_are_a_400_with_the_reason(api, shop, params, field):
    response = api.get(PRODUCTS, params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"] == "Some of the values sent are not valid."
    assert list(body["errors"]) == [field]
    assert all(isinstance(message, str) and message for message in body["errors"][field])


def test_pagination_count_next_previous_and_max(api, db):
    category = SubCategoryFactory()
    for _ in range(30):
        ListedProductFactory(category=category)
    first = api.get(PRODUCTS).json()
    assert first["count"] == 30
    assert len(first["results"]) == 24
    assert first["previous"] is None
    assert "page=2" in first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 6
    assert second["next"] is None
    assert second["previous"] is not None
    assert len(api.get(PRODUCTS, {"page_size": 10}).json()["results"]) == 10
    for _ in range(80):
        ListedProductFactory(category=category)
    assert len(api.get(PRODUCTS, {"page_size": 1000}).json()["results"]) == 100
    assert api.get(PRODUCTS, {"page": 99}).status_code == 404


def test_language_follows_accept_language(api, shop):
    english = api.get(f"{PRODUCTS}kopi/")
    assert english.json()["name"] == "kopi product"
    assert english["Content-Language"] == "en"
    indonesian = api.get(f"{PRODUCTS}kopi/", HTTP_ACCEPT_LANGUAGE="id-ID,id;q=0.9,en;q=0.5")
    assert indonesian.json()["name"] == "produk kopi"
    assert indonesian.json()["category"]["name"] == "Kopi"
    assert indonesian.json()["name_en"] == "kopi product"
    assert indonesian["Content-Language"] == "id"
    error = api.get(PRODUCTS, {"moq_max": "abc"}, HTTP_ACCEPT_LANGUAGE="id")
    assert error.json()["detail"] != "Some of the values sent are not valid."
    assert api.get(f"{PRODUCTS}kopi/", HTTP_ACCEPT_LANGUAGE="fr").json()["name"] == "kopi product"


def test_anonymous_reads_are_publicly_cacheable(api, shop, buyer):
    response = api.get(PRODUCTS)
    assert "public" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]
    assert "Accept-Language" in response["Vary"]
    assert "public" not in api.get(PRODUCTS, {"moq_max": "abc"})["Cache-Control"]
    api.force_authenticate(buyer)
    assert "private" in api.get(PRODUCTS)["Cache-Control"]


def _make_products(count: int, category) -> None:
    for _ in range(count):
        product = ListedProductFactory(category=category)
        PriceTier.objects.create(product=product, min_quantity=10, price_usd=Decimal("1.00"))
        product.certifications.add(CertificationFactory(business=product.business))
        add_photos([product], 2)


def _queries(api, url, params=None) -> int:
    with captured_queries() as queries:
        assert api.get(url, params or {}).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_data(api, db):
    category = SubCategoryFactory()
    _make_products(5, category)
    few = {
        "products": _queries(api, PRODUCTS),
        "filtered": _queries(api, PRODUCTS, {"category": category.slug, "verified": "false"}),
        "suppliers": _queries(api, "/api/v1/suppliers/"),
        "categories": _queries(api, "/api/v1/categories/"),
    }
    _make_products(25, category)
    CategoryFactory()
    cache.clear()  # totals are cached briefly (CachedCountPaginator); count them again
    many = {
        "products": _queries(api, PRODUCTS),
        "filtered": _queries(api, PRODUCTS, {"category": category.slug, "verified": "false"}),
        "suppliers": _queries(api, "/api/v1/suppliers/"),
        "categories": _queries(api, "/api/v1/categories/"),
    }
    assert few == many
    assert many["products"] <= 6


# Suppliers and categories ----------------------------------------------------------------


def test_suppliers_list_only_public_ones(api, shop):
    BusinessFactory(slug="no-products")
    response = api.get("/api/v1/suppliers/")
    assert response.status_code == 200
    found = {item["slug"]: item for item in response.json()["results"]}
    assert set(found) == {shop.riau.slug, shop.dumai.slug, shop.bandung.slug}
    riau = api.get(f"/api/v1/suppliers/{shop.riau.slug}/").json()
    assert riau["verified"] is True
    assert riau["listed_products"] == 2
    assert {c["kind"] for c in riau["certifications"]} == {"halal", "pirt"}
    dumai = found[shop.dumai.slug]
    assert dumai["certifications"] == []  # expired and unverified ones stay out
    assert api.get("/api/v1/suppliers/no-products/").status_code == 404


def test_categories_are_a_bilingual_tree(api, shop):
    response = api.get("/api/v1/categories/")
    assert response.status_code == 200
    tree = {item["slug"]: item for item in response.json()}
    assert set(tree) == {"food", "crafts"}
    assert {child["slug"] for child in tree["food"]["children"]} == {"coffee", "snacks"}
    assert tree["food"]["name"] == "Food"
    assert tree["food"]["name_id"] == "Makanan"
    indonesian = api.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="id").json()
    assert {item["name"] for item in indonesian} == {"Makanan", "Kerajinan"}


# Trainings -------------------------------------------------------------------------------


def test_trainings_upcoming_published_with_seats_left_and_no_join_link(api, db):
    upcoming = session()
    Registration.objects.create(
        session=upcoming,
        business=BusinessFactory(),
        attendee_name="Sari",
        status=Registration.Status.CONFIRMED,
    )
    session(status=TrainingSession.Status.DRAFT, title="Draft")
    past = session(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=2),
        registration_deadline=timezone.now() - timedelta(days=3),
        title="Past",
    )
    response = api.get("/api/v1/trainings/")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [upcoming.pk]
    detail = api.get(f"/api/v1/trainings/{upcoming.pk}/")
    assert detail.json()["seats_left"] == 2
    assert detail.json()["description"] == "How to export chips."
    for body in (response.content, detail.content):
        assert b"join_link" not in body
        assert JOIN_LINK.encode() not in body
    assert api.get(f"/api/v1/trainings/{past.pk}/").status_code == 404
    assert api.get("/api/v1/trainings/abc/").status_code == 404
    indonesian = api.get(f"/api/v1/trainings/{upcoming.pk}/", HTTP_ACCEPT_LANGUAGE="id")
    assert indonesian.json()["description"] == "Cara mengekspor keripik."


# Inquiries -------------------------------------------------------------------------------


def test_inquiry_create_through_the_service_notifies_the_owner(
    api, buyer, django_capture_on_commit_callbacks
):
    product = ListedProductFactory()
    api.force_authenticate(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(INQUIRIES, inquiry_payload(product), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["supplier"]["slug"] == product.business.slug
    assert body["product"] == product.slug
    assert body["status"] == "open"
    inquiry = Inquiry.objects.get(pk=body["id"])
    assert inquiry.buyer == buyer
    assert inquiry.messages.get().body == "Please quote 500 packs, FOB Dumai."
    assert product.business.owner.notifications.filter(kind="inquiry_received").exists()
    assert [m.to for m in mail.outbox] == [[product.business.owner.email]]


def test_inquiry_validation_errors_in_the_error_shape(api, buyer):
    product = ListedProductFactory()
    api.force_authenticate(buyer)
    response = api.post(INQUIRIES, inquiry_payload(product, quantity=0), format="json")
    assert response.status_code == 400
    assert "quantity" in response.json()["errors"]
    response = api.post(INQUIRIES, inquiry_payload(product, message="   "), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"message": ["Write a message."]}
    draft = ProductFactory(business=product.business)
    response = api.post(INQUIRIES, inquiry_payload(draft), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["product"]
    response = api.post(INQUIRIES, inquiry_payload(product, supplier="nobody"), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["supplier"]
    assert not Inquiry.objects.exists()


def test_inquiry_rate_limit_is_the_services(api, buyer):
    product = ListedProductFactory()
    api.force_authenticate(buyer)
    for _ in range(INQUIRIES_PER_HOUR):
        assert api.post(INQUIRIES, inquiry_payload(product), format="json").status_code == 201
    response = api.post(INQUIRIES, inquiry_payload(product), format="json")
    assert response.status_code == 429
    assert f"You have sent {INQUIRIES_PER_HOUR} inquiries" in response.json()["detail"]
    assert Inquiry.objects.filter(buyer=buyer).count() == INQUIRIES_PER_HOUR


def test_inquiries_need_a_signed_in_verified_buyer(api, db):
    product = ListedProductFactory()
    response = api.get(INQUIRIES)
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}
    assert api.post(INQUIRIES, inquiry_payload(product), format="json").status_code == 401

    api.force_authenticate(BuyerFactory(verified=False))
    response = api.post(INQUIRIES, inquiry_payload(product), format="json")
    assert response.status_code == 403
    assert "confirm your email address" in response.json()["detail"]
    assert api.get(INQUIRIES).status_code == 403

    api.force_authenticate(OwnerFactory())
    response = api.get(INQUIRIES)
    assert response.status_code == 403
    assert "buyer accounts" in response.json()["detail"]
    assert not Inquiry.objects.exists()


def test_inquiries_list_and_detail_only_own(api, buyer):
    product = ListedProductFactory()
    other = BuyerFactory()
    api.force_authenticate(other)
    theirs = api.post(INQUIRIES, inquiry_payload(product), format="json").json()["id"]
    api.force_authenticate(buyer)
    mine = api.post(INQUIRIES, inquiry_payload(product), format="json").json()["id"]
    listed = api.get(INQUIRIES).json()
    assert [item["id"] for item in listed["results"]] == [mine]
    assert api.get(f"{INQUIRIES}{mine}/").status_code == 200
    response = api.get(f"{INQUIRIES}{theirs}/")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}
    assert "private" in api.get(INQUIRIES)["Cache-Control"]


# Token -------------------------------------------------------------------------------------


def test_token_for_a_buyer_works_with_the_inquiry_api(api, buyer):
    response = api.post(TOKEN, {"email": buyer.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=buyer).key == token
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(INQUIRIES).status_code == 200


def test_token_refuses_wrong_passwords_and_non_buyers(api, buyer):
    wrong = api.post(TOKEN, {"email": buyer.email, "password": "nope"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["errors"]["non_field_errors"]
    owner = OwnerFactory()
    refused = api.post(TOKEN, {"email": owner.email, "password": PASSWORD}, format="json")
    assert refused.status_code == 403
    assert api.post(TOKEN, {"email": "not-an-email"}, format="json").status_code == 400
    assert not Token.objects.exists()


def test_token_endpoint_is_throttled(api, buyer):
    for _ in range(10):
        api.post(TOKEN, {"email": buyer.email, "password": "guess"}, format="json")
    response = api.post(TOKEN, {"email": buyer.email, "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert set(response.json()) == {"detail", "errors"}


def test_anonymous_throttle_answers_429_with_retry_after(api, settings, db):
    set_rates(settings, anon="3/min")
    for _ in range(3):
        assert api.get("/api/v1/categories/").status_code == 200
    response = api.get("/api/v1/categories/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["errors"] == {}
    assert "public" not in response["Cache-Control"]


# Schema and docs -----------------------------------------------------------------------------


def test_schema_is_valid_openapi_3(api, db):
    from openapi_spec_validator import validate

    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate(schema)
    assert schema["info"]["title"] == "Jembatan UMKM API"
    assert schema["info"]["version"] == "1.0.0"
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/products/"]["get"]["parameters"]}
    assert set(parameters) >= {
        "q",
        "category",
        "province",
        "certification",
        "moq_max",
        "price_usd_min",
        "price_usd_max",
        "lead_time_max",
        "sample",
        "verified",
        "export_ready",
        "ordering",
        "page",
        "page_size",
    }
    assert parameters["ordering"]["schema"]["enum"] == [
        "newest",
        "price_asc",
        "price_desc",
        "relevance",
    ]
    assert "halal" in parameters["certification"]["schema"]["enum"]
    responses = schema["paths"]["/api/v1/inquiries/"]["post"]["responses"]
    assert {"201", "400", "401", "403", "429"} <= set(responses)
    assert "join_link" not in json.dumps(schema)


def test_docs_render_without_a_cdn(api, db):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', html)
    assert assets, "no assets found"
    assert not [a for a in assets if a.startswith(("http://", "https://", "//"))]
    assert "/static/drf_spectacular_sidecar/" in html
    assert not re.search(r"https?://(cdn|unpkg|cdnjs|fonts)\.", html)


@pytest.fixture
def keep_db_connection_open():
    """The WSGI handler closes the connection after each request; the test database
    lives in that connection's transaction (PostgreSQL), so keep it open meanwhile."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_schemathesis_get_operations_conform_to_the_schema(settings, shop, keep_db_connection_open):
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    set_rates(settings, anon="100000/min", user="100000/min")
    session(capacity=5)
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app)
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().method.upper() == "GET" and "inquiries" not in result.ok().path
    ]
    assert len(operations) >= 7
    statuses: dict[str, set[int]] = {}

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=15,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            response = case.call_and_validate(checks=checks)
            statuses.setdefault(case.operation.path, set()).add(response.status_code)

        run()

    assert set(statuses) == {operation.path for operation in operations}
    assert 200 in statuses["/api/v1/products/"]
    assert 200 in statuses["/api/v1/categories/"]
