"""Reads derived from the one list of checks (``mentoring.readiness.checks``).

- the owner's checklists: ``product_readiness``, ``business_readiness`` (items, score,
  missing), ``product_readiness_rows`` for a list of products;
- the catalogue's export-ready filter: ``export_ready_q`` (the whole product checklist
  as one SQL condition);
- the programme figures and the mentors' mentee scores: ``with_readiness`` and
  ``readiness_scores`` (every business check as a boolean, many businesses in one query);
- the gaps a mentor may tie an action item to: ``ACTION_ITEM_KEYS``, ``readiness_for``.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy

from mentoring.models import Registration
from umkm.models import Business, Product

from .checks import BUSINESS, CHECKLISTS, CHECKS, PRODUCT, Facts, Subject, checks_on

__all__ = [
    "ACTION_ITEM_KEYS",
    "READINESS_FIELDS",
    "CheckItem",
    "Facts",
    "Readiness",
    "business_facts",
    "business_readiness",
    "export_ready_q",
    "product_readiness",
    "product_readiness_rows",
    "readiness_for",
    "readiness_score",
    "readiness_scores",
    "score_of",
    "with_readiness",
]


def score_of(done: int, total: int) -> int:
    """The score (0–100) of a checklist with ``done`` of ``total`` items done."""
    return round(100 * done / total) if total else 0


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: Promise
    done: bool
    fix_url: str = ""


@dataclass(frozen=True)
class Readiness:
    items: list[CheckItem] = field(default_factory=list)

    @property
    def score(self) -> int:
        return score_of(sum(item.done for item in self.items), len(self.items))

    @property
    def missing(self) -> list[CheckItem]:
        return [item for item in self.items if not item.done]


# One business or product, in Python -------------------------------------------------


def business_facts(business: Business, *, today: dt.date | None = None) -> Facts:
    """The facts the business checks read, in three queries."""
    today = today or timezone.localdate()
    return Facts(
        valid_kinds=frozenset(
            business.certifications.valid(on=today).values_list("kind", flat=True)
        ),
        has_mentor=business.mentorships.active().exists(),
        has_training=business.registrations.filter(status=Registration.Status.ATTENDED).exists(),
    )


def _readiness(checklist: str, subject: Subject) -> Readiness:
    food = CHECKLISTS[checklist].is_food(subject)
    return Readiness(
        [
            CheckItem(
                check.key,
                check.label,
                check.passes(subject),
                check.fix.url(subject) if check.fix else "",
            )
            for check in checks_on(checklist)
            if food or not check.food_only
        ]
    )


def product_readiness(product: Product, *, facts: Facts | None = None) -> Readiness:
    """The export checklist of one product. Uses ``product.image_count`` when the
    queryset annotated it, so lists stay at a constant number of queries."""
    facts = facts or business_facts(product.business)
    return _readiness(PRODUCT, Subject(product.business, facts, product))


def business_readiness(business: Business, *, facts: Facts | None = None) -> Readiness:
    """The export checklist of one business (one query more than its facts, unless
    ``facts.has_listed`` is known)."""
    facts = facts or business_facts(business)
    return _readiness(BUSINESS, Subject(business, facts))


def readiness_for(
    *, business: Business, product: Product | None = None, facts: Facts | None = None
) -> Readiness:
    """The product's checklist when there is a product, else the business's: the
    checklist an action item tied to a gap is about."""
    if product is not None:
        return product_readiness(product, facts=facts or business_facts(business))
    return business_readiness(business, facts=facts)


def product_readiness_rows(products) -> list[tuple[Product, Readiness]]:
    """Each product with its checklist, the business facts computed once per business."""
    facts: dict[int, Facts] = {}
    rows = []
    for product in products:
        if product.business_id not in facts:
            facts[product.business_id] = business_facts(product.business)
        rows.append((product, product_readiness(product, facts=facts[product.business_id])))
    return rows


# Many products or businesses, in SQL -------------------------------------------------


def _applicable(checklist: str, check, today: dt.date) -> Q:
    definition = CHECKLISTS[checklist]
    condition = check.condition(definition.path, today)
    return ~definition.food | condition if check.food_only else condition


def export_ready_q(*, today: dt.date | None = None) -> Q:
    """Products whose whole checklist is done (``product_readiness(...).score == 100``),
    as one condition on ``Product`` rows: the catalogue's export-ready filter."""
    today = today or timezone.localdate()
    condition = Q()
    for check in checks_on(PRODUCT):
        condition &= _applicable(PRODUCT, check, today)
    return condition


