import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import ListView

from . import selectors, services
from .forms import PreferencesForm, WhatsAppCodeForm, WhatsAppNumberForm
from .models import Notification
from .services import whatsapp as whatsapp_services
from .whatsapp import channel_on
from .whatsapp import webhook as whatsapp_webhook

logger = logging.getLogger(__name__)


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user)


class NotificationOpenView(LoginRequiredMixin, View):
    """Mark one notification read and follow its link (POST only)."""

    def post(self, request, pk):
        notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
        services.notification_mark_read(notification=notification)
        target = notification.get_absolute_url()
        if request.POST.get("stay") or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}
        ):
            return redirect("notifications:list")
        return redirect(target)


class NotificationMarkAllReadView(LoginRequiredMixin, View):
    def post(self, request):
        count = services.notifications_mark_all_read(user=request.user)
        messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
        return redirect("notifications:list")


def _preferences_page(request, *, form=None, number_form=None, code_form=None, status=200):
    user = request.user
    number = selectors.whatsapp_number_of(user) if channel_on() else None
    with_whatsapp = bool(number and number.is_confirmed)
    if form is None:
        form = PreferencesForm(
            user=user, current=selectors.preferences_of(user), with_whatsapp=with_whatsapp
        )
    context = {
        "form": form,
        "whatsapp_on": channel_on(),
        "number": number,
        "number_form": number_form or WhatsAppNumberForm(),
        "code_form": code_form or WhatsAppCodeForm(),
    }
    return render(request, "notifications/preferences.html", context, status=status)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class PreferencesView(LoginRequiredMixin, View):
    """Per kind of the person's role: by email, WhatsApp, both, or only here; and the
    WhatsApp number (add, confirm, change, remove) when the channel is on."""

    def get(self, request):
        return _preferences_page(request)

    def post(self, request):
        number = selectors.whatsapp_number_of(request.user) if channel_on() else None
        with_whatsapp = bool(number and number.is_confirmed)
        form = PreferencesForm(
            request.POST,
            user=request.user,
            current=selectors.preferences_of(request.user),
            with_whatsapp=with_whatsapp,
        )
        if not form.is_valid():
            return _preferences_page(request, form=form, status=400)
        if with_whatsapp:
            services.preferences_update(user=request.user, channels_by_kind=form.channels_by_kind())
        else:
            services.preferences_update(user=request.user, email_by_kind=form.email_by_kind())
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")


class WhatsAppNumberView(LoginRequiredMixin, View):
    """Add or change the number: a code is sent to it by WhatsApp."""

    def post(self, request):
        if not channel_on():
            return redirect("notifications:preferences")
        form = WhatsAppNumberForm(request.POST)
        if form.is_valid():
            try:
                number = whatsapp_services.whatsapp_number_add(
                    user=request.user, number=form.cleaned_data["number"]
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                if number.is_confirmed:
                    messages.info(request, _("This number is already confirmed."))
                else:
                    messages.success(
                        request,
                        _("We sent a six-digit code to %(number)s by WhatsApp. Enter it below.")
                        % {"number": number.phone},
                    )
                return redirect(reverse("notifications:preferences") + "#whatsapp")
        return _preferences_page(request, number_form=form, status=400)


class WhatsAppConfirmView(LoginRequiredMixin, View):
    def post(self, request):
        if not channel_on():
            return redirect("notifications:preferences")
        form = WhatsAppCodeForm(request.POST)
        if form.is_valid():
            try:
                whatsapp_services.whatsapp_number_confirm(
                    user=request.user, code=form.cleaned_data["code"]
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Your WhatsApp number is confirmed. Choose below which notifications "
                        "come by WhatsApp."
                    ),
                )
                return redirect("notifications:preferences")
        return _preferences_page(request, code_form=form, status=400)


class WhatsAppRemoveView(LoginRequiredMixin, View):
    def post(self, request):
        if whatsapp_services.whatsapp_number_remove(user=request.user):
            messages.success(request, _("Your WhatsApp number is removed."))
        return redirect("notifications:preferences")


@method_decorator(csrf_exempt, name="dispatch")
class WhatsAppWebhookView(View):
    """Meta's webhook: the subscription handshake (GET) and signed events (POST).

    A POST without a valid ``X-Hub-Signature-256`` answers 403 and stores nothing; a
    signed body that is not the expected shape answers 400.
    """

    http_method_names = ["get", "post"]

    def get(self, request):
        if (
            not channel_on()
            or request.GET.get("hub.mode") != "subscribe"
            or not whatsapp_webhook.verify_token_valid(request.GET.get("hub.verify_token"))
        ):
            return HttpResponseForbidden()
        challenge = request.GET.get("hub.challenge", "")
        if not challenge.isdigit() or len(challenge) > 64:
            return HttpResponseBadRequest()
        return HttpResponse(challenge, content_type="text/plain")

    def post(self, request):
        body = request.body
        if not channel_on() or not whatsapp_webhook.signature_valid(
            body, request.headers.get("X-Hub-Signature-256")
        ):
            return HttpResponseForbidden()
        try:
            statuses, incoming = whatsapp_webhook.parse(body)
        except whatsapp_webhook.BadPayload as exc:
            logger.info("WhatsApp webhook refused a signed body: %s", exc)
            return HttpResponseBadRequest()
        whatsapp_services.whatsapp_webhook_receive(statuses=statuses, incoming=incoming)
        return HttpResponse("ok", content_type="text/plain")
