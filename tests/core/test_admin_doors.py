"""The Django admin is one more door: it obeys the site's rules (issue 12).

Each change is made as staff make it, by posting the real admin page as a browser
sends it, and has the effect the same change has on the site: a listed product edited
in the admin goes back to review while buyers keep seeing the approved version; a
training moved in the admin tells its registrants and raises its calendar SEQUENCE; a
new owner is refused where ``business_transfer`` refuses. Status fields are read-only
and move only through the workflow actions. A refusal comes back on the page, with what
staff typed, never as a server error; people who are not staff never reach the admin.
"""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from marketplace.caching import VERSION_KEY, catalogue_version
from marketplace.models import BuyingRequest, Inquiry
from mentoring.models import ActionItem, SessionMaterial, TrainingSession
from mentoring.services import trainings
from notifications.models import Notification
from umkm import services
from umkm.models import Business, Certification, PriceTier, Product, ProductImage

from ..factories import (
    BusinessFactory,
    BuyerFactory,
    CategoryFactory,
    CertificationFactory,
    ListedProductFactory,
    MentorFactory,
    MentorshipFactory,
    NotificationFactory,
    OwnerFactory,
    PendingMentorFactory,
    ProductFactory,
    StaffFactory,
    SubCategoryFactory,
)
from ..support.forms_as_sent import admin_data, signed_in
from ..support.pdfs import pdf_file
from ..support.queries import captured_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return StaffFactory(is_superuser=True, language="en")


