"""Thumbnails of product photos (a Celery task calls this after the photo is stored).

The decoding and encoding are the upload cleaner's (``core.uploads``); this module
knows the ``ProductImage`` rows."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from django.core.exceptions import ValidationError
from PIL import Image

from core import uploads

from .models import ProductImage

logger = logging.getLogger(__name__)


def product_image_make_thumbnails(*, image_id: int) -> bool:
    """Make the WebP thumbnails of one product photo; False if there is nothing to do.

    Idempotent and safe to run twice at once: the thumbnails are written first, then
    claimed with a conditional UPDATE; the loser deletes what it wrote. Storage errors
    propagate (the task retries them); a picture that cannot be decoded is logged and
    gives False, because a retry would not help.
    """
    photo = ProductImage.objects.filter(pk=image_id).first()
    if photo is None or photo.thumbnails_ready or not photo.image:
        return False

    with photo.image.open("rb") as source:  # any storage: never .path
        data = source.read()
    try:
        large = uploads.decode_for_thumbnail(data, long_side=uploads.THUMBNAIL_SIZES["thumb_large"])
    except (ValidationError, *uploads.DECODE_ERRORS):
        logger.warning("Product photo %s cannot be decoded; no thumbnails made.", image_id)
        return False
    small = large.copy()
    small.thumbnail((uploads.THUMBNAIL_SIZES["thumb_small"],) * 2, Image.Resampling.LANCZOS)

    stem = Path(photo.image.name).stem[:40] or uuid.uuid4().hex
    previous = {name: getattr(photo, name).name for name in uploads.THUMBNAIL_SIZES}
    written = {}
    for field_name, picture in (("thumb_large", large), ("thumb_small", small)):
        field_file = getattr(photo, field_name)
        field_file.save(
            f"{stem}-{uploads.THUMBNAIL_SIZES[field_name]}.webp", uploads.webp(picture), save=False
        )
        written[field_name] = field_file.name

    claimed = (
        ProductImage.objects.filter(pk=photo.pk, image=photo.image.name)
        .filter(thumb_small=previous["thumb_small"], thumb_large=previous["thumb_large"])
        .update(**written)
    )
    storage = photo.thumb_small.storage
    if not claimed:  # deleted, replaced or finished by another worker meanwhile
        for name in written.values():
            storage.delete(name)
        return False
    for name in previous.values():  # left by a half-finished earlier attempt
        if name and name not in written.values():
            storage.delete(name)
    return True
