"""Pages of outcomes: the owner's baseline and shipments, the survey link, and the
staff's verification queue, follow-ups, rates, budget and the funders' report.

Who may see what comes from ``selectors``; another person's business answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.permissions import StaffRequiredMixin
from core.files import private_download
from core.http import whole_number

from . import reports, services
from .figures import DEFINITIONS, outcome_figures
from .forms import (
    AnswersForm,
    AsOfForm,
    BudgetPeriodForm,
    FollowUpForm,
    MonthlyRateForm,
    RejectForm,
    ShipmentForm,
)
from .models import Baseline, BudgetPeriod, FollowUp, MonthlyRate, Shipment
from .selectors import (
    businesses_visible_to,
    can_give_baseline,
    can_record_shipment,
    follow_ups_for_staff,
    shipments_awaiting_verification,
    shipments_visible_to,
)


def _add_service_errors(form, exc: ValidationError) -> None:
    """A service's refusal on the form: under the field it names, else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _business(request, slug):
    return get_object_or_404(businesses_visible_to(request.user), slug=slug)


# Baseline ------------------------------------------------------------------------


class BaselineView(LoginRequiredMixin, View):
    """The owner gives the baseline once; staff correct it; mentors read it."""

    template_name = "outcomes/baseline.html"

    def _render(self, request, business, baseline, form, status=200):
        return render(
            request,
            self.template_name,
            {"business": business, "baseline": baseline, "form": form},
            status=status,
        )

    def _form(self, request, business, baseline, data=None):
        if baseline is not None and request.user.is_staff:
            return AnswersForm(data, instance=baseline)
        if baseline is None and can_give_baseline(user=request.user, business=business):
            return AnswersForm(data)
        return None

    def get(self, request, slug):
        business = _business(request, slug)
        baseline = Baseline.objects.filter(business=business).first()
        return self._render(request, business, baseline, self._form(request, business, baseline))

    def post(self, request, slug):
        business = _business(request, slug)
        baseline = Baseline.objects.filter(business=business).first()
        form = self._form(request, business, baseline, request.POST)
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                if baseline is None:
                    services.baseline_give(business=business, by=request.user, **form.answers())
                else:
                    services.baseline_update(baseline=baseline, by=request.user, **form.answers())
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("The baseline is saved."))
                return redirect("outcomes:baseline", slug=business.slug)
        return self._render(request, business, baseline, form, status=400)


class BaselineHistoryView(StaffRequiredMixin, TemplateView):
    template_name = "outcomes/baseline_history.html"

    def get_context_data(self, **kwargs):
        business = _business(self.request, kwargs["slug"])
        baseline = get_object_or_404(Baseline, business=business)
        changes = baseline.changes.select_related("changed_by")
        return super().get_context_data(business=business, baseline=baseline, changes=changes)


# Shipments -----------------------------------------------------------------------


class ShipmentListView(LoginRequiredMixin, TemplateView):
    template_name = "outcomes/shipment_list.html"

    def get_context_data(self, **kwargs):
        business = _business(self.request, kwargs["slug"])
        return super().get_context_data(
            business=business,
            shipments=shipments_visible_to(self.request.user).filter(business=business),
            can_record=can_record_shipment(user=self.request.user, business=business),
        )


class ShipmentCreateView(LoginRequiredMixin, View):
    template_name = "outcomes/shipment_form.html"

    def _business(self, request, slug):
        """The owner or an active mentor; 404 for everyone else (staff verify shipments,
        they do not record them), as for a business that does not exist."""
        business = _business(request, slug)
        if not can_record_shipment(user=request.user, business=business):
            raise Http404
        return business

    def get(self, request, slug):
        business = self._business(request, slug)
        return render(request, self.template_name, {"business": business, "form": ShipmentForm()})

    def post(self, request, slug):
        business = self._business(request, slug)
        form = ShipmentForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.shipment_record(business=business, by=request.user, **data)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("The shipment is recorded; Disperindag staff will verify it.")
                )
                return redirect("outcomes:shipment-list", slug=business.slug)
        return render(request, self.template_name, {"business": business, "form": form}, status=400)


class ShipmentDocumentView(LoginRequiredMixin, View):
    """Shipment documents are private: the owner, the business's mentors and staff."""

    def get(self, request, pk):
        shipment = get_object_or_404(shipments_visible_to(request.user), pk=pk)
        name = shipment.document.name.rsplit("/", 1)[-1]
        return private_download(shipment.document, filename=name)


