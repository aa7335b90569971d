"""The parts of ``seed_demo`` on their own: the mentoring and marketplace seeds do
nothing without the demo businesses. (The whole seed is ``test_seed_demo``'s.)"""

import io

import pytest
from django.core.management import call_command
from PIL import Image

from accounts.models import User
from core import uploads
from demo.loaders.marketplace import seed_marketplace
from demo.loaders.mentoring import seed_mentoring
from demo.management.commands import seed_demo
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


def test_seed_demo_makes_its_thumbnails_at_the_fastest_encoder_effort(settings, monkeypatch):
    """Inside the command a thumbnail is encoded as at effort 0, whatever the setting."""
    settings.DEBUG = True
    settings.THUMBNAIL_WEBP_METHOD = 6
    img = Image.effect_noise((120, 90), 60).convert("RGB")
    made = []

    class Stop(Exception):
        pass

    def first_step():
        made.append(uploads.webp(img).read())
        raise Stop

    monkeypatch.setattr(seed_demo, "seed_accounts", first_step)
    with pytest.raises(Stop):
        call_command("seed_demo", stdout=io.StringIO())
    fastest = io.BytesIO()
    img.save(fastest, format="WEBP", quality=uploads.WEBP_QUALITY, method=0)
    assert made == [fastest.getvalue()]
    assert uploads.webp(img).read() != fastest.getvalue()  # outside the command: the setting
