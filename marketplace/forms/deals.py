"""Forms of an inquiry's deal pipeline: sample, quotation with its lines, the buyer's
answer, the owner's won/lost. They clean types and ranges only; who may do what and
every rule of the pipeline live in ``marketplace.services`` (``sample_request_*``,
``quotation_*``, ``deal_close``)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import MAX_LEAD_TIME_DAYS, MAX_PRICE_USD, MAX_QUANTITY
from marketplace.models import (
    INCOTERM_CHOICES,
    LOST_REASON_CHOICES,
    MAX_QUOTATION_LINES,
    MAX_SAMPLE_QUANTITY,
    MSG_INQUIRY_QUANTITY,
    MSG_SAMPLE_QUANTITY,
    MSG_UNIT_PRICE,
    PaymentTerm,
)
from umkm.models import Product


class SampleRequestForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("sample quantity"),
        min_value=1,
        max_value=MAX_SAMPLE_QUANTITY,
        error_messages={"min_value": MSG_SAMPLE_QUANTITY, "max_value": MSG_SAMPLE_QUANTITY},
    )
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class SampleSentForm(forms.Form):
    fee_usd = forms.DecimalField(
        label=_("sample fee (USD)"),
        required=False,
        min_value=Decimal(0),
        max_value=MAX_PRICE_USD,
        max_digits=10,
        decimal_places=2,
    )
    courier = forms.CharField(label=_("courier"), max_length=100)
    tracking_number = forms.CharField(label=_("tracking number"), max_length=100, required=False)


class QuotationForm(forms.Form):
    incoterm = forms.ChoiceField(label=_("Incoterm"), choices=INCOTERM_CHOICES)
    port = forms.CharField(label=_("port"), max_length=100)
    valid_until = forms.DateField(
        label=_("valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    payment_term = forms.ChoiceField(label=_("payment term"), choices=PaymentTerm.choices)
    lead_time_days = forms.IntegerField(
        label=_("lead time (days)"), min_value=0, max_value=MAX_LEAD_TIME_DAYS
    )
    notes = forms.CharField(
        label=_("notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class QuotationLineForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("product"), queryset=Product.objects.none(), required=False
    )
    description = forms.CharField(label=_("description"), max_length=200, required=False)
    quantity = forms.IntegerField(
        label=_("quantity"),
        min_value=1,
        max_value=MAX_QUANTITY,
        error_messages={"min_value": MSG_INQUIRY_QUANTITY, "max_value": MSG_INQUIRY_QUANTITY},
    )
    unit = forms.ChoiceField(
        label=_("unit"), choices=[("", "—"), *Product.Unit.choices], required=False
    )
    unit_price_usd = forms.DecimalField(
        label=_("unit price (USD)"),
        min_value=Decimal("0.01"),
        max_value=MAX_PRICE_USD,
        max_digits=10,
        decimal_places=2,
        error_messages={"min_value": MSG_UNIT_PRICE, "max_value": MSG_UNIT_PRICE},
    )

    def __init__(self, *args, business=None, **kwargs):
        super().__init__(*args, **kwargs)
        if business is not None:
            self.fields["product"].queryset = Product.objects.filter(business=business)


QuotationLineFormSet = forms.formset_factory(
    QuotationLineForm,
    extra=4,
    max_num=MAX_QUOTATION_LINES,
    absolute_max=MAX_QUOTATION_LINES,
    validate_max=True,
    min_num=1,
    validate_min=True,
)


class QuotationAnswerForm(forms.Form):
    ACCEPT, REVISE, DECLINE = "accept", "revise", "decline"
    action = forms.ChoiceField(
        choices=[
            (ACCEPT, _("Accept")),
            (REVISE, _("Ask for a revised quotation")),
            (DECLINE, _("Decline")),
        ]
    )
    note = forms.CharField(
        label=_("What should change, or why not"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.ChoiceField(
        label=_("why the deal was lost"),
        choices=[("", "—"), *LOST_REASON_CHOICES],
        required=False,
    )


class DealCloseForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"), choices=[("won", _("deal won")), ("lost", _("no deal"))]
    )
    reason = forms.ChoiceField(
        label=_("why the deal was lost"),
        choices=[("", "—"), *LOST_REASON_CHOICES],
        required=False,
    )
