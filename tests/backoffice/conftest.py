"""The back office's shared data set."""

import pytest

from ..support.shared import module_rows
from .march_2026 import World, build_world


@pytest.fixture
def march_2026(_march_2026_rows, db) -> World:
    """Six businesses, three mentors and their trainings, products, inquiries and
    requests, dated so that every figure of March 2026 is known by hand (built once for
    a module's tests: ``tests/support/shared.py``)."""
    return _march_2026_rows.copy()


@pytest.fixture(scope="module")
def _march_2026_rows(request, django_db_setup, django_db_blocker):
    with module_rows(request, django_db_blocker, build_world) as rows:
        yield rows
