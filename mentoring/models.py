from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MentorshipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Mentorship.Status.ACTIVE)


class Mentorship(models.Model):
    """A Bandung mentor accompanying one business: requested → active → completed."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ACTIVE = "active", _("active")
        COMPLETED = "completed", _("completed")
        DECLINED = "declined", _("declined")
        EXPIRED = "expired", _("expired")

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        related_name="mentorships",
        limit_choices_to={"role": "mentor"},
    )
    business = models.ForeignKey(
        "umkm.Business",
        verbose_name=_("business"),
        on_delete=models.CASCADE,
        related_name="mentorships",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    message = models.TextField(_("message from the owner"), blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        ordering = ["-requested_at"]
        constraints = [
            # One open (requested or active) mentorship per mentor and business.
            models.UniqueConstraint(
                fields=["mentor", "business"],
                condition=Q(status__in=["requested", "active"]),
                name="mentorship_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["requested", "active", "completed", "declined", "expired"]
                ),
                name="mentorship_status_valid",
            ),
        ]
        indexes = [
            # "Is this user an active mentor of that business?" on every back-office page.
            models.Index(
                fields=["mentor", "business"],
                name="mentorship_active_idx",
                condition=Q(status="active"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.business} ({self.get_status_display()})"
