from django.contrib import admin

from .models import Mentorship


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["business", "mentor", "status", "requested_at", "started_at"]
    list_filter = ["status"]
    search_fields = ["business__name", "mentor__email", "mentor__full_name"]
    raw_id_fields = ["mentor", "business"]
    list_select_related = ["business", "mentor"]
