from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadinessConfig(AppConfig):
    """No models: the checks, the reads derived from them and the checklist templates."""

    name = "readiness"
    verbose_name = _("Export readiness")
