"""Forms of the back office pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class StyleGuideForm(forms.Form):
    """The form fields of the style guide: every kind the site uses, one with an error."""

    name = forms.CharField(label=_("Business name"), help_text=_("As on the NIB."))
    email = forms.EmailField(label=_("Email"))
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("food", _("Food and drink")), ("craft", _("Crafts"))]
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}))
    agree = forms.BooleanField(label=_("I agree"))
