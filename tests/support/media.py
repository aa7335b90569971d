"""Where a test's uploads go: its own folders, public and private alike."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.test import override_settings


def _private_storages():
    """The private storage objects: the configured one and those file fields hold."""
    from django.apps import apps
    from django.core.files.storage import FileSystemStorage, storages
    from django.db.models import FileField

    found = {id(storages["private"]): storages["private"]}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            # A field whose storage is a callable (the private store) keeps the instance
            # it got at import time, which is no longer storages["private"] once a test
            # has changed STORAGES (the handler is rebuilt): both are redirected.
            private = getattr(field, "_storage_callable", None) is not None
            if isinstance(field, FileField) and (
                private or getattr(field.storage, "base_url", "") is None
            ):
                found[id(field.storage)] = field.storage
    return [s for s in found.values() if isinstance(s, FileSystemStorage)]


@contextmanager
def media_under(root: Path) -> Iterator[None]:
    """Public uploads go to ``root/media``, private ones to ``root/private``."""
    saved = []
    with override_settings(MEDIA_ROOT=root / "media"):
        for storage in _private_storages():
            saved.append((storage, storage.__dict__.copy()))
            storage._location = str(root / "private")
            for cached in ("base_location", "location"):
                storage.__dict__.pop(cached, None)
        try:
            yield
        finally:
            for storage, state in saved:
                storage.__dict__.clear()
                storage.__dict__.update(state)
