"""The demo accounts (``demo/data/accounts.yaml``), and the helpers every loader uses to
make a demo account: the demo password and a verified address."""

from __future__ import annotations

import functools

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts import services
from accounts.models import User

from .files import read_yaml

_ACCOUNTS = read_yaml("accounts.yaml")
DEMO_PASSWORD: str = _ACCOUNTS["password"]
DEMO_ACCOUNTS: list[dict] = _ACCOUNTS["accounts"]

DEMO_OWNER_EMAIL = "owner@demo.jembatan.id"
DEMO_MENTOR_EMAIL = "mentor@demo.jembatan.id"
DEMO_BUYER_EMAIL = "buyer@demo.jembatan.id"
DEMO_STAFF_EMAIL = "staff@demo.jembatan.id"


def demo_password_hash() -> str:
    """One hash of the demo password for every demo account: a hash takes half a second
    (PBKDF2's million rounds), and the password is public, so one salt for all of them
    hides nothing. One per password hasher (the tests use a faster one)."""
    return _password_hash(settings.PASSWORD_HASHERS[0])


@functools.cache
def _password_hash(_hasher: str) -> str:
    return make_password(DEMO_PASSWORD)


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
            user.password = demo_password_hash()
            user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
            services.user_email_verified(user=user)
            users.append(user)
    return users


def demo_user(email: str) -> User:
    """One of the demo accounts, made first if it does not exist yet."""
    user = User.objects.filter(email=email).first()
    if user is None:
        seed_accounts()
        user = User.objects.get(email=email)
    return user


def ensure_account(
    *, email: str, full_name: str, role: str, language: str, tz: str, password_hash: str
) -> tuple[User, bool]:
    """A demo account with the demo password and a verified address (idempotent)."""
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "role": role, "language": language}
    )
    user.full_name = full_name
    user.role = role
    user.language = language
    user.timezone = tz
    user.is_active = True
    user.password = password_hash
    user.save(update_fields=["full_name", "role", "language", "timezone", "is_active", "password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    services.user_email_verified(user=user)
    return user, created
