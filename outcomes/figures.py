"""The programme's outcome figures, each with its definition.

One function, ``outcome_figures(as_of=…)``, computes everything the dashboard's
outcomes section, the funders' report (HTML, PDF, XLSX) and their tests read, from a
fixed number of queries. ``DEFINITIONS`` states what every figure counts; the pages and
the files print them next to the figures.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import cache_versions, stored_data, writes
from marketplace.countries import country_name
from mentoring.models import Mentorship

from .models import (
    REVENUE_RANK,
    Baseline,
    BudgetPeriod,
    ExportStatus,
    FiguresSnapshot,
    FollowUp,
    Shipment,
)

DEFINITIONS = [
    (
        _("Verified shipment"),
        _(
            "An export shipment recorded by the owner or the business's mentor with a "
            "commercial invoice, PEB, certificate of origin (e-SKA) or bill of lading, "
            "which Disperindag staff checked and verified. Shipments waiting for "
            "verification or rejected are not counted."
        ),
    ),
    (
        _("New exporter"),
        _(
            "A business with at least one verified shipment, counted from the date of "
            "its first, unless its baseline says it already exported directly to buyers "
            "abroad. A business that sold abroad only through a trader becomes a new "
            "(direct) exporter. A business without a baseline is counted."
        ),
    ),
    (
        _("Export value"),
        _(
            "The sum of the US$ values of verified shipments shipped up to the report "
            "date. The rupiah value uses the staff's exchange rate of each shipment's "
            "month; shipments of a month without a rate have no rupiah value yet and "
            "are counted separately."
        ),
    ),
    (
        _("Follow-up survey"),
        _(
            "Six and twelve months after a business's first mentorship began, then every "
            "twelve months, the owner receives a survey link (or staff call). A survey "
            "is due on that date."
        ),
    ),
    (
        _("Response rate"),
        _(
            "Businesses that answered at least one due follow-up, divided by the "
            "businesses with at least one due follow-up."
        ),
    ),
    (
        _("Jobs"),
        _(
            "Paid workers, women and men. The change in jobs is each respondent's latest "
            "answer minus its baseline, summed over the respondents that have a "
            "baseline; businesses that did not answer are not counted (no change is "
            "assumed for them). Unpaid (family) workers are shown apart."
        ),
    ),
    (
        _("Revenue band movement"),
        _(
            "For each respondent with a baseline: whether its latest revenue band is "
            "higher, the same or lower than at the baseline."
        ),
    ),
    (
        _("Attribution"),
        _('The respondents\' latest answer to "Would this have happened without the programme?".'),
    ),
    (
        _("Programme budget"),
        _(
            "The sum of the budget periods staff entered that began on or before the "
            "report date (whole periods, not pro rata)."
        ),
    ),
    (
        _("Cost per new exporter, per job"),
        _(
            "The programme budget divided by the number of new exporters, or by the net "
            "change in jobs when it is above zero; not shown without a budget."
        ),
    ),
    (
        _("Per mentor"),
        _(
            "The businesses a mentor has mentored (an active or completed mentorship "
            "begun by the report date). A business with two mentors counts for both. A "
            "mentor's share of the budget is the budget times the mentor's businesses "
            "divided by all mentor–business pairs."
        ),
    ),
]


def _ratio(amount: Decimal, count: int | Decimal) -> Decimal | None:
    """``amount / count`` in whole rupiah; None without a budget or a positive count."""
    if not amount or amount <= 0 or not count or count <= 0:
        return None
    return (Decimal(amount) / Decimal(count)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass
class Country:
    code: str
    shipments: int
    businesses: int
    value_usd: Decimal

    @property
    def name(self) -> str:
        return str(country_name(self.code))


@dataclass
class MentorOutcome:
    mentor_id: int
    name: str
    businesses: int
    new_exporters: int
    value_usd: Decimal
    jobs_change: int
    respondents: int
    budget_share_idr: Decimal

    @property
    def cost_per_new_exporter(self) -> Decimal | None:
        return _ratio(self.budget_share_idr, self.new_exporters)

    @property
    def cost_per_job(self) -> Decimal | None:
        return _ratio(self.budget_share_idr, self.jobs_change)


@dataclass
class OutcomeFigures:
    as_of: date
    new_exporters: int = 0
    exporters: int = 0
    shipments: int = 0
    value_usd: Decimal = Decimal(0)
    value_idr: Decimal = Decimal(0)
    shipments_without_rate: int = 0
    countries: list[Country] = field(default_factory=list)
    baselines: int = 0
    surveyed: int = 0
    answered: int = 0
    respondents: int = 0  # answered and have a baseline
    jobs_women_change: int = 0
    jobs_men_change: int = 0
    unpaid_change: int = 0
    revenue_up: int = 0
    revenue_same: int = 0
    revenue_down: int = 0
    attribution: dict[str, int] = field(default_factory=dict)
    budget_idr: Decimal = Decimal(0)
    mentors: list[MentorOutcome] = field(default_factory=list)

    @property
    def response_rate(self) -> int | None:
        """Percent, rounded half up; None when nobody was surveyed yet."""
        if not self.surveyed:
            return None
        return int(
            (Decimal(100 * self.answered) / self.surveyed).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
        )

    @property
    def jobs_change(self) -> int:
        return self.jobs_women_change + self.jobs_men_change

    @property
    def cost_per_new_exporter(self) -> Decimal | None:
        return _ratio(self.budget_idr, self.new_exporters)

    @property
    def cost_per_job(self) -> Decimal | None:
        return _ratio(self.budget_idr, self.jobs_change)

    @property
    def country_count(self) -> int:
        return len(self.countries)


def _latest_answers(as_of: date) -> tuple[set[int], dict[int, FollowUp]]:
    """Businesses with a due follow-up, and each one's latest answer by the date (one
    query over the due rounds)."""
    surveyed: set[int] = set()
    latest: dict[int, FollowUp] = {}
    for follow_up in FollowUp.objects.filter(due_on__lte=as_of).order_by("business_id", "-months"):
        surveyed.add(follow_up.business_id)
        if follow_up.answered_at and timezone.localdate(follow_up.answered_at) <= as_of:
            latest.setdefault(follow_up.business_id, follow_up)
    return surveyed, latest


def outcome_figures(*, as_of: date | None = None) -> OutcomeFigures:
    """Every outcome figure up to and including ``as_of`` (today by default)."""
    as_of = as_of or timezone.localdate()
    figures = OutcomeFigures(as_of=as_of)

    # Exports: verified shipments shipped by the date, in one query grouped by business
    # and country; the totals, the businesses and the countries are summed from it.
    per_business: dict[int, dict] = {}
    countries: dict[str, Country] = {}
    rows = (
        Shipment.objects.verified()
        .filter(shipped_on__lte=as_of)
        .values("business", "buyer_country")
        .annotate(
            usd=Sum("value_usd"),
            idr=Sum("value_idr"),
            n=Count("pk"),
            missing=Count("pk", filter=Q(value_idr__isnull=True)),
        )
        .order_by()
    )
    for row in rows:
        usd = Decimal(row["usd"])
        figures.shipments += row["n"]
        figures.value_usd += usd
        figures.value_idr += Decimal(row["idr"] or 0)
        figures.shipments_without_rate += row["missing"]
        business = per_business.setdefault(row["business"], {"usd": Decimal(0)})
        business["usd"] += usd
        country = countries.setdefault(
            row["buyer_country"],
            Country(code=row["buyer_country"], shipments=0, businesses=0, value_usd=Decimal(0)),
        )
        country.shipments += row["n"]
        country.businesses += 1
        country.value_usd += usd
    figures.countries = sorted(countries.values(), key=lambda c: (-c.value_usd, c.code))

    baselines = {b.business_id: b for b in Baseline.objects.all()}
    figures.baselines = len(baselines)
    direct_before = {pk for pk, b in baselines.items() if b.export_status == ExportStatus.DIRECT}
    exporters = set(per_business)
    new_exporters = exporters - direct_before
    figures.exporters = len(exporters)
    figures.new_exporters = len(new_exporters)

    # Follow-ups against the baseline.
    surveyed, latest = _latest_answers(as_of)
    figures.surveyed = len(surveyed)
    figures.answered = len(latest)
    jobs: dict[int, int] = {}
    attribution: dict[str, int] = defaultdict(int)
    for business_id, answer in latest.items():
        attribution[answer.attribution] += 1
        baseline = baselines.get(business_id)
        if baseline is None:
            continue
        figures.respondents += 1
        women = (answer.women_paid or 0) - (baseline.women_paid or 0)
        men = (answer.men_paid or 0) - (baseline.men_paid or 0)
        figures.jobs_women_change += women
        figures.jobs_men_change += men
        jobs[business_id] = women + men
        figures.unpaid_change += (
            (answer.women_unpaid or 0)
            + (answer.men_unpaid or 0)
            - (baseline.women_unpaid or 0)
            - (baseline.men_unpaid or 0)
        )
        before, after = (
            REVENUE_RANK.get(baseline.revenue_band),
            REVENUE_RANK.get(answer.revenue_band),
        )
        if before is None or after is None:
            continue
        if after > before:
            figures.revenue_up += 1
        elif after < before:
            figures.revenue_down += 1
        else:
            figures.revenue_same += 1
    figures.attribution = {
        choice: attribution.get(choice, 0) for choice in FollowUp.Attribution.values
    }

    figures.budget_idr = BudgetPeriod.objects.filter(starts_on__lte=as_of).aggregate(
        total=Sum("amount_idr")
    )["total"] or Decimal(0)

    # Per mentor: the businesses each has mentored by the date. A mentorship has begun
    # when it has a start (only accepting or assigning it sets one; it stays when the
    # mentorship is completed), so "active or completed" needs no status filter here.
    pairs = (
        Mentorship.objects.filter(started_at__date__lte=as_of)
        .values_list("mentor_id", "mentor__full_name", "mentor__email", "business_id")
        .distinct()
    )
    by_mentor: dict[int, set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    for mentor_id, full_name, email, business_id in pairs:
        by_mentor[mentor_id].add(business_id)
        names[mentor_id] = full_name or email
    links = sum(len(businesses) for businesses in by_mentor.values())
    for mentor_id, businesses in by_mentor.items():
        share = (
            (figures.budget_idr * len(businesses) / links).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
            if links
            else Decimal(0)
        )
        figures.mentors.append(
            MentorOutcome(
                mentor_id=mentor_id,
                name=names[mentor_id],
                businesses=len(businesses),
                new_exporters=len(businesses & new_exporters),
                value_usd=sum((per_business[b]["usd"] for b in businesses & exporters), Decimal(0)),
                jobs_change=sum(jobs.get(b, 0) for b in businesses),
                respondents=len(businesses & set(jobs)),
                budget_share_idr=share,
            )
        )
    figures.mentors.sort(key=lambda m: (-m.new_exporters, -m.value_usd, m.name))
    return figures


# The programme dashboard shows these beside its stored snapshot: at a million products
# (25,000 businesses, 17,500 mentorships) computing them takes 150–250 ms, so they are
# kept for as long as the snapshot's figures (10 minutes), in the cache and in the
# database (``FiguresSnapshot``: a cleared or restarted cache costs one read, not the
# computation), and retired at once by any write of what they are computed from
# (``signals``). Mentorships that start in between show within the 10 minutes, as in the
# rest of the dashboard.
FIGURES_CACHE_SECONDS = 10 * 60
# The dashboard lists the mentors with the most new exporters; the kept figures hold
# those only (every mentor is in the funders' report, computed on request). At a million
# products all 2,500 mentors made the kept figures 210 KB: 7 ms to unpickle on every
# dashboard, 25 ms to read back from the database.
DASHBOARD_MENTORS = 10


def _shape(kind) -> list[tuple[str, str]]:
    return [(f.name, str(f.type)) for f in fields(kind)]


# What stored figures were written for: a deploy that adds, removes or retypes a field,
# or changes how they are written (``_FORMAT``), reads the rows of the code before it as
# missing, and computes them again.
_FORMAT = "core.stored_data tags"
SCHEMA = hashlib.sha256(
    repr([_FORMAT, *(_shape(kind) for kind in (OutcomeFigures, Country, MentorOutcome))]).encode()
).hexdigest()[:16]


def figures_to_data(figures: OutcomeFigures) -> dict:
    """``figures`` as JSON data (``core.stored_data``), with ``SCHEMA``."""
    return {"schema": SCHEMA, **stored_data.encode(figures)}


def figures_from_data(data: dict) -> OutcomeFigures | None:
    """What ``figures_to_data`` gave, as figures again; None when it was written for
    other fields (by an older deploy) or cannot be read."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        return None
    try:
        values = _typed(
            OutcomeFigures, stored_data.decode({k: v for k, v in data.items() if k != "schema"})
        )
        values["countries"] = [Country(**_typed(Country, row)) for row in values["countries"]]
        values["mentors"] = [
            MentorOutcome(**_typed(MentorOutcome, row)) for row in values["mentors"]
        ]
        return OutcomeFigures(**values)
    except (TypeError, KeyError, ValueError, ArithmeticError):
        return None


