"""The back office's own rows: the programme figures computed ahead of the page.

The programme dashboard never computes its figures while staff wait (at a million
products that took seconds): a Celery beat job computes them for today's usual views and
for the views staff opened today, and stores the result here with the time it was
computed, which the page shows. ``backoffice.services.programme_snapshot_for`` reads a
row or, when there is none yet (a fresh install, a new set of filters), computes it
once and stores it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.constraints import PyCheckConstraint


class ProgrammeSnapshot(models.Model):
    """The programme's figures for one day and one set of filters, as computed then."""

    key = models.CharField(
        _("key"),
        max_length=64,
        unique=True,
        help_text=_("A digest of the day, time zone, period and filters the figures are for."),
    )
    day = models.DateField(_("day"), help_text=_("The day (“today”) the figures are for."))
    filters = models.JSONField(_("filters"), default=dict)
    data = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    seconds = models.FloatField(_("seconds to compute"), default=0)

    class Meta:
        verbose_name = _("programme snapshot")
        verbose_name_plural = _("programme snapshots")
        indexes = [
            # The beat job refreshes today's rows and deletes the old days'.
            models.Index(fields=["day"], name="programme_snapshot_day_idx"),
        ]
        constraints = [
            PyCheckConstraint(
                condition=models.Q(seconds__gte=0), name="programme_snapshot_seconds_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.key[:12]}"
