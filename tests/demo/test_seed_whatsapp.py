"""The demo seeds a few accounts with confirmed WhatsApp numbers, idempotently."""

import pytest

from demo.loaders.accounts import seed_accounts
from demo.loaders.notifications import seed_whatsapp_numbers
from notifications.models import WhatsAppNumber

pytestmark = pytest.mark.django_db


def test_demo_accounts_get_confirmed_numbers_once():
    seed_accounts()
    assert seed_whatsapp_numbers() == 2  # the other owners come with their businesses
    assert seed_whatsapp_numbers() == 2
    numbers = dict(WhatsAppNumber.objects.values_list("user__email", "phone"))
    assert numbers == {
        "owner@demo.jembatan.id": "+6281270000001",
        "mentor@demo.jembatan.id": "+6281270000004",
    }
    assert set(WhatsAppNumber.objects.values_list("status", flat=True)) == {"confirmed"}