class StaffShipmentQueueView(StaffRequiredMixin, TemplateView):
    template_name = "outcomes/staff_shipments.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            shipments=shipments_awaiting_verification()[:100],
            reviewed=Shipment.objects.exclude(status=Shipment.Status.SUBMITTED)
            .select_related("business", "reviewed_by")
            .order_by("-reviewed_at")[:20],
            reject_form=RejectForm(),
        )


class ShipmentReviewView(StaffRequiredMixin, View):
    def post(self, request, pk):
        shipment = get_object_or_404(Shipment, pk=pk)
        action = request.POST.get("action")
        try:
            if action == "verify":
                services.shipment_verify(shipment=shipment, by=request.user)
                messages.success(request, _("The shipment is verified and counts as an export."))
            elif action == "reject":
                form = RejectForm(request.POST)
                reason = form.cleaned_data["reason"] if form.is_valid() else ""
                services.shipment_reject(shipment=shipment, by=request.user, reason=reason)
                messages.success(request, _("The shipment is rejected; the owner is told why."))
            else:
                return HttpResponse(_("Choose verify or reject."), status=400)
        except ValidationError as exc:
            return render(
                request,
                "outcomes/refused.html",
                {"title": _("The shipment was not changed"), "reasons": exc.messages},
                status=400,
            )
        return redirect("outcomes:staff-shipments")


# Follow-up surveys ----------------------------------------------------------------

REFUSALS = {
    "altered": (
        400,
        gettext_lazy("This survey link is not valid"),
        gettext_lazy(
            "The link was changed or is incomplete. Open it again from the email we sent."
        ),
    ),
    "expired": (
        410,
        gettext_lazy("This survey link has expired"),
        gettext_lazy(
            "Survey links work for 30 days. Please ask Disperindag for a new one, or wait "
            "for the reminder, which brings a fresh link."
        ),
    ),
    "other_business": (
        403,
        gettext_lazy("This survey link is for another business"),
        gettext_lazy(
            "Each business gets its own link. Open the link sent to the owner of this business."
        ),
    ),
}


class SurveyView(View):
    """The follow-up survey behind a signed link: no sign-in, one business only."""

    template_name = "outcomes/survey.html"

    def _follow_up(self, request, slug, token):
        try:
            return services.survey_follow_up(token=token, slug=slug), None
        except services.SurveyLinkRefused as refused:
            status, title, text = REFUSALS[refused.reason]
            return None, render(
                request, "outcomes/refused.html", {"title": title, "reasons": [text]}, status=status
            )

    def get(self, request, slug, token):
        follow_up, refusal = self._follow_up(request, slug, token)
        if refusal:
            return refusal
        form = None if follow_up.is_answered else FollowUpForm(instance=_prefill(follow_up))
        return render(request, self.template_name, {"follow_up": follow_up, "form": form})

    def post(self, request, slug, token):
        follow_up, refusal = self._follow_up(request, slug, token)
        if refusal:
            return refusal
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                services.follow_up_answer(
                    follow_up=follow_up,
                    by=request.user,
                    attribution=form.cleaned_data["attribution"],
                    **form.answers(),
                )
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                follow_up.refresh_from_db()
                return render(request, self.template_name, {"follow_up": follow_up, "form": None})
        status = 409 if follow_up.is_answered else 400
        return render(
            request, self.template_name, {"follow_up": follow_up, "form": form}, status=status
        )


def _prefill(follow_up: FollowUp) -> FollowUp:
    """An unanswered follow-up starts from the baseline's answers (owners change what
    changed); an answered one shows its own."""
    if follow_up.is_answered:
        return follow_up
    baseline = Baseline.objects.filter(business_id=follow_up.business_id).first()
    if baseline is not None:
        for name, value in baseline.answers().items():
            setattr(follow_up, name, value)
    return follow_up


class StaffFollowUpListView(StaffRequiredMixin, TemplateView):
    template_name = "outcomes/staff_follow_ups.html"

    def get_context_data(self, **kwargs):
        follow_ups = follow_ups_for_staff()
        return super().get_context_data(
            open_follow_ups=follow_ups.open()[:200],
            answered=follow_ups.answered().order_by("-answered_at")[:50],
        )


