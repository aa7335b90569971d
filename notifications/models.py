from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import kinds


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def email_due(self, *, older_than):
        """Emails still pending (never sent) that were created before ``older_than``."""
        return self.filter(email_status=Notification.EmailStatus.PENDING, created_at__lt=older_than)

    def email_stale_claims(self, *, claimed_before):
        """Emails claimed by a worker that died before finishing."""
        return self.filter(
            email_status=Notification.EmailStatus.SENDING, email_claimed_at__lt=claimed_before
        )


class Notification(models.Model):
    """One event told to one person: in-app always, by email unless turned off.

    The row is the outbox: it is written in the event's transaction, and the
    ``deliver`` task claims it with a conditional UPDATE so an email goes out once.
    """

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("not sent (turned off)")

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
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(email_status__in=["pending", "sending", "sent", "failed", "skipped"]),
                name="notification_email_status_valid",
            ),
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_dedupe_unique",
            ),
            models.CheckConstraint(
                condition=Q(email_sent_at__isnull=True) | Q(email_status="sent"),
                name="notification_sent_at_only_when_sent",
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
    """A user's choice for one kind; no row means email is on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=50, choices=kinds.choices())
    email = models.BooleanField(_("send by email"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind} · {'email' if self.email else 'in-app'}"