def _boolean(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


# ``r_food`` says whether the food checks count; ``r_<key>`` whether each check passes.
READINESS_FIELDS = ["pk", "r_food", *(f"r_{check.key}" for check in checks_on(BUSINESS))]


def with_readiness(
    businesses: QuerySet[Business], *, today: dt.date | None = None, listed: bool = True
) -> QuerySet[Business]:
    """Annotate each business check as an ``r_<key>`` boolean, and ``r_food``.

    ``listed=False`` leaves ``r_listed`` out, for a caller that already counted the
    listed products per business (it must then add ``r_listed`` to each row).
    """
    today = today or timezone.localdate()
    path = CHECKLISTS[BUSINESS].path
    return businesses.annotate(
        r_food=_boolean(CHECKLISTS[BUSINESS].food),
        **{
            f"r_{check.key}": _boolean(check.condition(path, today))
            for check in checks_on(BUSINESS)
            if listed or check.key != "listed"
        },
    )


def readiness_score(row: dict) -> int:
    """The score of one row of ``with_readiness(...).values(*READINESS_FIELDS)``."""
    checks = [c for c in checks_on(BUSINESS) if row["r_food"] or not c.food_only]
    return score_of(sum(bool(row[f"r_{check.key}"]) for check in checks), len(checks))


def readiness_scores(
    businesses: QuerySet[Business], *, today: dt.date | None = None
) -> dict[int, int]:
    """Business id → readiness score (0–100), in one query."""
    rows = with_readiness(businesses, today=today).order_by().values(*READINESS_FIELDS)
    return {row["pk"]: readiness_score(row) for row in rows}


# The SQL of ``readiness_scores_of`` for each number of ids, compiled once per process:
# the ORM takes 8–20 ms to compile the annotated checks (the mentor's dashboard, on every
# request), several times what PostgreSQL takes to run them. Each parameter is kept as
# a constant, "the day" or "the n-th id", found by compiling with marker values.
_MARK_DAY = dt.date(1901, 2, 3)
_MARK_ID = -(10**12)
_COMPILED_SCORES: dict[tuple[str, int], tuple[str, list[tuple[str, object]]] | None] = {}


def _compiled_scores(count: int) -> tuple[str, list[tuple[str, object]]] | None:
    key = (connection.vendor, count)
    if key not in _COMPILED_SCORES:
        marks = {_MARK_ID - i: i for i in range(count)}
        queryset = (
            with_readiness(Business.objects.filter(pk__in=list(marks)), today=_MARK_DAY)
            .order_by()
            .values(*READINESS_FIELDS)
        )
        sql, params = queryset.query.sql_with_params()
        day = connection.ops.adapt_datefield_value(_MARK_DAY)  # a string on SQLite
        slots: list[tuple[str, object]] = []
        timeless = True
        for value in params:
            if type(value) is type(day) and value == day:
                slots.append(("day", None))
            elif type(value) is int and value in marks:
                slots.append(("id", marks[value]))
            else:
                # Another date or time would be frozen into the SQL: not compiled then.
                timeless &= not isinstance(value, dt.date)
                slots.append(("constant", value))
        found = sorted(index for kind, index in slots if kind == "id")
        # Every id exactly once and no other date, or the shape is not what this
        # expects: the ORM answers then.
        ok = timeless and found == list(range(count))
        _COMPILED_SCORES[key] = (sql, slots) if ok else None
    return _COMPILED_SCORES[key]


def readiness_scores_of(ids, *, today: dt.date | None = None) -> dict[int, int]:
    """Business id → readiness score of the businesses ``ids``: the same answer as
    ``readiness_scores(Business.objects.filter(pk__in=ids))``, in one query whose SQL is
    compiled once for each number of ids."""
    today = today or timezone.localdate()
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    compiled = _compiled_scores(len(ids))
    if compiled is None:
        return readiness_scores(Business.objects.filter(pk__in=ids), today=today)
    sql, slots = compiled
    day = connection.ops.adapt_datefield_value(today)
    params = [
        day if kind == "day" else ids[value] if kind == "id" else value for kind, value in slots
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {row["pk"]: readiness_score(row) for row in rows}


def _action_item_keys() -> list[tuple[str, Promise]]:
    """One choice per key; a key on both checklists (``english``: a product's name and
    description, a business's description) is labelled with both labels."""
    labels: dict[str, list[Promise]] = {}
    for check in CHECKS:
        if check.action_item and check.label not in labels.setdefault(check.key, []):
            labels[check.key].append(check.label)
    return [
        (key, found[0] if len(found) == 1 else format_lazy("{} / {}", *found))
        for key, found in labels.items()
    ]


# The gaps a mentor may tie an action item to (on a product's checklist when the item
# is about a product, else on the business's), labelled as on the checklists.
ACTION_ITEM_KEYS = _action_item_keys()
