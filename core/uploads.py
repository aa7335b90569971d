"""Checking and cleaning uploaded pictures and documents (certificates, attachments,
materials), and the decoding and WebP encoding that thumbnails use.

Every accepted picture is decoded and re-encoded, so what we store holds pixels only:
no EXIF (GPS), XMP, comments, text chunks or bytes appended after the image, whatever
the upload carried. The file type is decided by the content, never by the file name or
the content type the browser sent, and stored names are generated (uuid), never the
user's.

Colour: an embedded ICC profile is applied (the pixels are converted to sRGB) and then
dropped, so every stored picture is plain sRGB, which is what browsers assume anyway.

Pillow's global ``Image.MAX_IMAGE_PIXELS`` is left alone; the size limits here are
checked from the header before any pixel is decoded, and Pillow's own decompression
bomb warning is turned into an error only inside these functions.
"""

from __future__ import annotations

import logging
import struct
import uuid
import warnings
from contextlib import contextmanager
from contextvars import ContextVar
from io import BytesIO
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .pdf_safety import pdf_check

logger = logging.getLogger(__name__)

MB = 1024 * 1024
IMAGE_MAX_BYTES = 10 * MB
IMAGE_MAX_PIXELS = 40_000_000
DOCUMENT_MAX_BYTES = 5 * MB
LOGO_MAX_SIZE = (800, 800)
# A business's profile photo is shown at most about 1200 px wide (two device pixels a
# CSS pixel); it has no thumbnails of its own, so it is stored at that size.
BUSINESS_PHOTO_MAX_SIZE = (1600, 1200)
JPEG_QUALITY = 85
# Long side of each thumbnail, by ProductImage field.
THUMBNAIL_SIZES = {"thumb_large": 1200, "thumb_small": 400}
WEBP_QUALITY = 80

PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
DOCUMENT_IMAGE_FORMATS = ("JPEG", "PNG")

# Everything Pillow raises for a file it cannot identify or fully decode.
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)

MSG_NOT_AN_IMAGE = _("This file is not a JPEG, PNG or WebP image.")
MSG_PHOTO_TOO_LARGE = _("The photo is larger than %(max)s MB.")
MSG_TOO_MANY_PIXELS = _("The photo has more than %(max)s megapixels.")
MSG_DAMAGED = _("The image file is damaged or incomplete.")
MSG_NOT_A_DOCUMENT = _("Upload a PDF, JPEG or PNG file.")
MSG_DOCUMENT_TOO_LARGE = _("The file is larger than %(max)s MB.")