# The plain field types a stored row must hold as they are (a text where a decimal was
# written is a row that cannot be read, not figures that fail when they are shown).
_PLAIN = {"Decimal": Decimal, "date": date, "int": int, "str": str}


def _typed(kind, values: dict) -> dict:
    """``values``, checked against the plain fields of the dataclass ``kind``."""
    for f in fields(kind):
        expected = _PLAIN.get(str(f.type))
        if expected is not None and f.name in values and not isinstance(values[f.name], expected):
            raise ValueError(f"{kind.__name__}.{f.name}")
    return values


def lasting_outcome_figures(*, as_of: date) -> tuple[OutcomeFigures, float]:
    """The dashboard's ``outcome_figures`` of ``as_of`` (every total and country, the
    first ``DASHBOARD_MENTORS`` mentors) from its ``FiguresSnapshot`` while nothing they
    count has been written since it was computed, and it is at most
    ``FIGURES_CACHE_SECONDS`` old; computed and stored otherwise. With the seconds they
    stay current. The generation is read before computing and the figures are stored
    only if it is still the same, so figures computed from rows a writer has changed
    since are never kept as current."""
    snapshot = FiguresSnapshot.objects.filter(day=as_of).first()
    if snapshot is None:  # the day's row first, so that writers from now on mark it
        # Bookkeeping no personal page shows: it retires none of them (``core.writes``).
        with writes.unseen():
            FiguresSnapshot.objects.bulk_create([FiguresSnapshot(day=as_of)], ignore_conflicts=True)
        snapshot = FiguresSnapshot.objects.get(day=as_of)
    if snapshot.computed_generation == snapshot.generation and snapshot.computed_at is not None:
        left = FIGURES_CACHE_SECONDS - (timezone.now() - snapshot.computed_at).total_seconds()
        figures = figures_from_data(snapshot.data) if left > 0 else None
        if figures is not None:
            return figures, left
    figures = outcome_figures(as_of=as_of)
    figures.mentors = figures.mentors[:DASHBOARD_MENTORS]
    with writes.unseen():
        FiguresSnapshot.objects.filter(pk=snapshot.pk, generation=snapshot.generation).update(
            data=figures_to_data(figures),
            computed_generation=snapshot.generation,
            computed_at=timezone.now(),
        )
    return figures, FIGURES_CACHE_SECONDS


