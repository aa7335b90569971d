"""Readiness items link to the exact place to fix them, and the dashboard's "products by
status" counts open the list filtered (issue 15)."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from mentoring.models import Mentorship
from mentoring.readiness.checks import CHECKS
from mentoring.readiness.selectors import business_readiness, product_readiness
from umkm.models import Business, Product

from ..factories import BusinessFactory, ProductFactory
from ..support.forms_as_sent import signed_in


@pytest.fixture
def bare(db):
    """A business missing everything a checklist asks for."""
    business = BusinessFactory(
        nib="", verified_at=None, description_en="", phone="", whatsapp="", contact_email=""
    )
    product = ProductFactory(
        business=business, name_en="", description_en="", hs_code="", fob_usd=None, moq=None
    )
    return business, product


def fixes(readiness) -> dict[str, str]:
    return {item.key: item.fix_url for item in readiness.items if not item.done}


def test_every_check_an_owner_can_act_on_has_a_fix():
    assert all(check.fix is not None for check in CHECKS)


def test_product_items_point_at_the_field_to_fill(bare):
    _business, product = bare
    edit = reverse("umkm:product-edit", args=[product.pk])
    links = fixes(product_readiness(product))
    assert links["english"] == f"{edit}#id_name_en"
    assert links["hs_code"] == f"{edit}#id_hs_code"
    assert links["fob"] == f"{edit}#id_fob_usd"
    assert links["moq"] == f"{edit}#id_moq"
    assert links["photos"] == reverse("umkm:product-images", args=[product.pk])
    Product.objects.filter(pk=product.pk).update(name_en="Chips")
    product.refresh_from_db()
    assert fixes(product_readiness(product))["english"] == f"{edit}#id_description_en"


def test_business_items_point_at_the_field_or_the_certificate_form(bare):
    business, _product = bare
    edit = reverse("umkm:business-edit", args=[business.slug])
    papers = reverse("umkm:certification-list", args=[business.slug])
    links = fixes(business_readiness(business))
    assert links["english"] == f"{edit}#id_description_en"
    assert links["nib"] == f"{edit}#id_nib"  # no number yet
    assert links["contact"] == f"{edit}#id_phone"
    assert links["halal"] == f"{papers}?kind=halal#add-certificate"
    assert links["food_permit"] == f"{papers}?kind=pirt#add-certificate"
    assert links["mentor"] == reverse("mentoring:mentor-directory")
    Business.objects.filter(pk=business.pk).update(nib="9120000099999")
    business.refresh_from_db()
    # A number but not verified: upload the NIB document staff check.
    assert fixes(business_readiness(business))["nib"] == f"{papers}?kind=nib#add-certificate"


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_owner_dashboard_links_each_missing_item(cast, language):
    cast.owner.language = language
    cast.owner.save(update_fields=["language"])
    Business.objects.filter(pk=cast.business.pk).update(description_en="")
    content = signed_in(cast.owner).get(reverse("umkm:dashboard")).content.decode()
    edit = reverse("umkm:business-edit", args=[cast.business.slug])
    with translation.override(language):
        label = gettext("English description of the business")
    assert f'<a href="{edit}#id_description_en">{label}</a>' in content


def test_the_certificate_form_opens_with_the_kind_chosen(cast):
    url = reverse("umkm:certification-list", args=[cast.business.slug]) + "?kind=halal"
    response = signed_in(cast.owner).get(url)
    assert response.context["form"]["kind"].value() == "halal"
    assert 'id="add-certificate"' in response.content.decode()
    bad = signed_in(cast.owner).get(url.replace("halal", "<script>"))
    assert bad.status_code == 200 and bad.context["form"]["kind"].value() in (None, "")


# Products by status ---------------------------------------------------------------------


@pytest.fixture
def products(cast):
    draft = ProductFactory(business=cast.business, name_id="Draf satu", name_en="Draft one")
    listed = ProductFactory(
        business=cast.business,
        name_id="Tayang satu",
        name_en="Listed one",
        status=Product.Status.LISTED,
        is_listed=True,
    )
    return draft, listed


def test_dashboard_counts_link_to_the_filtered_list(cast, products):
    content = signed_in(cast.owner).get(reverse("umkm:dashboard")).content.decode()
    product_list = reverse("umkm:product-list", args=[cast.business.slug])
    for status in Product.Status.values:
        assert f'href="{product_list}?status={status}"' in content


def test_the_status_filters_the_list(cast, products):
    draft, listed = products
    url = reverse("umkm:product-list", args=[cast.business.slug])
    client = signed_in(cast.owner)
    assert list(client.get(url, {"status": "listed"}).context["products"]) == [listed]
    assert list(client.get(url, {"status": "draft"}).context["products"]) == [draft]
    assert set(client.get(url).context["products"]) == {draft, listed}


@pytest.mark.parametrize("value", ["nonsense", "DRAFT", "' OR 1=1 --", "listed\x00"])
def test_a_bad_status_shows_everything_with_a_message(cast, products, value):
    url = reverse("umkm:product-list", args=[cast.business.slug])
    response = signed_in(cast.owner).get(url, {"status": value})
    assert response.status_code == 200
    assert set(response.context["products"]) == set(products)
    with translation.override(cast.owner.language):
        message = gettext("Unknown product status; showing all products.")
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("other_owner", 404), ("buyer", 404), ("unassigned_mentor", 404)],
)
def test_the_filtered_list_keeps_its_permissions(client, cast, products, role, status):
    if cast[role] is not None:
        client.force_login(cast[role])
    url = reverse("umkm:product-list", args=[cast.business.slug])
    assert client.get(url, {"status": "draft"}).status_code == status


def test_the_mentor_of_the_business_sees_the_filtered_list(cast, products):
    assert Mentorship.objects.active().filter(business=cast.business).exists()
    url = reverse("umkm:product-list", args=[cast.business.slug])
    response = signed_in(cast.mentor).get(url, {"status": "listed"})
    assert list(response.context["products"]) == [products[1]]
