from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "email_status"]
    list_filter = ["kind", "email_status", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__email", "recipient__full_name"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"
    # The email's delivery state moves through the services (the worker, the sweep and
    # the action here), never by hand.
    readonly_fields = [
        "created_at",
        "email_status",
        "email_attempts",
        "email_claimed_at",
        "email_sent_at",
        "email_last_error",
    ]
    actions = ["retry_email"]

    @admin.action(description=_("Send failed emails again"))
    def retry_email(self, request, queryset):
        failed = queryset.filter(email_status=Notification.EmailStatus.FAILED)
        count = sum(
            services.notification_retry_email(notification=notification) for notification in failed
        )
        self.message_user(request, _("%(count)d emails queued again.") % {"count": count})


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email"]
    list_filter = ["kind", "email"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