def page(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def admin_change(client: Client, obj, **changes):
    """Post ``obj``'s admin page as a browser sends it, with ``changes``."""
    url = change_url(obj)
    data = admin_data(client, url)
    data.update(changes)
    return client.post(url, data, follow=True)


def admin_add(client: Client, model, **values):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    data = admin_data(client, url)
    data.update(values)
    return client.post(url, data, follow=True)


def inline_prefix(data: dict, related_name: str) -> str:
    key = next(k for k in data if k.endswith("-TOTAL_FORMS") and related_name in k)
    return key.removesuffix("-TOTAL_FORMS")


def kinds_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def jpeg(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def stored_photo(product: Product, position: int = 0) -> ProductImage:
    """A photo row with its file in the store (without decoding it again)."""
    storage = ProductImage._meta.get_field("image").storage
    name = storage.save(f"products/{product.pk}/p{position}.jpg", ContentFile(jpeg()))
    row = ProductImage(product=product, image=name, width=10, height=10, position=position)
    return ProductImage.objects.bulk_create([row])[0]


def public_page(product: Product) -> str:
    """The product's public page as a buyer abroad reads it (in English)."""
    response = Client().get(
        reverse("marketplace:product", args=[product.slug]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    return page(response)


# Products: the listing workflow holds in the admin ------------------------------------


@pytest.fixture
def listed():
    """A listed product whose business has an active mentor (its reviewer)."""
    product = ListedProductFactory(fob_usd=Decimal("2.10"), moq=100)
    mentor = MentorshipFactory(business=product.business).mentor
    return product, mentor


def test_the_admin_lists_products_newest_first_with_one_count_and_an_index(superuser):
    """A million products: the list walks the index of the default order instead of
    sorting the table, and counts once (what the filters leave), not twice."""
    client = Client()
    client.force_login(superuser)
    now = timezone.now()
    products = [ProductFactory(name_en=f"Lidi broom {n}") for n in range(3)]
    for n, product in enumerate(products):
        Product.objects.filter(pk=product.pk).update(created_at=now - timedelta(days=n))
    with captured_queries() as queries:
        response = client.get(reverse("admin:umkm_product_changelist"))
    assert response.status_code == 200
    html = page(response)
    positions = [html.index(f"Lidi broom {n}") for n in range(3)]
    assert positions == sorted(positions)  # the newest first
    assert sum("COUNT(" in query["sql"] for query in queries.captured_queries) == 1
    assert Product._meta.ordering == ["-created_at", "-id"]
    assert any(list(index.fields) == Product._meta.ordering for index in Product._meta.indexes)


def test_a_listed_product_edited_in_the_admin_goes_back_to_review_and_stays_public(
    listed, superuser, django_capture_on_commit_callbacks
):
    product, mentor = listed
    assert "US$ 2.10" in public_page(product)
    before = catalogue_version()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_change(signed_in(superuser), product, fob_usd="3.50")
    assert response.status_code == 200
    product.refresh_from_db()
    assert product.status == Product.Status.SUBMITTED
    assert product.is_listed
    assert product.fob_usd == Decimal("2.10")  # the approved version
    assert product.pending_changes == {"fob_usd": "3.50"}
    assert any("wait for review" in message for message in messages_of(response))
    # The reviewer is told, as when the owner edits on the site.
    assert kinds_for(mentor) == ["product_submitted"]
    transition = product.transitions.get()
    assert (transition.from_status, transition.to_status, transition.actor) == (
        "listed",
        "submitted",
        superuser,
    )
    # Buyers keep seeing the approved version, and cached pages were retired.
    assert cache.get(VERSION_KEY) != before
    text = public_page(product)
    assert "US$ 2.10" in text and "3.50" not in text


def test_staff_approve_the_held_changes_with_the_admin_action(listed, superuser):
    product, _mentor = listed
    client = signed_in(superuser)
    admin_change(client, product, fob_usd="3.50")
    response = client.post(
        reverse("admin:umkm_product_changelist"),
        {"action": "approve", "_selected_action": [product.pk]},
        follow=True,
    )
    assert response.status_code == 200
    product.refresh_from_db()
    assert (product.status, product.fob_usd, product.pending_changes) == (
        Product.Status.LISTED,
        Decimal("3.50"),
        {},
    )
    assert "US$ 3.50" in public_page(product)
    assert kinds_for(product.business.owner) == ["product_approved"]


def test_price_tiers_edited_in_the_admin_on_a_listed_product_wait_for_review(listed, superuser):
    product, _mentor = listed
    PriceTier.objects.create(product=product, min_quantity=100, price_usd=Decimal("2.00"))
    client = signed_in(superuser)
    url = change_url(product)
    data = admin_data(client, url)
    prefix = inline_prefix(data, "price_tiers")
    data[f"{prefix}-0-price_usd"] = "1.80"
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    product.refresh_from_db()
    assert product.status == Product.Status.SUBMITTED
    assert product.price_tiers.get().price_usd == Decimal("2.00")
    assert product.pending_changes["price_tiers"] == [
        {"min_quantity": 100, "max_quantity": None, "price_usd": "1.80"}
    ]


def test_overlapping_price_tiers_are_refused_in_the_admin_as_on_the_site(superuser):
    product = ProductFactory()
    client = signed_in(superuser)
    url = change_url(product)
    data = admin_data(client, url)
    prefix = inline_prefix(data, "price_tiers")
    data[f"{prefix}-TOTAL_FORMS"] = "2"
    for index, (low, high) in enumerate([(10, 100), (50, 200)]):
        data.update(
            {
                f"{prefix}-{index}-min_quantity": str(low),
                f"{prefix}-{index}-max_quantity": str(high),
                f"{prefix}-{index}-price_usd": "2.00",
            }
        )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Price tiers must not overlap." in page(response)
    assert not product.price_tiers.exists()


def test_a_draft_edited_in_the_admin_changes_at_once_and_is_searchable(superuser):
    product = ProductFactory(name_en="Pineapple chips")
    response = admin_change(signed_in(superuser), product, name_en="Jackfruit chips")
    assert response.status_code == 200
    product.refresh_from_db()
    assert product.status == Product.Status.DRAFT
    assert product.name_en == "Jackfruit chips"
    assert "jackfruit chips" in product.search_text


def test_a_non_export_field_of_a_listed_product_is_public_at_once(listed, superuser):
    product, mentor = listed
    before = catalogue_version()
    admin_change(signed_in(superuser), product, price_idr="27000")
    product.refresh_from_db()
    assert (product.status, product.price_idr) == (Product.Status.LISTED, Decimal("27000"))
    assert cache.get(VERSION_KEY) != before
    assert kinds_for(mentor) == []


def test_status_and_listing_fields_cannot_be_set_in_the_admin_form(superuser):
    product = ProductFactory(name_en="Pineapple chips")
    response = admin_change(
        signed_in(superuser),
        product,
        status="listed",
        is_listed="on",
        pending_changes="{}",
        slug="hijacked",
        business=BusinessFactory().pk,
    )
    assert response.status_code == 200
    product.refresh_from_db()
    assert (product.status, product.is_listed) == (Product.Status.DRAFT, False)
    assert product.slug != "hijacked"
    assert Business.objects.filter(products=product).count() == 1
    assert product.business.products.get() == product
    form = signed_in(superuser).get(change_url(product)).context["adminform"].form
    form_fields = set(form.fields)
    assert not {"status", "is_listed", "listed_at", "pending_changes", "slug"} & form_fields


def test_an_archived_product_is_refused_on_the_page_and_nothing_changes(superuser):
    product = ProductFactory(status=Product.Status.ARCHIVED, name_en="Pineapple chips")
    response = admin_change(signed_in(superuser), product, name_en="Renamed")
    assert response.status_code == 200  # the page again, not a server error
    assert "Restore the product before editing it." in page(response)
    assert 'value="Renamed"' in page(response)  # what staff typed is kept
    product.refresh_from_db()
    assert product.name_en == "Pineapple chips"


def test_a_product_added_in_the_admin_is_a_draft_made_by_the_service(superuser):
    business = BusinessFactory()
    category = SubCategoryFactory()
    response = admin_add(
        signed_in(superuser),
        Product,
        business=business.pk,
        category=category.pk,
        name_id="Keripik sukun",
        name_en="Breadfruit chips",
        unit="pack",
        incoterms='["FOB"]',
    )
    assert response.status_code == 200
    product = Product.objects.get(name_id="Keripik sukun")
    assert (product.business, product.status, product.is_listed) == (
        business,
        Product.Status.DRAFT,
        False,
    )
    assert product.slug == "breadfruit-chips"
    assert "breadfruit chips" in product.search_text


def test_another_business_certificate_is_refused_on_the_admin_page(superuser):
    business = BusinessFactory()
    foreign = CertificationFactory()
    response = admin_add(
        signed_in(superuser),
        Product,
        business=business.pk,
        category=SubCategoryFactory().pk,
        name_id="Keripik sukun",
        unit="pack",
        incoterms="[]",
        certifications=[str(foreign.pk)],
    )
    assert response.status_code == 200
    assert "Choose certificates of this product&#x27;s own business." in page(response)
    assert not Product.objects.filter(name_id="Keripik sukun").exists()


def test_a_photo_added_in_the_admin_goes_through_the_service(superuser):
    product = ListedProductFactory()
    for position in range(ProductImage.MAX_PER_PRODUCT):
        stored_photo(product, position)
    client = signed_in(superuser)
    url = change_url(product)
    data = admin_data(client, url)
    prefix = inline_prefix(data, "images")
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data[f"{prefix}-{index}-alt_text"] = "One too many"
    data[f"{prefix}-{index}-position"] = "8"
    data[f"{prefix}-{index}-image"] = SimpleUploadedFile("x.jpg", jpeg(), "image/jpeg")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "A product has at most 8 photos." in page(response)
    assert product.images.count() == ProductImage.MAX_PER_PRODUCT


def test_photos_deleted_and_moved_in_the_admin_go_through_the_services(
    superuser, django_capture_on_commit_callbacks
):
    product = ListedProductFactory()
    first, second, third = (stored_photo(product, position) for position in range(3))
    name, storage = first.image.name, first.image.storage
    client = signed_in(superuser)
    url = change_url(product)
    data = admin_data(client, url)
    prefix = inline_prefix(data, "images")
    rows = {int(data[f"{prefix}-{i}-id"]): i for i in range(3)}
    data[f"{prefix}-{rows[first.pk]}-DELETE"] = "on"
    data[f"{prefix}-{rows[third.pk]}-position"] = "0"
    data[f"{prefix}-{rows[second.pk]}-position"] = "1"
    before = catalogue_version()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert list(product.images.values_list("pk", flat=True)) == [third.pk, second.pk]
    assert not storage.exists(name)  # the file left with the photo
    assert cache.get(VERSION_KEY) != before
    product.refresh_from_db()
    assert product.status == Product.Status.LISTED  # photos are not export facts


def test_a_photo_replaced_in_the_admin_keeps_its_place_and_its_old_file_goes(
    superuser, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    first, second = stored_photo(product, 0), stored_photo(product, 1)
    name, storage = first.image.name, first.image.storage
    client = signed_in(superuser)
    url = change_url(product)
    data = admin_data(client, url)
    prefix = inline_prefix(data, "images")
    row = next(i for i in range(2) if int(data[f"{prefix}-{i}-id"]) == first.pk)
    data[f"{prefix}-{row}-image"] = SimpleUploadedFile("new.jpg", jpeg((80, 60)), "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, follow=True)
    assert response.status_code == 200
    cover, rest = product.images.order_by("position")
    assert rest == second
    assert cover.pk != first.pk and (cover.width, cover.height) == (80, 60)
    assert not storage.exists(name)


def test_deleting_a_product_in_the_admin_removes_its_photo_files(
    superuser, django_capture_on_commit_callbacks
):
    product = ListedProductFactory()
    photo = stored_photo(product)
    name, storage = photo.image.name, photo.image.storage
    before = catalogue_version()
    url = reverse("admin:umkm_product_delete", args=[product.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(superuser).post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Product.objects.filter(pk=product.pk).exists()
    assert not storage.exists(name)
    assert cache.get(VERSION_KEY) != before


# Photos: only the owner or staff ----------------------------------------------------


@pytest.mark.parametrize("who", ["other_owner", "mentor", "buyer"])
def test_photo_services_refuse_who_may_not_edit_the_business(
    who, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    photo = stored_photo(product)
    person = {
        "other_owner": lambda: BusinessFactory().owner,
        "mentor": lambda: MentorshipFactory(business=product.business).mentor,
        "buyer": BuyerFactory,
    }[who]()
    upload = SimpleUploadedFile("x.jpg", jpeg(), "image/jpeg")
    with pytest.raises(PermissionDenied):
        services.product_image_add(product=product, upload=upload, by=person)
    with pytest.raises(PermissionDenied):
        services.product_image_delete(image=photo, by=person)
    assert list(product.images.all()) == [photo]
    assert photo.image.storage.exists(photo.image.name)


def test_photo_services_let_the_owner_and_staff_edit(django_capture_on_commit_callbacks):
    product = ProductFactory()
    for person in (product.business.owner, StaffFactory()):
        with django_capture_on_commit_callbacks(execute=True):
            photo = services.product_image_add(
                product=product, upload=SimpleUploadedFile("x.jpg", jpeg(), "image/jpeg"), by=person
            )
            services.product_image_delete(image=photo, by=person)
    assert not product.images.exists()


# Businesses: created, handed over and deleted through the services --------------------


def test_a_business_added_in_the_admin_goes_through_business_create(superuser):
    owner = OwnerFactory()
    data = {
        "owner": owner.pk,
        "name": "Madu Hutan Kampar",
        "legal_form": "ud",
        "nib": "9120000099999",
        "assets_idr": "300000000",
        "annual_turnover_idr": "900000000",
        "scale": "mikro",
        "sector": "food",
        "province": "Riau",
        "city": "Pekanbaru",
        "founded_year": "2016",
        "employees": "4",
        "slug": "chosen-by-staff",
    }
    response = admin_add(signed_in(superuser), Business, **data)
    assert response.status_code == 200
    business = Business.objects.get(owner=owner)
    assert business.slug == "madu-hutan-kampar"  # made from the name, as on the site
    assert not business.is_verified

    # An account that already has a business, or is no owner, is refused on the page.
    for who in (owner, MentorFactory()):
        response = admin_add(signed_in(superuser), Business, **{**data, "owner": who.pk})
        assert response.status_code == 200
        assert "errornote" in page(response)
    assert Business.objects.filter(name="Madu Hutan Kampar").count() == 1


def test_a_certificate_added_with_a_new_business_in_the_admin_waits_for_verification(
    superuser,
):
    owner = OwnerFactory()
    client = signed_in(superuser)
    url = reverse("admin:umkm_business_add")
    data = admin_data(client, url)
    prefix = inline_prefix(data, "certifications")
    data.update(
        {
            "owner": owner.pk,
            "name": "Sagu Meranti",
            "legal_form": "ud",
            "nib": "9120000088888",
            "assets_idr": "300000000",
            "annual_turnover_idr": "900000000",
            "scale": "mikro",
            "sector": "food",
            "province": "Riau",
            "city": "Pekanbaru",
            "founded_year": "2016",
            "employees": "4",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-kind": "halal",
            f"{prefix}-0-number": "HALAL-NEW-1",
            f"{prefix}-0-issued_on": "2024-01-01",
        }
    )
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    certificate = Certification.objects.get(number="HALAL-NEW-1")
    assert certificate.business == Business.objects.get(owner=owner)
    assert not certificate.is_verified


@pytest.mark.parametrize(
    "new_owner", [lambda: BusinessFactory().owner, MentorFactory, BuyerFactory, StaffFactory]
)
def test_a_new_owner_is_refused_in_the_admin_where_business_transfer_refuses(superuser, new_owner):
    business = BusinessFactory()
    owner = business.owner
    person = new_owner()
    with pytest.raises(ValidationError):  # the service refuses them
        services.business_transfer(business=business, new_owner=person, staff=superuser)
    response = admin_change(signed_in(superuser), business, owner=person.pk, city="Dumai")
    assert response.status_code == 200
    assert "owner" in response.context["adminform"].form.errors
    business.refresh_from_db()
    assert (business.owner, business.city) == (owner, "Pekanbaru")  # nothing changed


def test_a_new_owner_without_a_business_takes_it_over_in_the_admin(superuser):
    business = BusinessFactory()
    new_owner = OwnerFactory()
    response = admin_change(signed_in(superuser), business, owner=new_owner.pk)
    assert response.status_code == 200
    business.refresh_from_db()
    assert business.owner == new_owner


def test_a_business_others_dealt_with_cannot_be_deleted_in_the_admin(superuser):
    business = BusinessFactory()
    MentorshipFactory(business=business)
    client = signed_in(superuser)
    url = reverse("admin:umkm_business_delete", args=[business.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert "cannot be deleted because others have dealt with it (mentorships)" in page(response)
    assert Business.objects.filter(pk=business.pk).exists()
    # And no bulk deletion that would skip the check.
    response = client.get(reverse("admin:umkm_business_changelist"))
    assert 'value="delete_selected"' not in page(response)


def test_deleting_a_business_in_the_admin_removes_its_files(
    superuser, django_capture_on_commit_callbacks
):
    business = BusinessFactory()
    business.logo.save("logo.jpg", ContentFile(jpeg()))
    certificate = CertificationFactory(business=business)
    certificate.document.save("cert.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    photo = stored_photo(ListedProductFactory(business=business))
    files = [business.logo, certificate.document, photo.image]
    stored = [(f.storage, f.name) for f in files]
    assert all(storage.exists(name) for storage, name in stored)
    before = catalogue_version()
    url = reverse("admin:umkm_business_delete", args=[business.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(superuser).post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Business.objects.filter(pk=business.pk).exists()
    assert not Certification.objects.filter(pk=certificate.pk).exists()
    assert not any(storage.exists(name) for storage, name in stored)
    assert cache.get(VERSION_KEY) != before


def test_business_delete_is_for_staff_only():
    business = BusinessFactory()
    for person in (business.owner, MentorFactory(), BuyerFactory()):
        with pytest.raises(PermissionDenied):
            services.business_delete(business=business, by=person)
    assert Business.objects.filter(pk=business.pk).exists()


# Trainings: changed through session_update, cancelled through session_cancel -------


def published_session(**fields) -> TrainingSession:
    host = fields.pop("host", None) or MentorFactory()
    starts = (timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    values = {
        "title": "Pelatihan ekspor",
        "topic": "export",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "registration_deadline": starts - timedelta(days=1),
        "mode": TrainingSession.Mode.OFFLINE,
        "venue": "Aula Disperindag",
        "city": "Pekanbaru",
        "capacity": 10,
        **fields,
    }
    session = trainings.session_create(host=host, **values)
    return trainings.session_publish(session=session, actor=host)


def register(session: TrainingSession, count: int = 2) -> list:
    return [
        trainings.registration_create(session=session, business=BusinessFactory(), attendee="Siti")
        for _ in range(count)
    ]


def ics_sequence(session: TrainingSession) -> int:
    response = Client().get(reverse("mentoring:session-ics", args=[session.pk]))
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    return int(next(line for line in lines if line.startswith("SEQUENCE:")).split(":")[1])


def moved(data: dict, field: str, days: int = 1) -> dict:
    """The admin's split date/time of ``field``, ``days`` later."""
    return {f"{field}_0": str(data[f"{field}_0"] + timedelta(days=days))}


def test_a_training_moved_in_the_admin_tells_registrants_and_raises_its_sequence(
    superuser, django_capture_on_commit_callbacks
):
    session = published_session()
    starts = session.starts_at
    registrations = register(session)
    assert ics_sequence(session) == 0
    client = signed_in(superuser)
    url = change_url(session)
    data = admin_data(client, url)
    data.update(moved(data, "starts_at") | moved(data, "ends_at"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, follow=True)
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.starts_at == starts + timedelta(days=1)
    assert session.sequence == 1
    assert ics_sequence(session) == 1
    for registration in registrations:
        assert "training_changed" in kinds_for(registration.business.owner)
    assert "The session is saved; everyone registered is told of the change." in messages_of(
        response
    )


def test_a_new_title_in_the_admin_raises_the_sequence_without_telling_anyone(superuser):
    session = published_session()
    (registration,) = register(session, 1)
    admin_change(signed_in(superuser), session, title="Pelatihan ekspor lanjutan")
    session.refresh_from_db()
    assert (session.title, session.sequence) == ("Pelatihan ekspor lanjutan", 1)
    assert "training_changed" not in kinds_for(registration.business.owner)


def test_the_status_of_a_training_is_read_only_in_the_admin(superuser):
    session = published_session()
    client = signed_in(superuser)
    admin_change(client, session, status="cancelled", sequence="7", host=MentorFactory().pk)
    host = session.host
    session.refresh_from_db()
    assert (session.status, session.sequence, session.host) == ("published", 0, host)
    form = client.get(change_url(session)).context["adminform"].form
    assert not {"status", "cancel_reason", "sequence", "host"} & set(form.fields)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"capacity": "1"}, "capacity", "2 seats are already taken; keep at least that many."),
        ({"venue": ""}, "venue", "Give the venue of an in-person or hybrid session."),
        # The database constraint's check in the admin form answers first here, with
        # its own words (the constraint has no message of its own yet).
        (
            {"registration_deadline_0": "SAME_AS_START", "registration_deadline_1": "23:59:00"},
            None,
            None,
        ),
    ],
)
def test_a_change_the_site_refuses_is_refused_on_the_admin_page(superuser, changes, field, message):
    session = published_session()
    registrations = register(session)
    client = signed_in(superuser)
    url = change_url(session)
    data = admin_data(client, url)
    changes = {
        k: str(data["starts_at_0"]) if v == "SAME_AS_START" else v for k, v in changes.items()
    }
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in errors[field] if field else errors
    after = TrainingSession.objects.get(pk=session.pk)
    assert (after.capacity, after.venue, after.registration_deadline, after.sequence) == (
        10,
        "Aula Disperindag",
        session.registration_deadline,
        0,
    )
    for registration in registrations:
        assert "training_changed" not in kinds_for(registration.business.owner)


def test_a_training_cannot_be_moved_into_the_past_in_the_admin(superuser):
    session = published_session()
    client = signed_in(superuser)
    url = change_url(session)
    data = admin_data(client, url)
    data.update(moved(data, "starts_at", days=-20))
    data.update(moved(data, "registration_deadline", days=-20))
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The session must start in the future." in page(response)
    assert TrainingSession.objects.get(pk=session.pk).starts_at == session.starts_at


def test_cancelling_in_the_admin_asks_for_a_reason_and_tells_registrants(
    superuser, django_capture_on_commit_callbacks
):
    session = published_session()
    registrations = register(session)
    client = signed_in(superuser)
    changelist = reverse("admin:mentoring_trainingsession_changelist")
    chosen = {"action": "cancel_sessions", "_selected_action": [session.pk]}
    asked = client.post(changelist, chosen)
    assert asked.status_code == 200
    assert "Cancel these sessions" in page(asked)
    no_reason = client.post(changelist, {**chosen, "apply": "yes", "reason": " "})
    assert no_reason.status_code == 200
    assert "This field is required." in page(no_reason)
    assert TrainingSession.objects.get(pk=session.pk).status == "published"
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            changelist, {**chosen, "apply": "yes", "reason": "Banjir di Pekanbaru"}, follow=True
        )
    assert done.status_code == 200
    session.refresh_from_db()
    assert (session.status, session.cancel_reason, session.sequence) == (
        "cancelled",
        "Banjir di Pekanbaru",
        1,
    )
    for registration in registrations:
        assert "training_cancelled" in kinds_for(registration.business.owner)


def test_a_training_added_in_the_admin_is_a_draft_of_an_approved_mentor(superuser):
    client = signed_in(superuser)
    starts = timezone.localtime() + timedelta(days=5)
    values = {
        "title": "Foto produk",
        "topic": "photography",
        "starts_at_0": str(starts.date()),
        "starts_at_1": "09:00:00",
        "ends_at_0": str(starts.date()),
        "ends_at_1": "11:00:00",
        "registration_deadline_0": str(starts.date() - timedelta(days=1)),
        "registration_deadline_1": "09:00:00",
        "mode": "online",
        "join_link": "https://meet.example.com/abc",
        "capacity": "20",
        "audience": "all",
    }
    pending = PendingMentorFactory()
    response = admin_add(client, TrainingSession, host=pending.pk, **values)
    assert response.status_code == 200
    assert "Only approved mentors can host trainings." in page(response)
    assert not TrainingSession.objects.exists()
    mentor = MentorFactory()
    response = admin_add(client, TrainingSession, host=mentor.pk, status="published", **values)
    assert response.status_code == 200
    session = TrainingSession.objects.get()
    assert (session.host, session.status) == (mentor, "draft")


def test_a_cancelled_training_takes_no_material_in_the_admin(superuser):
    session = published_session()
    trainings.session_cancel(session=session, actor=session.host, reason="Banjir")
    response = admin_add(
        signed_in(superuser),
        SessionMaterial,
        session=session.pk,
        title="Slides",
        file=SimpleUploadedFile("slides.pdf", pdf_file(), "application/pdf"),
    )
    assert response.status_code == 200
    assert "A cancelled session takes no materials." in page(response)
    assert not SessionMaterial.objects.exists()


def test_action_items_are_ticked_through_the_service_in_the_admin(superuser):
    mentorship = MentorshipFactory()
    item = ActionItem.objects.create(
        mentorship=mentorship, title="Label in English", due_on=timezone.localdate()
    )
    client = signed_in(superuser)
    admin_change(client, item, done_at_0="2020-01-01", done_at_1="00:00:00")
    assert ActionItem.objects.get(pk=item.pk).done_at is None  # read-only
    response = client.post(
        reverse("admin:mentoring_actionitem_changelist"),
        {"action": "mark_done", "_selected_action": [item.pk]},
        follow=True,
    )
    assert "1 action item marked done." in messages_of(response)
    assert ActionItem.objects.get(pk=item.pk).done_at is not None


def test_the_parties_of_a_mentorship_are_read_only_in_the_admin(superuser):
    mentorship = MentorshipFactory()
    mentor, business = mentorship.mentor, mentorship.business
    admin_change(
        signed_in(superuser),
        mentorship,
        mentor=MentorFactory().pk,
        business=BusinessFactory().pk,
        status="completed",
    )
    mentorship.refresh_from_db()
    assert (mentorship.mentor, mentorship.business, mentorship.status) == (
        mentor,
        business,
        "active",
    )


# Inquiries, buying requests and notifications: states move through services ------


def inquiry(**fields) -> Inquiry:
    values = {
        "buyer": BuyerFactory(),
        "business": BusinessFactory(),
        "subject": "Price please",
        "quantity": 500,
        "unit": "pack",
        "incoterm": "FOB",
        "destination_country": "NL",
        **fields,
    }
    return Inquiry.objects.create(**values)


def test_the_state_and_parties_of_an_inquiry_are_read_only_in_the_admin(superuser):
    thread = inquiry()
    business, buyer = thread.business, thread.buyer
    admin_change(
        signed_in(superuser),
        thread,
        status="closed",
        outcome="deal_won",
        deal_value_usd="99999",
        business=BusinessFactory().pk,
        buyer=BuyerFactory().pk,
        subject="Price please (moderated)",
    )
    thread.refresh_from_db()
    assert (thread.status, thread.outcome, thread.deal_value_usd) == ("open", "", None)
    assert (thread.business, thread.buyer) == (business, buyer)
    # What the buyer wrote stays theirs: staff moderate with the spam actions.
    assert thread.subject != "Price please (moderated)"


def test_spam_is_marked_and_restored_through_the_service_in_the_admin(superuser):
    thread = inquiry()
    client = signed_in(superuser)
    changelist = reverse("admin:marketplace_inquiry_changelist")
    client.post(changelist, {"action": "mark_as_spam", "_selected_action": [thread.pk]})
    assert Inquiry.objects.get(pk=thread.pk).status == "spam"
    response = client.post(
        changelist, {"action": "mark_as_not_spam", "_selected_action": [thread.pk]}, follow=True
    )
    assert "1 inquiry restored to the inboxes." in messages_of(response)
    assert Inquiry.objects.get(pk=thread.pk).status == "open"


def test_a_buying_request_is_closed_by_the_action_not_by_its_form(superuser):
    buying_request = BuyingRequest.objects.create(
        buyer=BuyerFactory(),
        title="Coffee beans wanted",
        description="Green beans, grade 1.",
        category=CategoryFactory(),
        quantity=2,
        unit="tonne",
        destination_country="DE",
        valid_until=timezone.localdate() + timedelta(days=30),
    )
    client = signed_in(superuser)
    admin_change(client, buying_request, status="closed")
    assert BuyingRequest.objects.get(pk=buying_request.pk).status == "open"
    response = client.post(
        reverse("admin:marketplace_buyingrequest_changelist"),
        {"action": "close_requests", "_selected_action": [buying_request.pk]},
        follow=True,
    )
    assert "1 buying request closed." in messages_of(response)
    assert BuyingRequest.objects.get(pk=buying_request.pk).status == "closed"


def test_failed_emails_are_sent_again_through_the_service(
    superuser, django_capture_on_commit_callbacks
):
    failed = NotificationFactory(
        email_status=Notification.EmailStatus.FAILED,
        email_attempts=5,
        email_last_error="SMTPServerDisconnected",
    )
    sent = NotificationFactory(email_status=Notification.EmailStatus.SENT, email_attempts=1)
    client = signed_in(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:notifications_notification_changelist"),
            {"action": "retry_email", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    assert "1 emails queued again." in messages_of(response)
    failed.refresh_from_db()
    assert (failed.email_status, failed.email_attempts) == ("sent", 1)
    assert [message.to for message in mail.outbox] == [[failed.recipient.email]]
    assert Notification.objects.get(pk=sent.pk).email_attempts == 1  # not sent twice


def test_the_email_state_of_a_notification_is_read_only_in_the_admin(superuser):
    notification = NotificationFactory(email_status=Notification.EmailStatus.SENT)
    admin_change(signed_in(superuser), notification, email_status="pending")
    assert Notification.objects.get(pk=notification.pk).email_status == "sent"


# Only staff reach the admin ----------------------------------------------------------


NOT_STAFF = {"owner": OwnerFactory, "mentor": MentorFactory, "buyer": BuyerFactory}


@pytest.mark.parametrize("who", ["owner", "mentor", "buyer", "the_owner", "the_host"])
def test_people_who_are_not_staff_are_sent_to_the_admin_login(who):
    product = ListedProductFactory(fob_usd=Decimal("2.10"))
    session = published_session()
    failed = NotificationFactory(email_status=Notification.EmailStatus.FAILED)
    person = {"the_owner": product.business.owner, "the_host": session.host}.get(who)
    client = signed_in(person or NOT_STAFF[who]())
    sessions = reverse("admin:mentoring_trainingsession_changelist")
    for response in (
        client.get(change_url(product)),
        client.post(change_url(product), {"fob_usd": "9.99", "status": "draft"}),
        client.post(
            reverse("admin:umkm_product_changelist"),
            {"action": "approve", "_selected_action": [product.pk]},
        ),
        client.post(
            reverse("admin:umkm_business_delete", args=[product.business.pk]), {"post": "yes"}
        ),
        client.post(change_url(session), {"title": "Hijacked", "capacity": "1"}),
        client.post(
            sessions,
            {
                "action": "cancel_sessions",
                "_selected_action": [session.pk],
                "apply": "yes",
                "reason": "x",
            },
        ),
        client.post(
            reverse("admin:notifications_notification_changelist"),
            {"action": "retry_email", "_selected_action": [failed.pk]},
        ),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    product.refresh_from_db()
    assert (product.status, product.fob_usd, product.pending_changes) == (
        Product.Status.LISTED,
        Decimal("2.10"),
        {},
    )
    assert Business.objects.filter(pk=product.business.pk).exists()
    session.refresh_from_db()
    assert (session.title, session.status, session.capacity) == (
        "Pelatihan ekspor",
        "published",
        10,
    )
    assert Notification.objects.get(pk=failed.pk).email_status == "failed"


# What people write on the site is shown and moderated, not written, in the admin ------

WRITTEN_ON_THE_SITE = [
    ("marketplace", "inquiry"),
    ("marketplace", "inquirymessage"),
    ("marketplace", "buyingrequest"),
    ("marketplace", "quote"),
    ("marketplace", "shortlistitem"),
    ("mentoring", "mentoringlog"),
    ("mentoring", "actionitem"),
]


@pytest.mark.parametrize(("app", "model"), WRITTEN_ON_THE_SITE)
def test_records_people_write_on_the_site_are_not_added_in_the_admin(superuser, app, model):
    client = signed_in(superuser)
    assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == 403
    changelist = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert changelist.status_code == 200
    assert reverse(f"admin:{app}_{model}_add") not in changelist.content.decode()


def test_a_training_people_registered_for_is_cancelled_not_deleted(superuser):
    session = published_session()
    business = BusinessFactory()
    trainings.registration_create(session=session, business=business, attendee="Siti")
    client = signed_in(superuser)
    url = reverse("admin:mentoring_trainingsession_delete", args=[session.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert TrainingSession.objects.filter(pk=session.pk).exists()
    changelist = client.get(reverse("admin:mentoring_trainingsession_changelist"))
    assert 'value="delete_selected"' not in changelist.content.decode()
