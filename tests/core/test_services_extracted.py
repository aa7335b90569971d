"""Rules that used to live only in views, now in services every door calls (issue 12).

A changed NIB or certificate is no longer verified, whether the owner changes it on
the site or staff in the admin; photo descriptions and order are checked; the buyer's
shortlist has one write path, which the demo uses too. Each touched page keeps its
permissions: the owner may, another owner gets 404, other roles are refused as before.
"""

import ast
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import MaxLengthValidator
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from marketplace import services as marketplace_services
from marketplace.caching import VERSION_KEY, catalogue_version
from marketplace.models import ShortlistItem
from umkm import services
from umkm.models import Business, Certification, Product, ProductImage

from ..factories import (
    BusinessFactory,
    BuyerFactory,
    CertificationFactory,
    ListedProductFactory,
    MentorshipFactory,
    OwnerFactory,
    ProductFactory,
    StaffFactory,
)
from ..support import ROOT
from ..support.forms_as_sent import admin_data, form_data, signed_in
from ..support.pdfs import pdf_file

pytestmark = pytest.mark.django_db

PDF_BYTES = pdf_file()  # a clean one-page PDF that the upload check accepts


def tr(message: str, language: str = "id") -> str:
    with translation.override(language):
        return gettext(message)


def said(refusal: pytest.ExceptionInfo, language: str = "id"):
    """A service's refusal as the person reads it: messages (or by field) in ``language``."""
    with translation.override(language):
        error = refusal.value
        return error.message_dict if hasattr(error, "error_dict") else error.messages


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def pdf_upload(name: str = "cert.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def verified(business: Business, staff) -> Business:
    Business.objects.filter(pk=business.pk).update(verified_at=timezone.now(), verified_by=staff)
    business.refresh_from_db()
    return business


@pytest.fixture
def business():
    return BusinessFactory()


@pytest.fixture
def superuser():
    return StaffFactory(is_superuser=True, language="en")


@pytest.fixture
def cast(business):
    """The owner, the business's active mentor and a stranger of each role."""
    return {
        "owner": business.owner,
        "mentor": MentorshipFactory(business=business).mentor,
        "other_owner": BusinessFactory().owner,
        "buyer": BuyerFactory(),
        "staff": StaffFactory(),
        "anonymous": None,
    }


def photos(product: Product, count: int) -> list[ProductImage]:
    return ProductImage.objects.bulk_create(
        ProductImage(
            product=product,
            image=f"products/{product.pk}/p{i}.jpg",
            width=10,
            height=10,
            position=i,
        )
        for i in range(count)
    )


def order_of(product: Product) -> list[int]:
    return list(product.images.values_list("pk", flat=True))


def image_row(image: ProductImage) -> dict:
    """The stored row (refresh_from_db would try to read the absent file's size)."""
    return ProductImage.objects.filter(pk=image.pk).values("alt_text", "position").get()


# The NIB: a new one must be verified again -------------------------------------------


def business_edit(client: Client, business: Business, **changes):
    url = reverse("umkm:business-edit", args=[business.slug])
    data = form_data(client.get(url).context["form"])
    data.update(changes)
    return client.post(url, data, follow=True)


def test_a_new_nib_on_the_site_clears_the_verification_and_says_so(business, superuser):
    verified(business, superuser)
    response = business_edit(signed_in(business.owner), business, nib="3210987654321")
    assert response.status_code == 200
    business.refresh_from_db()
    assert (business.nib, business.verified_at, business.verified_by) == (
        "3210987654321",
        None,
        None,
    )
    assert tr("The NIB changed, so staff will verify your business again.") in messages_of(response)


def test_the_same_nib_typed_in_groups_keeps_the_verification(business, superuser):
    verified(business, superuser)
    spaced = f"{business.nib[:4]} {business.nib[4:8]} {business.nib[8:]}"
    response = business_edit(signed_in(business.owner), business, nib=spaced)
    assert response.status_code == 200
    business.refresh_from_db()
    assert business.is_verified
    assert tr("The NIB changed, so staff will verify your business again.") not in messages_of(
        response
    )


def test_a_new_name_on_the_site_is_searchable_at_once(business):
    product = ProductFactory(business=business)
    business_edit(signed_in(business.owner), business, name="Kopi Liberika Meranti")
    product.refresh_from_db()
    assert "kopi liberika meranti" in product.search_text


def admin_business_change(client: Client, business: Business, **changes):
    url = reverse("admin:umkm_business_change", args=[business.pk])
    data = admin_data(client, url)
    data.update(changes)
    return client.post(url, data, follow=True)


def test_a_new_nib_in_the_admin_clears_the_verification_and_warns_staff(business, superuser):
    verified(business, superuser)
    response = admin_business_change(signed_in(superuser), business, nib="3210987654321")
    assert response.status_code == 200
    assert not response.context.get("errors")
    business.refresh_from_db()
    assert business.nib == "3210987654321"
    assert business.verified_at is None
    assert business.verified_by is None
    warning = tr(
        "The NIB of %(name)s changed, so it is no longer verified. Check the new NIB, then "
        "verify the business again (the owner is told).",
        "en",
    ) % {"name": business.name}
    assert warning in messages_of(response)


def test_other_changes_in_the_admin_keep_the_verification(business, superuser):
    verified(business, superuser)
    product = ProductFactory(business=business)
    response = admin_business_change(signed_in(superuser), business, name="Sagu Selatpanjang")
    assert response.status_code == 200
    business.refresh_from_db()
    assert business.name == "Sagu Selatpanjang"
    assert business.is_verified
    product.refresh_from_db()
    assert "sagu selatpanjang" in product.search_text  # the admin refreshes search too


def test_switching_a_business_off_in_the_admin_retires_cached_catalogue_pages(business, superuser):
    ListedProductFactory(business=business)
    before = catalogue_version()
    admin_business_change(signed_in(superuser), business, is_active="")
    business.refresh_from_db()
    assert not business.is_active
    assert cache.get(VERSION_KEY) != before


def test_business_update_refuses_who_may_not_edit_and_changes_nothing(business, cast):
    verified(business, cast["staff"])
    for who in ("mentor", "other_owner", "buyer"):
        with pytest.raises(PermissionDenied):
            services.business_update(business=business, by=cast[who], nib="3210987654321")
    business.refresh_from_db()
    assert business.nib != "3210987654321"
    assert business.is_verified


def test_business_update_says_what_is_wrong_and_changes_nothing(business, superuser):
    verified(business, superuser)
    other = BusinessFactory()
    with pytest.raises(ValidationError) as refused:
        services.business_update(business=business, by=business.owner, nib=other.nib)
    assert "nib" in refused.value.message_dict
    business.refresh_from_db()
    assert business.is_verified
    assert business.nib != other.nib


# Certificates: changed papers must be verified again ---------------------------------


def certificate_form(**overrides) -> dict:
    data = {
        "kind": Certification.Kind.PIRT,
        "number": "PIRT-2061471010123",
        "issuer": "Dinas Kesehatan Kota Pekanbaru",
        "issued_on": "2024-03-01",
        "expires_on": "2029-03-01",
    }
    data.update(overrides)
    return data


def certificate_with_pdf(business: Business) -> Certification:
    certificate = CertificationFactory(business=business, number="HALAL-1")
    certificate.document.save("halal.pdf", ContentFile(PDF_BYTES))
    return certificate


def edit_form(certificate: Certification, **changes) -> dict:
    data = certificate_form(
        kind=certificate.kind,
        number=certificate.number,
        issuer=certificate.issuer,
        issued_on=certificate.issued_on.isoformat(),
        expires_on=certificate.expires_on.isoformat() if certificate.expires_on else "",
    )
    data.update(changes)
    return data


def test_a_new_document_on_the_site_clears_the_verification_and_drops_the_old_file(
    business, django_capture_on_commit_callbacks
):
    certificate = certificate_with_pdf(business)
    old = certificate.document.name
    storage = certificate.document.storage
    client = signed_in(business.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("umkm:certification-edit", args=[certificate.pk]),
            edit_form(certificate, document=pdf_upload("renewed.pdf")),
        )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.verified_at is None
    assert certificate.document.name != old
    assert storage.exists(certificate.document.name)
    assert not storage.exists(old)


def test_removing_the_document_on_the_site_clears_the_verification(
    business, django_capture_on_commit_callbacks
):
    certificate = certificate_with_pdf(business)
    old, storage = certificate.document.name, certificate.document.storage
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(business.owner).post(
            reverse("umkm:certification-edit", args=[certificate.pk]),
            edit_form(certificate, **{"document-clear": "on"}),
        )
    certificate.refresh_from_db()
    assert not certificate.document
    assert certificate.verified_at is None
    assert not storage.exists(old)


def test_a_duplicate_certificate_number_is_refused_with_a_message(business):
    CertificationFactory(business=business, kind=Certification.Kind.PIRT, number="PIRT-1")
    client = signed_in(business.owner)
    response = client.post(
        reverse("umkm:certification-list", args=[business.slug]),
        certificate_form(number="PIRT-1"),
    )
    assert response.status_code == 200
    message = tr("This business already has a certificate of this kind with this number.")
    assert response.context["form"].errors["number"] == [message]
    assert business.certifications.filter(number="PIRT-1").count() == 1


def test_certification_create_waits_for_verification(business):
    certificate = services.certification_create(
        business=business,
        by=business.owner,
        kind=Certification.Kind.HALAL,
        number="ID1234",
        issued_on=date(2024, 1, 1),
    )
    assert certificate.pk and not certificate.is_verified


def test_an_expiry_before_the_issue_date_is_refused_by_the_service(business):
    with pytest.raises(ValidationError) as refused:
        services.certification_create(
            business=business,
            by=business.owner,
            kind=Certification.Kind.HALAL,
            number="ID1234",
            issued_on=date(2024, 1, 1),
            expires_on=date(2023, 1, 1),
        )
    assert said(refused) == {"expires_on": [tr("The expiry date must be after the issue date.")]}
    assert not business.certifications.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"kind": Certification.Kind.SNI},
        {"number": "ID-NEW"},
        {"issuer": "LPPOM MUI"},
        {"issued_on": date(2023, 6, 1)},
        {"expires_on": date(2030, 1, 1)},
        {"document": ContentFile(PDF_BYTES, name="new.pdf")},
    ],
    ids=lambda change: next(iter(change)),
)
def test_each_fact_of_a_certificate_clears_its_verification(business, change):
    certificate = CertificationFactory(business=business)
    saved = services.certification_update(certification=certificate, by=business.owner, **change)
    assert saved.verified_at is None
    assert Certification.objects.get(pk=certificate.pk).verified_at is None