def figures_snapshots_prune(*, today: date) -> int:
    """Delete the stored figures of the days before last week (the beat job)."""
    with writes.unseen():
        deleted, _by_model = FiguresSnapshot.objects.filter(
            day__lt=today - timedelta(days=7)
        ).delete()
    return deleted


def figures_changed() -> None:
    """Every stored day's figures are out of date. Called once the write is committed
    (``signals``): in the writer's transaction it would lock every day's row until the
    writer ends, so outcome writers would queue, and deadlock, on it."""
    with writes.unseen():
        FiguresSnapshot.objects.update(generation=F("generation") + 1)


def cached_outcome_figures(*, as_of: date | None = None) -> OutcomeFigures:
    """The dashboard's ``outcome_figures`` (every total and country, the first
    ``DASHBOARD_MENTORS`` mentors) from the cache while nothing they count has changed, else
    from the database (``lasting_outcome_figures``); computed (and kept) otherwise. The
    cache keeps them for what is left of their ``FIGURES_CACHE_SECONDS``."""
    as_of = as_of or timezone.localdate()
    left = float(FIGURES_CACHE_SECONDS)

    def compute() -> OutcomeFigures:
        nonlocal left
        figures, left = lasting_outcome_figures(as_of=as_of)
        return figures

    return cache_versions.remember(
        cache_versions.OUTCOMES,
        f"outcome-figures:{as_of.isoformat()}",
        compute,
        lambda: max(1, int(left)),
    )
