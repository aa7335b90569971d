"""CHECK constraints that model validation evaluates in Python.

Django validates a ``CheckConstraint`` by asking the database: one ``SELECT`` per
constraint per ``full_clean()``, plus a savepoint inside a transaction. A product has
seven of them, so a 1,000-row CSV import spent about 36,000 queries on them. ``PyCheckConstraint``
is the same constraint in the database and in migrations (it deconstructs as Django's
``CheckConstraint``, so no migration changes), but ``validate()`` first evaluates the
condition in Python, with SQL's three-valued logic: a comparison with NULL is unknown,
and an unknown result passes, as ``Coalesce(condition, True)`` does in Django's query.
A condition it cannot evaluate exactly (expressions, other lookups, mixed types) goes to
the database as before.
"""

from __future__ import annotations

import operator
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.db.models import CheckConstraint, Q
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import Value

_COMPARE = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


class _Unsupported(Exception):
    """The condition needs the database to be evaluated."""


class _MissingField(Exception):
    """A field the condition reads is excluded from validation (Django skips it)."""


def _kind(value) -> type | None:
    for kind in (bool, str, int | float | Decimal, datetime, date):
        if isinstance(value, kind):
            return kind
    return None


def _plain(value):
    if hasattr(value, "resolve_expression"):
        raise _Unsupported
    return value


def _lookup(child: tuple, against: dict) -> bool | None:
    path, rhs = child
    parts = path.split(LOOKUP_SEP)
    lookup = "exact"
    if len(parts) > 1 and parts[-1] in {"exact", "in", "isnull", "range", *_COMPARE}:
        lookup = parts.pop()
    if len(parts) != 1:
        raise _Unsupported  # a join or a transform
    if parts[0] not in against:
        raise _MissingField
    held = against[parts[0]]
    if not isinstance(held, Value):
        raise _Unsupported
    value = held.value
    rhs = _plain(rhs)
    if lookup == "isnull":
        return (value is None) is bool(rhs)
    if lookup == "exact" and rhs is None:
        return value is None
    if value is None:
        return None
    if isinstance(value, str | bytes) and lookup != "exact" and lookup != "in":
        raise _Unsupported  # ordering of text follows the database's collation
    try:
        if lookup == "exact":
            if _kind(value) != _kind(rhs):
                raise _Unsupported  # e.g. "1" against 1: let the database decide
            return value == rhs
        if lookup == "in":
            return value in [_plain(item) for item in rhs]
        if lookup == "range":
            low, high = (_plain(item) for item in rhs)
            return low <= value <= high
        return _COMPARE[lookup](value, rhs)
    except TypeError as error:
        raise _Unsupported from error


def _evaluate(node, against: dict) -> bool | None:
    if isinstance(node, Q):
        results = [_evaluate(child, against) for child in node.children]
        if node.connector == Q.AND:
            result = False if False in results else (None if None in results else True)
        elif node.connector == Q.OR:
            result = True if True in results else (None if None in results else False)
        else:
            raise _Unsupported
        if node.negated and result is not None:
            result = not result
        return result
    if isinstance(node, tuple):
        return _lookup(node, against)
    raise _Unsupported


def evaluate(condition: Q, against: dict) -> bool | None:
    """The condition's value for the instance's fields (None for SQL's unknown).

    Raises ``LookupError`` when it needs the database.
    """
    try:
        return _evaluate(condition, against)
    except _Unsupported as error:
        raise LookupError("needs the database") from error


class PyCheckConstraint(CheckConstraint):
    """A ``CheckConstraint`` that model validation evaluates without a query."""

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        against = instance._get_field_expression_map(meta=model._meta, exclude=exclude)
        try:
            result = _evaluate(Q(self.condition), against)
        except _MissingField:
            return  # as Django: a condition on an excluded field is not checked
        except _Unsupported:
            return super().validate(model, instance, exclude=exclude, using=using)
        if result is False:
            raise ValidationError(
                self.get_violation_error_message(), code=self.violation_error_code
            )

    def deconstruct(self):
        _path, args, kwargs = super().deconstruct()
        # The same constraint to migrations: the class only changes how it validates.
        return "django.db.models.CheckConstraint", args, kwargs
