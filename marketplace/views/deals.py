"""The deal pipeline on an inquiry thread: sample, quotation rounds, the buyer's answer,
the proforma invoice PDF, won or lost.

Who reaches a thread is ``selectors.inquiries_visible_to`` (404 for everyone else,
hidden and missing alike); on a thread they see, the buyer answers quotations and asks
for samples, the owner prepares quotations and closes the deal (403 for the other
participants: the mentor and staff read). Refused input re-renders with 400 and writes
nothing.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from marketplace import selectors, services
from marketplace.forms.deals import (
    DealCloseForm,
    QuotationAnswerForm,
    QuotationForm,
    QuotationLineFormSet,
    SampleRequestForm,
    SampleSentForm,
)
from marketplace.models import InquiryMessage, Quotation, SampleRequest
from marketplace.proforma import proforma_filename, proforma_pdf
from marketplace.views.inquiries import InquiryDetailView, _thread_context, inquiry_to_view

BUYER, SUPPLIER = InquiryMessage.Role.BUYER, InquiryMessage.Role.SUPPLIER


def _thread_as(request, pk: int, side: str):
    inquiry = inquiry_to_view(request.user, pk)
    if services.inquiry_role_for(inquiry=inquiry, user=request.user) != side:
        raise PermissionDenied
    return inquiry


def _refused(request, inquiry, form, error: ValidationError | None = None, **forms):
    """The thread again, with the form's errors (or the service's), as 400."""
    if error is not None:
        form.add_error(None, error.messages)
    context = _thread_context(request, inquiry, **forms)
    context["deal_errors"] = form.non_field_errors() + [
        f"{form.fields[name].label}: {message}" if name in form.fields else message
        for name, errors in form.errors.items()
        if name != "__all__"
        for message in errors
    ]
    return render(request, InquiryDetailView.template_name, context, status=400)


class SampleRequestView(LoginRequiredMixin, View):
    def post(self, request, pk):
        inquiry = _thread_as(request, pk, BUYER)
        form = SampleRequestForm(request.POST)
        if not form.is_valid():
            return _refused(request, inquiry, form)
        try:
            services.sample_request_create(inquiry=inquiry, buyer=request.user, **form.cleaned_data)
        except ValidationError as error:
            return _refused(request, inquiry, form, error)
        messages.success(request, _("Your sample request was sent to the supplier."))
        return redirect(inquiry)


class SampleSentView(LoginRequiredMixin, View):
    def post(self, request, pk, sample_pk):
        inquiry = _thread_as(request, pk, SUPPLIER)
        sample = get_object_or_404(SampleRequest, pk=sample_pk, inquiry=inquiry)
        form = SampleSentForm(request.POST)
        if not form.is_valid():
            return _refused(request, inquiry, form)
        try:
            services.sample_request_send(sample=sample, owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            return _refused(request, inquiry, form, error)
        messages.success(request, _("The sample is recorded as sent; the buyer is told."))
        return redirect(inquiry)


class QuotationCreateView(LoginRequiredMixin, View):
    template_name = "marketplace/inquiries/quotation_form.html"

    def _render(self, request, inquiry, form, lines, status=200):
        deal = selectors.deal_of(inquiry)
        return render(
            request,
            self.template_name,
            {"inquiry": inquiry, "form": form, "lines": lines, "deal": deal},
            status=status,
        )

    def get(self, request, pk):
        inquiry = _thread_as(request, pk, SUPPLIER)
        last = selectors.deal_of(inquiry)["last"]
        initial = {"incoterm": inquiry.incoterm, "port": "", "lead_time_days": 14}
        line_initial = [
            {
                "product": inquiry.product_id,
                "quantity": inquiry.quantity,
                "unit": inquiry.unit,
                "unit_price_usd": inquiry.target_price_usd,
            }
        ]
        if last is not None:  # a revision starts from the last round
            initial = {
                field: getattr(last, field)
                for field in ("incoterm", "port", "payment_term", "lead_time_days", "notes")
            }
            line_initial = [
                {
                    "product": line.product_id,
                    "description": line.description,
                    "quantity": line.quantity,
                    "unit": line.unit,
                    "unit_price_usd": line.unit_price_usd,
                }
                for line in last.lines.all()
            ]
        form = QuotationForm(initial=initial)
        lines = QuotationLineFormSet(
            initial=line_initial, prefix="lines", form_kwargs={"business": inquiry.business}
        )
        return self._render(request, inquiry, form, lines)

    def post(self, request, pk):
        inquiry = _thread_as(request, pk, SUPPLIER)
        form = QuotationForm(request.POST)
        lines = QuotationLineFormSet(
            request.POST, prefix="lines", form_kwargs={"business": inquiry.business}
        )
        if not (form.is_valid() and lines.is_valid()):
            return self._render(request, inquiry, form, lines, status=400)
        rows = [line for line in lines.cleaned_data if line]
        try:
            services.quotation_create(
                inquiry=inquiry, author=request.user, lines=rows, **form.cleaned_data
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self._render(request, inquiry, form, lines, status=400)
        messages.success(request, _("Your quotation was sent to the buyer."))
        return redirect(inquiry)


class QuotationAnswerView(LoginRequiredMixin, View):
    def post(self, request, pk, quotation_pk):
        inquiry = _thread_as(request, pk, BUYER)
        quotation = get_object_or_404(Quotation, pk=quotation_pk, inquiry=inquiry)
        form = QuotationAnswerForm(request.POST)
        if not form.is_valid():
            return _refused(request, inquiry, form)
        action, note = form.cleaned_data["action"], form.cleaned_data["note"]
        try:
            if action == form.ACCEPT:
                services.quotation_accept(quotation=quotation, buyer=request.user)
                done = _("You accepted the quotation; the proforma invoice is ready.")
            elif action == form.REVISE:
                services.quotation_request_revision(
                    quotation=quotation, buyer=request.user, note=note
                )
                done = _("The supplier is asked for a revised quotation.")
            else:
                services.quotation_decline(
                    quotation=quotation,
                    buyer=request.user,
                    reason=form.cleaned_data["reason"],
                    note=note,
                )
                done = _("You declined the quotation.")
        except ValidationError as error:
            return _refused(request, inquiry, form, error)
        messages.success(request, done)
        return redirect(inquiry)


class DealCloseView(LoginRequiredMixin, View):
    def post(self, request, pk):
        inquiry = _thread_as(request, pk, SUPPLIER)
        form = DealCloseForm(request.POST)
        if not form.is_valid():
            return _refused(request, inquiry, form)
        try:
            services.deal_close(
                inquiry=inquiry,
                owner=request.user,
                won=form.cleaned_data["result"] == "won",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            return _refused(request, inquiry, form, error)
        messages.success(request, _("The deal is recorded; the buyer is told."))
        return redirect(inquiry)


class ProformaView(LoginRequiredMixin, View):
    """The proforma invoice of an accepted quotation: for whoever may read the thread."""

    def get(self, request, pk, quotation_pk):
        quotation = get_object_or_404(
            selectors.quotations_visible_to(request.user)
            .filter(inquiry_id=pk, proforma_sequence__isnull=False)
            .select_related("inquiry__buyer__buyer_profile", "business"),
            pk=quotation_pk,
        )
        response = HttpResponse(proforma_pdf(quotation), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{proforma_filename(quotation)}"'
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
