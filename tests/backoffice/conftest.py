"""The back office's shared data set."""

import pytest

from .march_2026 import World, build_world


@pytest.fixture
def march_2026(db) -> World:
    """Six businesses, three mentors and their trainings, products, inquiries and
    requests, dated so that every figure of March 2026 is known by hand."""
    return build_world()
