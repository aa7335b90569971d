"""Forms for inquiries (RFQ to one supplier), buying requests (RFQ to many) and quotes.

The forms only clean input (types, ranges, upload content, the honeypot); who may do
what, the rate limit and every write live in ``marketplace.services``.
"""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import idempotency
from core.bounds import MAX_PRICE_USD, MAX_QUANTITY
from core.uploads import clean_document_upload
from marketplace.countries import countries_by_name
from marketplace.models import (
    BUYING_REQUEST_DEFAULT_QUOTES,
    BUYING_REQUEST_MAX_QUOTES,
    INCOTERM_CHOICES,
    INQUIRY_MAX_QUANTITY,
    INQUIRY_MAX_TARGET_PRICE_USD,
    INQUIRY_MIN_TARGET_PRICE_USD,
    MAX_DEAL_VALUE_USD,
    MSG_INQUIRY_QUANTITY,
    MSG_INQUIRY_TARGET_PRICE,
    OPENING_MESSAGE_MIN_LENGTH,
    Inquiry,
)
from umkm.models import Category, Product

HONEYPOT_FIELD = "website_url"
MSG_HONEYPOT = _("We could not send this. Please check your entries and send it again.")


class HoneypotMixin:
    """A text input humans never see (hidden by CSS, skipped by keyboard and screen
    readers); bots that fill every field fill it too, and the form is then refused with
    a generic error. The template renders it apart from the visible fields."""

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != HONEYPOT_FIELD]

    @property
    def honeypot(self):
        return self[HONEYPOT_FIELD]

    def clean(self):
        data = super().clean()
        if (self.data.get(HONEYPOT_FIELD) or "").strip():
            raise ValidationError(MSG_HONEYPOT, code="honeypot")
        return data


def _honeypot_field() -> forms.CharField:
    return forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class AttachmentMixin:
    """An optional PDF/JPEG/PNG, checked by content (not its name) and at most 5 MB."""

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        return clean_document_upload(upload)


def _attachment_field() -> forms.FileField:
    return forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("A PDF quotation or specification sheet (or a JPEG/PNG), at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


def _destination_choices() -> list[tuple[str, str]]:
    """Countries by their name in the page's language (evaluated at each render)."""
    return [("", "—"), *countries_by_name()]


def _message_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        min_length=OPENING_MESSAGE_MIN_LENGTH,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


def _price_field(label, *, required: bool) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.01"),
        max_value=MAX_PRICE_USD,
        max_digits=10,
        decimal_places=2,
    )


class InquiryForm(HoneypotMixin, AttachmentMixin, forms.Form):
    # The service's bounds and messages (``marketplace.models``), as the API shows them.
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=INQUIRY_MAX_QUANTITY,
        error_messages={"min_value": MSG_INQUIRY_QUANTITY, "max_value": MSG_INQUIRY_QUANTITY},
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=Product.Unit.choices)
    target_price_usd = forms.DecimalField(
        label=_("Target price per unit (USD, optional)"),
        required=False,
        min_value=INQUIRY_MIN_TARGET_PRICE_USD,
        max_value=INQUIRY_MAX_TARGET_PRICE_USD,
        decimal_places=2,
        error_messages={
            "min_value": MSG_INQUIRY_TARGET_PRICE,
            "max_value": MSG_INQUIRY_TARGET_PRICE,
        },
    )
    incoterm = forms.ChoiceField(label=_("Incoterm"), choices=INCOTERM_CHOICES, initial="FOB")
    destination_country = forms.ChoiceField(
        label=_("Destination country"), choices=_destination_choices
    )
    destination_port = forms.CharField(
        label=_("Destination port (optional)"), required=False, max_length=100
    )
    message = _message_field(_("Message to the supplier"))
    attachment = _attachment_field()
    website_url = _honeypot_field()
    idempotency_key = idempotency.KeyField()

    def __init__(self, *args, product: Product | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if product is not None:
            self.fields["unit"].initial = product.unit
            if product.moq:
                self.fields["quantity"].initial = product.moq
                self.fields["quantity"].help_text = _(
                    "The supplier's minimum order is %(moq)s %(unit)s."
                ) % {"moq": product.moq, "unit": product.get_unit_display()}
            if product.incoterms:
                self.fields["incoterm"].initial = product.incoterms[0]


class ReplyForm(AttachmentMixin, forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachment = _attachment_field()
    idempotency_key = idempotency.KeyField()


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in Inquiry.Outcome.choices if c[0]],
    )
    deal_value_usd = forms.DecimalField(
        label=_("Approximate deal value (USD)"),
        required=False,
        min_value=0,
        max_value=MAX_DEAL_VALUE_USD,
        max_digits=12,
        decimal_places=2,
        help_text=_("Only for a deal won. It stays private to you, your mentors and staff."),
    )

    def clean(self):
        data = super().clean()
        if data.get("deal_value_usd") is not None and data.get("outcome") != "deal_won":
            self.add_error("deal_value_usd", _("A deal value can only be recorded for a deal won."))
        return data


