"""The staff programme dashboard, its CSV/XLSX exports and the printable monthly report.

Staff only: anonymous visitors are sent to sign in, everyone else gets 404. The figures
come from ``backoffice.programme.figures.Programme`` (a bounded number of aggregate
queries). The dashboard and the report read them from a snapshot computed ahead by the
beat job (``backoffice.services``), shown with the time it was computed; the exports
compute them on request, complete. These views only read the filters and pick a
template or a file format.
"""

import datetime as dt
import logging

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.permissions import StaffRequiredMixin
from backoffice import services, tasks
from backoffice.programme import exports, snapshots
from backoffice.programme.charts import programme_panels
from backoffice.programme.figures import Programme
from backoffice.programme.periods import Filters, ProgrammeFilterForm, ReportMonthForm
from backoffice.programme.snapshots import filters_data, section_figures, snapshot_key

logger = logging.getLogger(__name__)

TOP_MENTORS = 5
COMPUTING_SECONDS = 300  # a queued computation is not queued again for this long
RELOAD_SECONDS = 10  # the "being computed" page reloads itself this often
TABLE_ROWS_SHOWN = 20  # longer tables on the page end with a link to their full export


def queue_computation(filters: Filters, today: dt.date) -> bool:
    """Hand the computation of ``filters``' figures to a Celery worker, once: True when
    a worker will do it (or already does). False when there is no worker to hand it to
    (eager Celery in development and tests, or the broker unreachable): compute here."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return False
    marker = f"programme-computing:{snapshot_key(filters, today)}"
    if not cache.add(marker, True, COMPUTING_SECONDS) and cache.get(marker):
        return True  # queued a moment ago (a reload, a second click)
    try:
        tasks.compute_programme_snapshot.delay(filters_data(filters), today.isoformat())
    except Exception:  # the broker is down: the caller computes in the request
        logger.warning("Could not queue the programme figures", exc_info=True)
        cache.delete(marker)
        return False
    return True


class ProgrammeDashboardView(StaffRequiredMixin, TemplateView):
    """The figures come from today's snapshot of the filters. Missing, the usual views
    (this month, quarter, year: also a fresh install's first visit) are computed in the
    request; other filters are computed by a worker while the page says so and reloads
    itself, so that a slow computation at national scale never holds a web worker."""

    template_name = "backoffice/programme/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ProgrammeFilterForm(self.request.GET or None)
        filters = form.filters()
        context.update(
            form=form,
            filters=filters,
            period=filters.period,
            export_query=filters.querystring(),
        )
        today = timezone.localdate()
        snapshot = snapshots.programme_snapshot_stored(filters=filters, today=today)
        if snapshot is None:
            usual = snapshots.is_usual(filters, today=today)
            if not usual and queue_computation(filters, today):
                context.update(computing=True, reload_seconds=RELOAD_SECONDS)
                return context
            snapshot = services.programme_snapshot_compute(filters=filters, today=today)
        programme = snapshots.programme_of(snapshot, filters=filters)
        mentors = programme.table("mentors")
        context.update(
            groups=programme.headline,
            # Drawn only when the template's fragment cache (one per snapshot and
            # language) misses: the SVG charts are the page's largest piece of work.
            panels=SimpleLazyObject(
                lambda: programme_panels(programme, rows_shown=TABLE_ROWS_SHOWN)
            ),
            snapshot_version=f"{snapshot.key}-{snapshot.computed_at.timestamp()}",
            mentors=mentors,
            mentor_count=programme.mentor_count,
            mentors_cut=programme.mentor_count > len(mentors.rows),
            figures_table=programme.table("figures"),
            computed_at=snapshot.computed_at,
            sections=[
                {"template": section.template, "key": section.key, "data": data}
                for section, data in section_figures(programme, snapshot.data)
            ],
        )
        return context

    def post(self, request, *args, **kwargs):
        """ "Compute again now": the figures of the filters shown (by a worker when
        there is one; the page shows the last ones until then), then the page again."""
        filters = ProgrammeFilterForm(request.GET or None).filters()
        today = timezone.localdate()
        if queue_computation(filters, today):
            messages.info(request, _("The figures are being computed again; reload in a minute."))
        else:
            services.programme_snapshot_compute(filters=filters, today=today)
        query = request.GET.urlencode()
        return redirect(reverse("backoffice:staff-dashboard") + (f"?{query}" if query else ""))


class ProgrammeExportView(StaffRequiredMixin, View):
    """``/staff/export/<table>.<csv|xlsx>?<the dashboard's filters>``."""

    def get(self, request, table: str, fmt: str):
        if table not in Programme.TABLES:
            raise Http404
        form = ProgrammeFilterForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            errors = [str(error) for errors in form.errors.values() for error in errors]
            return HttpResponseBadRequest(
                "\n".join(errors), content_type="text/plain; charset=utf-8"
            )
        filters = form.filters()
        data = Programme(filters).table(table)
        response = HttpResponse(exports.render(data, fmt), content_type=exports.CONTENT_TYPES[fmt])
        name = exports.filename(data, filters.period, fmt)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ProgrammeReportView(StaffRequiredMixin, TemplateView):
    """One printable A4 page for a calendar month (the last full month by default)."""

    template_name = "backoffice/programme/report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ReportMonthForm(self.request.GET or None)
        period = form.period()
        # Last month's report is one of the usual views: computed here when missing.
        programme, snapshot = services.programme_snapshot_for(filters=Filters(period=period))
        panels = programme_panels(
            programme, prefix="report", only=["funnel", "monthly", "readiness"]
        )
        context.update(groups=programme.headline, mentors=programme.mentors[:TOP_MENTORS])
        context.update(
            form=form,
            period=period,
            month=period.start,
            funnel=panels["funnel"],
            monthly=panels["monthly"],
            readiness=panels["readiness"],
            generated_at=timezone.now(),
            computed_at=snapshot.computed_at,
        )
        return context
