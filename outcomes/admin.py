"""Outcomes in the admin: read and search. Writes go through the site's pages (and so
through the services); the admin is read-only here so that no change skips the
baseline's history or the shipment's verification."""

from django.contrib import admin

from .models import Baseline, BaselineChange, BudgetPeriod, FollowUp, MonthlyRate, Shipment


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BaselineChangeInline(admin.TabularInline):
    model = BaselineChange
    extra = 0
    can_delete = False
    readonly_fields = ["changed_at", "changed_by", "before", "after"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Baseline)
class BaselineAdmin(ReadOnlyAdmin):
    list_display = ["business", "revenue_band", "export_status", "created_at"]
    list_filter = ["revenue_band", "export_status"]
    search_fields = ["business__name"]
    inlines = [BaselineChangeInline]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["business", "months", "due_on", "sent_at", "reminders_sent", "answered_at"]
    list_filter = ["months", "channel", "attribution"]
    search_fields = ["business__name"]


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ["business", "shipped_on", "buyer_country", "value_usd", "status"]
    list_filter = ["status", "buyer_country", "document_kind"]
    search_fields = ["business__name", "products"]


@admin.register(MonthlyRate)
class MonthlyRateAdmin(ReadOnlyAdmin):
    list_display = ["month", "idr_per_usd", "set_by"]


@admin.register(BudgetPeriod)
class BudgetPeriodAdmin(ReadOnlyAdmin):
    list_display = ["starts_on", "ends_on", "amount_idr", "note"]
