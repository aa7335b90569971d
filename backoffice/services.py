"""The back office's writes: the stored programme figures (``ProgrammeSnapshot``).

The programme dashboard reads its figures from a snapshot: one row per day, time zone,
period and filters, computed by ``Programme`` (the same queries and definitions as ever)
and stored with the time it was computed. The beat job ``refresh_programme_snapshots``
keeps today's usual views (this month, quarter and year, and last month's report, for
the whole programme) and every view staff opened today up to date; a view nobody has
opened yet is computed once when it is first asked for, then stored.
"""

import datetime as dt
import logging
import time

from django.db import transaction
from django.utils import timezone

from .models import ProgrammeSnapshot
from .programme.figures import Programme
from .programme.periods import (
    Filters,
)
from .programme.snapshots import (
    facts_of,
    filters_data,
    filters_from,
    programme_of,
    programme_snapshot_stored,
    snapshot_key,
    usual_filters,
)

logger = logging.getLogger(__name__)

KEEP_DAYS = 7  # snapshots of older days are deleted by the beat job


def programme_snapshot_compute(*, filters: Filters, today: dt.date | None = None):
    """Compute the figures of ``filters`` now and store them (replacing the day's row)."""
    today = today or timezone.localdate()
    started, started_at = time.perf_counter(), timezone.now()
    programme = Programme(filters, today=today)
    data = facts_of(programme)
    seconds = time.perf_counter() - started
    key = snapshot_key(filters, today)
    values = {
        "day": today,
        "filters": filters_data(filters),
        "data": data,
        "computed_at": started_at,  # the figures are of the data at the start
        "seconds": round(seconds, 3),
    }
    with transaction.atomic():
        # Two requests computing the same missing row at once: the last one wins.
        ProgrammeSnapshot.objects.bulk_create(
            [ProgrammeSnapshot(key=key, **values)],
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=list(values),
        )
    logger.info("programme figures computed in %.2f s (%s)", seconds, key[:12])
    return ProgrammeSnapshot.objects.get(key=key)


def programme_snapshot_for(*, filters: Filters, today: dt.date | None = None):
    """(the ``Programme`` to show, its snapshot): the stored figures of today for these
    filters, computed now and stored when there are none yet."""
    today = today or timezone.localdate()
    snapshot = programme_snapshot_stored(filters=filters, today=today)
    if snapshot is None:
        snapshot = programme_snapshot_compute(filters=filters, today=today)
    return programme_of(snapshot, filters=filters), snapshot


def programme_snapshots_due(*, today: dt.date | None = None) -> list[dict]:
    """What the beat job recomputes: today's usual views and every view of today already
    stored (those staff opened), as ``filters_data`` (with their time zone). Deletes
    the snapshots of old days on the way."""
    today = today or timezone.localdate()
    due = {
        snapshot_key(filters, today): filters_data(filters)
        for filters in usual_filters(today=today)
    }
    for key, data in ProgrammeSnapshot.objects.filter(day=today).values_list("key", "filters"):
        due.setdefault(key, data)
    ProgrammeSnapshot.objects.filter(day__lt=today - dt.timedelta(days=KEEP_DAYS)).delete()
    return list(due.values())


def programme_snapshot_compute_from(*, data: dict, today: dt.date) -> ProgrammeSnapshot:
    """``programme_snapshot_compute`` for stored filters, in the time zone they were for."""
    with timezone.override(data.get("time_zone") or timezone.get_current_timezone_name()):
        return programme_snapshot_compute(filters=filters_from(data), today=today)
