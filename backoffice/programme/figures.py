"""The programme dashboard's figures: a bounded number of aggregate queries.

Every figure is read through ``Programme``, whose parts are computed once, on first
use, each by one aggregate query (never a loop of queries over rows), so the page costs
the same number of queries whatever the amount of data. The definitions below are the
ones the page explains under "How these are counted"; tests pin each of them.

Scope: the filters select businesses (active ones, of a city, a sector, or the mentees
of a mentor: businesses with a mentorship of that mentor that started); every figure
counts only what belongs to those businesses. Windows are half-open, in the viewer's
time zone.
"""

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import (
    Avg,
    Count,
    DateField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from marketplace.models import BuyingRequest, Inquiry, Quote
from mentoring.models import MentoringLog, Mentorship, Registration, TrainingSession
from mentoring.readiness.selectors import (
    READINESS_FIELDS,
    export_ready_q,
    readiness_score,
    with_readiness,
)
from umkm.models import Business, Category, Product

from .periods import Filters, add_months
from .tables import (
    COUNT,
    HOURS,
    MONTH,
    PERCENT,
    RATING,
    SIGNED,
    TEXT,
    USD,
    Column,
    Table,
    format_value,
)

SEATED = [
    Registration.Status.CONFIRMED,
    Registration.Status.ATTENDED,
    Registration.Status.NO_SHOW,
]
MAX_SERIES_MONTHS = 60
READINESS_BUCKETS = [(0, 19), (20, 39), (40, 59), (60, 79), (80, 99), (100, 100)]


def share(part, whole) -> float | None:
    """``part`` as a percentage of ``whole`` (one decimal), or None when ``whole`` is 0."""
    if not whole:
        return None
    return round(100 * float(part) / float(whole), 1)


def within(field: str, start, end) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def scope_q(filters: Filters, prefix: str = "") -> Q:
    """The filtered businesses, as a condition on ``prefix`` (e.g. ``business__``)."""
    q = Q(**{f"{prefix}is_active": True})
    if filters.city:
        q &= Q(**{f"{prefix}city": filters.city})
    if filters.sector:
        q &= Q(**{f"{prefix}sector": filters.sector})
    if filters.mentor_id:
        mentees = Mentorship.objects.filter(
            mentor_id=filters.mentor_id, started_at__isnull=False
        ).values("business_id")
        q &= Q(**{f"{prefix}pk__in": mentees})
    return q


def active_at(moment: dt.datetime, prefix: str = "") -> Q:
    """A mentorship running at ``moment``: started before it and not ended by then."""
    return Q(**{f"{prefix}started_at__lt": moment}) & (
        Q(**{f"{prefix}ended_at__isnull": True}) | Q(**{f"{prefix}ended_at__gte": moment})
    )


def _decimal(value, places: str) -> Decimal:
    """Sums of decimals come back as 1700 (SQLite) or 1700.00 (PostgreSQL): one form."""
    return Decimal(value).quantize(Decimal(places))


def _median_hours(pairs) -> float | None:
    hours = [(replied - sent).total_seconds() / 3600 for sent, replied in pairs]
    return round(statistics.median(hours), 1) if hours else None


# Headline figures --------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    direction: str  # "up", "down", "same" or "new"
    text: str
    absolute: float | None
    percent: float | None


@dataclass(frozen=True)
class Figure:
    key: str
    label: Promise
    value: int | float | Decimal | None
    previous: int | float | Decimal | None = None
    kind: str = COUNT
    compare: bool = True  # False: a figure of today, without a previous value
    note: str = ""

    @property
    def text(self) -> str:
        return format_value(self.value, self.kind)

    @property
    def previous_text(self) -> str:
        return format_value(self.previous, self.kind)

    @property
    def unit(self) -> str:
        return {COUNT: "count", HOURS: "hours", PERCENT: "%", RATING: "1-5", USD: "USD"}[self.kind]

    @property
    def change(self) -> Change | None:
        if not self.compare or self.value is None or self.previous is None:
            return None
        diff = float(self.value) - float(self.previous)
        percent = None if not self.previous else round(100 * diff / float(self.previous), 1)
        if diff == 0:
            return Change("same", "±0", 0, 0 if self.previous else None)
        direction = "up" if diff > 0 else "down"
        if self.kind == PERCENT:
            text = _("%(points)s pts") % {"points": format_value(diff, SIGNED)}
            return Change(direction, str(text), round(diff, 1), None)
        if not self.previous:
            return Change("new", str(_("new")), round(diff, 1), None)
        sign = "+" if diff > 0 else "−"
        text = sign + format_value(abs(diff), self.kind)
        text += f" ({format_value(percent, SIGNED)}%)"
        return Change(direction, text, round(diff, 1), percent)


@dataclass(frozen=True)
class FigureGroup:
    title: Promise
    figures: list[Figure]


# Funnel and mentors --------------------------------------------------------------------

FUNNEL_STEPS = [
    ("registered", _("Registered")),
    ("verified", _("Verified by staff")),
    ("mentored", _("Mentored")),
    ("trained", _("Completed a training")),
    ("listed", _("Product listed")),
    ("inquiry", _("Inquiry received")),
    ("deal", _("Deal won")),
]


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: Promise
    count: int
    conversion: float | None  # % of the step before
    of_registered: float | None


@dataclass
class MentorRow:
    pk: int
    name: str
    mentees: int = 0
    hours: Decimal = Decimal(0)
    trainings: int = 0
    attended: int = 0
    no_show: int = 0
    feedback: float | None = None
    gain: float | None = None
    listed: int = 0
    inquiries: int = 0

    @property
    def attendance(self) -> float | None:
        return share(self.attended, self.attended + self.no_show)


class Programme:
    """The dashboard of one set of filters; each part is one query, computed on use."""

    def __init__(self, filters: Filters, *, today: dt.date | None = None):
        self.filters = filters
        self.period = period = filters.period
        self.today = today or timezone.localdate()
        self.start, self.end = period.start_at, period.end_at
        self.previous_start, self.previous_end = period.previous_start_at, period.previous_end_at

    # Conditions shared by the parts

    def _current(self, field: str) -> Q:
        return within(field, self.start, self.end)

    def _previous(self, field: str) -> Q:
        return within(field, self.previous_start, self.previous_end)

    def _either(self, field: str) -> Q:
        return self._current(field) | self._previous(field)

    def _mentor_kwargs(self, prefix: str = "") -> dict:
        return {f"{prefix}mentor_id": self.filters.mentor_id} if self.filters.mentor_id else {}

    def _mentored_at(self, moment: dt.datetime) -> Exists:
        return Exists(
            Mentorship.objects.filter(active_at(moment), business=OuterRef("pk")).filter(
                **self._mentor_kwargs()
            )
        )

    def _scoped(self, model, prefix: str = "business__") -> QuerySet:
        return model.objects.filter(scope_q(self.filters, prefix))

    # Businesses, grouped by city, sector and scale (one query) -------------------------

    @cached_property
    def business_groups(self) -> list[dict]:
        end, previous_end = self.end, self.previous_end
        return list(
            Business.objects.filter(scope_q(self.filters), created_at__lt=end)
            .order_by()
            .values("city", "sector", "scale")
            .annotate(
                total=Count("pk"),
                total_prev=Count("pk", filter=Q(created_at__lt=previous_end)),
                new=Count("pk", filter=Q(created_at__gte=self.start)),
                new_prev=Count("pk", filter=self._previous("created_at")),
                verified=Count("pk", filter=Q(verified_at__lt=end)),
                verified_prev=Count(
                    "pk", filter=Q(created_at__lt=previous_end, verified_at__lt=previous_end)
                ),
                mentored=Count("pk", filter=Q(self._mentored_at(end))),
                mentored_prev=Count(
                    "pk",
                    filter=Q(created_at__lt=previous_end) & Q(self._mentored_at(previous_end)),
                ),
            )
        )

    def _business_totals(self) -> dict[str, int]:
        keys = ["total", "new", "verified", "mentored"]
        keys += [f"{key}_prev" for key in keys]
        return {key: sum(group[key] for group in self.business_groups) for key in keys}

    @cached_property
    def approved_mentors(self) -> dict:
        mentors = User.objects.approved_mentors()
        if self.filters.mentor_id:
            mentors = mentors.filter(pk=self.filters.mentor_id)

        def counted(moment):
            q = Q(mentor_approved_at__lt=moment)
            if self.filters.narrows_businesses:
                q &= Q(
                    Exists(
                        Mentorship.objects.filter(
                            active_at(moment),
                            scope_q(self.filters, "business__"),
                            mentor=OuterRef("pk"),
                        )
                    )
                )
            return q

        return mentors.aggregate(
            now=Count("pk", filter=counted(self.end)),
            prev=Count("pk", filter=counted(self.previous_end)),
        )

    @cached_property
    def mentoring(self) -> dict:
        period = self.period
        current = Q(date__range=(period.start, period.end))
        previous = Q(date__range=(period.previous_start, period.previous_end))
        logs = self._scoped(MentoringLog, "mentorship__business__").filter(
            **self._mentor_kwargs("mentorship__")
        )
        return logs.filter(current | previous).aggregate(
            hours=Coalesce(Sum("duration_hours", filter=current), Decimal(0)),
            hours_prev=Coalesce(Sum("duration_hours", filter=previous), Decimal(0)),
        )

    def _sessions_held(self) -> QuerySet[TrainingSession]:
        sessions = TrainingSession.objects.filter(status=TrainingSession.Status.DONE)
        if self.filters.narrows_businesses:
            sessions = sessions.filter(
                Exists(
                    Registration.objects.filter(
                        scope_q(self.filters, "business__"),
                        session=OuterRef("pk"),
                        status__in=SEATED,
                    )
                )
            )
        return sessions

    @cached_property
    def sessions(self) -> dict:
        current, previous = self._current("starts_at"), self._previous("starts_at")
        return (
            self._sessions_held()
            .filter(current | previous)
            .aggregate(
                held=Count("pk", filter=current),
                held_prev=Count("pk", filter=previous),
                capacity=Coalesce(Sum("capacity", filter=current), 0, output_field=IntegerField()),
            )
        )

    @cached_property
    def registrations(self) -> dict:
        current = self._current("session__starts_at")
        previous = self._previous("session__starts_at")
        seated = Q(status__in=SEATED)
        attended = Q(status=Registration.Status.ATTENDED)
        no_show = Q(status=Registration.Status.NO_SHOW)
        return (
            self._scoped(Registration)
            .filter(session__status=TrainingSession.Status.DONE)
            .filter(current | previous)
            .aggregate(
                seats=Count("pk", filter=current & seated),
                seats_prev=Count("pk", filter=previous & seated),
                attended=Count("pk", filter=current & attended),
                attended_prev=Count("pk", filter=previous & attended),
                no_show=Count("pk", filter=current & no_show),
                no_show_prev=Count("pk", filter=previous & no_show),
                rating=Avg("feedback_rating", filter=current),
                rating_prev=Avg("feedback_rating", filter=previous),
                ratings=Count("feedback_rating", filter=current),
            )
        )

    @cached_property
    def product_groups(self) -> list[tuple[int, int, int, int, int]]:
        """(business, category, listed today, first listed in the period, in the
        previous period) for the filtered businesses: one scan of the products serves
        the headline, the mentors' mentees and the category bars."""
        current, previous = self._current("listed_at"), self._previous("listed_at")
        return list(
            self._scoped(Product)
            .filter(Q(is_listed=True) | current | previous)
            .order_by()
            .values_list("business_id", "category_id")
            .annotate(
                now=Count("pk", filter=Q(is_listed=True)),
                listed=Count("pk", filter=current),
                listed_prev=Count("pk", filter=previous),
            )
        )

    @cached_property
    def products(self) -> dict:
        groups = self.product_groups
        return {
            "listed": sum(group[3] for group in groups),
            "listed_prev": sum(group[4] for group in groups),
            "listed_now": sum(group[2] for group in groups),
        }

    @cached_property
    def export_ready(self) -> int:
        """Listed products that pass the whole checklist today (``export_ready_q`` as a
        WHERE clause, so PostgreSQL can turn its EXISTS into semi-joins)."""
        return (
            self._scoped(Product)
            .filter(export_ready_q(today=self.today), is_listed=True)
            .order_by()
            .count()
        )

    def _threads(self) -> QuerySet[Inquiry]:
        """Conversations with buyers (spam left out), of the filtered businesses."""
        return self._scoped(Inquiry).exclude(status=Inquiry.Status.SPAM)

    @cached_property
    def inquiries(self) -> dict:
        current, previous = self._current("created_at"), self._previous("created_at")
        received = Q(quote__isnull=True)  # a thread a quote opened was not received
        won = Q(outcome=Inquiry.Outcome.DEAL_WON)
        return (
            self._threads()
            .filter(current | previous)
            .aggregate(
                received=Count("pk", filter=current & received),
                received_prev=Count("pk", filter=previous & received),
                won=Count("pk", filter=current & won),
                won_prev=Count("pk", filter=previous & won),
                value=Coalesce(Sum("deal_value_usd", filter=current & won), Decimal(0)),
                value_prev=Coalesce(Sum("deal_value_usd", filter=previous & won), Decimal(0)),
            )
        )

    @cached_property
    def first_replies(self) -> dict:
        """Median hours from an inquiry to the supplier's first reply, over the inquiries
        sent in the window that got one (computed here over one ``values_list``)."""
        pairs = (
            self._threads()
            .filter(self._either("created_at"), quote__isnull=True, first_reply_at__isnull=False)
            .order_by()
            .values_list("created_at", "first_reply_at")
        )
        current, previous = [], []
        for sent, replied in pairs:
            (current if sent >= self.start else previous).append((sent, replied))
        return {"now": _median_hours(current), "prev": _median_hours(previous)}

    @cached_property
    def buying_requests(self) -> dict:
        current, previous = self._current("created_at"), self._previous("created_at")
        requests = BuyingRequest.objects.filter(current | previous)
        if self.filters.narrows_businesses:
            requests = requests.filter(
                Exists(
                    Quote.objects.filter(
                        scope_q(self.filters, "business__"), request=OuterRef("pk")
                    )
                )
            )
        return requests.aggregate(
            now=Count("pk", filter=current), prev=Count("pk", filter=previous)
        )

    @cached_property
    def headline(self) -> list[FigureGroup]:
        b = self._business_totals()
        mentors = self.approved_mentors
        sessions, regs = self.sessions, self.registrations
        products, threads, replies = self.products, self.inquiries, self.first_replies
        ready = self.export_ready
        requests = self.buying_requests

        def rating(value):
            return None if value is None else round(float(value), 1)

        seats_note = ""
        if not self.filters.narrows_businesses and sessions["held"]:
            seats_note = _("of %(seats)s seats offered") % {
                "seats": format_value(sessions["capacity"], COUNT)
            }
        ratings_note = ""
        if regs["ratings"]:
            ratings_note = _("from %(count)s ratings") % {
                "count": format_value(regs["ratings"], COUNT)
            }
        return [
            FigureGroup(
                _("Businesses"),
                [
                    Figure("businesses", _("Businesses"), b["total"], b["total_prev"]),
                    Figure("businesses_new", _("New in the period"), b["new"], b["new_prev"]),
                    Figure("verified", _("Verified"), b["verified"], b["verified_prev"]),
                    Figure(
                        "verified_share",
                        _("Verified share"),
                        share(b["verified"], b["total"]),
                        share(b["verified_prev"], b["total_prev"]),
                        kind=PERCENT,
                    ),
                    Figure(
                        "mentored", _("With an active mentor"), b["mentored"], b["mentored_prev"]
                    ),
                    Figure(
                        "approved_mentors", _("Approved mentors"), mentors["now"], mentors["prev"]
                    ),
                ],
            ),
            FigureGroup(
                _("Mentoring and training"),
                [
                    Figure(
                        "mentoring_hours",
                        _("Mentoring hours logged"),
                        _decimal(self.mentoring["hours"], "0.1"),
                        _decimal(self.mentoring["hours_prev"], "0.1"),
                        kind=HOURS,
                    ),
                    Figure(
                        "trainings_held",
                        _("Trainings held"),
                        sessions["held"],
                        sessions["held_prev"],
                    ),
                    Figure(
                        "seats_filled",
                        _("Seats filled"),
                        regs["seats"],
                        regs["seats_prev"],
                        note=seats_note,
                    ),
                    Figure(
                        "attendance_rate",
                        _("Attendance rate"),
                        share(regs["attended"], regs["attended"] + regs["no_show"]),
                        share(regs["attended_prev"], regs["attended_prev"] + regs["no_show_prev"]),
                        kind=PERCENT,
                    ),
                    Figure(
                        "avg_feedback",
                        _("Average feedback (1–5)"),
                        rating(regs["rating"]),
                        rating(regs["rating_prev"]),
                        kind=RATING,
                        note=ratings_note,
                    ),
                ],
            ),
            FigureGroup(
                _("Products and buyers"),
                [
                    Figure(
                        "products_listed",
                        _("Products listed"),
                        products["listed"],
                        products["listed_prev"],
                        note=_("%(count)s listed today")
                        % {"count": format_value(products["listed_now"], COUNT)},
                    ),
                    Figure(
                        "export_ready_share",
                        _("Export-ready share of listed products"),
                        share(ready, products["listed_now"]),
                        kind=PERCENT,
                        compare=False,
                        note=_("%(ready)s of %(listed)s, today")
                        % {
                            "ready": format_value(ready, COUNT),
                            "listed": format_value(products["listed_now"], COUNT),
                        },
                    ),
                    Figure(
                        "inquiries",
                        _("Inquiries received"),
                        threads["received"],
                        threads["received_prev"],
                    ),
                    Figure(
                        "buying_requests",
                        _("Buying requests"),
                        requests["now"],
                        requests["prev"],
                    ),
                    Figure(
                        "median_first_reply_hours",
                        _("Median hours to first reply"),
                        replies["now"],
                        replies["prev"],
                        kind=HOURS,
                    ),
                    Figure("deals_won", _("Deals won"), threads["won"], threads["won_prev"]),
                    Figure(
                        "deals_value_usd",
                        _("Reported deal value"),
                        _decimal(threads["value"], "0.01"),
                        _decimal(threads["value_prev"], "0.01"),
                        kind=USD,
                    ),
                ],
            ),
        ]

    @property
    def figures(self) -> dict[str, Figure]:
        return {figure.key: figure for group in self.headline for figure in group.figures}

    # The funnel (one query) --------------------------------------------------------

    @cached_property
    def funnel_counts(self) -> dict[str, int]:
        """Businesses registered by the end of the period that reached each step and
        every step before it, by the end of the period."""
        end = self.end
        business = OuterRef("pk")
        threads = Inquiry.objects.filter(business=business, created_at__lt=end).exclude(
            status=Inquiry.Status.SPAM
        )
        reached = [
            Q(verified_at__lt=end),
            Q(
                Exists(
                    Mentorship.objects.filter(
                        business=business, started_at__lt=end, **self._mentor_kwargs()
                    )
                )
            ),
            Q(
                Exists(
                    Registration.objects.filter(
                        business=business,
                        status=Registration.Status.ATTENDED,
                        session__starts_at__lt=end,
                    )
                )
            ),
            Q(Exists(Product.objects.filter(business=business, listed_at__lt=end))),
            Q(Exists(threads)),
            Q(Exists(threads.filter(outcome=Inquiry.Outcome.DEAL_WON))),
        ]
        aggregates = {"registered": Count("pk")}
        condition = Q()
        for (key, _label), step in zip(FUNNEL_STEPS[1:], reached, strict=True):
            condition &= step
            aggregates[key] = Count("pk", filter=condition)
        return Business.objects.filter(scope_q(self.filters), created_at__lt=end).aggregate(
            **aggregates
        )

    @cached_property
    def funnel(self) -> list[FunnelStep]:
        counts = self.funnel_counts
        steps, before = [], None
        for key, label in FUNNEL_STEPS:
            count = counts[key]
            steps.append(
                FunnelStep(
                    key,
                    label,
                    count,
                    None if before is None else share(count, before),
                    share(count, counts["registered"]),
                )
            )
            before = count
        return steps

    # Businesses with readiness, their mentorships, the mentors (three queries) --------

    @cached_property
    def business_facts(self) -> dict[int, dict]:
        """Business id → readiness score, products listed today and inquiries received
        in the period, for the filtered businesses registered by the end of the period
        (grouped counts, not one subquery per business)."""
        businesses = Business.objects.filter(scope_q(self.filters), created_at__lt=self.end)
        listed: dict[int, int] = {}
        for business, _category, now, _listed, _previous in self.product_groups:
            listed[business] = listed.get(business, 0) + now
        rows = (
            with_readiness(businesses, today=self.today, listed=False)
            .order_by()
            .values(*[name for name in READINESS_FIELDS if name != "r_listed"])
        )
        received = dict(
            self._threads()
            .filter(self._current("created_at"), quote__isnull=True)
            .order_by()
            .values("business")
            .annotate(n=Count("pk"))
            .values_list("business", "n")
        )
        return {
            row["pk"]: {
                "score": readiness_score({**row, "r_listed": listed.get(row["pk"], 0) > 0}),
                "listed": listed.get(row["pk"], 0),
                "inquiries": received.get(row["pk"], 0),
            }
            for row in rows
        }

    @cached_property
    def mentorships(self) -> list[dict]:
        return list(
            Mentorship.objects.filter(
                scope_q(self.filters, "business__"),
                started_at__lt=self.end,
                **self._mentor_kwargs(),
            )
            .order_by()
            .values("mentor_id", "business_id", "status", "ended_at", "readiness_at_start")
        )

    @cached_property
    def mentors(self) -> list[MentorRow]:
        """Mentors approved by the end of the period (with a filter: those with a mentee
        among the filtered businesses), the most hours first."""
        period = self.period
        mentor = OuterRef("pk")
        logs = (
            self._scoped(MentoringLog, "mentorship__business__")
            .filter(mentorship__mentor=mentor, date__range=(period.start, period.end))
            .order_by()
            .values("mentorship__mentor")
            .annotate(v=Sum("duration_hours"))
            .values("v")
        )
        held = (
            self._sessions_held()
            .filter(self._current("starts_at"), host=mentor)
            .order_by()
            .values("host")
            .annotate(v=Count("pk"))
            .values("v")
        )
        regs = (
            self._scoped(Registration)
            .filter(
                self._current("session__starts_at"),
                session__host=mentor,
                session__status=TrainingSession.Status.DONE,
            )
            .order_by()
            .values("session__host")
        )
        mentors = User.objects.filter(role=User.Role.MENTOR, mentor_approved_at__lt=self.end)
        if self.filters.mentor_id:
            mentors = mentors.filter(pk=self.filters.mentor_id)
        elif self.filters.narrows_businesses:
            mentors = mentors.filter(pk__in={m["mentor_id"] for m in self.mentorships})
        rows = (
            mentors.annotate(
                hours=Coalesce(Subquery(logs), Decimal(0)),
                held=Coalesce(Subquery(held), 0),
                attended=Coalesce(
                    Subquery(
                        regs.filter(status=Registration.Status.ATTENDED)
                        .annotate(v=Count("pk"))
                        .values("v")
                    ),
                    0,
                ),
                no_show=Coalesce(
                    Subquery(
                        regs.filter(status=Registration.Status.NO_SHOW)
                        .annotate(v=Count("pk"))
                        .values("v")
                    ),
                    0,
                ),
                feedback=Subquery(regs.annotate(v=Avg("feedback_rating")).values("v")),
            )
            .order_by()
            .values("pk", "full_name", "email", "hours", "held", "attended", "no_show", "feedback")
        )
        table = {
            row["pk"]: MentorRow(
                pk=row["pk"],
                name=row["full_name"] or row["email"],
                hours=_decimal(row["hours"], "0.1"),
                trainings=row["held"],
                attended=row["attended"],
                no_show=row["no_show"],
                feedback=None if row["feedback"] is None else round(float(row["feedback"]), 1),
            )
            for row in rows
        }
        facts = self.business_facts
        mentees: dict[int, set[int]] = {}
        gains: dict[int, list[int]] = {}
        for m in self.mentorships:
            if m["mentor_id"] not in table or m["business_id"] not in facts:
                continue
            if m["ended_at"] is None or m["ended_at"] >= self.end:
                mentees.setdefault(m["mentor_id"], set()).add(m["business_id"])
            if m["status"] == Mentorship.Status.ACTIVE and m["readiness_at_start"] is not None:
                score = facts[m["business_id"]]["score"]
                gains.setdefault(m["mentor_id"], []).append(score - m["readiness_at_start"])
        for pk, row in table.items():
            businesses = mentees.get(pk, set())
            row.mentees = len(businesses)
            row.listed = sum(facts[b]["listed"] for b in businesses)
            row.inquiries = sum(facts[b]["inquiries"] for b in businesses)
            if gains.get(pk):
                row.gain = round(statistics.fmean(gains[pk]), 1)
        return sorted(table.values(), key=lambda r: (-r.hours, -r.mentees, r.name.lower(), r.pk))

    @cached_property
    def mentor_count(self) -> int:
        """How many mentors the whole table has (a snapshot keeps only the first ones)."""
        return len(self.mentors)

    # Chart series ------------------------------------------------------------------

    @cached_property
    def months(self) -> list[dt.date]:
        """The months of the time series: the period's, at least the last twelve."""
        last = self.period.end.replace(day=1)
        first = min(self.period.start.replace(day=1), add_months(last, -11))
        first = max(first, add_months(last, -(MAX_SERIES_MONTHS - 1)))
        months, month = [], first
        while month <= last:
            months.append(month)
            month = add_months(month, 1)
        return months

    def _per_month(self, queryset: QuerySet, field: str) -> dict[dt.date, int]:
        start = timezone.make_aware(dt.datetime.combine(self.months[0], dt.time.min))
        rows = (
            queryset.filter(**{f"{field}__gte": start, f"{field}__lt": self.end})
            .annotate(
                month=TruncMonth(
                    field, output_field=DateField(), tzinfo=timezone.get_current_timezone()
                )
            )
            .order_by()
            .values("month")
            .annotate(n=Count("pk"))
            .values_list("month", "n")
        )
        return dict(rows)

    @cached_property
    def monthly(self) -> list[tuple[dt.date, int, int, int]]:
        businesses = self._per_month(Business.objects.filter(scope_q(self.filters)), "created_at")
        listings = self._per_month(self._scoped(Product), "listed_at")
        inquiries = self._per_month(self._threads().filter(quote__isnull=True), "created_at")
        return [
            (month, businesses.get(month, 0), listings.get(month, 0), inquiries.get(month, 0))
            for month in self.months
        ]

    @cached_property
    def category_counts(self) -> list[tuple[int, int]]:
        """(category id, products listed today) of the filtered businesses."""
        counts: dict[int, int] = {}
        for _business, category, now, _listed, _previous in self.product_groups:
            counts[category] = counts.get(category, 0) + now
        return sorted(counts.items())

    @cached_property
    def categories(self) -> list[tuple[str, int]]:
        """Products listed today by top-level category, the largest first (named from
        the small category table)."""
        counts = dict(self.category_counts)
        english = (get_language() or "id").startswith("en")
        categories = Category.objects.order_by().values_list("pk", "parent", "name_id", "name_en")
        parents, names = {}, {}
        for pk, parent_id, name_id, name_en in categories:
            parents[pk] = parent_id or pk
            names[pk] = (name_en if english else name_id) or name_id
        totals: dict[str, int] = {}
        for category_id, count in counts.items():
            if count:
                name = names[parents[category_id]]
                totals[name] = totals.get(name, 0) + count
        return sorted(totals.items(), key=lambda item: (-item[1], item[0]))

    @cached_property
    def readiness(self) -> list[tuple[str, int]]:
        scores = [facts["score"] for facts in self.business_facts.values()]
        return [
            (f"{low}–{high}" if low != high else str(low), sum(low <= s <= high for s in scores))
            for low, high in READINESS_BUCKETS
        ]

    # Tables (what the page shows and the exports download) -----------------------

    TABLES = [
        "figures",
        "funnel",
        "mentors",
        "monthly",
        "cities",
        "sectors",
        "scales",
        "categories",
        "readiness",
    ]

    def table(self, key: str) -> Table:
        if key not in self.TABLES:
            raise KeyError(key)
        return getattr(self, f"_table_{key}")()

    def _table_figures(self) -> Table:
        table = Table(
            "figures",
            _("Headline figures"),
            [
                Column(_("Key")),
                Column(_("Figure")),
                Column(_("Unit")),
                Column(_("This period"), TEXT),
                Column(_("Previous period"), TEXT),
                Column(_("Change"), TEXT),
                Column(_("Change (%)"), TEXT),
            ],
        )
        for figure in self.figures.values():
            change = figure.change
            table.rows.append(
                [
                    figure.key,
                    str(figure.label),
                    figure.unit,
                    figure.value,
                    figure.previous if figure.compare else None,
                    change.absolute if change else None,
                    change.percent if change else None,
                ]
            )
        return table

    def _table_funnel(self) -> Table:
        return Table(
            "funnel",
            _("From registration to deal"),
            [
                Column(_("Step")),
                Column(_("Businesses"), COUNT),
                Column(_("Of the step before"), PERCENT),
                Column(_("Of all registered"), PERCENT),
            ],
            [[str(s.label), s.count, s.conversion, s.of_registered] for s in self.funnel],
        )

    def _table_mentors(self) -> Table:
        return Table(
            "mentors",
            _("Mentors"),
            [
                Column(_("Mentor")),
                Column(_("Mentees"), COUNT),
                Column(_("Hours"), HOURS),
                Column(_("Trainings held"), COUNT),
                Column(_("Attendance"), PERCENT),
                Column(_("Feedback"), RATING),
                Column(_("Readiness gain"), SIGNED),
                Column(_("Mentees' listed products"), COUNT),
                Column(_("Mentees' inquiries"), COUNT),
            ],
            [
                [
                    m.name,
                    m.mentees,
                    m.hours,
                    m.trainings,
                    m.attendance,
                    m.feedback,
                    m.gain,
                    m.listed,
                    m.inquiries,
                ]
                for m in self.mentors
            ],
        )

    def _table_monthly(self) -> Table:
        return Table(
            "monthly",
            _("Month by month"),
            [
                Column(_("Month"), MONTH),
                Column(_("New businesses"), COUNT),
                Column(_("Products listed"), COUNT),
                Column(_("Inquiries received"), COUNT),
            ],
            [list(row) for row in self.monthly],
        )

    def _grouped(self, key: str, title, label, field: str, names: dict) -> Table:
        totals: dict[str, dict[str, int]] = {}
        for group in self.business_groups:
            name = str(names.get(group[field], group[field]))
            row = totals.setdefault(name, {"total": 0, "new": 0, "verified": 0, "mentored": 0})
            for count in row:
                row[count] += group[count]
        ordered = sorted(totals.items(), key=lambda item: (-item[1]["total"], item[0]))
        return Table(
            key,
            title,
            [
                Column(label),
                Column(_("Businesses"), COUNT),
                Column(_("New in the period"), COUNT),
                Column(_("Verified"), COUNT),
                Column(_("With an active mentor"), COUNT),
            ],
            [[name, c["total"], c["new"], c["verified"], c["mentored"]] for name, c in ordered],
        )

    def _table_cities(self) -> Table:
        return self._grouped("cities", _("Businesses by city"), _("City or regency"), "city", {})

    def _table_sectors(self) -> Table:
        return self._grouped(
            "sectors",
            _("Businesses by sector"),
            _("Sector"),
            "sector",
            dict(Business.Sector.choices),
        )

    def _table_scales(self) -> Table:
        return self._grouped(
            "scales", _("Businesses by scale"), _("Scale"), "scale", dict(Business.Scale.choices)
        )

    def _table_categories(self) -> Table:
        return Table(
            "categories",
            _("Listed products by category"),
            [Column(_("Category")), Column(_("Products listed today"), COUNT)],
            [list(row) for row in self.categories],
        )

    def _table_readiness(self) -> Table:
        return Table(
            "readiness",
            _("Export readiness of the businesses"),
            [Column(_("Readiness score")), Column(_("Businesses"), COUNT)],
            [list(row) for row in self.readiness],
        )