class _ImageRejected(Exception):
    """Internal: why Pillow refused the bytes (mapped to a message by the caller)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# Public API --------------------------------------------------------------------------


def clean_image_upload(
    upload: IO[bytes],
    *,
    max_bytes: int = IMAGE_MAX_BYTES,
    max_pixels: int = IMAGE_MAX_PIXELS,
) -> ContentFile:
    """A product photo: JPEG, PNG or WebP by content, re-encoded without metadata.

    Transparent pictures are stored as PNG, all others as progressive RGB JPEG.
    Raises ``ValidationError`` naming the problem.
    """
    data = _read_limited(
        upload, max_bytes=max_bytes, message=MSG_PHOTO_TOO_LARGE, code="file_too_large"
    )
    img = _decode(data, formats=PHOTO_FORMATS, max_pixels=max_pixels)
    return _reencode(img)


def clean_logo_upload(
    upload: IO[bytes],
    *,
    max_bytes: int = IMAGE_MAX_BYTES,
    max_pixels: int = IMAGE_MAX_PIXELS,
) -> ContentFile:
    """A business logo: the photo rules, then shrunk to fit 800 × 800 (never enlarged)."""
    data = _read_limited(
        upload, max_bytes=max_bytes, message=MSG_PHOTO_TOO_LARGE, code="file_too_large"
    )
    img = _decode(data, formats=PHOTO_FORMATS, max_pixels=max_pixels)
    return _reencode(img, fit=LOGO_MAX_SIZE)


def clean_business_photo_upload(
    upload: IO[bytes],
    *,
    max_bytes: int = IMAGE_MAX_BYTES,
    max_pixels: int = IMAGE_MAX_PIXELS,
) -> ContentFile:
    """A photo of the business (workshop, team): the photo rules, then shrunk to fit
    1600 × 1200 (never enlarged), so the profile page never sends a camera original."""
    data = _read_limited(
        upload, max_bytes=max_bytes, message=MSG_PHOTO_TOO_LARGE, code="file_too_large"
    )
    img = _decode(data, formats=PHOTO_FORMATS, max_pixels=max_pixels)
    return _reencode(img, fit=BUSINESS_PHOTO_MAX_SIZE)


def clean_document_upload(
    upload: IO[bytes],
    *,
    max_bytes: int = DOCUMENT_MAX_BYTES,
    max_pixels: int = IMAGE_MAX_PIXELS,
) -> ContentFile:
    """A document (certificate, attachment, material): a PDF or a JPEG/PNG.

    A PDF is kept as is once ``pdf_safety.pdf_check`` has parsed it and found it passive;
    every PDF door of the site and the admin comes through here. A picture is re-encoded.
    """
    data = _read_limited(
        upload, max_bytes=max_bytes, message=MSG_DOCUMENT_TOO_LARGE, code="file_too_large"
    )
    if data.startswith(b"%PDF-"):
        pdf_check(data)
        return ContentFile(data, name=f"{uuid.uuid4().hex}.pdf")
    try:
        img = _decode(data, formats=DOCUMENT_IMAGE_FORMATS, max_pixels=max_pixels)
    except ValidationError as error:
        if error.code == "invalid_image":
            raise ValidationError(MSG_NOT_A_DOCUMENT, code="invalid_document") from None
        raise
    return _reencode(img)


# Reading and decoding ----------------------------------------------------------------


def _read_limited(upload: IO[bytes], *, max_bytes: int, message, code: str) -> bytes:
    """The upload's bytes, refusing (before reading) anything over ``max_bytes``."""
    params = {"max": _megabytes(max_bytes)}
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > max_bytes:
        raise ValidationError(message, code=code, params=params)
    upload.seek(0)
    data = upload.read(max_bytes + 1)  # the declared size may lie
    if len(data) > max_bytes:
        raise ValidationError(message, code=code, params=params)
    return data


def _megabytes(value: int) -> str:
    return f"{value / MB:g}"


def _decode(data: bytes, *, formats: tuple[str, ...], max_pixels: int) -> Image.Image:
    """Open, check the header's size, then fully decode; ValidationError on any problem."""
    too_many = ValidationError(
        MSG_TOO_MANY_PIXELS, code="too_many_pixels", params={"max": f"{max_pixels / 1e6:g}"}
    )
    try:
        return _open_and_load(data, formats=formats, max_pixels=max_pixels)
    except _ImageRejected as rejected:
        if rejected.code == "too_many_pixels":
            raise too_many from None
        if rejected.code == "invalid_image":
            raise ValidationError(MSG_NOT_AN_IMAGE, code="invalid_image") from None
        raise ValidationError(MSG_DAMAGED, code="damaged_image") from None


def _open_and_load(data: bytes, *, formats: tuple[str, ...], max_pixels: int) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # ``formats`` keeps every other decoder (GIF, SVG-less PDF, EPS…) out.
            img = Image.open(BytesIO(data), formats=list(formats))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _ImageRejected("too_many_pixels") from None
        except UnidentifiedImageError:
            raise _ImageRejected("invalid_image") from None
        except DECODE_ERRORS:
            raise _ImageRejected("damaged_image") from None
        if img.format not in formats:
            raise _ImageRejected("invalid_image")
        width, height = img.size
        if width * height > max_pixels:  # from the header, before decoding a pixel
            raise _ImageRejected("too_many_pixels")
        if width < 1 or height < 1:
            raise _ImageRejected("damaged_image")
        try:
            img.load()
            # Applying the orientation reads EXIF, which can be malformed too.
            ImageOps.exif_transpose(img, in_place=True)
            return img
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _ImageRejected("too_many_pixels") from None
        except DECODE_ERRORS:
            raise _ImageRejected("damaged_image") from None


