"""The demo's supplier profiles: a drawn logo for every business, and for those with a
story in businesses.yaml the story, capacity and workshop photos, added once."""

import pytest

from demo.loaders.umkm import _seed_profile, business_specs

from ..factories import BusinessFactory, SubCategoryFactory

pytestmark = pytest.mark.django_db


def test_a_business_with_a_story_gets_its_profile_once():
    SubCategoryFactory()
    spec = business_specs()[0]
    business = BusinessFactory(name=spec.name)
    _seed_profile(business, spec, owner=business.owner)
    business.refresh_from_db()
    assert business.logo and business.logo.name.endswith(".png")
    assert business.story_en == spec.story_en.strip() and business.capacity_id
    photos = list(business.photos.all())
    assert len(photos) == 3 and all(p.alt_text and p.width for p in photos)
    logo = business.logo.name
    _seed_profile(business, spec, owner=business.owner)  # a second run keeps what is there
    business.refresh_from_db()
    assert business.logo.name == logo and business.photos.count() == 3


def test_a_business_without_a_story_gets_only_a_logo():
    spec = next(s for s in business_specs() if not s.story_en)
    business = BusinessFactory(name=spec.name)
    _seed_profile(business, spec, owner=business.owner)
    business.refresh_from_db()
    assert business.logo and not business.story_en and not business.photos.exists()
