from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupForm(forms.Form):
    """Extra sign-up fields; allauth adds email and passwords.

    The values are copied onto the user by ``AccountAdapter.save_user``.
    """

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(
        label=_("I am joining as"),
        choices=User.Role.choices,
        widget=forms.RadioSelect,
        help_text=_("Mentor accounts are checked by a Disperindag officer before use."),
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=User.Language.choices,
        initial=User.Language.INDONESIAN,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Someone signing up on the English page (a buyer, usually) keeps English.
        current = (get_language() or "").split("-")[0]
        if current in User.Language.values:
            self.fields["language"].initial = current

    def signup(self, request, user) -> None:
        """Required by allauth; the adapter has already stored the fields."""


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language", "timezone"]
