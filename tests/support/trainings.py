"""Helpers the training tests share: who was told what, and people who read English."""

from __future__ import annotations

from notifications.models import Notification


def notifications(kind: str, recipient=None) -> list[Notification]:
    rows = Notification.objects.filter(kind=kind)
    if recipient is not None:
        rows = rows.filter(recipient=recipient)
    return list(rows)


def english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user
