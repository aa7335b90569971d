from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.selectors import Filters
from umkm.models import Certification
from umkm.regions import PROVINCE_CHOICES

SORT_CHOICES = [
    ("relevance", _("Best match")),
    ("newest", _("Newest")),
    ("price_asc", _("Price: low to high")),
    ("price_desc", _("Price: high to low")),
]


class CatalogueFilterForm(forms.Form):
    """The catalogue's query string; bad values are reported and ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.SlugField(label=_("Category"), required=False)
    province = forms.ChoiceField(
        label=_("Province"), required=False, choices=[("", _("All provinces")), *PROVINCE_CHOICES]
    )
    city = forms.CharField(label=_("City"), required=False, max_length=60)
    certification = forms.ChoiceField(
        label=_("Certification"),
        required=False,
        choices=[("", _("Any")), *Certification.Kind.choices],
    )
    moq_max = forms.IntegerField(label=_("MOQ at most"), required=False, min_value=1)
    price_min = forms.DecimalField(
        label=_("FOB from (USD)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    price_max = forms.DecimalField(
        label=_("FOB up to (USD)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    lead_time_max = forms.IntegerField(
        label=_("Lead time at most (days)"), required=False, min_value=0, max_value=365
    )
    sample = forms.BooleanField(label=_("Samples available"), required=False)
    verified = forms.BooleanField(label=_("Verified suppliers only"), required=False)
    export_ready = forms.BooleanField(label=_("Export-ready only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def clean(self):
        data = super().clean()
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", _("The upper price must not be below the lower one."))
        return data

    def filters(self) -> Filters:
        """The valid part of the query: a field with an error is left out."""
        data = {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if name not in self.errors
        }
        return Filters(
            q=(data.get("q") or "").strip(),
            category=data.get("category") or "",
            province=data.get("province") or "",
            city=data.get("city") or "",
            certification=data.get("certification") or "",
            moq_max=data.get("moq_max"),
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            lead_time_max=data.get("lead_time_max"),
            sample=bool(data.get("sample")),
            verified=bool(data.get("verified")),
            export_ready=bool(data.get("export_ready")),
            sort=data.get("sort") or "relevance",
        )
