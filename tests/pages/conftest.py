import importlib

import pytest
from django.apps import apps


@pytest.fixture(autouse=True)
def default_pages(db):
    """The four pages as the first migration writes them. A transactional test elsewhere
    on the same worker empties every table (PostgreSQL runs some), so they are written
    again here when missing, by the migration's own function."""
    from pages.models import Page

    if not Page.objects.exists():
        migration = importlib.import_module("pages.migrations.0001_site_pages")
        migration.create_default_pages(apps, None)
