"""The supplier profile's own fields (story, production capacity, photos), written by
the owner through the business form and by staff in the admin, through the services,
within the bounds of core/bounds.py and the upload checks of core/uploads.py."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.bounds import CAPACITY_TEXT, LONG_TEXT, MAX_BUSINESS_PHOTOS
from umkm import services
from umkm.models import Business, BusinessPhoto

from ..factories import StaffFactory
from ..support.forms_as_sent import admin_data, form_data, signed_in

pytestmark = pytest.mark.django_db


def jpeg(size=(2400, 1800)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 90, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile("workshop.jpg", buffer.getvalue(), content_type="image/jpeg")


def edit(client, business, **changes):
    url = reverse("umkm:business-edit", args=[business.slug])
    data = {**form_data(client.get(url).context["form"]), **changes}
    return client.post(url, data)


def test_the_owner_writes_story_and_capacity_and_adds_a_photo(cast):
    client = signed_in(cast.owner)
    response = edit(
        client,
        cast.business,
        story_en="Three sisters started roasting in 2016.",
        story_id="Tiga bersaudara mulai menyangrai pada 2016.",
        capacity_en="2 tonnes a month",
        capacity_id="2 ton per bulan",
        add_photo=jpeg(),
        add_photo_alt="The roastery",
    )
    assert response.status_code == 302
    business = Business.objects.get(pk=cast.business.pk)
    assert business.story_en.startswith("Three sisters")
    assert business.capacity_id == "2 ton per bulan"
    (photo,) = business.photos.all()
    assert photo.alt_text == "The roastery"
    assert (photo.width, photo.height) == (1600, 1200)  # shrunk to fit, size recorded


def test_the_owner_removes_a_photo_and_its_file_goes(cast, django_capture_on_commit_callbacks):
    photo = services.business_photo_add(business=cast.business, upload=jpeg(), by=cast.owner)
    storage, name = photo.image.storage, photo.image.name
    client = signed_in(cast.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = edit(client, cast.business, remove_photos=[str(photo.pk)])
    assert response.status_code == 302
    assert not BusinessPhoto.objects.exists()
    assert not storage.exists(name)


@pytest.mark.parametrize(
    ("field", "value"),
    [("capacity_en", "x" * (CAPACITY_TEXT + 1)), ("story_id", "x" * (LONG_TEXT + 1))],
)
def test_too_long_a_text_is_refused_and_changes_nothing(cast, field, value):
    response = edit(signed_in(cast.owner), cast.business, **{field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert getattr(Business.objects.get(pk=cast.business.pk), field) == ""


@pytest.mark.usefixtures("english_texts")
def test_a_seventh_photo_is_refused_with_the_reason(cast):
    for _ in range(MAX_BUSINESS_PHOTOS):
        services.business_photo_add(business=cast.business, upload=jpeg((40, 30)), by=cast.owner)
    response = edit(signed_in(cast.owner), cast.business, add_photo=jpeg((40, 30)))
    assert response.status_code == 200
    assert "at most 6 photos" in str(response.context["form"].errors["add_photo"])
    assert cast.business.photos.count() == MAX_BUSINESS_PHOTOS
    with pytest.raises(ValidationError):
        services.business_photo_add(business=cast.business, upload=jpeg((40, 30)), by=cast.owner)


@pytest.mark.parametrize("role", ["other_owner", "mentor", "buyer"])
def test_nobody_else_adds_or_removes_photos(cast, role):
    photo = services.business_photo_add(
        business=cast.business, upload=jpeg((40, 30)), by=cast.owner
    )
    with pytest.raises(PermissionDenied):
        services.business_photo_add(business=cast.business, upload=jpeg((40, 30)), by=cast[role])
    with pytest.raises(PermissionDenied):
        services.business_photo_delete(photo=photo, by=cast[role])
    response = signed_in(cast[role]).post(
        reverse("umkm:business-edit", args=[cast.business.slug]), {"remove_photos": [photo.pk]}
    )
    assert response.status_code == 404
    assert BusinessPhoto.objects.filter(pk=photo.pk).exists()


def test_anonymous_is_sent_to_sign_in(cast, client):
    response = client.get(reverse("umkm:business-edit", args=[cast.business.slug]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_staff_edit_the_profile_and_photos_in_the_admin(cast):
    admin = signed_in(StaffFactory(is_superuser=True, language="en"))
    url = reverse("admin:umkm_business_change", args=[cast.business.pk])
    data = admin_data(admin, url)
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS") and "photos" in k)
    prefix = prefix.removesuffix("-TOTAL_FORMS")
    data.update(
        {
            "story_en": "Founded by a cooperative of farmers.",
            "capacity_en": "500 kg a week",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-alt_text": "Drying racks",
            f"{prefix}-0-image": jpeg((800, 600)),
        }
    )
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    business = Business.objects.get(pk=cast.business.pk)
    assert business.story_en == "Founded by a cooperative of farmers."
    assert business.capacity_en == "500 kg a week"
    assert business.photos.get().alt_text == "Drying racks"


def test_deleting_a_business_takes_its_photo_files(cast, django_capture_on_commit_callbacks):
    photo = services.business_photo_add(
        business=cast.business, upload=jpeg((40, 30)), by=cast.owner
    )
    storage, name = photo.image.storage, photo.image.name
    with django_capture_on_commit_callbacks(execute=True):
        services.business_delete(business=cast.other_business, by=cast.staff)
        business = Business.objects.get(pk=cast.business.pk)
        business.mentorships.all().delete()
        services.business_delete(business=business, by=cast.staff)
    assert not storage.exists(name)