def test_the_same_values_keep_the_verification(business):
    certificate = CertificationFactory(business=business)
    saved = services.certification_update(
        certification=certificate,
        by=business.owner,
        number=certificate.number,
        issued_on=certificate.issued_on,
    )
    assert saved.is_verified


def admin_certificate_change(client: Client, certificate: Certification, **changes):
    url = reverse("admin:umkm_certification_change", args=[certificate.pk])
    data = admin_data(client, url)
    data.update(changes)
    return client.post(url, data, follow=True)


def test_a_changed_certificate_in_the_admin_is_no_longer_verified(business, superuser):
    certificate = CertificationFactory(business=business, number="HALAL-1")
    response = admin_certificate_change(signed_in(superuser), certificate, number="HALAL-2")
    assert response.status_code == 200
    certificate.refresh_from_db()
    assert certificate.number == "HALAL-2"
    assert certificate.verified_at is None
    assert certificate.verified_by is None
    warning = tr(
        "%(certificate)s changed, so it is no longer verified. Check it, then verify it again.",
        "en",
    )
    with translation.override("en"):
        assert warning % {"certificate": certificate} in messages_of(response)


def test_an_unchanged_certificate_saved_in_the_admin_stays_verified(business, superuser):
    certificate = CertificationFactory(business=business)
    admin_certificate_change(signed_in(superuser), certificate)
    certificate.refresh_from_db()
    assert certificate.is_verified


