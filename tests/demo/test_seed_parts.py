"""The parts of ``seed_demo`` on their own: the mentoring and marketplace seeds do
nothing without the demo businesses. (The whole seed is ``test_seed_demo``'s.)"""

import pytest

from accounts.models import User
from demo.loaders.marketplace import seed_marketplace
from demo.loaders.mentoring import seed_mentoring
from marketplace.models import Inquiry
from mentoring.models import TrainingSession

pytestmark = pytest.mark.django_db


def test_mentoring_and_marketplace_seeds_need_the_businesses(settings):
    settings.DEBUG = True
    seed_mentoring()
    seed_marketplace()
    assert not User.objects.exists()
    assert not TrainingSession.objects.exists()
    assert not Inquiry.objects.exists()
