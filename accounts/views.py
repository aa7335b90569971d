from allauth.account.views import SignupView as AllauthSignupView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView, UpdateView
from django.views.i18n import set_language

from . import services
from .forms import ProfileForm
from .models import User

PASSWORD_FIELDS = ("password1", "password2")


class SignupView(AllauthSignupView):
    """allauth's sign-up page, which keeps what was typed.

    - ``?role=buyer`` (the "Contact supplier" button) preselects that role; the choice
      then travels in the form itself, so a page with errors keeps it, and ``next``
      still brings the new buyer back to the supplier.
    - After a validation error the passwords stay filled in, so that a taken email
      address or a missing name does not cost the person their password twice — but
      only over HTTPS (the page is ``never_cache``, as allauth sets it) and only when
      the passwords themselves were accepted: a password that was refused (too short,
      too common, not the same twice) must be typed again anyway, and Django's default
      of never writing a password into a page stays for plain HTTP.
    """

    def get_initial(self) -> dict:
        initial = super().get_initial()
        role = self.request.GET.get("role", "")
        if role in User.Role.values:
            initial["role"] = role
        return initial

    def form_invalid(self, form):
        keep = self.request.is_secure() and not any(
            form.has_error(name) for name in PASSWORD_FIELDS if name in form.fields
        )
        if keep:
            for name in PASSWORD_FIELDS:
                if name in form.fields:
                    form.fields[name].widget.render_value = True
        return super().form_invalid(form)


class HomeView(TemplateView):
    """The landing page for visitors; signed-in people go to their own start page."""

    template_name = "home.html"

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect(request.user.landing_url())
        return super().get(request, *args, **kwargs)


class ProfileView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "accounts/profile.html"
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        response = super().form_valid(form)
        # Confirm in the language just chosen, not the one the form was sent in.
        with translation.override(form.instance.language):
            messages.success(self.request, str(_("Your profile is saved.")))
        return response


class SetLanguageView(View):
    """The language switcher: remembers the choice on the account too."""

    def post(self, request):
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=request.POST.get("language", ""))
        return set_language(request)


@method_decorator(never_cache, name="get")
class LanguageLinkView(View):
    """The language switcher for visitors who are not signed in: plain links, so the
    public pages carry no CSRF token and can be served from the cache
    (marketplace/caching.py). Only the language cookie is set; signed-in people use the
    POST form, which also saves the choice on their account."""

    def get(self, request, code):
        if code not in dict(settings.LANGUAGES):
            raise Http404
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = "/"
        response = HttpResponseRedirect(next_url)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