def decode_for_thumbnail(data: bytes, *, long_side: int) -> Image.Image:
    """The stored photo, shrunk (JPEG decoded at reduced scale) to fit ``long_side``."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(BytesIO(data), formats=list(PHOTO_FORMATS))
        except Image.DecompressionBombWarning:
            raise ValidationError(MSG_TOO_MANY_PIXELS) from None
        if img.width * img.height > IMAGE_MAX_PIXELS:
            raise ValidationError(MSG_TOO_MANY_PIXELS)
        if img.format == "JPEG":  # decode at 1/2, 1/4 or 1/8 scale when that is enough
            img.draft(None, (long_side * 2, long_side * 2))
        ImageOps.exif_transpose(img, in_place=True)  # stored photos are upright already
        img = _to_srgb_mode(img)
        img.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)  # never enlarges
        img.info = {}
        return img


# Re-encoding -------------------------------------------------------------------------


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info


def _to_srgb_mode(img: Image.Image) -> Image.Image:
    """RGB or RGBA in sRGB, whatever the source mode and ICC profile."""
    alpha = _has_alpha(img)
    target = "RGBA" if alpha else "RGB"
    icc = img.info.get("icc_profile")
    if icc and img.mode in ("RGB", "RGBA", "CMYK"):
        try:
            converted = ImageCms.profileToProfile(
                img,
                ImageCms.ImageCmsProfile(BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGBA" if img.mode == "RGBA" else "RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            converted = None  # a broken profile: fall back to a plain conversion
        if converted is not None:
            img = converted
    if img.mode.startswith("I") and img.mode not in ("I;8",):
        # 16-bit greyscale PNG: scale to 8 bits instead of clipping everything to white.
        img = img.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if img.mode != target:
        img = img.convert(target)
    return img


def _reencode(img: Image.Image, *, fit: tuple[int, int] | None = None) -> ContentFile:
    img = _to_srgb_mode(img)
    if fit:
        img.thumbnail(fit, Image.Resampling.LANCZOS)  # shrinks only
    img.info = {}  # no comment, ICC, EXIF or text chunk may follow the pixels
    buffer = BytesIO()
    if img.mode == "RGBA":
        img.save(buffer, format="PNG", optimize=True)
        extension = "png"
    else:
        img.save(buffer, format="JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
        extension = "jpg"
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


# The encoder effort of the thumbnails made in this context, when not the setting's.
_WEBP_METHOD: ContextVar[int | None] = ContextVar("webp_method", default=None)


@contextmanager
def fastest_thumbnails():
    """Thumbnails made inside (in this process: eager tasks) at libwebp's fastest effort,
    as the test settings make them: the demo seed's drawn photos, whose 764 thumbnails
    took a third of its time."""
    token = _WEBP_METHOD.set(0)
    try:
        yield
    finally:
        _WEBP_METHOD.reset(token)


def webp(img: Image.Image) -> ContentFile:
    """A WebP thumbnail. ``settings.THUMBNAIL_WEBP_METHOD`` is libwebp's encoder effort
    (0 fast … 6 small). 4 by default: its 800×600 thumbnail takes about 30 ms and is
    30 % smaller than at 0 (11 ms). The test settings use 0: the same format and sizes
    for a third of the time; so does ``fastest_thumbnails``."""
    buffer = BytesIO()
    method = _WEBP_METHOD.get()
    if method is None:
        method = getattr(settings, "THUMBNAIL_WEBP_METHOD", 4)
    img.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=method)
    return ContentFile(buffer.getvalue())
