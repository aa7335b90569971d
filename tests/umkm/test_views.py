"""The UMKM back-office pages, as the people who use them see them.

The services are tested in ``test_umkm_workflow``; here every page is driven through
the test client: who may open it (a permission matrix over every URL name), what the
forms accept and refuse, what ends up in the database, the notifications and emails
that follow, the number of queries, and the language of the page.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import capfirst
from django.urls import get_resolver, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from PIL import Image

from mentoring.models import Mentorship
from notifications.models import Notification
from umkm import urls as umkm_urls
from umkm.models import (
    Business,
    Certification,
    PriceTier,
    Product,
    ProductImage,
    ProductTransition,
)

from ..factories import (
    AttendedRegistrationFactory,
    BusinessFactory,
    BuyerFactory,
    CertificationFactory,
    ListedProductFactory,
    MentorshipFactory,
    OwnerFactory,
    PendingMentorFactory,
    ProductFactory,
    StaffFactory,
    SubCategoryFactory,
)
from ..support import count_queries
from ..support.pdfs import pdf_file

pytestmark = pytest.mark.django_db

PDF_BYTES = pdf_file()  # a whole PDF: uploads are parsed


# Helpers -----------------------------------------------------------------------------


def picture_bytes(fmt: str = "JPEG", size=(64, 48), mode: str = "RGB") -> bytes:
    buffer = BytesIO()
    colour = (200, 120, 40) if mode == "RGB" else (200, 120, 40, 255)
    Image.new(mode, size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def jpeg_upload(name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, picture_bytes("JPEG"), content_type="image/jpeg")


def png_upload(name: str = "logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, picture_bytes("PNG"), content_type="image/png")


def pdf_upload(name: str = "cert.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def text_of(response) -> str:
    return response.content.decode()


def tr(message: str, language: str = "id") -> str:
    with translation.override(language):
        return gettext(message)


def localised(value, language: str = "id") -> str:
    with translation.override(language):
        return formats.localize(value)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def files_under(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def login_url_for(url: str) -> str:
    return f"{reverse('account_login')}?next={quote(url)}"


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch):
    """Certificates go to the private store; keep that inside the test's folder too.

    The field's storage is resolved once at import (``storages["private"]`` with an
    explicit location), so overriding settings would not move it.
    """
    storage = FileSystemStorage(location=tmp_path / "private", base_url=None)
    monkeypatch.setattr(Certification._meta.get_field("document"), "storage", storage)
    return storage


@pytest.fixture
def media_root(settings):
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def category():
    return SubCategoryFactory()


# The cast: the owner, the business's mentors, strangers of every role, staff ---------


@dataclass
class Firm:
    business: Business
    owner: object
    mentor: object
    pending_mentor: object
    other_mentor: object
    other_owner: object
    other_business: Business
    buyer: object
    staff: object
    product: Product
    certification: Certification
    image: ProductImage

    def actor(self, name: str):
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def firm(private_storage, cast) -> Firm:
    """The shared cast, with a mentor of the other business, the pending mentor in a
    mentorship with the business, a product, an unverified certificate and a photo."""
    business, mentor, pending = cast.business, cast.mentor, cast.pending_mentor
    MentorshipFactory(business=business, mentor=pending)
    other_business = cast.other_business
    other_mentor = MentorshipFactory(business=other_business).mentor
    product = ProductFactory(business=business)
    certification = CertificationFactory(business=business, verified_at=None)
    certification.document.save("halal.pdf", ContentFile(PDF_BYTES))
    image = ProductImage.objects.create(
        product=product, image="products/none.jpg", width=10, height=10, position=0
    )
    return Firm(
        business=business,
        owner=business.owner,
        mentor=mentor,
        pending_mentor=pending,
        other_mentor=other_mentor,
        other_owner=other_business.owner,
        other_business=other_business,
        buyer=cast.buyer,
        staff=cast.staff,
        product=product,
        certification=certification,
        image=image,
    )


ACTORS = [
    "anonymous",
    "owner",
    "mentor",
    "pending_mentor",
    "other_mentor",
    "other_owner",
    "buyer",
    "staff",
]
STRANGERS = ["pending_mentor", "other_mentor", "other_owner", "buyer"]


# Permission matrix -------------------------------------------------------------------
#
# Each URL name has a method, the object its URL points at, and an access class; the
# class gives the status every actor gets. A URL added to umkm/urls.py without a row
# here fails ``test_the_matrix_covers_every_umkm_url``.

VIEW = "view"  # owner, the business's active mentor and staff see it; others 404
EDIT = "edit"  # owner and staff; everyone else (the mentor too) 404
EDIT_POST = "edit_post"  # as EDIT, answering a redirect after the POST
REVIEW_POST = "review_post"  # as VIEW, answering a redirect after the POST
STAFF_GET = "staff_get"
STAFF_POST = "staff_post"
OWNER_ROLE = "owner_role"  # any owner; 403 for every other role
OWNER_CREATE = "owner_create"  # as OWNER_ROLE; an owner with a business → dashboard
REVIEWERS = "reviewers"  # approved mentors and staff (their own queue); others 404

URL_SPECS: dict[str, tuple[str, str | None, str]] = {
    "dashboard": ("get", None, OWNER_ROLE),
    "business-create": ("get", None, OWNER_CREATE),
    "business-detail": ("get", "slug", VIEW),
    "business-edit": ("get", "slug", EDIT),
    "business-verify": ("post", "slug", STAFF_POST),
    "certification-list": ("get", "slug", VIEW),
    "product-list": ("get", "slug", VIEW),
    "product-create": ("get", "slug", EDIT),
    "product-import": ("get", "slug", EDIT),
    "product-import-template": ("get", "slug", EDIT),
    "product-export": ("get", "slug", VIEW),
    "certification-edit": ("get", "certification", EDIT),
    "certification-delete": ("post", "certification", EDIT_POST),
    "certification-document": ("get", "certification", VIEW),
    "certification-verify": ("post", "certification", STAFF_POST),
    "product-detail": ("get", "product", VIEW),
    "product-edit": ("get", "product", EDIT),
    "product-images": ("get", "product", EDIT),
    "product-submit": ("post", "product", EDIT_POST),
    "product-approve": ("post", "product", REVIEW_POST),
    "product-request-changes": ("post", "product", REVIEW_POST),
    "product-archive": ("post", "product", EDIT_POST),
    "product-restore": ("post", "product", EDIT_POST),
    "product-image-action": ("post", "image", EDIT_POST),
    "review-queue": ("get", None, REVIEWERS),
    "staff-verification": ("get", None, STAFF_GET),
}

# Staff verify a business by confirming they checked the papers; the firm's business has
# no NIB document, so they also write down why (umkm.services.business_verify).
VERIFY_DATA = {"confirm": "on", "reason": "NIB checked in the OSS register."}

POST_DATA = {
    "business-verify": VERIFY_DATA,
    "product-request-changes": {"comment": "Please add a photo of the label."},
    "product-image-action": {"action": "alt", "alt_text": "Chips in a pouch"},
}


def expected_status(access: str, actor: str) -> int:
    if actor == "anonymous":
        return 302  # to the login page, checked separately
    table = {
        VIEW: {"owner": 200, "mentor": 200, "staff": 200},
        EDIT: {"owner": 200, "staff": 200},
        EDIT_POST: {"owner": 302, "staff": 302},
        REVIEW_POST: {"owner": 302, "mentor": 302, "staff": 302},
        STAFF_GET: {"staff": 200},
        STAFF_POST: {"staff": 302},
        REVIEWERS: {"mentor": 200, "other_mentor": 200, "staff": 200},
    }
    if access == OWNER_ROLE:
        return 200 if actor in {"owner", "other_owner"} else 403
    if access == OWNER_CREATE:
        return 302 if actor in {"owner", "other_owner"} else 403
    return table[access].get(actor, 404)


def url_for(firm: Firm, name: str) -> str:
    target = URL_SPECS[name][1]
    if target is None:
        return reverse(f"umkm:{name}")
    if target == "slug":
        return reverse(f"umkm:{name}", args=[firm.business.slug])
    return reverse(f"umkm:{name}", args=[getattr(firm, target).pk])


# Cells that fail because of a known bug: (name, actor) → "BUG: file:line what".
BROKEN: dict[tuple[str, str], str] = {}


def matrix_params():
    for name in URL_SPECS:
        for actor in ACTORS:
            marks = []
            if (name, actor) in BROKEN:
                marks = [pytest.mark.xfail(strict=True, reason=BROKEN[(name, actor)])]
            yield pytest.param(name, actor, id=f"{name}-{actor}", marks=marks)


def test_the_matrix_covers_every_umkm_url():
    names = {pattern.name for pattern in umkm_urls.urlpatterns}
    assert set(URL_SPECS) == names
    resolver_names = {
        name
        for name in get_resolver().namespace_dict["umkm"][1].reverse_dict
        if isinstance(name, str)
    }
    assert set(URL_SPECS) == resolver_names


def snapshot(firm: Firm) -> tuple:
    """What a refused request must leave untouched."""
    return (
        Business.objects.filter(pk=firm.business.pk).values("name", "verified_at").first(),
        Product.objects.filter(pk=firm.product.pk).values("status", "is_listed").first(),
        Certification.objects.filter(pk=firm.certification.pk).values("verified_at").first(),
        image_row(firm.image),
        ProductTransition.objects.count(),
        Notification.objects.count(),
    )


@pytest.mark.no_cover  # a matrix: see the README, "Coverage"
@pytest.mark.parametrize(("name", "actor"), list(matrix_params()))
def test_permission_matrix(client, firm, name, actor):
    method, _target, access = URL_SPECS[name]
    user = firm.actor(actor)
    if user is not None:
        client.force_login(user)
    url = url_for(firm, name)
    before = snapshot(firm)
    send = client.get if method == "get" else client.post
    response = send(url, POST_DATA.get(name, {}))

    assert response.status_code == expected_status(access, actor), (name, actor)
    if response.status_code != 200 and not (response.status_code == 302 and actor != "anonymous"):
        assert snapshot(firm) == before  # refused: nothing changed
    if actor == "anonymous":
        assert response["Location"] == login_url_for(url)
    elif response.status_code == 302:
        assert not response["Location"].startswith(reverse("account_login"))
        if access == OWNER_CREATE:
            assert response["Location"] == reverse("umkm:dashboard")


# Edit forms refuse a POST from anyone who may not edit, with 404, and change nothing.
EDIT_FORMS = [
    "business-edit",
    "certification-list",
    "certification-edit",
    "product-create",
    "product-edit",
    "product-images",
    "product-import",
]


@pytest.mark.parametrize("actor", ["mentor", *STRANGERS])
@pytest.mark.parametrize("name", EDIT_FORMS)
def test_edit_forms_refuse_posts_from_non_editors(client, firm, name, actor):
    client.force_login(firm.actor(actor))
    before = (
        Business.objects.count(),
        Product.objects.count(),
        Certification.objects.count(),
        ProductImage.objects.count(),
    )
    response = client.post(url_for(firm, name), {"name": "Taken over", "number": "X1"})
    assert response.status_code == 404
    after = (
        Business.objects.count(),
        Product.objects.count(),
        Certification.objects.count(),
        ProductImage.objects.count(),
    )
    assert after == before
    firm.business.refresh_from_db()
    assert firm.business.name != "Taken over"


def test_mentor_sees_the_legal_papers_read_only(client, firm):
    client.force_login(firm.mentor)
    response = client.get(url_for(firm, "certification-list"))
    assert response.status_code == 200
    assert response.context["can_edit"] is False
    page = text_of(response)
    assert tr("Add a certificate") not in page
    assert reverse("umkm:certification-edit", args=[firm.certification.pk]) not in page
    assert firm.certification.number in page


def test_an_ended_mentorship_gives_no_more_access(client, firm):
    firm.business.mentorships.filter(mentor=firm.mentor).update(status=Mentorship.Status.COMPLETED)
    client.force_login(firm.mentor)
    for name in ("business-detail", "product-detail", "certification-document"):
        assert client.get(url_for(firm, name)).status_code == 404, name


def test_an_owner_without_a_business_may_open_the_create_page(client):
    client.force_login(OwnerFactory())
    response = client.get(reverse("umkm:business-create"))
    assert response.status_code == 200
    assert tr("Create business profile") in text_of(response)


def test_dashboard_of_an_owner_without_a_business_invites_to_create_one(client):
    client.force_login(OwnerFactory())
    response = client.get(reverse("umkm:dashboard"))
    assert response.status_code == 200
    assert reverse("umkm:business-create") in text_of(response)


@pytest.mark.parametrize(
    "name",
    [
        "product-submit",
        "product-approve",
        "product-request-changes",
        "product-archive",
        "product-restore",
        "product-image-action",
        "certification-delete",
    ],
)
def test_post_only_urls_answer_405_to_get(client, firm, name):
    client.force_login(firm.owner)
    assert client.get(url_for(firm, name)).status_code == 405


@pytest.mark.parametrize("name", ["certification-verify"])
def test_staff_post_only_urls_answer_405_to_get(client, firm, name):
    client.force_login(firm.staff)
    assert client.get(url_for(firm, name)).status_code == 405


@pytest.mark.parametrize("actor", ACTORS)
def test_business_verify_answers_a_get_with_the_confirm_page_for_staff_only(client, firm, actor):
    """The matrix POSTs to business-verify; its GET is the confirm step, open to staff
    only (as STAFF_GET), and opening it verifies nothing."""
    user = firm.actor(actor)
    if user is not None:
        client.force_login(user)
    url = url_for(firm, "business-verify")
    before = snapshot(firm)
    response = client.get(url)
    assert response.status_code == expected_status(STAFF_GET, actor), actor
    assert snapshot(firm) == before
    if actor == "anonymous":
        assert response["Location"] == login_url_for(url)
    elif actor == "staff":
        assert "umkm/business_verify.html" in [t.name for t in response.templates]
        page = text_of(response)
        assert firm.business.nib in page
        assert 'name="confirm"' in page


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("/staff/verification/", True),
        ("https://evil.example/staff/", False),
        ("//evil.example/", False),
        ("javascript:alert(1)", False),
    ],
)
def test_the_verify_confirm_page_returns_only_to_a_page_of_this_site(client, firm, sent, kept):
    """The confirm page's Cancel link and hidden ``next`` keep where staff came from, but
    only on this site (never a way off it)."""
    client.force_login(firm.staff)
    url = url_for(firm, "business-verify")

    page = client.get(url, {"next": sent})
    refused = client.post(url, {"next": sent})  # no confirmation: the page again, 400

    assert page.status_code == 200
    assert refused.status_code == 400
    for response in (page, refused):
        assert response.context["next"] == (sent if kept else "")
        assert ('name="next" value="' + (sent if kept else "") + '"') in text_of(response)
    firm.business.refresh_from_db()
    assert firm.business.verified_at is None


def test_staff_review_queue_lists_every_submitted_product_oldest_first(client, firm):
    other = ProductFactory(business=firm.other_business, status=Product.Status.SUBMITTED)
    mine = firm.product
    Product.objects.filter(pk=mine.pk).update(status=Product.Status.SUBMITTED)
    ProductFactory(business=firm.other_business, status=Product.Status.DRAFT)
    Product.objects.filter(pk=other.pk).update(updated_at=timezone.now() - timedelta(days=1))
    client.force_login(firm.staff)

    queue = client.get(reverse("umkm:review-queue"))

    assert [p.pk for p in queue.context["products"]] == [other.pk, mine.pk]


# Business profile --------------------------------------------------------------------


def business_data(**overrides) -> dict:
    data = {
        "name": "Keripik Nanas Bu Sri",
        "legal_form": Business.LegalForm.UD,
        "nib": "1234567890123",
        "sector": Business.Sector.FOOD,
        "assets_idr": "300000000",
        "annual_turnover_idr": "900000000",
        "scale": Business.Scale.MICRO,
        "province": "Riau",
        "city": "Pekanbaru",
        "address": "Jl. Sudirman 1",
        "founded_year": "2016",
        "employees": "5",
        "description_id": "Keripik nanas dari Kampar.",
        "description_en": "Pineapple chips from Kampar.",
        "phone": "0761123456",
        "whatsapp": "",
        "contact_email": "sri@example.com",
        "website": "keripik.example.com",
        "export_markets": "Malaysia",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def business_data_from(business: Business, **overrides) -> dict:
    data = business_data(
        name=business.name,
        legal_form=business.legal_form,
        nib=business.nib,
        sector=business.sector,
        assets_idr=str(business.assets_idr),
        annual_turnover_idr=str(business.annual_turnover_idr),
        scale=business.scale,
        province=business.province,
        city=business.city,
        address=business.address,
        founded_year=str(business.founded_year),
        employees=str(business.employees),
        description_id=business.description_id,
        description_en=business.description_en,
        phone=business.phone,
        contact_email=business.contact_email,
        website=business.website,
        export_markets=business.export_markets,
    )
    data.update(overrides)
    return data


@pytest.fixture
def new_owner(client):
    owner = OwnerFactory()
    client.force_login(owner)
    return owner


def test_owner_creates_a_business_with_a_slug(client, new_owner):
    response = client.post(reverse("umkm:business-create"), business_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("umkm:dashboard")
    business = Business.objects.get()
    assert business.owner == new_owner
    assert business.slug == "keripik-nanas-bu-sri"
    assert business.nib == "1234567890123"
    assert business.website == "https://keripik.example.com"
    assert not business.is_verified
    page = text_of(client.get(reverse("umkm:dashboard")))
    assert "Keripik Nanas Bu Sri" in page
    assert tr("Waiting for verification by Disperindag.") in page


@pytest.mark.parametrize(
    ("nib", "message"),
    [
        ("123456789012", "The NIB has exactly 13 digits."),
        ("12345678901AB", "The NIB has exactly 13 digits."),
    ],
)
def test_a_malformed_nib_is_refused(client, new_owner, nib, message):
    response = client.post(reverse("umkm:business-create"), business_data(nib=nib))
    assert response.status_code == 200
    assert response.context["form"].errors["nib"] == [tr(message)]
    assert tr(message) in text_of(response)
    assert not Business.objects.exists()


def test_a_duplicate_nib_is_refused(client, new_owner):
    BusinessFactory(nib="1234567890123")
    response = client.post(reverse("umkm:business-create"), business_data(nib="1234567890123"))
    assert response.status_code == 200
    message = tr("Another business is already registered with this NIB.")
    assert response.context["form"].errors["nib"] == [message]
    assert message in text_of(response)
    assert not Business.objects.filter(owner=new_owner).exists()


def test_a_city_outside_the_province_is_refused(client, new_owner):
    response = client.post(
        reverse("umkm:business-create"), business_data(province="Riau", city="Bandung")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["city"]
    assert len(errors) == 1 and "Bandung" in errors[0] and "Riau" in errors[0]
    assert not Business.objects.exists()


def test_a_scale_that_does_not_fit_assets_and_turnover_names_the_fitting_scale(client, new_owner):
    response = client.post(
        reverse("umkm:business-create"),
        business_data(scale="mikro", assets_idr="8000000000", annual_turnover_idr="40000000000"),
    )
    assert response.status_code == 200
    (error,) = response.context["form"].errors["scale"]
    with translation.override("id"):
        medium = str(Business.Scale.MEDIUM.label)
        micro = str(Business.Scale.MICRO.label)
    assert medium in error
    assert f"is {micro}" not in error
    assert not Business.objects.exists()


def test_a_founding_year_in_the_future_is_refused(client, new_owner):
    next_year = timezone.localdate().year + 1
    response = client.post(
        reverse("umkm:business-create"), business_data(founded_year=str(next_year))
    )
    assert response.status_code == 200
    assert response.context["form"].errors["founded_year"] == [
        tr("The founding year cannot be in the future.")
    ]
    assert not Business.objects.exists()


def test_a_logo_made_by_pillow_is_stored_re_encoded(client, new_owner, media_root):
    data = business_data(logo=png_upload("logo.png"))
    response = client.post(reverse("umkm:business-create"), data)
    assert response.status_code == 302
    business = Business.objects.get()
    assert business.logo.name.startswith("logos/")
    assert "logo" not in business.logo.name.rsplit("/", 1)[-1]  # a generated name
    with business.logo.open("rb") as stored:
        picture = Image.open(stored)
        assert picture.format == "JPEG"  # an opaque PNG is re-encoded as JPEG
        assert picture.size == (64, 48)
    page = text_of(client.get(business.get_absolute_url()))
    assert business.logo.url in page


def test_a_text_file_named_png_is_refused_as_logo(client, new_owner, media_root):
    fake = SimpleUploadedFile("logo.png", b"just some text, not a picture\n", "image/png")
    response = client.post(reverse("umkm:business-create"), business_data(logo=fake))
    assert response.status_code == 200
    assert response.context["form"].errors["logo"]
    assert not Business.objects.exists()
    assert files_under(media_root) == []


def test_the_owner_edits_the_profile(client, firm):
    client.force_login(firm.owner)
    url = reverse("umkm:business-edit", args=[firm.business.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, business_data_from(firm.business, employees="12"))
    assert response.status_code == 302
    assert response["Location"] == firm.business.get_absolute_url()
    firm.business.refresh_from_db()
    assert firm.business.employees == 12
    assert tr("Your business profile is saved.") in text_of(client.get(response["Location"]))


def test_editing_the_nib_of_a_verified_business_clears_the_verification(client, firm):
    Business.objects.filter(pk=firm.business.pk).update(
        verified_at=timezone.now(), verified_by=firm.staff
    )
    client.force_login(firm.owner)
    url = reverse("umkm:business-edit", args=[firm.business.slug])
    response = client.post(url, business_data_from(firm.business, nib="3210987654321"))
    assert response.status_code == 302
    firm.business.refresh_from_db()
    assert firm.business.nib == "3210987654321"
    assert firm.business.verified_at is None
    assert firm.business.verified_by is None


def test_editing_other_fields_keeps_the_verification(client, firm):
    Business.objects.filter(pk=firm.business.pk).update(
        verified_at=timezone.now(), verified_by=firm.staff
    )
    firm.business.refresh_from_db()
    client.force_login(firm.owner)
    url = reverse("umkm:business-edit", args=[firm.business.slug])
    response = client.post(url, business_data_from(firm.business, employees="9"))
    assert response.status_code == 302
    firm.business.refresh_from_db()
    assert firm.business.is_verified


def test_an_nib_typed_in_groups_with_spaces_is_accepted(client, new_owner):
    response = client.post(reverse("umkm:business-create"), business_data(nib="1234 5678 90123"))
    assert response.status_code == 302, response.context["form"].errors
    assert Business.objects.get().nib == "1234567890123"


# Staff verification ------------------------------------------------------------------


def test_staff_queue_lists_unverified_businesses_and_certificates(client, firm):
    verified = BusinessFactory(verified_at=timezone.now(), name="Sudah Terverifikasi")
    verified_cert = CertificationFactory(business=firm.business, number="VERIFIED-1")
    client.force_login(firm.staff)
    response = client.get(reverse("umkm:staff-verification"))
    assert response.status_code == 200
    page = text_of(response)
    assert firm.business.name in page
    assert firm.other_business.name in page
    assert verified.name not in page
    assert firm.certification.number in page
    assert verified_cert.number not in page
    assert reverse("umkm:business-verify", args=[firm.business.slug]) in page
    assert reverse("umkm:certification-verify", args=[firm.certification.pk]) in page


def test_staff_verifies_a_business_and_the_owner_is_told(
    client, firm, django_capture_on_commit_callbacks
):
    client.force_login(firm.staff)
    queue = reverse("umkm:staff-verification")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("umkm:business-verify", args=[firm.business.slug]),
            {"next": queue, **VERIFY_DATA},
        )
    assert response.status_code == 302
    assert response["Location"] == queue
    firm.business.refresh_from_db()
    assert firm.business.verified_at is not None
    assert firm.business.verified_by == firm.staff
    assert firm.business.verification_note == VERIFY_DATA["reason"]
    notification = Notification.objects.get(recipient=firm.owner)
    assert notification.kind == "business_verified"
    assert firm.business.name in notification.title
    assert [m.to for m in mail.outbox] == [[firm.owner.email]]
    # The staff member is told, and the business leaves the queue.
    queue_page = client.get(queue)
    assert tr("%(name)s is verified.") % {"name": firm.business.name} in messages_of(queue_page)
    assert firm.business not in queue_page.context["businesses"]
    assert firm.other_business in queue_page.context["businesses"]

    badge = tr("Verified", firm.owner.language)
    client.force_login(firm.owner)
    for url in (firm.business.get_absolute_url(), reverse("umkm:dashboard")):
        page = text_of(client.get(url))
        assert f"✔ {badge}</span>" in page, url


def test_verifying_twice_tells_the_owner_once(client, firm, django_capture_on_commit_callbacks):
    client.force_login(firm.staff)
    url = reverse("umkm:business-verify", args=[firm.business.slug])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, VERIFY_DATA).status_code == 302
        assert client.post(url, VERIFY_DATA).status_code == 302
    assert Notification.objects.filter(recipient=firm.owner).count() == 1
    assert len(mail.outbox) == 1


def test_a_business_without_nib_cannot_be_verified(client, firm):
    Business.objects.filter(pk=firm.business.pk).update(nib="")
    client.force_login(firm.staff)
    response = client.post(reverse("umkm:business-verify", args=[firm.business.slug]), VERIFY_DATA)
    assert response.status_code == 400
    # The service's refusal is on the form; the page, which offers no confirm form
    # without a NIB, says why.
    assert tr("A business needs its NIB before it can be verified.") in (
        response.context["form"].non_field_errors()
    )
    page = text_of(response)
    assert tr("NIB missing: the owner must add it first") in page
    assert 'name="confirm"' not in page
    firm.business.refresh_from_db()
    assert firm.business.verified_at is None
    assert not Notification.objects.filter(recipient=firm.owner).exists()


def test_unverified_business_shows_no_badge(client, firm):
    client.force_login(firm.owner)
    page = text_of(client.get(firm.business.get_absolute_url()))
    assert "badge-verified" not in page


def test_staff_verifies_a_certificate(client, firm):
    client.force_login(firm.staff)
    response = client.post(reverse("umkm:certification-verify", args=[firm.certification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("umkm:staff-verification")
    firm.certification.refresh_from_db()
    assert firm.certification.verified_by == firm.staff
    assert firm.certification.verified_at is not None
    client.force_login(firm.owner)
    page = text_of(client.get(reverse("umkm:certification-list", args=[firm.business.slug])))
    assert f'status-listed">{tr("verified")}<' in page


@pytest.mark.parametrize("name", ["business-verify", "certification-verify"])
def test_verify_does_not_redirect_off_site(client, firm, name):
    client.force_login(firm.staff)
    target = firm.business.slug if name == "business-verify" else firm.certification.pk
    data = VERIFY_DATA if name == "business-verify" else {}
    response = client.post(
        reverse(f"umkm:{name}", args=[target]), {"next": "https://evil.example/phish", **data}
    )
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


# Certifications ----------------------------------------------------------------------


def certification_data(**overrides) -> dict:
    data = {
        "kind": Certification.Kind.PIRT,
        "number": "PIRT-2061471010123",
        "issuer": "Dinas Kesehatan Kota Pekanbaru",
        "issued_on": "2024-03-01",
        "expires_on": "2029-03-01",
    }
    data.update(overrides)
    return data


def test_owner_adds_a_certificate_with_a_pdf(client, firm, private_storage):
    client.force_login(firm.owner)
    url = reverse("umkm:certification-list", args=[firm.business.slug])
    response = client.post(url, certification_data(document=pdf_upload()))
    assert response.status_code == 302
    assert response["Location"] == url
    cert = Certification.objects.get(number="PIRT-2061471010123")
    assert cert.business == firm.business
    assert cert.verified_at is None
    assert cert.issued_on == date(2024, 3, 1)
    assert cert.document.name.endswith(".pdf")
    assert "cert" not in cert.document.name.rsplit("/", 1)[-1]  # a generated name
    assert private_storage.exists(cert.document.name)
    with cert.document.open("rb") as stored:
        assert stored.read() == PDF_BYTES

    response = client.get(url)
    page = text_of(response)
    assert tr("The certificate is saved; staff will verify it.") in messages_of(response)
    row = page[page.index("PIRT-2061471010123") :]
    row = row[: row.index("</tr>")]
    assert tr("waiting for verification") in row
    assert reverse("umkm:certification-document", args=[cert.pk]) in row


def test_an_html_file_named_pdf_is_refused(client, firm, private_storage, tmp_path):
    client.force_login(firm.owner)
    before = files_under(tmp_path / "private")
    fake = SimpleUploadedFile(
        "cert.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
    )
    url = reverse("umkm:certification-list", args=[firm.business.slug])
    response = client.post(url, certification_data(document=fake))
    assert response.status_code == 200
    assert response.context["form"].errors["document"] == [tr("Upload a PDF, JPEG or PNG file.")]
    assert tr("Upload a PDF, JPEG or PNG file.") in text_of(response)
    assert not Certification.objects.filter(number="PIRT-2061471010123").exists()
    assert files_under(tmp_path / "private") == before


def test_an_expiry_before_the_issue_date_is_refused(client, firm):
    client.force_login(firm.owner)
    url = reverse("umkm:certification-list", args=[firm.business.slug])
    response = client.post(url, certification_data(issued_on="2024-03-01", expires_on="2023-03-01"))
    assert response.status_code == 200
    assert response.context["form"].errors["expires_on"] == [
        tr("The expiry date must be after the issue date.")
    ]
    assert not Certification.objects.filter(number="PIRT-2061471010123").exists()


@pytest.mark.parametrize("actor", ["owner", "mentor", "staff"])
def test_the_document_downloads_as_an_attachment(client, firm, actor):
    client.force_login(firm.actor(actor))
    response = client.get(reverse("umkm:certification-document", args=[firm.certification.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize("actor", STRANGERS)
def test_the_document_is_404_for_others(client, firm, actor):
    client.force_login(firm.actor(actor))
    response = client.get(reverse("umkm:certification-document", args=[firm.certification.pk]))
    assert response.status_code == 404


def test_a_certificate_without_document_has_no_download(client, firm):
    cert = CertificationFactory(business=firm.business)
    client.force_login(firm.owner)
    response = client.get(reverse("umkm:certification-document", args=[cert.pk]))
    assert response.status_code == 404


def test_an_expired_certificate_is_flagged(client, firm):
    CertificationFactory(
        business=firm.business,
        number="EXPIRED-1",
        issued_on=date(2020, 1, 1),
        expires_on=timezone.localdate() - timedelta(days=1),
    )
    client.force_login(firm.owner)
    page = text_of(client.get(reverse("umkm:certification-list", args=[firm.business.slug])))
    row = page[page.index("EXPIRED-1") :]
    row = row[: row.index("</tr>")]
    assert f'status-expired">{tr("expired")}<' in row


def test_editing_a_verified_certificate_clears_its_verification(client, firm):
    cert = CertificationFactory(business=firm.business, number="HALAL-1")
    assert cert.is_verified
    client.force_login(firm.owner)
    url = reverse("umkm:certification-edit", args=[cert.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert tr("Edit certificate") in text_of(response)
    response = client.post(
        url,
        certification_data(
            kind=cert.kind,
            number="HALAL-2",
            issuer=cert.issuer,
            issued_on="2024-01-01",
            expires_on="",
        ),
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.number == "HALAL-2"
    assert cert.verified_at is None
    assert cert.verified_by is None


def test_saving_a_verified_certificate_unchanged_keeps_its_verification(client, firm):
    cert = CertificationFactory(business=firm.business, number="HALAL-1")
    client.force_login(firm.owner)
    response = client.post(
        reverse("umkm:certification-edit", args=[cert.pk]),
        certification_data(
            kind=cert.kind,
            number=cert.number,
            issuer=cert.issuer,
            issued_on=cert.issued_on.isoformat(),
            expires_on="",
        ),
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.is_verified


def test_deleting_a_certificate_removes_it_and_its_file(
    client, firm, private_storage, django_capture_on_commit_callbacks
):
    name = firm.certification.document.name
    assert private_storage.exists(name)
    client.force_login(firm.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("umkm:certification-delete", args=[firm.certification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("umkm:certification-list", args=[firm.business.slug])
    assert not Certification.objects.filter(pk=firm.certification.pk).exists()
    assert not private_storage.exists(name)
    page = client.get(response["Location"])
    assert tr("The certificate is deleted.") in messages_of(page)


# Products ----------------------------------------------------------------------------

TIER_PREFIX = "price_tiers"


def tier_data(tiers=(), initial=()) -> dict:
    """The price-tier formset: ``initial`` are saved PriceTier rows, then new rows."""
    rows = [*initial, *tiers]
    data = {
        f"{TIER_PREFIX}-TOTAL_FORMS": str(len(rows)),
        f"{TIER_PREFIX}-INITIAL_FORMS": str(len(initial)),
        f"{TIER_PREFIX}-MIN_NUM_FORMS": "0",
        f"{TIER_PREFIX}-MAX_NUM_FORMS": "6",
    }
    for i, row in enumerate(rows):
        if isinstance(row, PriceTier):
            row = {
                "id": row.pk,
                "min_quantity": row.min_quantity,
                "max_quantity": row.max_quantity or "",
                "price_usd": row.price_usd,
            }
        for key, value in row.items():
            data[f"{TIER_PREFIX}-{i}-{key}"] = "" if value is None else str(value)
    return data


def product_data(category, *, certifications=(), tiers=(), initial_tiers=(), **overrides):
    data = {
        "name_id": "Kopi Liberika Meranti",
        "name_en": "Meranti Liberica Coffee",
        "category": category.pk,
        "description_id": "Kopi liberika dari lahan gambut.",
        "description_en": "Liberica coffee from peatland.",
        "hs_code": "0901.11",
        "unit": Product.Unit.KG,
        "moq": "100",
        "price_idr": "120000",
        "fob_usd": "8.50",
        "sample_price_usd": "",
        "capacity_per_month": "2000",
        "lead_time_days": "21",
        "weight_grams": "",
        "size": "",
        "shelf_life_days": "365",
        "incoterms": ["FOB", "CIF"],
        "port_of_loading": "Dumai",
        "certifications": [c.pk for c in certifications],
    }
    data.update(overrides)
    data.update(tier_data(tiers, initial_tiers))
    return {key: value for key, value in data.items() if value is not None}


def product_data_from(product: Product, **overrides) -> dict:
    fields = {
        name: "" if getattr(product, name) is None else str(getattr(product, name))
        for name in (
            "name_id",
            "name_en",
            "description_id",
            "description_en",
            "hs_code",
            "unit",
            "moq",
            "price_idr",
            "fob_usd",
            "capacity_per_month",
            "lead_time_days",
            "shelf_life_days",
            "port_of_loading",
            "size",
        )
    }
    fields["incoterms"] = list(product.incoterms)
    if product.sample_available:
        fields["sample_available"] = "on"
    return product_data(
        product.category,
        certifications=list(product.certifications.all()),
        initial_tiers=list(product.price_tiers.all()),
        **{**fields, **overrides},
    )


TIERS = [
    {"min_quantity": 100, "max_quantity": 499, "price_usd": "2.10"},
    {"min_quantity": 500, "max_quantity": "", "price_usd": "1.85"},
]


@pytest.fixture
def owner_client(client, firm):
    client.force_login(firm.owner)
    return client


def test_owner_creates_a_bilingual_product_with_hs_code_and_tiers(owner_client, firm, category):
    halal = CertificationFactory(business=firm.business, number="HALAL-9")
    url = reverse("umkm:product-create", args=[firm.business.slug])
    assert tr("Add a product") in text_of(owner_client.get(url))
    response = owner_client.post(url, product_data(category, certifications=[halal], tiers=TIERS))
    assert response.status_code == 302
    product = Product.objects.get(name_en="Meranti Liberica Coffee")
    assert response["Location"] == reverse("umkm:product-images", args=[product.pk])
    assert product.business == firm.business
    assert product.status == Product.Status.DRAFT
    assert product.name_id == "Kopi Liberika Meranti"
    assert product.description_en == "Liberica coffee from peatland."
    assert product.hs_code == "090111"
    assert product.incoterms == ["FOB", "CIF"]
    assert list(product.certifications.all()) == [halal]
    assert [(t.min_quantity, t.max_quantity, t.price_usd) for t in product.price_tiers.all()] == [
        (100, 499, Decimal("2.10")),
        (500, None, Decimal("1.85")),
    ]

    page = text_of(owner_client.get(product.get_absolute_url()))
    assert "<dd>0901.11</dd>" in page
    # Money reads the same in both languages (core.formatting.format_usd).
    assert "100–499: US$ 2.10</li>" in page
    assert "500+: US$ 1.85</li>" in page
    assert "Kopi Liberika Meranti" in page and "Meranti Liberica Coffee" in page
    assert f'status-draft">{tr("draft")}<' in page


def test_an_invalid_hs_code_is_refused(owner_client, firm, category):
    response = owner_client.post(
        reverse("umkm:product-create", args=[firm.business.slug]),
        product_data(category, hs_code="12"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["hs_code"] == [
        tr("An HS code has 4, 6, 8 or 10 digits, e.g. 0901.11.")
    ]
    assert not Product.objects.filter(name_en="Meranti Liberica Coffee").exists()


def test_overlapping_price_tiers_are_refused(owner_client, firm, category):
    overlapping = [
        {"min_quantity": 100, "max_quantity": 499, "price_usd": "2.10"},
        {"min_quantity": 400, "max_quantity": "", "price_usd": "1.85"},
    ]
    response = owner_client.post(
        reverse("umkm:product-create", args=[firm.business.slug]),
        product_data(category, tiers=overlapping),
    )
    assert response.status_code == 200
    assert tr("Price tiers must not overlap.") in text_of(response)
    assert not Product.objects.filter(name_en="Meranti Liberica Coffee").exists()
    assert not PriceTier.objects.exists()


def test_only_the_businesss_own_certificates_are_offered(owner_client, firm, category):
    foreign = CertificationFactory(business=firm.other_business, number="FOREIGN-1")
    url = reverse("umkm:product-create", args=[firm.business.slug])
    form = owner_client.get(url).context["form"]
    assert list(form.fields["certifications"].queryset) == [firm.certification]
    response = owner_client.post(url, product_data(category, certifications=[foreign]))
    assert response.status_code == 200
    assert response.context["form"].errors["certifications"]
    assert not Product.objects.filter(name_en="Meranti Liberica Coffee").exists()
    assert not foreign.products.exists()


def test_submit_tells_the_mentor_and_lists_it_in_their_queue(
    client, firm, django_capture_on_commit_callbacks
):
    client.force_login(firm.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("umkm:product-submit", args=[firm.product.pk]))
    assert response.status_code == 302
    assert response["Location"] == firm.product.get_absolute_url()
    firm.product.refresh_from_db()
    assert firm.product.status == Product.Status.SUBMITTED
    response = client.get(firm.product.get_absolute_url())
    assert tr("Submitted for review. Your mentor has been told.") in messages_of(response)
    assert f'status-submitted">{tr("waiting for review")}<' in text_of(response)

    told = set(
        Notification.objects.filter(kind="product_submitted").values_list("recipient", flat=True)
    )
    assert firm.mentor.pk in told
    assert not told & {firm.other_mentor.pk, firm.staff.pk, firm.owner.pk}
    assert firm.mentor.email in [address for m in mail.outbox for address in m.to]

    client.force_login(firm.mentor)
    queue = client.get(reverse("umkm:review-queue"))
    assert list(queue.context["products"]) == [firm.product]
    assert firm.product.name in text_of(queue)
    client.force_login(firm.other_mentor)
    assert list(client.get(reverse("umkm:review-queue")).context["products"]) == []


def test_submit_with_only_an_unapproved_mentor_tells_staff(
    client, django_capture_on_commit_callbacks
):
    business = BusinessFactory()
    pending = PendingMentorFactory()
    MentorshipFactory(business=business, mentor=pending)
    staff = StaffFactory()
    product = ProductFactory(business=business)
    client.force_login(business.owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("umkm:product-submit", args=[product.pk]))
    told = set(
        Notification.objects.filter(kind="product_submitted").values_list("recipient", flat=True)
    )
    assert told == {staff.pk}


@pytest.fixture
def submitted(firm):
    Product.objects.filter(pk=firm.product.pk).update(status=Product.Status.SUBMITTED)
    firm.product.refresh_from_db()
    return firm.product


def test_the_mentor_sees_the_review_box_and_approves(client, firm, submitted):
    client.force_login(firm.mentor)
    page = text_of(client.get(submitted.get_absolute_url()))
    assert reverse("umkm:product-approve", args=[submitted.pk]) in page
    assert reverse("umkm:product-edit", args=[submitted.pk]) not in page  # read-only
    response = client.post(
        reverse("umkm:product-approve", args=[submitted.pk]), {"comment": "Bagus."}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Product.Status.LISTED
    assert submitted.is_listed
    assert Notification.objects.filter(recipient=firm.owner, kind="product_approved").exists()


def test_the_owner_cannot_approve_their_own_product(client, firm, submitted):
    client.force_login(firm.owner)
    page = text_of(client.get(submitted.get_absolute_url()))
    assert reverse("umkm:product-approve", args=[submitted.pk]) not in page
    response = client.post(reverse("umkm:product-approve", args=[submitted.pk]), follow=True)
    assert tr("Only an active mentor of this business or staff can approve.") in messages_of(
        response
    )
    submitted.refresh_from_db()
    assert submitted.status == Product.Status.SUBMITTED


def test_request_changes_without_a_comment_is_refused(client, firm, submitted):
    client.force_login(firm.mentor)
    response = client.post(
        reverse("umkm:product-request-changes", args=[submitted.pk]),
        {"comment": "   "},
        follow=True,
    )
    assert tr("Say what needs to change.") in messages_of(response)
    submitted.refresh_from_db()
    assert submitted.status == Product.Status.SUBMITTED
    assert not Notification.objects.filter(recipient=firm.owner).exists()


def test_request_changes_with_a_comment_reaches_the_owner(
    client, firm, submitted, django_capture_on_commit_callbacks
):
    comment = "Tolong tambahkan foto label & kemasan."
    client.force_login(firm.mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("umkm:product-request-changes", args=[submitted.pk]), {"comment": comment}
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Product.Status.CHANGES_REQUESTED

    notification = Notification.objects.get(recipient=firm.owner)
    assert notification.kind == "product_changes_requested"
    assert comment in notification.body
    assert [m.to for m in mail.outbox] == [[firm.owner.email]]
    assert comment in mail.outbox[0].body

    client.force_login(firm.owner)
    page = text_of(client.get(submitted.get_absolute_url()))
    history = page[page.index(f">{tr('History')}</h2>") :]
    assert "<q>Tolong tambahkan foto label &amp; kemasan.</q>" in history
    assert capfirst(tr("changes requested")) in history
    assert firm.mentor.get_full_name() in history
    # The owner may submit again.
    assert reverse("umkm:product-submit", args=[submitted.pk]) in page


def test_editing_a_listed_products_fob_price_waits_for_review(
    client, firm, category, django_capture_on_commit_callbacks
):
    product = ListedProductFactory(business=firm.business, fob_usd=Decimal("2.10"))
    client.force_login(firm.owner)
    url = reverse("umkm:product-edit", args=[product.pk])
    assert tr(
        "This product is listed. Changes to its export facts (names, descriptions, category, "
        "HS code, MOQ, FOB price, capacity, lead time, samples, shelf life, Incoterms, port) "
        "are reviewed again; buyers keep seeing the approved version until then."
    ) in text_of(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, product_data_from(product, fob_usd="2.50"))
    assert response.status_code == 302
    assert response["Location"] == product.get_absolute_url()

    product.refresh_from_db()
    assert product.fob_usd == Decimal("2.10")
    assert product.is_listed
    assert product.status == Product.Status.SUBMITTED
    assert product.pending_changes == {"fob_usd": "2.50"}
    assert Product.objects.listed().filter(pk=product.pk).exists()
    assert Notification.objects.filter(recipient=firm.mentor, kind="product_submitted").exists()

    response = client.get(product.get_absolute_url())
    page = text_of(response)
    facts = page[page.index(f">{tr('Export facts')}</h2>") :]
    facts = facts[: facts.index("</dl>")]
    assert "US$ 2.10 /" in facts
    assert "2.50" not in facts and localised(Decimal("2.50")) not in facts
    pending = page[page.index(f">{tr('Changes waiting for review')}</h2>") :]
    pending = pending[: pending.index("</dl>")]
    assert "US$ 2.50" in pending
    assert tr("public version online") in page
    assert tr(
        "Your changes to the export facts wait for review. Buyers keep seeing "
        "the approved version until then."
    ) in messages_of(response)

    # The edit form shows the owner what they typed, not the approved value.
    form = client.get(url).context["form"]
    assert form.initial["fob_usd"] == Decimal("2.50")


def test_editing_a_draft_applies_at_once(client, firm):
    client.force_login(firm.owner)
    response = client.post(
        reverse("umkm:product-edit", args=[firm.product.pk]),
        product_data_from(firm.product, fob_usd="3.75", hs_code="2008.99.10"),
    )
    assert response.status_code == 302
    firm.product.refresh_from_db()
    assert firm.product.fob_usd == Decimal("3.75")
    assert firm.product.hs_code == "20089910"
    assert firm.product.status == Product.Status.DRAFT
    page = text_of(client.get(firm.product.get_absolute_url()))
    assert "<dd>2008.99.10</dd>" in page
    assert tr("The product is saved.") in page


def test_archive_and_restore(client, firm):
    product = ListedProductFactory(business=firm.business)
    client.force_login(firm.owner)
    page = text_of(client.get(product.get_absolute_url()))
    assert reverse("umkm:product-archive", args=[product.pk]) in page

    response = client.post(reverse("umkm:product-archive", args=[product.pk]), follow=True)
    assert tr("The product is archived and hidden from buyers.") in messages_of(response)
    product.refresh_from_db()
    assert product.status == Product.Status.ARCHIVED
    assert not product.is_listed
    page = text_of(response)
    assert reverse("umkm:product-restore", args=[product.pk]) in page
    assert reverse("umkm:product-edit", args=[product.pk]) not in page

    response = client.post(reverse("umkm:product-restore", args=[product.pk]), follow=True)
    assert tr("The product is back as a draft.") in messages_of(response)
    product.refresh_from_db()
    assert product.status == Product.Status.DRAFT
    assert not product.is_listed
    assert list(
        ProductTransition.objects.filter(product=product).values_list("to_status", flat=True)
    ) == ["draft", "archived"]


def test_editing_a_listed_products_price_tiers_waits_for_review(client, firm):
    product = ListedProductFactory(business=firm.business)
    tier = PriceTier.objects.create(
        product=product, min_quantity=100, max_quantity=None, price_usd=Decimal("2.10")
    )
    client.force_login(firm.owner)
    data = product_data_from(product)
    data[f"{TIER_PREFIX}-0-price_usd"] = "0.50"
    response = client.post(reverse("umkm:product-edit", args=[product.pk]), data)
    assert response.status_code == 302
    tier.refresh_from_db()
    assert tier.price_usd == Decimal("2.10")


# Photos ------------------------------------------------------------------------------


def add_photos(product: Product, count: int) -> list[ProductImage]:
    start = product.images.count()
    return ProductImage.objects.bulk_create(
        ProductImage(
            product=product,
            image=f"products/{product.pk}/p{start + i}.jpg",
            width=10,
            height=10,
            position=start + i,
        )
        for i in range(count)
    )


@pytest.fixture
def bare_product(firm):
    """The firm's product without its placeholder photo row."""
    firm.image.delete()
    return firm.product


