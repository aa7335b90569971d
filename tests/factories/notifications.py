"""Notifications."""

import factory

from notifications.models import Notification

from .accounts import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "welcome"
    title = factory.Sequence(lambda n: f"Notification {n}")
    body = "Body text"
    url = "/catalogue/"
    email_status = Notification.EmailStatus.SKIPPED
