"""One submission, one record: idempotency keys for the writes people repeat.

A double click, a browser retry or a client that times out and sends again must not
create a second inquiry, reply or buying request. Each web form carries a random key
in a hidden field, fresh with every form rendered and kept when the form comes back
with errors; an API client may send its own in the ``Idempotency-Key`` header. The
service that creates the row stores the key on it (a partial unique index per author
guards it in the database), and, after taking the lock it already takes for the
author's writes, looks for the key first:

- not found: the row is written as before;
- found, same request: nothing is written, nobody is notified again, and
  ``AlreadySubmitted`` carries the row the first submission made;
- found, different request: a client reused a key (``code="idempotency_key_reused"``).

Should two requests ever reach the insert at once (a door without the lock), the
unique index refuses the second; ``first_wins`` catches that in a savepoint and
answers it as a replay of the row that won.

Writes with a natural key of their own (one quote per business and buying request,
one live registration per business and session) need no extra key: their duplicates
raise ``AlreadySubmitted`` with the existing row too.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

KEY_MAX_LENGTH = 64
HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
FIELD_NAME = "idempotency_key"
_VALID_KEY = re.compile(rf"[!-~]{{1,{KEY_MAX_LENGTH}}}")  # visible ASCII, no spaces

MSG_ALREADY_SENT = _("This was already sent, so it was not sent a second time.")
MSG_KEY_REUSED = _(
    "This was already sent once with different details. To send a new one, open the form "
    "again (in the API: use a new Idempotency-Key)."
)
MSG_KEY_INVALID = _(
    "An idempotency key has 1 to %(max)s characters: letters, digits or punctuation, "
    "without spaces."
)
REUSED = "idempotency_key_reused"


class AlreadySubmitted(ValidationError):
    """The write was done before; ``instance`` is the row it made.

    A ``ValidationError`` (code ``already_sent`` or ``duplicate``), so a door that does
    not know it still shows the message instead of failing; the web and the API catch
    it first and show the existing row.
    """

    def __init__(self, message=MSG_ALREADY_SENT, *, instance: models.Model, code="already_sent"):
        super().__init__(message, code=code)
        self.instance = instance


def new_key() -> str:
    return uuid.uuid4().hex


def is_valid_key(value: str) -> bool:
    return bool(_VALID_KEY.fullmatch(value))


def check_replay(
    earlier: models.QuerySet, key: str, *, same: Callable[[models.Model], bool]
) -> None:
    """Raise ``AlreadySubmitted`` if ``earlier`` (the author's rows, under their lock)
    holds one with ``key``; raise a "reused" error if that row answers another request."""
    if not key:
        return
    instance = earlier.filter(idempotency_key=key).first()
    if instance is None:
        return
    if not same(instance):
        raise ValidationError(MSG_KEY_REUSED, code=REUSED)
    raise AlreadySubmitted(instance=instance)


@contextmanager
def first_wins(
    earlier: models.QuerySet, key: str, *, same: Callable[[models.Model], bool]
) -> Iterator[None]:
    """Run the insert in a savepoint; if the unique index refuses it because a parallel
    request with the same key got there first, answer as a replay of that row."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        check_replay(earlier, key, same=same)  # raises if the key's row is there
        raise


class KeyField(forms.CharField):
    """The hidden key of a form: a new random one for each form rendered, the one
    submitted when the form is shown again with errors. A missing or malformed key
    (an old page, a hand-made request) is not an error: that submission is simply
    not deduplicated."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", new_key)
        super().__init__(**kwargs)

    def clean(self, value) -> str:
        value = self.to_python(value)  # no validators: an error here would be invisible
        return value if is_valid_key(value) else ""
