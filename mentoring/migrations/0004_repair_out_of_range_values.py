"""Bring stored values inside the bounds that the next migration's CHECK constraints
enforce (see ``core.bounds``), so that adding them cannot fail on existing rows.

Above all a training saved with an end like "9999-12-31 23:59" in a zone west of UTC:
PostgreSQL stored year 10000, which no page could read back (every page that loaded it
failed, its edit page too). Times out of range move inside it, keeping their order (an
impossible end becomes two hours after the start); the host sees the odd date and
corrects it. Everything runs in the database, as such a row cannot be read into Python.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import migrations
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Greatest, Least

from core.bounds import repair_range

# Frozen here as they were when the constraints were added.
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2100, 12, 31)
EARLIEST_MOMENT = datetime(2000, 1, 1, tzinfo=UTC) - timedelta(hours=14)
LATEST_MOMENT = datetime(2101, 1, 1, tzinfo=UTC) + timedelta(hours=12)


def _moment(value: datetime) -> Value:
    return Value(value, output_field=DateTimeField())


def repair(apps, schema_editor):
    MentoringLog = apps.get_model("mentoring", "MentoringLog")
    ActionItem = apps.get_model("mentoring", "ActionItem")
    TrainingSession = apps.get_model("mentoring", "TrainingSession")

    repair_range(MentoringLog, "date", EARLIEST_DATE, LATEST_DATE)
    repair_range(MentoringLog, "duration_hours", Decimal("0.1"), Decimal(24))
    repair_range(ActionItem, "due_on", EARLIEST_DATE, LATEST_DATE)

    # Each statement keeps the existing order constraints (end after start, deadline not
    # after start) true for every row, as PostgreSQL checks them statement by statement.
    sessions = TrainingSession.objects.all()
    last_start = LATEST_MOMENT - timedelta(hours=3)
    sessions.filter(starts_at__lt=EARLIEST_MOMENT).update(
        starts_at=EARLIEST_MOMENT,
        ends_at=Greatest("ends_at", _moment(EARLIEST_MOMENT + timedelta(hours=2))),
    )
    sessions.filter(starts_at__gt=last_start).update(
        starts_at=last_start,
        registration_deadline=Least("registration_deadline", _moment(last_start)),
    )
    # An end out of range was a typo: two hours, a usual session, that the host sees and
    # corrects (a longer stretch would fail the session's own length check).
    sessions.filter(ends_at__gte=LATEST_MOMENT).update(ends_at=F("starts_at") + timedelta(hours=2))
    sessions.filter(registration_deadline__lt=EARLIEST_MOMENT).update(
        registration_deadline=EARLIEST_MOMENT
    )
    repair_range(TrainingSession, "capacity", 1, 1000)


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0003_private_materials_open_items_first"),
    ]

    operations = [
        migrations.RunPython(repair, migrations.RunPython.noop),
    ]