def test_owner_uploads_a_photo_and_thumbnails_are_made(
    client, firm, bare_product, media_root, django_capture_on_commit_callbacks
):
    client.force_login(firm.owner)
    url = reverse("umkm:product-images", args=[bare_product.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"image": jpeg_upload(), "alt_text": "Kopi dalam karung"})
    assert response.status_code == 302
    assert response["Location"] == url
    photo = ProductImage.objects.get(product=bare_product)
    assert photo.alt_text == "Kopi dalam karung"
    assert (photo.width, photo.height) == (64, 48)
    assert photo.thumbnails_ready
    assert photo.thumb_small.name.endswith(".webp")
    assert (media_root / photo.image.name).is_file()
    assert (media_root / photo.thumb_small.name).is_file()

    response = client.get(url)
    assert tr("The photo is added.") in messages_of(response)
    page = text_of(response)
    assert photo.thumb_small.url in page
    assert 'value="Kopi dalam karung"' in page
    assert photo.thumb_large.url in text_of(client.get(bare_product.get_absolute_url()))


def test_a_ninth_photo_is_not_stored(client, firm, bare_product, media_root):
    add_photos(bare_product, ProductImage.MAX_PER_PRODUCT)
    client.force_login(firm.owner)
    url = reverse("umkm:product-images", args=[bare_product.pk])
    assert tr("Add a photo") not in text_of(client.get(url))  # no upload form at the limit
    response = client.post(url, {"image": jpeg_upload(), "alt_text": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["image"] == [
        tr("A product has at most %(max)d photos.") % {"max": ProductImage.MAX_PER_PRODUCT}
    ]
    assert bare_product.images.count() == ProductImage.MAX_PER_PRODUCT
    assert files_under(media_root) == []


def test_a_ninth_photo_is_refused_with_a_message(client, firm, bare_product):
    add_photos(bare_product, ProductImage.MAX_PER_PRODUCT)
    client.force_login(firm.owner)
    url = reverse("umkm:product-images", args=[bare_product.pk])
    response = client.post(url, {"image": jpeg_upload(), "alt_text": ""}, follow=True)
    refusal = tr("A product has at most %(max)d photos.") % {"max": ProductImage.MAX_PER_PRODUCT}
    assert refusal in text_of(response)


def test_a_pdf_renamed_jpg_is_refused(client, firm, bare_product, media_root):
    client.force_login(firm.owner)
    fake = SimpleUploadedFile("photo.jpg", PDF_BYTES, content_type="image/jpeg")
    response = client.post(reverse("umkm:product-images", args=[bare_product.pk]), {"image": fake})
    assert response.status_code == 200
    message = tr("This file is not a JPEG, PNG or WebP image.")
    assert response.context["form"].errors["image"] == [message]
    assert message in text_of(response)
    assert not bare_product.images.exists()
    assert files_under(media_root) == []


def image_row(image: ProductImage) -> dict | None:
    """The stored row (refresh_from_db would try to read the absent file's size)."""
    return ProductImage.objects.filter(pk=image.pk).values().first()


def positions(product: Product) -> list[int]:
    return list(product.images.values_list("pk", flat=True))


def test_move_photos_up_and_down(client, firm, bare_product):
    first, second, third = add_photos(bare_product, 3)
    client.force_login(firm.owner)
    action = "umkm:product-image-action"

    response = client.post(reverse(action, args=[third.pk]), {"action": "up"})
    assert response.status_code == 302
    assert response["Location"] == reverse("umkm:product-images", args=[bare_product.pk])
    assert positions(bare_product) == [first.pk, third.pk, second.pk]

    client.post(reverse(action, args=[first.pk]), {"action": "down"})
    assert positions(bare_product) == [third.pk, first.pk, second.pk]

    # Moving the first up or the last down changes nothing.
    client.post(reverse(action, args=[third.pk]), {"action": "up"})
    client.post(reverse(action, args=[second.pk]), {"action": "down"})
    assert positions(bare_product) == [third.pk, first.pk, second.pk]
    assert sorted(bare_product.images.values_list("position", flat=True)) == [0, 1, 2]


def test_alt_text_is_saved(client, firm):
    client.force_login(firm.owner)
    response = client.post(
        reverse("umkm:product-image-action", args=[firm.image.pk]),
        {"action": "alt", "alt_text": "Keripik dalam kemasan 100 g"},
        follow=True,
    )
    assert tr("The description is saved.") in messages_of(response)
    assert image_row(firm.image)["alt_text"] == "Keripik dalam kemasan 100 g"


def test_delete_removes_the_photo_and_its_files(
    client, firm, bare_product, media_root, django_capture_on_commit_callbacks
):
    client.force_login(firm.owner)
    url = reverse("umkm:product-images", args=[bare_product.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"image": jpeg_upload()})
    photo = bare_product.images.get()
    stored = files_under(media_root)
    assert len(stored) == 3  # the photo and two thumbnails
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("umkm:product-image-action", args=[photo.pk]), {"action": "delete"}
        )
    assert response.status_code == 302
    assert not ProductImage.objects.filter(pk=photo.pk).exists()
    assert files_under(media_root) == []
    assert tr("The photo is removed.") in messages_of(client.get(url))


@pytest.mark.parametrize("action", ["delete", "up", "down", "alt"])
def test_another_owner_cannot_touch_a_photo(client, firm, action):
    add_photos(firm.product, 1)
    client.force_login(firm.other_owner)
    response = client.post(
        reverse("umkm:product-image-action", args=[firm.image.pk]),
        {"action": action, "alt_text": "defaced"},
    )
    assert response.status_code == 404
    row = image_row(firm.image)
    assert (row["alt_text"], row["position"]) == ("", 0)


# Readiness ---------------------------------------------------------------------------


def test_product_page_shows_the_score_and_links_the_missing_items_for_the_owner(client, firm):
    product = ProductFactory(business=firm.business, hs_code="", moq=None)
    client.force_login(firm.owner)
    response = client.get(product.get_absolute_url())
    readiness = response.context["readiness"]
    missing = {item.key for item in readiness.missing}
    # No photos, no HS code, no MOQ, no valid food permit, no valid Halal, NIB not
    # verified, no completed training.
    assert missing == {"photos", "hs_code", "moq", "food_permit", "halal", "nib", "training"}
    assert readiness.score == 36  # 4 of 11 items done
    page = text_of(response)
    assert '<span class="score-value">36</span>/100' in page
    photos_url = reverse("umkm:product-images", args=[product.pk])
    edit_url = reverse("umkm:product-edit", args=[product.pk])
    assert f'<a href="{photos_url}">{tr("At least three photos")}</a>' in page
    # Each fix opens the form at the missing field.
    assert f'<a href="{edit_url}#id_hs_code">{tr("HS code")}</a>' in page
    assert f'<a href="{edit_url}#id_moq">{tr("Minimum order quantity")}</a>' in page
    certs_url = reverse("umkm:certification-list", args=[firm.business.slug])
    certs_url = f"{certs_url}?kind=halal#add-certificate"
    assert f'<a href="{certs_url}">{tr("A valid, verified Halal certificate")}</a>' in page
    # Done items are not links.
    assert f">{tr('FOB price in USD')}</a>" not in page

    # The mentor sees the same checklist, without the owner's links.
    client.force_login(firm.mentor)
    page = text_of(client.get(product.get_absolute_url()))
    assert '<span class="score-value">36</span>/100' in page
    assert tr("At least three photos") in page
    assert f'<a href="{photos_url}">' not in page


def test_a_complete_product_scores_100(client, firm):
    Business.objects.filter(pk=firm.business.pk).update(verified_at=timezone.now())
    CertificationFactory(business=firm.business, kind=Certification.Kind.PIRT)
    CertificationFactory(business=firm.business, kind=Certification.Kind.HALAL)
    AttendedRegistrationFactory(business=firm.business)
    add_photos(firm.product, 2)  # three with the firm's one
    client.force_login(firm.owner)
    response = client.get(firm.product.get_absolute_url())
    assert response.context["readiness"].score == 100
    assert '<span class="score-value">100</span>/100' in text_of(response)


def test_dashboard_shows_business_readiness_and_products_by_status(client, firm):
    ProductFactory(business=firm.business)
    ListedProductFactory(business=firm.business)
    ProductFactory(business=firm.business, status=Product.Status.SUBMITTED)
    ProductFactory(business=firm.other_business)  # not counted
    client.force_login(firm.owner)
    response = client.get(reverse("umkm:dashboard"))
    assert response.status_code == 200
    assert response.context["status_counts"] == {
        "draft": 2,
        "submitted": 1,
        "listed": 1,
        "changes_requested": 0,
        "archived": 0,
    }
    page = text_of(response)
    list_url = reverse("umkm:product-list", args=[firm.business.slug])
    # Each count links to the product list filtered to that status.
    assert (
        f'<a href="{list_url}?status=draft">{capfirst(tr("draft"))}</a> <strong>2</strong>' in page
    )
    assert (
        f'<a href="{list_url}?status=submitted">{capfirst(tr("waiting for review"))}</a> '
        "<strong>1</strong>" in page
    )
    assert (
        f'<a href="{list_url}?status=listed">{capfirst(tr("listed"))}</a> <strong>1</strong>'
        in page
    )

    readiness = response.context["readiness"]
    # Done: English description, a mentor, a listed product. Missing: the NIB is not
    # verified, no PIRT/BPOM, the only Halal is unverified, the factory has no contacts.
    assert {item.key for item in readiness.missing} == {
        "nib",
        "food_permit",
        "halal",
        "contact",
        "training",
    }
    assert f'<span class="score-value">{readiness.score}</span>/100' in page
    assert readiness.score == 38  # 3 of 8
    # The business has its NIB number but no NIB document: the fix is the certificate
    # form with the NIB kind chosen.
    certs_url = reverse("umkm:certification-list", args=[firm.business.slug])
    nib_fix = f"{certs_url}?kind={Certification.Kind.NIB}#add-certificate"
    assert f'<a href="{nib_fix}">{tr("Verified NIB")}</a>' in page


# Query counts ------------------------------------------------------------------------

# Measured: the product list takes 10 queries for 5 and for 40 products (session, user,
# business, count, valid certificates, mentor, products, prefetched photos, can_edit,
# unread notifications); the product page takes 12 for the owner, mentor and staff.
# The bounds leave a little headroom on top.
PRODUCT_LIST_MAX_QUERIES = 12
PRODUCT_DETAIL_MAX_QUERIES = 14


def products_with_photos(business: Business, count: int, category) -> None:
    for _ in range(count):
        add_photos(ProductFactory(business=business, category=category), 2)


def test_the_product_list_takes_the_same_few_queries_for_5_and_40_products(
    client, firm, category, django_assert_max_num_queries
):
    business = firm.business
    business.products.all().delete()
    url = reverse("umkm:product-list", args=[business.slug])
    client.force_login(firm.owner)

    products_with_photos(business, 5, category)
    client.get(url)  # warm up caches (content types, site …)
    few = count_queries(client, url)
    with django_assert_max_num_queries(PRODUCT_LIST_MAX_QUERIES):
        response = client.get(url)
    assert len(response.context["products"]) == 5

    products_with_photos(business, 35, category)
    many = count_queries(client, url)
    with django_assert_max_num_queries(PRODUCT_LIST_MAX_QUERIES):
        response = client.get(url)
    products = response.context["products"]
    assert len(products) == 40
    assert all(product.image_count == 2 for product in products)
    assert many <= few, (few, many)


def test_the_product_detail_page_is_bounded(client, firm, django_assert_max_num_queries):
    product = firm.product
    add_photos(product, 5)
    for i in range(3):
        PriceTier.objects.create(
            product=product,
            min_quantity=100 * (i + 1),
            max_quantity=100 * (i + 1) + 99,
            price_usd=Decimal("2.00") - Decimal("0.50") * i,  # a tier of $0 is refused
        )
        ProductTransition.objects.create(
            product=product, from_status="draft", to_status="submitted", actor=firm.owner
        )
    product.certifications.set([firm.certification, CertificationFactory(business=firm.business)])
    url = product.get_absolute_url()
    client.force_login(firm.owner)
    client.get(url)
    with django_assert_max_num_queries(PRODUCT_DETAIL_MAX_QUERIES):
        client.get(url)
    client.force_login(firm.mentor)
    client.get(url)
    with django_assert_max_num_queries(PRODUCT_DETAIL_MAX_QUERIES):
        client.get(url)


# Language ----------------------------------------------------------------------------


def test_pages_are_in_indonesian_by_default(client, firm):
    assert firm.owner.language == "id"
    client.force_login(firm.owner)
    page = text_of(client.get(firm.product.get_absolute_url()))
    assert '<html lang="id">' in page
    for heading in ("Export facts", "Export readiness", "History", "Descriptions"):
        assert f">{tr(heading, 'id')}</h2>" in page, heading
    page = text_of(client.get(reverse("umkm:dashboard")))
    assert f"<title>{tr('My business', 'id')}" in page
    assert "<title>Usaha saya" in page
    assert f">{tr('Products by status', 'id')}</h2>" in page


def test_pages_are_in_english_for_an_english_speaker(client, firm):
    firm.owner.language = "en"
    firm.owner.save(update_fields=["language"])
    client.force_login(firm.owner)
    page = text_of(client.get(firm.product.get_absolute_url()))
    assert '<html lang="en">' in page
    for heading in ("Export facts", "Export readiness", "History", "Descriptions"):
        assert f">{heading}</h2>" in page, heading
    assert f'status-draft">{tr("draft", "en")}<' in page
    page = text_of(client.get(reverse("umkm:dashboard")))
    assert "<title>My business" in page
    assert ">Products by status</h2>" in page


@pytest.mark.parametrize(
    "heading",
    ["Export facts", "Export readiness", "Products by status", "Legal papers"],
)
def test_umkm_headings_are_translated_into_indonesian(heading):
    assert tr(heading, "id") != heading


# Every UMKM template is rendered by a page -------------------------------------------


def test_every_umkm_template_is_rendered(client, firm):
    import umkm

    folder = Path(umkm.__file__).parent / "templates"
    templates = {str(p.relative_to(folder)) for p in folder.rglob("*.html")}
    rendered = set()

    def visit(user, *names, **extra):
        client.force_login(user)
        for name in names:
            response = client.get(url_for(firm, name), **extra)
            assert response.status_code == 200, name
            rendered.update(t.name for t in response.templates if t.name)

    Product.objects.filter(pk=firm.product.pk).update(status=Product.Status.SUBMITTED)
    Business.objects.filter(pk=firm.business.pk).update(verified_at=timezone.now())
    visit(
        firm.owner,
        "dashboard",
        "business-detail",
        "business-edit",
        "certification-list",
        "certification-edit",
        "product-list",
        "product-create",
        "product-edit",
        "product-images",
        "product-detail",
        "product-import",
    )
    visit(firm.mentor, "review-queue")
    visit(firm.staff, "staff-verification", "business-verify")
    client.force_login(OwnerFactory())
    rendered.update(t.name for t in client.get(reverse("umkm:business-create")).templates)
    assert templates <= rendered, sorted(templates - rendered)


def test_owner_dashboard_lists_next_trainings_and_waiting_inquiries(client, firm):
    from marketplace.models import Inquiry
    from mentoring.models import Registration

    from ..factories import DoneSessionFactory

    upcoming = DoneSessionFactory(
        title="Ekspor ke Malaysia",
        status="published",
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=2),
        registration_deadline=timezone.now() + timedelta(days=2),
    )
    Registration.objects.create(
        session=upcoming, business=firm.business, attendee_name="Siti", status="confirmed"
    )
    Inquiry.objects.create(
        buyer=BuyerFactory(),
        business=firm.business,
        subject="Pineapple chips for Kuala Lumpur",
        quantity=500,
        unit="pack",
        incoterm="FOB",
        destination_country="MY",
    )
    client.force_login(firm.owner)
    page = client.get(reverse("umkm:dashboard")).content.decode()
    assert "Ekspor ke Malaysia" in page
    assert "Pineapple chips for Kuala Lumpur" in page