class FollowUpPhoneView(StaffRequiredMixin, View):
    """Staff enter (or correct) a follow-up's answers from a phone call."""

    template_name = "outcomes/follow_up_phone.html"

    def get(self, request, pk):
        follow_up = get_object_or_404(FollowUp.objects.select_related("business__owner"), pk=pk)
        form = FollowUpForm(instance=_prefill(follow_up))
        return render(request, self.template_name, {"follow_up": follow_up, "form": form})

    def post(self, request, pk):
        follow_up = get_object_or_404(FollowUp.objects.select_related("business__owner"), pk=pk)
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                services.follow_up_answer(
                    follow_up=follow_up,
                    by=request.user,
                    phone=True,
                    attribution=form.cleaned_data["attribution"],
                    **form.answers(),
                )
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("The answers are saved."))
                return redirect("outcomes:staff-follow-ups")
        return render(
            request, self.template_name, {"follow_up": follow_up, "form": form}, status=400
        )


# Staff inputs: rates and budget ---------------------------------------------------


class StaffRatesView(StaffRequiredMixin, View):
    template_name = "outcomes/staff_rates.html"

    def _render(self, request, form, status=200):
        missing = (
            Shipment.objects.filter(value_idr__isnull=True)
            .values_list("shipped_on", flat=True)
            .order_by("shipped_on")
        )
        months = sorted({day.replace(day=1) for day in missing})
        return render(
            request,
            self.template_name,
            {"form": form, "rates": MonthlyRate.objects.all()[:36], "missing_months": months},
            status=status,
        )

    def get(self, request):
        return self._render(request, MonthlyRateForm())

    def post(self, request):
        form = MonthlyRateForm(request.POST)
        if form.is_valid():
            try:
                services.monthly_rate_set(
                    month=form.cleaned_data["month"],
                    idr_per_usd=form.cleaned_data["idr_per_usd"],
                    by=request.user,
                )
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("The rate is saved."))
                return redirect("outcomes:staff-rates")
        return self._render(request, form, status=400)


class StaffBudgetView(StaffRequiredMixin, View):
    template_name = "outcomes/staff_budget.html"

    def _render(self, request, form, status=200):
        return render(
            request,
            self.template_name,
            {"form": form, "periods": BudgetPeriod.objects.select_related("entered_by")},
            status=status,
        )

    def get(self, request):
        return self._render(request, BudgetPeriodForm())

    def post(self, request):
        if "delete" in request.POST:
            pk = whole_number(request.POST.get("delete", "").strip())
            period = get_object_or_404(BudgetPeriod, pk=pk or 0)
            services.budget_period_delete(period=period, by=request.user)
            messages.success(request, _("The budget period is deleted."))
            return redirect("outcomes:staff-budget")
        form = BudgetPeriodForm(request.POST)
        if form.is_valid():
            try:
                services.budget_period_add(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("The budget period is saved."))
                return redirect("outcomes:staff-budget")
        return self._render(request, form, status=400)


# Funders' report ------------------------------------------------------------------


def _as_of(request):
    form = AsOfForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    as_of = (form.cleaned_data.get("as_of") if form.is_bound else None) or timezone.localdate()
    return form, as_of


class ReportView(StaffRequiredMixin, View):
    """The funders' report: every figure with its definition, to print or download."""

    def get(self, request, fmt="html"):
        form, as_of = _as_of(request)
        if as_of is None:
            errors = [str(e) for errs in form.errors.values() for e in errs]
            return HttpResponse(
                "\n".join(errors), status=400, content_type="text/plain; charset=utf-8"
            )
        figures = outcome_figures(as_of=as_of)
        if fmt == "html":
            return render(
                request,
                "outcomes/report.html",
                {
                    "form": form,
                    "figures": figures,
                    "title": reports.title(figures),
                    "rows": reports.headline(figures),
                    "country_headers": reports.country_headers(),
                    "country_rows": reports.country_rows(figures),
                    "mentor_headers": reports.mentor_headers(),
                    "mentor_rows": reports.mentor_rows(figures),
                    "definitions": DEFINITIONS,
                    "generated_at": timezone.now(),
                    "query": request.GET.urlencode(),
                },
            )
        if fmt not in reports.CONTENT_TYPES:
            raise Http404
        content = reports.render(figures, fmt)
        response = HttpResponse(content, content_type=reports.CONTENT_TYPES[fmt])
        name = f"programme-outcomes-{as_of:%Y-%m-%d}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
