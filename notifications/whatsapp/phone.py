"""WhatsApp numbers in E.164 form (``+6281234567890``).

Indonesian numbers are often typed the local way (``0812-3456-7890``) or with the
country code and spaces (``+62 812 3456 7890``); both become ``+6281234567890``.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MSG_INVALID_NUMBER = _(
    "Enter a mobile number such as 0812 3456 7890 or +62 812 3456 7890 "
    "(other countries: + and the country code)."
)

_SEPARATORS = re.compile(r"[\s\-.()/]")
_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
_INDONESIAN_MOBILE = re.compile(r"^\+628[0-9]{7,11}$")


def normalise(raw: str) -> str:
    """The E.164 form of ``raw``, or ``ValidationError`` with a clear message."""
    value = _SEPARATORS.sub("", str(raw or ""))
    if len(value) > 24:
        raise ValidationError(MSG_INVALID_NUMBER, code="invalid")
    if value.startswith("00"):
        value = "+" + value[2:]
    elif value.startswith("0"):
        value = "+62" + value[1:]
    elif value.startswith("62"):
        value = "+" + value
    if value.startswith("+620"):  # "+62 0812…": the local trunk 0 typed after +62
        value = "+62" + value[4:]
    if not _E164.match(value):
        raise ValidationError(MSG_INVALID_NUMBER, code="invalid")
    if value.startswith("+62") and not _INDONESIAN_MOBILE.match(value):
        raise ValidationError(MSG_INVALID_NUMBER, code="invalid")
    return value


def wa_id(phone: str) -> str:
    """The number as WhatsApp writes it in webhooks: digits only, no +."""
    return phone.lstrip("+")


def from_wa_id(value: str) -> str | None:
    """The E.164 form of a webhook's ``from`` (digits), or None if it is not a number."""
    candidate = "+" + str(value)
    return candidate if _E164.match(candidate) else None
