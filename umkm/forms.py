from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.uploads import clean_document_upload, clean_logo_upload

from .models import (
    Business,
    Category,
    Certification,
    PriceTier,
    Product,
    normalise_hs_code,
    validate_tiers_do_not_overlap,
)
from .regions import CITY_CHOICES


class BusinessForm(forms.ModelForm):
    city = forms.ChoiceField(label=_("City or regency"), choices=[("", "---------"), *CITY_CHOICES])
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    nib = forms.CharField(
        label=_("NIB"),
        required=False,
        max_length=20,  # 13 digits, possibly typed in groups with spaces
        help_text=_("Nomor Induk Berusaha from OSS: 13 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    # A plain file field, not an ImageField: ``clean_logo_upload`` decides what the bytes
    # are and says what is wrong (too large, too many pixels, damaged, not a picture).
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Business
        fields = [
            "name",
            "legal_form",
            "nib",
            "sector",
            "assets_idr",
            "annual_turnover_idr",
            "scale",
            "province",
            "city",
            "address",
            "founded_year",
            "employees",
            "description_id",
            "description_en",
            "logo",
            "phone",
            "whatsapp",
            "contact_email",
            "website",
            "has_exported",
            "export_markets",
        ]
        widgets = {
            "description_id": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_nib(self):
        nib = (self.cleaned_data.get("nib") or "").replace(" ", "")
        if nib and Business.objects.exclude(pk=self.instance.pk).filter(nib=nib).exists():
            raise ValidationError(_("Another business is already registered with this NIB."))
        return nib

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload
            return clean_logo_upload(logo)
        return logo


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = ["kind", "number", "issuer", "issued_on", "expires_on", "document"]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "document": forms.ClearableFileInput(
                attrs={"accept": "application/pdf,image/jpeg,image/png"}
            ),
        }

    def __init__(self, *args, business: Business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        self.instance.business = business

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "content_type"):
            return clean_document_upload(document)
        return document


class ProductForm(forms.ModelForm):
    incoterms = forms.MultipleChoiceField(
        label=_("Incoterms offered"),
        choices=[(code, code) for code in Product.INCOTERMS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    hs_code = forms.CharField(
        label=_("HS code"),
        required=False,
        max_length=14,
        help_text=_("4 to 10 digits, e.g. 0901.11."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    class Meta:
        model = Product
        fields = [
            "name_id",
            "name_en",
            "category",
            "description_id",
            "description_en",
            "hs_code",
            "unit",
            "moq",
            "price_idr",
            "fob_usd",
            "sample_available",
            "sample_price_usd",
            "capacity_per_month",
            "lead_time_days",
            "weight_grams",
            "size",
            "shelf_life_days",
            "incoterms",
            "port_of_loading",
            "certifications",
        ]
        widgets = {
            "description_id": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "certifications": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, business: Business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        self.fields["category"].queryset = Category.objects.filter(
            parent__isnull=False
        ).select_related("parent")
        self.fields["category"].label_from_instance = lambda c: f"{c.parent.name} › {c.name}"
        self.fields["certifications"].queryset = business.certifications.all()
        self.fields["certifications"].help_text = _(
            "Certificates of your business that apply to this product."
        )

    def clean_hs_code(self):
        value = normalise_hs_code(self.cleaned_data.get("hs_code", ""))
        if value:
            from .models import validate_hs_code

            validate_hs_code(value)
        return value


class PriceTierForm(forms.ModelForm):
    class Meta:
        model = PriceTier
        fields = ["min_quantity", "max_quantity", "price_usd"]


class BasePriceTierFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        ranges = []
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            low = form.cleaned_data.get("min_quantity")
            high = form.cleaned_data.get("max_quantity")
            if low is None:
                continue
            if high is not None and high < low:
                form.add_error("max_quantity", _("“To” must not be below “from”."))
            ranges.append((low, high))
        validate_tiers_do_not_overlap(ranges)


PriceTierFormSet = forms.inlineformset_factory(
    Product,
    PriceTier,
    form=PriceTierForm,
    formset=BasePriceTierFormSet,
    extra=2,
    max_num=6,
    can_delete=True,
)


class ProductImageForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    alt_text = forms.CharField(label=_("What the photo shows"), max_length=200, required=False)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the owner"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class VerifyBusinessForm(forms.Form):
    """Staff confirm they checked the papers; a reason is needed (by the service) when
    the NIB document is missing."""

    confirm = forms.BooleanField(
        label=_("I have compared the NIB document with the NIB number and the business."),
        error_messages={"required": _("Tick the box to confirm you checked the documents.")},
    )
    reason = forms.CharField(
        label=_("Reason for verifying without the NIB document"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when the NIB document is missing, e.g. checked in the OSS register."),
    )


class CsvImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("Use the template; at most 2 MB."))
