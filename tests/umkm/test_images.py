"""Upload checks and re-encoding (core/uploads.py, umkm/images.py) and the thumbnail task.

Every picture is made in memory with Pillow; nothing is read from the repository.
"""

import io
import os
import re
import struct
import warnings
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image, ImageCms, ImageFile
from PIL.PngImagePlugin import PngInfo

from core import uploads
from umkm import images, services
from umkm.models import Business, Category, Product, ProductImage

from ..factories import OwnerFactory
from ..support.pdfs import PAGES, catalog, pdf_file

MB = 1024 * 1024
GENERATED_NAME = r"^[0-9a-f]{32}\.(jpg|png|pdf)$"
NOT_AN_IMAGE = "This file is not a JPEG, PNG or WebP image."
TOO_LARGE = "The photo is larger than 10 MB."
TOO_MANY_PIXELS = "The photo has more than 40 megapixels."
DAMAGED = "The image file is damaged or incomplete."
NOT_A_DOCUMENT = "Upload a PDF, JPEG or PNG file."

RED, BLUE = (220, 20, 20), (20, 20, 220)

# A catalog and one page, with its cross-reference (PDFs are parsed, not scanned).
MINIMAL_PDF = pdf_file()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- helpers -------------------------------------------------------------------------


def picture(mode="RGB", size=(60, 40), color=RED) -> Image.Image:
    return Image.new(mode, size, color)