# How a thread's status reads in the inbox and on the thread (the same words as the
# badge in inquiries/partials/status.html).
STATUS_LABELS = [
    (Inquiry.Status.OPEN, _("not answered yet")),
    (Inquiry.Status.REPLIED, _("answered")),
    (Inquiry.Status.CLOSED, _("closed")),
    (Inquiry.Status.SPAM, _("marked as spam")),
]


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        everything = _("All but spam") if staff else _("All")
        self.fields["status"].choices = [("", everything)] + [
            c for c in STATUS_LABELS if staff or c[0] != Inquiry.Status.SPAM
        ]


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        if obj.parent_id:
            return f"{obj.parent.name} › {obj.name}"
        return str(_("%(category)s (all kinds)") % {"category": obj.name})


BUYING_REQUEST_MAX_DAYS = 180


class BuyingRequestForm(HoneypotMixin, forms.Form):
    title = forms.CharField(label=_("What do you want to buy?"), max_length=200)
    description = _message_field(_("Details (specification, packaging, certificates)"))
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY)
    unit = forms.ChoiceField(label=_("Unit"), choices=Product.Unit.choices)
    target_price_usd = _price_field(_("Target price per unit (USD, optional)"), required=False)
    destination_country = forms.ChoiceField(
        label=_("Destination country"), choices=_destination_choices
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        help_text=_("Suppliers can quote until this day, at most 180 days ahead."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    max_quotes = forms.IntegerField(
        label=_("Most quotes to receive"),
        min_value=1,
        max_value=BUYING_REQUEST_MAX_QUOTES,
        initial=BUYING_REQUEST_DEFAULT_QUOTES,
        required=False,
        help_text=_("After this many quotes the request takes no more."),
    )
    website_url = _honeypot_field()
    idempotency_key = idempotency.KeyField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.select_related("parent").order_by(
            "parent__position", "parent__name_en", "parent_id", "position", "name_en"
        )
        if not self.is_bound:
            self.fields["valid_until"].initial = timezone.localdate() + timedelta(days=30)

    def clean_max_quotes(self):
        value = self.cleaned_data.get("max_quotes")
        return BUYING_REQUEST_DEFAULT_QUOTES if value is None else value

    def clean_valid_until(self):
        day = self.cleaned_data["valid_until"]
        today = timezone.localdate()
        if day <= today:
            raise ValidationError(_("Choose a date in the future."), code="past")
        if day > today + timedelta(days=BUYING_REQUEST_MAX_DAYS):
            raise ValidationError(
                _("A buying request can stay open for at most %(days)s days."),
                code="too_far",
                params={"days": BUYING_REQUEST_MAX_DAYS},
            )
        return day


class QuoteForm(forms.Form):
    price_usd = _price_field(_("Price per unit (USD)"), required=True)
    incoterm = forms.ChoiceField(
        label=_("Price basis (Incoterm)"), choices=INCOTERM_CHOICES, initial="FOB"
    )
    moq = forms.IntegerField(label=_("Minimum order quantity"), min_value=1, max_value=MAX_QUANTITY)
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), min_value=0, max_value=365)
    product = forms.ModelChoiceField(
        label=_("Product (optional)"), queryset=Product.objects.none(), required=False
    )
    message = _message_field(_("Message to the buyer"))

    def __init__(self, *args, business=None, **kwargs):
        super().__init__(*args, **kwargs)
        if business is not None:
            self.fields["product"].queryset = Product.objects.listed().filter(business=business)
