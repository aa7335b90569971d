from allauth.account.adapter import get_adapter
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
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


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in, under the same limits as the site's.

    The password is checked through allauth's adapter, which counts failed attempts
    per address (5 in 5 minutes) and per IP address (10 a minute) in the same counters
    as the site's sign-in page and the API's token endpoint; past the limit the
    password is not even checked and the form says to try again later.
    """

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            # Raises "Too many failed login attempts" when the limit is reached.
            self.user_cache = get_adapter(self.request).authenticate(
                self.request, email=email, password=password
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
