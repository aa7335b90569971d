from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.constraints import PyCheckConstraint

from . import kinds
from .unread import forget_unread


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def mark_read(self, *, recipient_id: int) -> int:
        """Mark this person's unread notifications among these read (the header's
        count follows at once); how many were unread."""
        count = self.filter(recipient_id=recipient_id).unread().update(read_at=timezone.now())
        if count:
            forget_unread([recipient_id])
        return count

    def email_due(self, *, older_than):
        """Emails still pending (never sent) that were created before ``older_than``."""
        return self.filter(email_status=Notification.EmailStatus.PENDING, created_at__lt=older_than)

    def email_stale_claims(self, *, claimed_before):
        """Emails claimed by a worker that died before finishing."""
        return self.filter(
            email_status=Notification.EmailStatus.SENDING, email_claimed_at__lt=claimed_before
        )

    def whatsapp_due(self, *, older_than):
        """WhatsApp messages still pending that were created before ``older_than``."""
        return self.filter(
            whatsapp_status=Notification.WhatsAppStatus.PENDING, created_at__lt=older_than
        )

    def whatsapp_stale_claims(self, *, claimed_before):
        """WhatsApp messages claimed by a worker that died before finishing."""
        return self.filter(
            whatsapp_status=Notification.WhatsAppStatus.SENDING,
            whatsapp_claimed_at__lt=claimed_before,
        )


class Notification(models.Model):
    """One event told to one person: in-app always, by email and WhatsApp as chosen.

    The row is the outbox: it is written in the event's transaction, and the
    ``deliver`` and ``deliver_whatsapp`` tasks claim their channel with a conditional
    UPDATE so each message goes out once. Each channel has its own delivery state.
    """

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("not sent (turned off)")

    class WhatsAppStatus(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        DELIVERED = "delivered", _("delivered")
        READ = "read", _("read")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("not sent (not chosen)")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=50, choices=kinds.choices())
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(
        _("link"), max_length=500, blank=True, help_text=_("A path on this site.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("email status"),
        max_length=10,
        choices=EmailStatus.choices,
        default=EmailStatus.PENDING,
    )
    email_attempts = models.PositiveSmallIntegerField(_("email attempts"), default=0)
    email_claimed_at = models.DateTimeField(_("email claimed at"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("email sent at"), null=True, blank=True)
    email_last_error = models.TextField(_("last email error"), blank=True)
    whatsapp_status = models.CharField(
        _("WhatsApp status"),
        max_length=10,
        choices=WhatsAppStatus.choices,
        default=WhatsAppStatus.SKIPPED,
    )
    whatsapp_attempts = models.PositiveSmallIntegerField(_("WhatsApp attempts"), default=0)
    whatsapp_claimed_at = models.DateTimeField(_("WhatsApp claimed at"), null=True, blank=True)
    whatsapp_sent_at = models.DateTimeField(_("WhatsApp sent at"), null=True, blank=True)
    whatsapp_message_id = models.CharField(
        _("WhatsApp message id"),
        max_length=128,
        blank=True,
        help_text=_("The id Meta gave the message; status updates and replies refer to it."),
    )
    whatsapp_params = models.JSONField(
        _("WhatsApp template parameters"),
        default=list,
        blank=True,
        help_text=_("Rendered in the recipient's language when the event happened."),
    )
    whatsapp_error_code = models.CharField(_("WhatsApp error code"), max_length=20, blank=True)
    whatsapp_last_error = models.TextField(_("last WhatsApp error"), blank=True)
    dedupe_key = models.CharField(
        _("deduplication key"),
        max_length=120,
        blank=True,
        help_text=_("Reminders carry a key so that a periodic job never sends one twice."),
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The notification centre lists a user's rows, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created_idx"),
            # The unread count in the navigation, on every page.
            models.Index(
                fields=["recipient"],
                name="notif_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
            # The sweep looks only at emails not yet finished.
            models.Index(
                fields=["email_status", "created_at"],
                name="notif_email_open_idx",
                condition=Q(email_status__in=["pending", "sending"]),
            ),
            # The sweep looks only at WhatsApp messages not yet finished.
            models.Index(
                fields=["whatsapp_status", "created_at"],
                name="notif_whatsapp_open_idx",
                condition=Q(whatsapp_status__in=["pending", "sending"]),
            ),
        ]
        constraints = [
            PyCheckConstraint(
                condition=Q(email_status__in=["pending", "sending", "sent", "failed", "skipped"]),
                name="notification_email_status_valid",
            ),
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_dedupe_unique",
            ),
            PyCheckConstraint(
                condition=Q(email_sent_at__isnull=True) | Q(email_status="sent"),
                name="notification_sent_at_only_when_sent",
            ),
            PyCheckConstraint(
                condition=Q(
                    whatsapp_status__in=[
                        "pending",
                        "sending",
                        "sent",
                        "delivered",
                        "read",
                        "failed",
                        "skipped",
                    ]
                ),
                name="notification_whatsapp_status_valid",
            ),
            # Status webhooks and replies find the row by Meta's message id.
            models.UniqueConstraint(
                fields=["whatsapp_message_id"],
                condition=~Q(whatsapp_message_id=""),
                name="notification_whatsapp_message_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.title}"

    def get_absolute_url(self) -> str:
        return self.url or reverse("notifications:list")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's choice for one kind; no row means email and WhatsApp (with a confirmed
    number) are both on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=50, choices=kinds.choices())
    email = models.BooleanField(_("send by email"), default=True)
    whatsapp = models.BooleanField(_("send by WhatsApp"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique"),
        ]

    def __str__(self) -> str:
        channels = [name for name, on in (("email", self.email), ("WhatsApp", self.whatsapp)) if on]
        return f"{self.user} · {self.kind} · {' + '.join(channels) or 'in-app'}"


E164_REGEX = r"^\+[1-9][0-9]{7,14}$"


class WhatsAppNumber(models.Model):
    """A person's WhatsApp number: confirmed by a six-digit code before anything is sent.

    ``last_inbound_at`` opens WhatsApp's 24-hour customer-service window: inside it a
    free-form text may be sent, outside only an approved template.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the code")
        CONFIRMED = "confirmed", _("confirmed")
        OPTED_OUT = "opted_out", _("stopped (replied STOP)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="whatsapp_number",
    )
    phone = models.CharField(
        _("WhatsApp number"),
        max_length=16,
        help_text=_("In international form, e.g. +6281234567890."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    code_hash = models.CharField(_("confirmation code (hashed)"), max_length=64, blank=True)
    code_sent_at = models.DateTimeField(_("code sent at"), null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(_("wrong codes entered"), default=0)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_inbound_at = models.DateTimeField(
        _("last message from this number"),
        null=True,
        blank=True,
        help_text=_("Free-form messages are allowed for 24 hours after it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("WhatsApp number")
        verbose_name_plural = _("WhatsApp numbers")
        constraints = [
            PyCheckConstraint(condition=Q(phone__regex=E164_REGEX), name="whatsapp_number_e164"),
            PyCheckConstraint(
                condition=Q(status__in=["pending", "confirmed", "opted_out"]),
                name="whatsapp_number_status_valid",
            ),
            # An incoming message names one person: a number is confirmed for one only.
            models.UniqueConstraint(
                fields=["phone"],
                condition=Q(status="confirmed"),
                name="whatsapp_number_confirmed_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.phone}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED
