"""The programme dashboard's stored figures (``ProgrammeSnapshot``): the same figures as
computing them on the spot, for every filter, through JSON and the database; computed
once when missing (a fresh install), kept up to date by the beat job, shown with the
time they were computed; long tables cut on the page but whole in the exports; added
sections stored with the rest (issues 14 and 19)."""

import datetime as dt
import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone, translation

from backoffice import services, tasks
from backoffice.models import ProgrammeSnapshot
from backoffice.programme import sections as sections_module
from backoffice.programme.figures import Programme
from backoffice.programme.periods import Filters, calendar_period, custom_period, month_period
from backoffice.programme.sections import Section
from backoffice.programme.snapshots import MENTORS_KEPT, PARTS, facts_of, programme_from
from backoffice.tasks import refresh_programme_snapshots
from backoffice.views import programme as programme_views
from umkm.models import Business

from ..factories import (
    BusinessFactory,
    MentorFactory,
    OwnerFactory,
    StaffFactory,
)
from ..support import count_queries

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 4, 15)
MARCH = month_period(2026, 3)
MARCH_QUERY = "period=custom&start=2026-03-01&end=2026-03-31"
TABLES = Programme.TABLES


@pytest.fixture(autouse=True)
def _indonesian():
    with translation.override("id"):
        yield


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory(language="en"))
    return client


def everything(p: Programme) -> dict:
    """All a page or an export shows: every figure (value, previous, change, note) and
    every table's rows and display text."""
    shown = {
        key: (f.value, f.previous, f.text, f.change, str(f.note)) for key, f in p.figures.items()
    }
    for key in TABLES:
        table = p.table(key)
        shown[f"table:{key}"] = (table.rows, table.display_rows)
    shown["funnel"] = p.funnel
    return shown


FILTERS = {
    "march": {},
    "empty period": {"period": custom_period(dt.date(2021, 1, 1), dt.date(2021, 1, 31))},
    "a city": {"city": "Dumai"},
    "a sector": {"sector": "crafts"},
    "city and sector": {"city": "Pekanbaru", "sector": "food"},
}


@pytest.mark.parametrize("name", list(FILTERS))
def test_stored_figures_are_the_computed_ones(march_2026, name):
    options = {"period": MARCH, **FILTERS[name]}
    filters = Filters(**options)
    live = Programme(filters, today=TODAY)
    data = json.loads(json.dumps(facts_of(Programme(filters, today=TODAY))))
    assert set(data) == {*PARTS, "sections"}
    assert everything(programme_from(filters, TODAY, data)) == everything(live)


def test_stored_figures_of_a_mentors_mentees(march_2026):
    filters = Filters(period=MARCH, mentor_id=march_2026.m1.pk, mentor_name="Mentor Satu")
    live = Programme(filters, today=TODAY)
    snapshot = services.programme_snapshot_compute(filters=filters, today=TODAY)
    stored, again = services.programme_snapshot_for(filters=filters, today=TODAY)
    assert again.pk == snapshot.pk
    assert everything(stored) == everything(live)
    # The hand counts of test_programme_figures: M1's mentees logged 2.5 hours in March.
    assert str(stored.figures["mentoring_hours"].value) == "2.5"


def test_reading_stored_figures_runs_no_aggregate_query(march_2026, django_assert_num_queries):
    filters = Filters(period=MARCH)
    services.programme_snapshot_compute(filters=filters, today=TODAY)
    # One query for the row, one for the category names (a small table).
    with django_assert_num_queries(2):
        programme, _snapshot = services.programme_snapshot_for(filters=filters, today=TODAY)
        everything(programme)


def test_a_fresh_install_computes_the_figures_once(staff_client):
    assert not ProgrammeSnapshot.objects.exists()
    response = staff_client.get("/staff/")
    assert response.status_code == 200
    assert ProgrammeSnapshot.objects.count() == 1
    snapshot = ProgrammeSnapshot.objects.get()
    assert snapshot.day == timezone.localdate()
    # The next visit reads the row: no aggregate query, no second row.
    computing_free = count_queries(staff_client, "/staff/")
    assert computing_free <= 8
    assert ProgrammeSnapshot.objects.count() == 1


def test_the_page_says_when_the_figures_were_computed(staff_client, march_2026):
    content = staff_client.get(f"/staff/?{MARCH_QUERY}").content.decode()
    snapshot = ProgrammeSnapshot.objects.get()
    assert "Figures computed at <time datetime=" in content
    assert timezone.localtime(snapshot.computed_at).isoformat() in content
    assert "they are computed again every 10 minutes" in content
    report = staff_client.get("/staff/report/?month=2026-03").content.decode()
    assert "Figures computed on" in report


def test_stored_figures_stay_until_computed_again(staff_client, march_2026):
    url = f"/staff/?{MARCH_QUERY}&city=Dumai"
    assert 'data-figure="businesses" data-value="2"' in staff_client.get(url).content.decode()
    added = BusinessFactory(city="Dumai")
    Business.objects.filter(pk=added.pk).update(
        created_at=timezone.make_aware(dt.datetime(2026, 3, 9))
    )
    # Until the beat job or "Compute again now", the page shows what was computed.
    assert 'data-figure="businesses" data-value="2"' in staff_client.get(url).content.decode()
    response = staff_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == url
    assert 'data-figure="businesses" data-value="3"' in staff_client.get(url).content.decode()


@pytest.mark.parametrize("actor", [None, OwnerFactory, MentorFactory])
def test_only_staff_may_compute_again(client, march_2026, actor):
    if actor is not None:
        client.force_login(actor())
    response = client.post("/staff/")
    assert response.status_code == (302 if actor is None else 404)
    if actor is None:
        assert "/accounts/login/" in response["Location"]
    assert not ProgrammeSnapshot.objects.exists()


def test_beat_job_keeps_todays_views_and_deletes_old_days(march_2026):
    today = timezone.localdate()
    old = services.programme_snapshot_compute(
        filters=Filters(period=MARCH), today=today - dt.timedelta(days=8)
    )
    opened = Filters(period=MARCH, city="Dumai")
    first = services.programme_snapshot_compute(filters=opened, today=today)
    assert refresh_programme_snapshots.delay().get() == 5
    # This month, quarter and year, last month (the report) and the view opened today.
    month = Filters(period=calendar_period("month", today=today))
    assert services.programme_snapshot_for(filters=month)[1].computed_at is not None
    stored = ProgrammeSnapshot.objects.filter(day=today)
    assert stored.count() == 5
    assert stored.get(pk=first.pk).computed_at > first.computed_at
    assert not ProgrammeSnapshot.objects.filter(pk=old.pk).exists()


def test_the_mentors_table_shows_the_first_ones_and_the_export_all(staff_client):
    for i in range(MENTORS_KEPT + 3):
        MentorFactory(full_name=f"Mentor {i:02d}")
    content = staff_client.get("/staff/").content.decode()
    mentors = content.split('id="mentors"', 1)[1].split("</section>", 1)[0]
    assert mentors.count('<th scope="row">') == MENTORS_KEPT
    assert f"The {MENTORS_KEPT} mentors with the most hours, of 23 mentors" in mentors
    export = staff_client.get("/staff/export/mentors.csv").content.decode()
    assert export.count("Mentor ") == MENTORS_KEPT + 3


def test_long_chart_tables_show_their_first_rows(staff_client, march_2026, monkeypatch):
    monkeypatch.setattr(programme_views, "TABLE_ROWS_SHOWN", 1)
    content = staff_client.get(f"/staff/?{MARCH_QUERY}").content.decode()
    cities = content.split('id="panel-cities"', 1)[1].split("</section>", 1)[0]
    assert cities.count('<th scope="row">') == 1
    assert "The first 1 of 2 rows; download the table for all of them." in cities


def test_an_added_section_is_stored_and_shown(staff_client, march_2026, monkeypatch):
    calls = []

    def figures(filters, today):
        calls.append((filters.city, today))
        return {"sent": 3, "share": 12.5, "when": today}

    section = Section("example", "backoffice/programme/partials/definitions.html", figures)
    monkeypatch.setattr(sections_module, "SECTIONS", [section])
    monkeypatch.setattr("backoffice.programme.snapshots.SECTIONS", [section])
    for _ in range(2):
        content = staff_client.get(f"/staff/?{MARCH_QUERY}").content.decode()
        # Rendered after the charts (its include), once per page.
        assert content.count("How these are counted") == 2
    assert len(calls) == 1  # computed with the figures, then read from the snapshot
    data = ProgrammeSnapshot.objects.get().data["sections"]["example"]
    assert data["sent"] == 3


def test_the_command_computes_todays_views(march_2026):
    out = io.StringIO()
    call_command("compute_programme_figures", stdout=out)
    assert ProgrammeSnapshot.objects.filter(day=timezone.localdate()).count() == 4
    assert out.getvalue().count("computed in") == 4


@pytest.fixture
def worker(settings, monkeypatch):
    """A Celery worker somewhere (not eager): what was queued, not run."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(
        tasks.compute_programme_snapshot, "delay", lambda *args: queued.append(args)
    )
    cache.clear()
    return queued


def test_other_filters_are_computed_by_a_worker_while_the_page_says_so(
    staff_client, march_2026, worker
):
    url = f"/staff/?{MARCH_QUERY}&city=Dumai"
    for _ in range(2):
        content = staff_client.get(url).content.decode()
        assert "The figures are being computed" in content
        assert '<meta http-equiv="refresh" content="10">' in content
        assert "data-figure=" not in content
        assert 'name="city"' in content  # the filters stay usable
    assert len(worker) == 1  # queued once, not once per reload
    filters, day = worker[0]
    assert filters["city"] == "Dumai"
    tasks.compute_programme_snapshot(filters, day)  # the worker's turn
    content = staff_client.get(url).content.decode()
    assert 'data-figure="businesses" data-value="2"' in content
    assert "http-equiv" not in content


def test_the_usual_views_are_computed_in_the_request(staff_client, worker):
    content = staff_client.get("/staff/?period=quarter").content.decode()
    assert "data-figure=" in content
    assert worker == []


def test_without_a_broker_the_figures_are_computed_in_the_request(
    staff_client, march_2026, settings, monkeypatch
):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def broker_down(*args):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.compute_programme_snapshot, "delay", broker_down)
    cache.clear()
    content = staff_client.get(f"/staff/?{MARCH_QUERY}&city=Dumai").content.decode()
    assert 'data-figure="businesses" data-value="2"' in content


def test_compute_again_with_a_worker_keeps_the_figures_until_then(staff_client, march_2026, worker):
    url = f"/staff/?{MARCH_QUERY}"
    services.programme_snapshot_compute(
        filters=Filters(period=custom_period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    )
    response = staff_client.post(url, follow=True)
    content = response.content.decode()
    assert "The figures are being computed again" in content
    assert "data-figure=" in content
    assert len(worker) == 1


def test_the_beat_job_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["programme-snapshots"]
    assert entry["task"] == "backoffice.tasks.refresh_programme_snapshots"
    assert entry["schedule"] == 600.0
    assert refresh_programme_snapshots.name == entry["task"]
