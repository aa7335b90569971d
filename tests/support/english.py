"""Reading the English texts in tests: the site's default language is Indonesian, and so
is every account the factories make."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models.signals import pre_save

from accounts.models import User


def _english_account(sender, instance, **kwargs):
    if instance._state.adding:
        instance.language = "en"


@contextmanager
def read_in_english(settings) -> Iterator[None]:
    """The site, and every account made inside the block, in English."""
    settings.LANGUAGE_CODE = "en"
    pre_save.connect(_english_account, sender=User, dispatch_uid="read_in_english")
    try:
        yield
    finally:
        pre_save.disconnect(sender=User, dispatch_uid="read_in_english")
