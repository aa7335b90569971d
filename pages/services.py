"""Writes for the site's pages: staff change their text (the admin is the door)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Page

EDITABLE_FIELDS = frozenset({"title_id", "title_en", "body_id", "body_en"})


def page_update(*, page: Page, by, **fields) -> Page:
    """Save staff's edit of a page's title and text (checked as the model says)."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not editable here: {', '.join(sorted(unknown))}")
    if not (by.is_authenticated and by.is_active and by.is_staff):
        raise PermissionDenied(_("Only staff can change the site's pages."))
    with transaction.atomic():
        current = Page.objects.select_for_update().get(pk=page.pk)
        for name, value in fields.items():
            setattr(current, name, value)
        current.updated_by = by
        current.full_clean()
        current.save(update_fields=sorted({*fields, "updated_by", "updated_at"}))
    return current
