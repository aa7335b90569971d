"""Demo accounts shared by ``seed_demo`` and the tests that check it."""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from . import services
from .models import User

DEMO_PASSWORD = "jembatan-demo"  # noqa: S105 - documented public demo password

DEMO_ACCOUNTS = [
    {
        "email": "owner@demo.jembatan.id",
        "full_name": "Siti Rahmawati",
        "role": User.Role.OWNER,
        "language": "id",
    },
    {
        "email": "mentor@demo.jembatan.id",
        "full_name": "Dimas Prasetyo",
        "role": User.Role.MENTOR,
        "language": "id",
        "approved": True,
    },
    {
        "email": "mentor.pending@demo.jembatan.id",
        "full_name": "Rina Kusumawati",
        "role": User.Role.MENTOR,
        "language": "id",
    },
    {
        "email": "buyer@demo.jembatan.id",
        "full_name": "Emma Lindqvist",
        "role": User.Role.BUYER,
        "language": "en",
        "timezone": "Europe/Stockholm",
    },
    {
        "email": "staff@demo.jembatan.id",
        "full_name": "Budi Santoso",
        "role": "",
        "language": "id",
        "staff": True,
    },
]


def seed_accounts() -> list[User]:
    """Create or refresh the demo accounts (idempotent)."""
    users = []
    with transaction.atomic():
        for spec in DEMO_ACCOUNTS:
            user, _created = User.objects.get_or_create(email=spec["email"])
            user.full_name = spec["full_name"]
            user.role = spec["role"]
            user.language = spec["language"]
            user.timezone = spec.get("timezone", "Asia/Jakarta")
            user.is_staff = user.is_superuser = spec.get("staff", False)
            user.is_active = True
            if spec.get("approved") and user.mentor_approved_at is None:
                user.mentor_approved_at = timezone.now()
            user.set_password(DEMO_PASSWORD)
            user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
            services.user_email_verified(user=user)
            users.append(user)
    return users
