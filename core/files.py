"""Serving stored files: public pictures under /media/, private documents as downloads.

Every upload is checked and re-encoded before it is stored (``umkm.images``), so these
only ever meet pictures (JPEG, PNG, WebP) and documents (PDF, JPEG, PNG). Whatever
else may lie in a store (a file from before the checks, one put there by hand) is
never given a type a browser would render or run.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.views.static import serve

PUBLIC_PICTURE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


def public_media(request, path: str):
    """/media/<path> from MEDIA_ROOT (no object storage): pictures only, else 404."""
    if PurePosixPath(path).suffix.lower() not in PUBLIC_PICTURE_TYPES:
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    patch_cache_control(response, public=True, max_age=86400)
    return response


def private_download(stored_file, *, filename: str) -> FileResponse:
    """A private document as an attachment, typed by its (generated) name's suffix:
    PDF, JPEG and PNG keep their type, anything else is plain bytes."""
    suffix = PurePosixPath(stored_file.name).suffix.lower()
    response = FileResponse(
        stored_file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=DOCUMENT_TYPES.get(suffix, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