def encode(img: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def noise(size=(200, 150)) -> Image.Image:
    return Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored(content: ContentFile) -> tuple[bytes, Image.Image]:
    content.seek(0)
    data = content.read()
    img = Image.open(io.BytesIO(data))
    img.load()
    return data, img


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` (the pixels never follow)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def messages(excinfo) -> list[str]:
    return excinfo.value.messages


def files_under(root) -> list[Path]:
    root = Path(root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- clean_image_upload: accepted ---------------------------------------------------


def test_jpeg_with_gps_and_orientation_is_rotated_and_stripped():
    img = picture(size=(60, 40), color=BLUE)
    img.paste(RED, (0, 0, 30, 40))  # left half red
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # "rotate 90° clockwise to display"
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (0.0, 31.0, 0.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (101.0, 26.0, 0.0),
    }
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = encode(
        img,
        "JPEG",
        exif=exif,
        comment=b"shot at Jalan Sudirman 1",
        xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>secret place</x:xmpmeta>",
        icc_profile=srgb,
    )
    # The source really carries what must go.
    with Image.open(io.BytesIO(source)) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert original.getexif()[ExifTags.Base.Orientation] == 6

    content = uploads.clean_image_upload(upload(source, name="IMG_0001.JPG"))

    data, result = stored(content)
    assert result.format == "JPEG"
    assert result.mode == "RGB"
    assert result.size == (40, 60)  # width and height swapped: rotated upright
    assert result.getpixel((20, 5))[0] > 150  # the red half is now on top
    assert result.getpixel((20, 55))[2] > 150  # and the blue half below
    assert not result.getexif()
    assert not result.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    for key in ("exif", "comment", "xmp", "icc_profile"):
        assert key not in result.info
    for marker in (b"Exif", b"PhoneCo", b"Sudirman", b"xmpmeta", b"secret place"):
        assert marker not in data
    assert result.info.get("progressive") or result.info.get("progression")
    assert content.name.endswith(".jpg")
    assert "IMG_0001" not in content.name


def test_png_with_alpha_stays_png_with_its_transparency():
    img = picture("RGBA", (50, 50), (*RED, 255))
    img.putpixel((0, 0), (0, 0, 0, 0))
    info = PngInfo()
    info.add_text("Comment", "<html><script>alert(1)</script></html>")
    source = encode(img, "PNG", pnginfo=info)

    content = uploads.clean_image_upload(upload(source, "logo.png", "image/png"))

    data, result = stored(content)
    assert result.format == "PNG"
    assert result.mode == "RGBA"
    assert result.getpixel((0, 0))[3] == 0
    assert result.getpixel((10, 10)) == (*RED, 255)
    assert content.name.endswith(".png")
    assert b"<script" not in data
    assert b"Comment" not in data


def test_png_without_alpha_becomes_jpeg():
    content = uploads.clean_image_upload(upload(encode(picture(), "PNG"), "photo.png"))
    _, result = stored(content)
    assert result.format == "JPEG"
    assert content.name.endswith(".jpg")


@pytest.mark.parametrize(
    ("fmt", "mode", "color", "expected_format", "expected_mode"),
    [
        ("WEBP", "RGB", RED, "JPEG", "RGB"),
        ("WEBP", "RGBA", (*RED, 100), "PNG", "RGBA"),
        ("JPEG", "CMYK", (0, 200, 200, 0), "JPEG", "RGB"),
        ("JPEG", "L", 128, "JPEG", "RGB"),
        ("PNG", "LA", (128, 100), "PNG", "RGBA"),
        ("PNG", "P", 3, "JPEG", "RGB"),
        ("PNG", "1", 1, "JPEG", "RGB"),
    ],
)
def test_accepted_formats_and_modes_are_re_encoded(
    fmt, mode, color, expected_format, expected_mode
):
    source = encode(picture(mode, color=color), fmt)
    content = uploads.clean_image_upload(upload(source, f"x.{fmt.lower()}"))
    _, result = stored(content)
    assert result.format == expected_format
    assert result.mode == expected_mode
    assert result.size == (60, 40)


def test_palette_png_with_transparency_stays_png():
    img = picture("P", color=1)
    img.putpixel((0, 0), 0)
    source = encode(img, "PNG", transparency=0)
    _, result = stored(uploads.clean_image_upload(upload(source, "p.png")))
    assert result.format == "PNG"
    assert result.getpixel((0, 0))[3] == 0
    assert result.getpixel((5, 5))[3] == 255


def test_cmyk_jpeg_gets_sensible_rgb_colours():
    source = encode(picture("CMYK", color=(0, 255, 255, 0)), "JPEG")  # pure red ink
    _, result = stored(uploads.clean_image_upload(upload(source)))
    r, g, b = result.getpixel((10, 10))
    assert r > 200 and g < 60 and b < 60


def test_sixteen_bit_greyscale_png_is_scaled_not_clipped_to_white():
    source = encode(Image.new("I;16", (20, 20), 32768), "PNG")
    _, result = stored(uploads.clean_image_upload(upload(source, "scan.png")))
    r, g, b = result.getpixel((5, 5))
    assert 110 < r < 145 and r == g == b


def test_type_is_decided_by_content_not_name_or_content_type():
    source = encode(picture(), "PNG")
    content = uploads.clean_image_upload(upload(source, "report.pdf", "application/pdf"))
    _, result = stored(content)
    assert result.format == "JPEG"


@pytest.mark.parametrize("name", ["../../etc/passwd.jpg", "<script>.png", "foto produk.JPG"])
def test_stored_name_is_generated_never_the_users(name):
    content = uploads.clean_image_upload(upload(encode(picture(), "JPEG"), name))
    assert content.name.rsplit(".", 1)[0] not in name
    assert re.fullmatch(GENERATED_NAME, content.name)


def test_polyglot_jpeg_with_html_keeps_only_pixels():
    html = b"<html><body><script>alert(document.cookie)</script></body></html>"
    source = encode(noise((80, 60)), "JPEG", comment=html) + html
    assert b"<script" in source

    content = uploads.clean_image_upload(upload(source, "polyglot.jpg"))

    data, result = stored(content)
    assert result.format == "JPEG"
    assert result.size == (80, 60)
    assert b"<script" not in data.lower()
    assert b"<html" not in data.lower()
    assert data.endswith(b"\xff\xd9")  # nothing after the end-of-image marker


def test_animated_webp_keeps_the_first_frame():
    frames = [picture(color=RED), picture(color=BLUE)]
    source = encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    _, result = stored(uploads.clean_image_upload(upload(source, "anim.webp")))
    assert result.getpixel((5, 5))[0] > 200


# --- clean_image_upload: rejected ---------------------------------------------------


class NeverRead(io.BytesIO):
    """An upload that declares its size and fails the test if anyone reads it."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size
        self.name = "huge.jpg"

    def read(self, *args):
        raise AssertionError("the upload was read although its size is over the limit")

    def seek(self, *args):
        raise AssertionError("the upload was touched although its size is over the limit")


def test_over_10_mb_is_rejected_before_reading():
    with pytest.raises(ValidationError) as excinfo:
        uploads.clean_image_upload(NeverRead(10 * MB + 1))
    assert messages(excinfo) == [TOO_LARGE]
    assert excinfo.value.code == "file_too_large"


def test_over_10_mb_real_upload_is_rejected():
    data = encode(picture(), "JPEG")
    with pytest.raises(ValidationError) as excinfo:
        uploads.clean_image_upload(upload(data + b"\0" * (10 * MB)))
    assert messages(excinfo) == [TOO_LARGE]


def test_a_size_that_lies_does_not_let_more_through():
    class Lying(io.BytesIO):
        size = 100

    with pytest.raises(ValidationError) as excinfo:
        uploads.clean_image_upload(Lying(b"\xff\xd8" + b"\0" * (10 * MB)))
    assert messages(excinfo) == [TOO_LARGE]


def test_exactly_the_limit_is_allowed():
    data = encode(picture(), "JPEG")
    content = uploads.clean_image_upload(upload(data), max_bytes=len(data))
    assert content.size > 0


def test_header_claiming_too_many_pixels_is_rejected_before_decoding(monkeypatch):
    def never(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", never)
    with pytest.raises(ValidationError) as excinfo:
        uploads.clean_image_upload(upload(png_claiming(8000, 6000), "bomb.png"))  # 48 Mpx
    assert messages(excinfo) == [TOO_MANY_PIXELS]


def test_decompression_bomb_beyond_pillows_own_limit_is_a_form_error():
    limit = Image.MAX_IMAGE_PIXELS
    with pytest.raises(ValidationError) as excinfo:
        uploads.clean_image_upload(upload(png_claiming(20000, 20000), "bomb.png"))
    assert messages(excinfo) == [TOO_MANY_PIXELS]
    assert limit == Image.MAX_IMAGE_PIXELS


def test_pillows_bomb_warning_becomes_an_error_only_locally():
    limit, filters = Image.MAX_IMAGE_PIXELS, list(warnings.filters)
    with pytest.raises(ValidationError) as excinfo:
        # Our own limit is raised out of the way, so Pillow's warning is what stops it.
        uploads.clean_image_upload(upload(png_claiming(10000, 10000)), max_pixels=10**9)
    assert messages(excinfo) == ["The photo has more than 1000 megapixels."]
    assert limit == Image.MAX_IMAGE_PIXELS
    assert warnings.filters == filters


def test_small_file_with_huge_dimensions_is_rejected():
    source = encode(Image.new("L", (8000, 5001)), "PNG")  # 40,008,000 px, a few KB
    assert len(source) < MB
    with pytest.raises(ValidationError) as excinfo:
        uploads.clean_image_upload(upload(source, "flat.png"))
    assert messages(excinfo) == [TOO_MANY_PIXELS]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_truncated_image_is_rejected(fmt):
    source = encode(noise(), fmt)
    with pytest.raises(ValidationError) as excinfo:
        uploads.clean_image_upload(upload(source[: len(source) // 2]))
    assert messages(excinfo) in ([DAMAGED], [NOT_AN_IMAGE])
    if fmt != "WEBP":  # a cut WebP no longer even looks like one
        assert messages(excinfo) == [DAMAGED]


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (MINIMAL_PDF, "photo.jpg", "image/jpeg"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            b"<script>alert(1)</script></svg>",
            "photo.png",
            "image/png",
        ),
        (encode(picture("P", color=1), "GIF"), "photo.jpg", "image/jpeg"),
        (encode(picture(), "BMP"), "photo.jpg", "image/jpeg"),
        (encode(picture(), "TIFF"), "photo.jpg", "image/jpeg"),
        (b"<html><script>alert(1)</script></html>", "photo.webp", "image/webp"),
        (b"", "empty.jpg", "image/jpeg"),
    ],
    ids=["pdf-renamed-jpg", "svg-script", "gif", "bmp", "tiff", "html", "empty"],
)
def test_other_files_are_not_images(data, name, content_type):
    with pytest.raises(ValidationError) as excinfo:
        uploads.clean_image_upload(upload(data, name, content_type))
    assert messages(excinfo) == [NOT_AN_IMAGE]
    assert excinfo.value.code == "invalid_image"


# --- clean_logo_upload ----------------------------------------------------------------


def test_logo_is_shrunk_to_fit_800():
    content = uploads.clean_logo_upload(upload(encode(noise((3000, 1500)), "JPEG")))
    _, result = stored(content)
    assert result.size == (800, 400)


def test_small_logo_is_not_enlarged_and_keeps_transparency():
    source = encode(picture("RGBA", (200, 100), (*RED, 0)), "PNG")
    content = uploads.clean_logo_upload(upload(source, "logo.png"))
    _, result = stored(content)
    assert result.size == (200, 100)
    assert result.format == "PNG"


def test_logo_follows_the_photo_rules():
    with pytest.raises(ValidationError) as excinfo:
        uploads.clean_logo_upload(upload(encode(picture("P"), "GIF"), "logo.png"))
    assert messages(excinfo) == [NOT_AN_IMAGE]


# --- clean_document_upload ------------------------------------------------------------


def pdf_with(body: bytes) -> bytes:
    return pdf_file(catalog(), *PAGES, body)


def object_stream(dictionaries: bytes) -> bytes:
    packed = zlib.compress(dictionaries)
    return (
        b"4 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\n"
        b"stream\n%s\nendstream\nendobj" % (len(packed), packed)
    )


def test_minimal_pdf_is_accepted_unchanged():
    content = uploads.clean_document_upload(upload(MINIMAL_PDF, "NIB scan.pdf", "application/pdf"))
    content.seek(0)
    assert content.read() == MINIMAL_PDF
    assert content.name.endswith(".pdf")
    assert "NIB" not in content.name


def test_pdf_with_binary_picture_stream_is_not_mistaken_for_a_script():
    picture_stream = b"\x00\xff/JS /Launch\x01" + os.urandom(256)
    body = b"5 0 obj << /Filter /DCTDecode /Length %d >>\nstream\n%s\nendstream\nendobj" % (
        len(picture_stream),
        picture_stream,
    )
    content = uploads.clean_document_upload(upload(pdf_with(body), "c.pdf"))
    assert content.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("fmt", "mode", "extension"),
    [("PNG", "RGB", "jpg"), ("PNG", "RGBA", "png"), ("JPEG", "RGB", "jpg")],
)
def test_document_as_picture_is_re_encoded(fmt, mode, extension):
    source = encode(picture(mode), fmt)
    content = uploads.clean_document_upload(upload(source, "halal.png", "image/png"))
    assert content.name.endswith(f".{extension}")
    _, result = stored(content)
    assert result.size == (60, 40)


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"PK\x03\x04" + b"\0" * 100,  # zip
        b"MZ\x90\x00" + b"\0" * 100,  # exe
        b" %PDF-1.4\n%%EOF",  # the magic not at offset 0
        encode(picture(), "WEBP"),
        encode(picture("P"), "GIF"),
    ],
    ids=["html", "svg", "zip", "exe", "late-magic", "webp", "gif"],
)
def test_other_documents_are_rejected(data):
    with pytest.raises(ValidationError) as excinfo:
        uploads.clean_document_upload(upload(data, "certificate.pdf", "application/pdf"))
    assert messages(excinfo) == [NOT_A_DOCUMENT]


@pytest.mark.parametrize(
    "body",
    [
        b"4 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj",
        b"4 0 obj << /OpenAction << /S /Launch /F (cmd.exe) >> >> endobj",
        b"4 0 obj << /Names << /EmbeddedFiles 5 0 R >> >> endobj",
        b"4 0 obj << /Type /EmbeddedFile /Length 0 >> endobj",
        b"4 0 obj << /S /J#61vaScript /J#53 (app.alert(1)) >> endobj",  # #xx escapes
        object_stream(b"5 0 << /S /JavaScript /JS (app.alert(1)) >>"),  # compressed
    ],
    ids=["javascript", "launch", "embedded-files", "embedded-file", "escaped", "object-stream"],
)
def test_active_pdf_is_rejected(body):
    with pytest.raises(ValidationError) as excinfo:
        uploads.clean_document_upload(upload(pdf_with(body), "cert.pdf"))
    assert excinfo.value.code == "active_pdf"
    assert "scripts" in messages(excinfo)[0]


def test_pdf_whose_object_stream_cannot_be_read_is_rejected():
    body = (
        b"4 0 obj << /Type /ObjStm /N 1 /First 4 /Length 16 >>\n"
        b"stream\n" + os.urandom(16) + b"\nendstream\nendobj"
    )
    with pytest.raises(ValidationError) as excinfo:
        uploads.clean_document_upload(upload(pdf_with(body), "cert.pdf"))
    assert excinfo.value.code == "uncheckable_pdf"


def test_pdf_without_end_marker_is_damaged():
    with pytest.raises(ValidationError) as excinfo:
        uploads.clean_document_upload(upload(MINIMAL_PDF.replace(b"%%EOF", b""), "cert.pdf"))
    assert messages(excinfo) == ["The PDF file is damaged or incomplete."]


def test_document_over_5_mb_is_rejected():
    data = MINIMAL_PDF.replace(b"trailer", b"%" + b"x" * (6 * MB) + b"\ntrailer")
    with pytest.raises(ValidationError) as excinfo:
        uploads.clean_document_upload(upload(data, "cert.pdf"))
    assert messages(excinfo) == ["The file is larger than 5 MB."]


def test_document_picture_is_checked_like_a_photo():
    source = encode(noise(), "JPEG")
    with pytest.raises(ValidationError) as excinfo:
        uploads.clean_document_upload(upload(source[:500], "cert.jpg"))
    assert messages(excinfo) == [DAMAGED]


# --- product photos and thumbnails (database) ----------------------------------------


@pytest.fixture
def product(db):
    business = Business.objects.create(
        owner=OwnerFactory(),
        name="Keripik Nenas Riau",
        slug="keripik-nenas-riau",
        legal_form="ud",
        assets_idr=100_000_000,
        annual_turnover_idr=500_000_000,
        scale="mikro",
        sector="food",
        province="Riau",
        city="Pekanbaru",
        founded_year=2015,
    )
    category = Category.objects.create(name_id="Makanan", name_en="Food", slug="food")
    return Product.objects.create(
        business=business, category=category, slug="keripik-nenas", name_id="Keripik nenas"
    )


def add_photo(product, size=(3000, 2000), fmt="JPEG", mode="RGB") -> ProductImage:
    img = noise(size) if mode == "RGB" else picture(mode, size, (*RED, 120))
    return services.product_image_add(
        product=product, upload=upload(encode(img, fmt)), by=product.business.owner
    )


def thumbnail(field) -> Image.Image:
    with default_storage.open(field.name, "rb") as handle:
        img = Image.open(io.BytesIO(handle.read()))
        img.load()
    return img


def test_thumbnails_are_webp_within_400_and_1200(product):
    photo = add_photo(product, size=(3000, 2000))
    assert photo.width == 3000 and photo.height == 2000

    assert images.product_image_make_thumbnails(image_id=photo.pk) is True

    photo.refresh_from_db()
    assert photo.thumbnails_ready
    small, large = thumbnail(photo.thumb_small), thumbnail(photo.thumb_large)
    assert small.format == large.format == "WEBP"
    assert small.size == (400, 267)
    assert large.size == (1200, 800)
    assert photo.thumb_small.name.startswith(f"products/{product.pk}/")
    assert photo.thumb_small.name.endswith(".webp")


def test_portrait_thumbnails_fit_the_long_side(product):
    photo = add_photo(product, size=(1000, 2500))
    images.product_image_make_thumbnails(image_id=photo.pk)
    photo.refresh_from_db()
    assert thumbnail(photo.thumb_small).size == (160, 400)
    assert thumbnail(photo.thumb_large).size == (480, 1200)


def test_small_photo_is_not_enlarged(product):
    photo = add_photo(product, size=(300, 200))
    images.product_image_make_thumbnails(image_id=photo.pk)
    photo.refresh_from_db()
    assert thumbnail(photo.thumb_small).size == (300, 200)
    assert thumbnail(photo.thumb_large).size == (300, 200)


def test_transparent_photo_gets_transparent_thumbnails(product):
    photo = add_photo(product, size=(500, 500), fmt="PNG", mode="RGBA")
    images.product_image_make_thumbnails(image_id=photo.pk)
    photo.refresh_from_db()
    assert thumbnail(photo.thumb_small).mode == "RGBA"


def test_thumbnails_are_idempotent(product, settings):
    photo = add_photo(product, size=(800, 600))
    assert images.product_image_make_thumbnails(image_id=photo.pk) is True
    photo.refresh_from_db()
    names = (photo.thumb_small.name, photo.thumb_large.name)
    files = files_under(settings.MEDIA_ROOT)

    assert images.product_image_make_thumbnails(image_id=photo.pk) is False

    photo.refresh_from_db()
    assert (photo.thumb_small.name, photo.thumb_large.name) == names
    assert files_under(settings.MEDIA_ROOT) == files
    assert len(files) == 3


def test_half_finished_thumbnails_are_redone_and_the_old_one_removed(product, settings):
    photo = add_photo(product, size=(800, 600))
    old = default_storage.save(f"products/{product.pk}/old-small.webp", ContentFile(b"x"))
    ProductImage.objects.filter(pk=photo.pk).update(thumb_small=old)

    assert images.product_image_make_thumbnails(image_id=photo.pk) is True

    photo.refresh_from_db()
    assert photo.thumbnails_ready and photo.thumb_small.name != old
    assert not default_storage.exists(old)
    assert len(files_under(settings.MEDIA_ROOT)) == 3


def test_missing_photo_gives_false(db):
    assert images.product_image_make_thumbnails(image_id=987654) is False


def test_another_worker_finishing_first_wins_and_our_files_are_removed(
    product, settings, monkeypatch
):
    photo = add_photo(product, size=(800, 600))
    real = uploads.decode_for_thumbnail

    def meanwhile(data, **kwargs):
        ProductImage.objects.filter(pk=photo.pk).update(
            thumb_small="products/other-400.webp", thumb_large="products/other-1200.webp"
        )
        return real(data, **kwargs)

    monkeypatch.setattr(uploads, "decode_for_thumbnail", meanwhile)

    assert images.product_image_make_thumbnails(image_id=photo.pk) is False

    photo.refresh_from_db()
    assert photo.thumb_small.name == "products/other-400.webp"
    assert [p.name for p in files_under(settings.MEDIA_ROOT)] == [Path(photo.image.name).name]


def test_undecodable_stored_photo_gives_false_without_retrying(product, caplog):
    photo = add_photo(product, size=(100, 100))
    default_storage.delete(photo.image.name)
    default_storage.save(photo.image.name, ContentFile(b"not a picture"))

    assert images.product_image_make_thumbnails(image_id=photo.pk) is False
    assert "cannot be decoded" in caplog.text


def test_missing_stored_file_raises_for_the_task_to_retry(product):
    photo = add_photo(product, size=(100, 100))
    default_storage.delete(photo.image.name)
    with pytest.raises(OSError):
        images.product_image_make_thumbnails(image_id=photo.pk)


def test_service_queues_the_thumbnail_task_after_commit(
    product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        photo = add_photo(product, size=(1600, 1200))
        photo.refresh_from_db()
        assert not photo.thumbnails_ready  # nothing runs before the commit

    assert len(callbacks) == 1
    photo.refresh_from_db()
    assert photo.thumbnails_ready
    assert thumbnail(photo.thumb_large).size == (1200, 900)


def test_service_stores_only_the_re_encoded_pixels(product):
    html = b"<html><script>alert(1)</script></html>"
    source = encode(noise((100, 80)), "JPEG") + html
    photo = services.product_image_add(
        product=product,
        upload=upload(source, "evil.jpg.html", "text/html"),
        by=product.business.owner,
    )
    with default_storage.open(photo.image.name, "rb") as handle:
        data = handle.read()
    assert b"<script" not in data and b"<html" not in data
    assert "evil" not in photo.image.name
    assert (photo.width, photo.height) == (100, 80)


def test_ninth_photo_is_refused_and_nothing_is_stored(product, settings):
    for _ in range(ProductImage.MAX_PER_PRODUCT):
        add_photo(product, size=(40, 30))
    before = files_under(settings.MEDIA_ROOT)
    assert len(before) == 8

    with pytest.raises(ValidationError) as excinfo:
        add_photo(product, size=(40, 30))

    assert excinfo.value.messages == ["A product has at most 8 photos."]
    assert files_under(settings.MEDIA_ROOT) == before
    assert product.images.count() == 8


def test_bad_photo_through_the_service_stores_nothing(product, settings):
    with pytest.raises(ValidationError):
        services.product_image_add(
            product=product, upload=upload(MINIMAL_PDF, "x.jpg"), by=product.business.owner
        )
    assert files_under(settings.MEDIA_ROOT) == []
    assert not product.images.exists()


def test_thumbnails_made_for_the_demo_seed_use_the_fastest_encoder_effort(settings):
    settings.THUMBNAIL_WEBP_METHOD = 6
    img = Image.effect_noise((200, 150), 60).convert("RGB")

    def encoded(method: int) -> bytes:
        buffer = io.BytesIO()
        img.save(buffer, format="WEBP", quality=uploads.WEBP_QUALITY, method=method)
        return buffer.getvalue()

    assert encoded(6) != encoded(0)
    assert uploads.webp(img).read() == encoded(6)
    with uploads.fastest_thumbnails():
        assert uploads.webp(img).read() == encoded(0)
    assert uploads.webp(img).read() == encoded(6)  # only inside the block
