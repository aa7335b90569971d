"""Demo WhatsApp numbers (``demo/data/whatsapp.yaml``), recorded as confirmed through
the notification core's service (idempotent)."""

from __future__ import annotations

from accounts.models import User
from notifications.services.whatsapp import whatsapp_number_import

from .files import read_yaml


def seed_whatsapp_numbers() -> int:
    """Give the listed demo accounts a confirmed number; accounts not seeded are skipped."""
    seeded = 0
    users = {
        user.email: user
        for user in User.objects.filter(
            email__in=[row["email"] for row in read_yaml("whatsapp.yaml")["numbers"]]
        )
    }
    for row in read_yaml("whatsapp.yaml")["numbers"]:
        user = users.get(row["email"])
        if user is not None:
            whatsapp_number_import(user=user, number=str(row["number"]))
            seeded += 1
    return seeded
