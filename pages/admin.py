from django.contrib import admin

from core.admin_services import ServiceAdminMixin

from . import services
from .models import Page


@admin.register(Page)
class PageAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Staff (any active staff member, not only those given model permissions) change
    the footer's pages; the four pages are fixed, so none is added or deleted here."""

    list_display = ["__str__", "title_en", "title_id", "updated_at", "updated_by"]
    list_select_related = ["updated_by"]
    fieldsets = [
        (None, {"fields": ["title_id", "body_id"]}),
        ("English", {"fields": ["title_en", "body_en"]}),
        (None, {"fields": ["updated_at", "updated_by"]}),
    ]
    readonly_fields = ["updated_at", "updated_by"]

    def _is_staff(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self._is_staff(request)

    def has_view_permission(self, request, obj=None):
        return self._is_staff(request)

    def has_change_permission(self, request, obj=None):
        return self._is_staff(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        saved = services.page_update(page=obj, by=request.user, **fields)
        obj.updated_at, obj.updated_by = saved.updated_at, saved.updated_by
