from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Notification, NotificationPreference, WhatsAppNumber
from .services import whatsapp as whatsapp_services
from .whatsapp import channel_on
from .whatsapp import templates as whatsapp_templates


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "recipient",
        "kind",
        "created_at",
        "read_at",
        "email_status",
        "whatsapp_status",
    ]
    list_filter = [
        "kind",
        "email_status",
        "whatsapp_status",
        ("read_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "recipient__email", "recipient__full_name", "whatsapp_message_id"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"
    # Each channel's delivery state moves through the services (the workers, the sweep,
    # the webhook and the actions here), never by hand.
    readonly_fields = [
        "created_at",
        "email_status",
        "email_attempts",
        "email_claimed_at",
        "email_sent_at",
        "email_last_error",
        "whatsapp_status",
        "whatsapp_attempts",
        "whatsapp_claimed_at",
        "whatsapp_sent_at",
        "whatsapp_message_id",
        "whatsapp_params",
        "whatsapp_error_code",
        "whatsapp_last_error",
    ]
    actions = ["retry_email", "retry_whatsapp"]

    @admin.action(description=_("Send failed emails again"))
    def retry_email(self, request, queryset):
        failed = queryset.filter(email_status=Notification.EmailStatus.FAILED)
        count = sum(
            services.notification_retry_email(notification=notification) for notification in failed
        )
        self.message_user(request, _("%(count)d emails queued again.") % {"count": count})

    @admin.action(description=_("Send failed WhatsApp messages again"))
    def retry_whatsapp(self, request, queryset):
        failed = queryset.filter(whatsapp_status=Notification.WhatsAppStatus.FAILED)
        count = sum(
            whatsapp_services.notification_retry_whatsapp(notification=notification)
            for notification in failed
        )
        self.message_user(
            request, _("%(count)d WhatsApp messages queued again.") % {"count": count}
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email", "whatsapp"]
    list_filter = ["kind", "email", "whatsapp"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


@admin.register(WhatsAppNumber)
class WhatsAppNumberAdmin(admin.ModelAdmin):
    """Numbers are added and confirmed by their owners (or the demo seed); staff look,
    and read the templates to register with Meta."""

    list_display = ["user", "phone", "status", "confirmed_at", "last_inbound_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "phone"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "phone",
        "status",
        "code_sent_at",
        "code_attempts",
        "confirmed_at",
        "last_inbound_at",
        "created_at",
    ]
    exclude = ["code_hash"]
    change_list_template = "admin/notifications/whatsappnumber/change_list.html"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path(
                "templates/",
                self.admin_site.admin_view(self.templates_view),
                name="notifications_whatsapp_templates",
            ),
            *super().get_urls(),
        ]

    def templates_view(self, request):
        context = {
            **self.admin_site.each_context(request),
            "title": _("WhatsApp templates to register with Meta"),
            "opts": self.model._meta,
            "templates": whatsapp_templates.registry(),
            "verification_template": whatsapp_templates.VERIFICATION_TEMPLATE,
            "channel_on": channel_on(),
        }
        return TemplateResponse(request, "admin/notifications/whatsapp_templates.html", context)
