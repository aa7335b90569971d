"""Notifications."""

import factory
from django.utils import timezone

from notifications.models import Notification, WhatsAppNumber

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


class WhatsAppNumberFactory(factory.django.DjangoModelFactory):
    """A confirmed WhatsApp number (Indonesian mobile)."""

    class Meta:
        model = WhatsAppNumber

    user = factory.SubFactory(UserFactory)
    phone = factory.Sequence(lambda n: f"+62812{n:08d}")
    status = WhatsAppNumber.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)
