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
    readonly_fields = ["created_at", "email_attempts", "email_claimed_at", "email_sent_at"]
    actions = ["retry_email"]

    @admin.action(description=_("Send failed emails again"))
    def retry_email(self, request, queryset):
        ids = list(
            queryset.filter(email_status=Notification.EmailStatus.FAILED).values_list(
                "pk", flat=True
            )
        )
        Notification.objects.filter(pk__in=ids).update(
            email_status=Notification.EmailStatus.PENDING, email_attempts=0
        )
        for pk in ids:
            services.notification_enqueue(pk)
        self.message_user(request, _("%(count)d emails queued again.") % {"count": len(ids)})


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email"]
    list_filter = ["kind", "email"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
