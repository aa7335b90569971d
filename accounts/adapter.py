from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation

from . import services


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        data = form.cleaned_data
        user.full_name = data.get("full_name", "")
        user.role = data.get("role", "")
        user.language = data.get("language") or user.language
        return super().save_user(request, user, form, commit=commit)

    def get_login_redirect_url(self, request):
        return request.user.landing_url()

    def confirm_email(self, request, email_address):
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            services.user_email_verified(user=email_address.user)
        return confirmed

    def send_mail(self, template_prefix, email, context):
        """Account emails go out in the recipient's language, with the site's address."""
        user = context.get("user")
        language = getattr(user, "language", None) or translation.get_language()
        context = {**context, "site_url": settings.SITE_URL}
        with translation.override(language):
            return super().send_mail(template_prefix, email, context)
