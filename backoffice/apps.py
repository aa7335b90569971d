from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The Disperindag staff back office: the one app that composes every domain."""

    name = "backoffice"
    verbose_name = _("Staff back office")
