"""The API's ``url`` of a product or supplier is the public page a buyer can open, not
the owner's management page under /umkm/ (a sign-in page for a buyer)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_product_urls_in_the_list_and_detail_are_the_public_pages(api, shop):
    items = api.get("/api/v1/products/").json()["results"]
    assert items
    for item in items:
        assert item["url"] == f"http://testserver/catalogue/p/{item['slug']}/"
    detail = api.get(f"/api/v1/products/{shop.kopi.slug}/").json()
    assert detail["url"] == "http://testserver" + reverse("marketplace:product", args=["kopi"])


def test_the_product_url_opens_for_an_anonymous_buyer(api, shop):
    url = api.get(f"/api/v1/products/{shop.kopi.slug}/").json()["url"]
    response = api.get(url.removeprefix("http://testserver"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "kopi product" in response.content.decode()


def test_supplier_urls_are_the_public_supplier_pages(api, shop):
    items = api.get("/api/v1/suppliers/").json()["results"]
    assert items
    for item in items:
        assert item["url"] == f"http://testserver/catalogue/s/{item['slug']}/"
        assert "/umkm/" not in item["url"]


def test_a_supplier_tells_its_story_and_capacity(api, shop):
    from umkm.models import Business

    Business.objects.filter(pk=shop.riau.pk).update(
        story_en="Since 2016.", story_id="Sejak 2016.", capacity_en="2 t a month"
    )
    data = api.get(f"/api/v1/suppliers/{shop.riau.slug}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["story"] == "Since 2016." and data["story_id"] == "Sejak 2016."
    assert data["production_capacity"] == "2 t a month"