def test_a_certificate_changed_on_the_business_admin_page_is_no_longer_verified(
    business, superuser
):
    certificate = CertificationFactory(business=business, number="HALAL-1")
    other = CertificationFactory(business=business, kind=Certification.Kind.SNI, number="SNI-1")
    url = reverse("admin:umkm_business_change", args=[business.pk])
    client = signed_in(superuser)
    data = admin_data(client, url)
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.endswith("-id") and str(value) == str(certificate.pk)
    )
    data[f"certifications-{index}-number"] = "HALAL-2"
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    certificate.refresh_from_db()
    assert certificate.number == "HALAL-2"
    assert certificate.verified_at is None
    other.refresh_from_db()
    assert other.is_verified  # untouched rows keep theirs


def test_a_certificate_added_in_the_admin_waits_for_verification(business, superuser):
    client = signed_in(superuser)
    url = reverse("admin:umkm_certification_add")
    data = admin_data(client, url)
    data.update(
        business=business.pk,
        kind=Certification.Kind.HALAL,
        number="ID-ADMIN-1",
        issued_on="2024-01-01",
        document=pdf_upload(),
    )
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    certificate = Certification.objects.get(number="ID-ADMIN-1")
    assert certificate.business == business
    assert not certificate.is_verified
    assert certificate.document.storage.exists(certificate.document.name)


