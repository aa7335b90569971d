from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import User


class EmailAddressInline(admin.TabularInline):
    model = EmailAddress
    extra = 0
    fields = ["email", "verified", "primary"]


class MentorApprovalFilter(admin.SimpleListFilter):
    title = _("mentor approval")
    parameter_name = "mentor_approval"

    def lookups(self, request, model_admin):
        return [("pending", _("awaiting approval")), ("approved", _("approved"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(role=User.Role.MENTOR, mentor_approved_at__isnull=True)
        if self.value() == "approved":
            return queryset.filter(mentor_approved_at__isnull=False)
        return queryset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "is_staff", "mentor_approved_at", "date_joined"]
    list_filter = ["role", MentorApprovalFilter, "is_staff", "is_active", "language"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["mentor_approved_at", "mentor_approved_by", "last_login", "date_joined"]
    inlines = [EmailAddressInline]
    actions = ["approve_mentors"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "role", "language", "timezone"]}),
        (_("Mentor approval"), {"fields": ["mentor_approved_at", "mentor_approved_by"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "role", "password1", "password2"],
            },
        )
    ]

    @admin.action(description=_("Approve the selected mentors"))
    def approve_mentors(self, request, queryset):
        approved = sum(
            services.mentor_approve(mentor=mentor, approved_by=request.user)
            for mentor in queryset.filter(role=User.Role.MENTOR, mentor_approved_at__isnull=True)
        )
        self.message_user(request, _("%(count)d mentors approved.") % {"count": approved})
