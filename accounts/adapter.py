import zoneinfo

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import services
from .models import User

# The main link of an account email, by its context key, and its button's label: the
# first one present becomes the button of the HTML part.
ACTIONS = (
    ("activate_url", _("Confirm my email address")),
    ("password_reset_url", _("Choose a new password")),
    ("signup_url", _("Sign up")),
)


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
        """Account emails go out in the recipient's language and time zone: the saved
        ones of the account the address belongs to (at sign-up, the language just
        chosen), else the page's language (an address with no account)."""
        recipient = context.get("user")
        if not isinstance(recipient, User):
            recipient = User.objects.filter(email__iexact=email).first()
        language = getattr(recipient, "language", None) or translation.get_language()
        try:
            zone = zoneinfo.ZoneInfo(getattr(recipient, "timezone", "") or settings.TIME_ZONE)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        context = {
            **context,
            "site_url": settings.SITE_URL,
            "recipient": recipient,
            "language_code": language,
        }
        with translation.override(language), timezone.override(zone):
            return super().send_mail(template_prefix, email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's text email, plus its branded HTML part: the same message inside
        the site's one email layout (``email/base.html``, shared with notifications),
        its links clickable and its main link a button. A message with its own
        ``_message.html`` keeps it."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if not isinstance(message, EmailMultiAlternatives) or message.alternatives:
            return message
        request = allauth_context.request
        content = render_to_string(
            f"{template_prefix}_message.txt", {**context, "html_part": True}, request
        ).strip()
        action_url, action_label = "", ""
        for key, label in ACTIONS:
            if context.get(key):
                action_url, action_label = context[key], str(label)
                break
        subject = message.subject.removeprefix(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
        html = render_to_string(
            "account/email/message.html",
            {
                **context,
                "content": content,
                "subject": subject,
                "action_url": action_url,
                "action_label": action_label,
            },
            request,
        )
        message.attach_alternative(html, "text/html")
        return message
