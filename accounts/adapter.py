from allauth.account.adapter import DefaultAccountAdapter

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
        services.user_email_verified(user=email_address.user)
        return confirmed
