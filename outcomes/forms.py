from django import forms
from django.utils.translation import gettext_lazy as _

from core.uploads import clean_document_upload
from umkm.models import Certification

from .models import (
    ANSWER_FIELDS,
    CERTIFICATE_KINDS,
    Baseline,
    BudgetPeriod,
    FollowUp,
    MonthlyRate,
    Shipment,
)

DATE = {"type": "date"}


class AnswersForm(forms.ModelForm):
    """The questions of the baseline and every follow-up, all required."""

    certificates = forms.MultipleChoiceField(
        label=_("Certificates held"),
        choices=Certification.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Baseline
        fields = ANSWER_FIELDS
        widgets = {
            "revenue_band": forms.RadioSelect,
            "export_status": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("revenue_band", "export_status", "women_paid", "men_paid"):
            self.fields[name].required = True
        for name in ("women_unpaid", "men_unpaid"):
            self.fields[name].required = True
            self.fields[name].initial = 0
        for name in ("revenue_band", "export_status"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0] != ""]
        for name in ("women_paid", "men_paid", "women_unpaid", "men_unpaid"):
            self.fields[name].widget.attrs.update(inputmode="numeric", min=0)

    def clean_certificates(self):
        kinds = self.cleaned_data.get("certificates") or []
        return [kind for kind in CERTIFICATE_KINDS if kind in kinds]

    def answers(self) -> dict:
        return {name: self.cleaned_data[name] for name in ANSWER_FIELDS}


class FollowUpForm(AnswersForm):
    attribution = forms.ChoiceField(
        label=_("Would this have happened without the programme?"),
        choices=FollowUp.Attribution.choices,
        widget=forms.RadioSelect,
    )

    class Meta(AnswersForm.Meta):
        model = FollowUp


class ShipmentForm(forms.ModelForm):
    class Meta:
        model = Shipment
        fields = [
            "shipped_on",
            "buyer_country",
            "products",
            "value_usd",
            "incoterm",
            "document_kind",
            "document",
        ]
        widgets = {
            "shipped_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "value_usd": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
            "document": forms.ClearableFileInput(
                attrs={"accept": "application/pdf,image/jpeg,image/png"}
            ),
        }

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "content_type"):
            return clean_document_upload(document)
        return document


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class MonthlyRateForm(forms.ModelForm):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    class Meta:
        model = MonthlyRate
        fields = ["month", "idr_per_usd"]


class BudgetPeriodForm(forms.ModelForm):
    class Meta:
        model = BudgetPeriod
        fields = ["starts_on", "ends_on", "amount_idr", "note"]
        widgets = {
            "starts_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        }


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("Figures up to"),
        required=False,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
    )
