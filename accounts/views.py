from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView, UpdateView
from django.views.i18n import set_language

from . import services
from .forms import ProfileForm


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