def test_deleting_a_certificate_in_the_admin_removes_its_document(
    business, superuser, django_capture_on_commit_callbacks
):
    certificate = certificate_with_pdf(business)
    name, storage = certificate.document.name, certificate.document.storage
    url = reverse("admin:umkm_certification_delete", args=[certificate.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(superuser).post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Certification.objects.filter(pk=certificate.pk).exists()
    assert not storage.exists(name)


def test_certificate_services_refuse_who_may_not_edit(business, cast):
    certificate = CertificationFactory(business=business)
    for who in ("mentor", "other_owner", "buyer"):
        with pytest.raises(PermissionDenied):
            services.certification_update(
                certification=certificate, by=cast[who], number="FORGED-1"
            )
        with pytest.raises(PermissionDenied):
            services.certification_delete(certification=certificate, by=cast[who])
        with pytest.raises(PermissionDenied):
            services.certification_create(
                business=business,
                by=cast[who],
                kind=Certification.Kind.HALAL,
                number="FORGED-2",
                issued_on=date(2024, 1, 1),
            )
    certificate.refresh_from_db()
    assert certificate.number != "FORGED-1"
    assert certificate.is_verified
    assert list(business.certifications.all()) == [certificate]


# Photos: descriptions and order ------------------------------------------------------


def test_reordering_with_another_products_photo_is_refused_and_nothing_moves(business):
    product = ProductFactory(business=business)
    first, second = photos(product, 2)
    (foreign,) = photos(ProductFactory(business=business), 1)
    with pytest.raises(ValidationError) as refused:
        services.product_images_reorder(
            product=product, order=[second.pk, foreign.pk], by=business.owner
        )
    assert said(refused) == [tr("Only this product's own photos can be put in order.")]
    assert order_of(product) == [first.pk, second.pk]
    assert image_row(foreign)["position"] == 0


@pytest.mark.parametrize(
    "order",
    [
        lambda a, b, c: [a, b],  # one left out
        lambda a, b, c: [a, a, b, c],  # one twice
        lambda a, b, c: [a, b, b],  # one twice, one left out
        lambda a, b, c: [a, b, "c"],  # not a number
        lambda a, b, c: [a, b, None],
    ],
    ids=["missing", "twice", "twice-and-missing", "text", "none"],
)
def test_an_order_that_is_not_each_photo_once_is_refused(business, order):
    product = ProductFactory(business=business)
    images = [image.pk for image in photos(product, 3)]
    with pytest.raises(ValidationError) as refused:
        services.product_images_reorder(product=product, order=order(*images), by=business.owner)
    assert said(refused) == [tr("The new order must list each photo once.")]
    assert order_of(product) == images


def test_a_full_permutation_is_applied(business):
    product = ProductFactory(business=business)
    a, b, c = (image.pk for image in photos(product, 3))
    services.product_images_reorder(product=product, order=[c, a, b], by=business.owner)
    assert order_of(product) == [c, a, b]
    assert sorted(product.images.values_list("position", flat=True)) == [0, 1, 2]


def test_a_too_long_description_is_refused_on_the_site_and_nothing_changes(business):
    product = ProductFactory(business=business)
    (image,) = photos(product, 1)
    ProductImage.objects.filter(pk=image.pk).update(alt_text="Keripik dalam kemasan")
    client = signed_in(business.owner)
    response = client.post(
        reverse("umkm:product-image-action", args=[image.pk]),
        {"action": "alt", "alt_text": "x" * 201},
        follow=True,
    )
    assert response.status_code == 200
    with translation.override("id"), pytest.raises(ValidationError) as too_long:
        MaxLengthValidator(200)("x" * 201)  # Django's own message, in the owner's language
    assert too_long.value.messages[0] in messages_of(response)
    assert tr("The description is saved.") not in messages_of(response)
    assert image_row(image)["alt_text"] == "Keripik dalam kemasan"


def test_a_description_with_a_nul_character_is_refused(business):
    product = ProductFactory(business=business)
    (image,) = photos(product, 1)
    with pytest.raises(ValidationError) as refused:
        services.product_image_update(image=image, alt_text="Keripik\x00", by=business.owner)
    assert "alt_text" in refused.value.message_dict
    assert image_row(image)["alt_text"] == ""


def test_a_description_is_trimmed_and_saved(business):
    product = ProductFactory(business=business)
    (image,) = photos(product, 1)
    services.product_image_update(image=image, alt_text="  Keripik  ", by=business.owner)
    assert image_row(image)["alt_text"] == "Keripik"


def test_photo_changes_on_a_listed_product_are_public_at_once_without_review(business):
    product = ListedProductFactory(business=business)
    first, second = photos(product, 2)
    before = catalogue_version()
    services.product_image_update(image=first, alt_text="Kemasan depan", by=business.owner)
    after_description = cache.get(VERSION_KEY)
    assert after_description != before
    services.product_images_reorder(product=product, order=[second.pk, first.pk], by=business.owner)
    assert cache.get(VERSION_KEY) != after_description
    product.refresh_from_db()
    assert (product.status, product.is_listed) == (Product.Status.LISTED, True)
    assert not product.transitions.exists()


def test_photo_services_refuse_who_may_not_edit(business, cast):
    product = ProductFactory(business=business)
    first, second = photos(product, 2)
    for who in ("mentor", "other_owner", "buyer"):
        with pytest.raises(PermissionDenied):
            services.product_image_update(image=first, alt_text="defaced", by=cast[who])
        with pytest.raises(PermissionDenied):
            services.product_images_reorder(
                product=product, order=[second.pk, first.pk], by=cast[who]
            )
    assert image_row(first) == {"alt_text": "", "position": 0}
    assert order_of(product) == [first.pk, second.pk]


# The touched pages keep their permissions --------------------------------------------
#
# Each row: the URL (built from the business), the POST data, and a check that nothing
# changed for those refused. The owner and staff succeed (302 after the POST).


@pytest.fixture
def targets(business):
    certificate = CertificationFactory(business=business, number="HALAL-1")
    product = ProductFactory(business=business)
    first, second = photos(product, 2)
    return {
        "business-edit": (
            reverse("umkm:business-edit", args=[business.slug]),
            None,  # the form as rendered for the owner, with a new NIB
            lambda: Business.objects.get(pk=business.pk).nib == business.nib,
        ),
        "certification-add": (
            reverse("umkm:certification-list", args=[business.slug]),
            certificate_form(number="PIRT-NEW"),
            lambda: not Certification.objects.filter(number="PIRT-NEW").exists(),
        ),
        "certification-edit": (
            reverse("umkm:certification-edit", args=[certificate.pk]),
            edit_form(certificate, number="HALAL-2"),
            lambda: Certification.objects.get(pk=certificate.pk).number == "HALAL-1",
        ),
        "certification-delete": (
            reverse("umkm:certification-delete", args=[certificate.pk]),
            {},
            lambda: Certification.objects.filter(pk=certificate.pk).exists(),
        ),
        "photo-alt": (
            reverse("umkm:product-image-action", args=[first.pk]),
            {"action": "alt", "alt_text": "defaced"},
            lambda: image_row(first)["alt_text"] == "",
        ),
        "photo-down": (
            reverse("umkm:product-image-action", args=[first.pk]),
            {"action": "down"},
            lambda: order_of(product) == [first.pk, second.pk],
        ),
    }


EXPECTED = {"owner": 302, "staff": 302, "other_owner": 404, "mentor": 404, "buyer": 404}


@pytest.mark.parametrize(
    "target",
    [
        "business-edit",
        "certification-add",
        "certification-edit",
        "certification-delete",
        "photo-alt",
        "photo-down",
    ],
)
@pytest.mark.parametrize("who", [*EXPECTED, "anonymous"])
def test_who_may_post_to_the_touched_pages(business, cast, targets, target, who):
    url, data, unchanged = targets[target]
    if data is None:
        data = form_data(signed_in(business.owner).get(url).context["form"])
        data["nib"] = "3210987654321"
    client = signed_in(cast[who])
    response = client.post(url, data)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert unchanged()
    elif EXPECTED[who] == 404:
        assert response.status_code == 404
        assert unchanged()
    else:
        assert response.status_code == 302
        assert not unchanged()


# The shortlist: one write path -------------------------------------------------------


def test_saving_twice_keeps_one_row():
    buyer, product = BuyerFactory(), ListedProductFactory()
    first = marketplace_services.shortlist_add(buyer=buyer, product=product)
    second = marketplace_services.shortlist_add(buyer=buyer, product=product)
    assert first.pk == second.pk
    assert ShortlistItem.objects.filter(buyer=buyer, product=product).count() == 1


@pytest.mark.parametrize("state", ["draft", "submitted", "archived", "inactive-business"])
def test_a_hidden_product_cannot_be_saved(state):
    buyer = BuyerFactory()
    if state == "inactive-business":
        product = ListedProductFactory(business__is_active=False)
    else:
        product = ProductFactory(status=state)
    with pytest.raises(ValidationError) as refused:
        marketplace_services.shortlist_add(buyer=buyer, product=product)
    assert said(refused) == [tr("This product is not in the catalogue.")]
    assert not ShortlistItem.objects.exists()
    # The site answers as for a product that does not exist.
    response = signed_in(buyer).post(
        reverse("marketplace:product-save", args=[product.slug]), {"action": "save"}
    )
    assert response.status_code == 404
    assert not ShortlistItem.objects.exists()


@pytest.mark.parametrize("role", ["owner", "mentor", "staff"])
def test_only_buyers_keep_a_shortlist(role, cast):
    with pytest.raises(PermissionDenied):
        marketplace_services.shortlist_add(buyer=cast[role], product=ListedProductFactory())
    assert not ShortlistItem.objects.exists()


def test_removing_is_harmless_when_not_saved():
    buyer, product = BuyerFactory(), ListedProductFactory()
    assert marketplace_services.shortlist_remove(buyer=buyer, product=product) is False
    marketplace_services.shortlist_add(buyer=buyer, product=product)
    assert marketplace_services.shortlist_remove(buyer=buyer, product=product) is True
    assert not ShortlistItem.objects.exists()


def test_an_owner_cannot_use_another_door_to_save():
    with pytest.raises(PermissionDenied):
        marketplace_services.shortlist_add(buyer=OwnerFactory(), product=ListedProductFactory())


# The demo seed uses services, never pages ---------------------------------------------

DEMO_MODULES = sorted(
    str(path.relative_to(ROOT)) for path in (ROOT / "demo").rglob("*.py") if path.is_file()
)


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names.add(base)
            names.update(f"{base}.{alias.name}".replace("..", ".") for alias in node.names)
    return names


@pytest.mark.parametrize("path", DEMO_MODULES)
def test_the_demo_imports_no_view_or_form_module(path):
    wrong = {
        name
        for name in imported_modules(ROOT / path)
        if any(part.startswith(("views", "forms")) for part in name.split("."))
    }
    assert not wrong, f"{path} imports {sorted(wrong)}"


def test_loading_the_demo_loads_no_view_module():
    """Also indirectly: importing the seed command pulls in no page code."""
    code = (
        "import django, sys; django.setup(); "
        "import demo.management.commands.seed_demo; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'accounts', 'umkm', 'mentoring', 'marketplace', 'notifications', 'demo'} "
        "and any(p.startswith('views') for p in m.split('.'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"},
    )
    assert result.stdout.strip() == "[]", result.stdout
