"""The buyer's company profile form.

Its rules (a company name that is not only spaces, a known country, the length of the
interests) are the model's, shared with the admin and every other door; the list of
countries lives with the model in ``marketplace.countries``.
"""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from marketplace.countries import (
    BUYER_COUNTRIES,
    BUYER_COUNTRIES_BY_NAME,
    BUYER_COUNTRY_CHOICES,
    buyer_country_name,
)
from marketplace.models import MSG_COMPANY_NAME, BuyerProfile
from umkm.models import Category

COUNTRIES = BUYER_COUNTRIES
COUNTRY_CHOICES = BUYER_COUNTRY_CHOICES
country_name = buyer_country_name


class BuyerProfileForm(forms.ModelForm):
    country = forms.ChoiceField(
        label=capfirst(BuyerProfile._meta.get_field("country").verbose_name),
        choices=[("", _("Choose a country")), *BUYER_COUNTRIES_BY_NAME],
        help_text=_("Where your company is based."),
    )
    website = forms.URLField(
        label=capfirst(BuyerProfile._meta.get_field("website").verbose_name),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("e.g. https://www.example.com"),
    )

    class Meta:
        model = BuyerProfile
        fields = ["company", "country", "buyer_type", "website", "interests", "categories"]
        widgets = {
            "interests": forms.Textarea(attrs={"rows": 4}),
            "categories": forms.CheckboxSelectMultiple,
        }
        error_messages = {"company": {"required": MSG_COMPANY_NAME}}
        help_texts = {
            "interests": _("What you buy: products, volumes, markets, certificates you need."),
            "categories": _("The kinds of products you are looking for."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = self.fields["categories"]
        categories.queryset = Category.objects.filter(parent__isnull=True).order_by(
            "position", "name_en"
        )
        categories.required = False
