"""The staff programme dashboard, its CSV/XLSX exports and the printable monthly report.

Staff only: anonymous visitors are sent to sign in, everyone else gets 404. The figures
come from ``backoffice.programme.figures.Programme`` (a bounded number of aggregate
queries). The dashboard and the report read them from a snapshot computed ahead by the
beat job (``backoffice.services``), shown with the time it was computed; the exports
compute them on request, complete. These views only read the filters and pick a
template or a file format.
"""

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views import View
from django.views.generic import TemplateView

from accounts.permissions import StaffRequiredMixin
from backoffice import services
from backoffice.programme import exports
from backoffice.programme.charts import programme_panels
from backoffice.programme.figures import Programme
from backoffice.programme.periods import Filters, ProgrammeFilterForm, ReportMonthForm
from backoffice.programme.snapshots import section_figures

TOP_MENTORS = 5
TABLE_ROWS_SHOWN = 20  # longer tables on the page end with a link to their full export


class ProgrammeDashboardView(StaffRequiredMixin, TemplateView):
    template_name = "backoffice/programme/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ProgrammeFilterForm(self.request.GET or None)
        filters = form.filters()
        programme, snapshot = services.programme_snapshot_for(filters=filters)
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
        context.update(
            form=form,
            filters=filters,
            period=filters.period,
            export_query=filters.querystring(),
        )
        return context

    def post(self, request, *args, **kwargs):
        """ "Compute again now": the figures of the filters shown, then the page again."""
        form = ProgrammeFilterForm(request.GET or None)
        services.programme_snapshot_compute(filters=form.filters())
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
