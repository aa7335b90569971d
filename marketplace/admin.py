from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_services import WrittenOnTheSiteMixin

from . import selectors, services
from .models import (
    MSG_COMPANY_NAME,
    BuyerProfile,
    BuyingRequest,
    ExchangeRate,
    Inquiry,
    InquiryMessage,
    Quotation,
    QuotationLine,
    Quote,
    SampleRequest,
    ShortlistItem,
)


class BuyerProfileAdminForm(forms.ModelForm):
    class Meta:
        # A name of spaces only is stripped to nothing: say so as the site does.
        error_messages = {"company": {"required": MSG_COMPANY_NAME}}


@admin.register(BuyerProfile)
class BuyerProfileAdmin(admin.ModelAdmin):
    form = BuyerProfileAdminForm
    list_display = ["company", "country", "buyer_type", "user"]
    list_filter = ["buyer_type", "country"]
    search_fields = ["company", "website", "interests", "user__email", "user__full_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    filter_horizontal = ["categories"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ShortlistItem)
class ShortlistItemAdmin(WrittenOnTheSiteMixin, admin.ModelAdmin):
    list_display = ["buyer", "product", "note", "created_at"]
    search_fields = ["buyer__email", "product__name_id", "product__name_en", "note"]
    list_select_related = ["buyer", "product"]
    raw_id_fields = ["buyer", "product"]
    readonly_fields = ["created_at"]
    date_hierarchy = "created_at"


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """Staff keep the USD rate here; the catalogue's approximate prices use the latest
    one that is already valid."""

    list_display = ["idr_per_usd", "valid_from", "set_by"]
    search_fields = ["set_by__email", "set_by__full_name"]
    list_select_related = ["set_by"]
    readonly_fields = ["set_by"]
    date_hierarchy = "valid_from"

    def save_model(self, request, obj, form, change):
        obj.set_by = request.user
        super().save_model(request, obj, form, change)
        selectors.current_rate_forget()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        selectors.current_rate_forget()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        selectors.current_rate_forget()


class InquiryMessageInline(admin.TabularInline):
    """The thread as written: staff read it for moderation but do not rewrite it."""

    model = InquiryMessage
    extra = 0
    fields = ["created_at", "author", "author_role", "body", "attachment_name"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("attachment"))
    def attachment_name(self, obj):
        # The name only: attachments live in the private store, never behind a URL.
        return obj.attachment.name.rsplit("/", 1)[-1] if obj.attachment else "—"


@admin.register(Inquiry)
class InquiryAdmin(WrittenOnTheSiteMixin, admin.ModelAdmin):
    list_display = [
        "subject",
        "buyer",
        "business",
        "product",
        "status",
        "outcome",
        "created_at",
        "first_reply_at",
    ]
    list_filter = ["status", "outcome", "incoterm", "created_at"]
    search_fields = [
        "subject",
        "buyer__email",
        "buyer__full_name",
        "business__name",
        "product__name_id",
        "product__name_en",
        "destination_country",
    ]
    list_select_related = ["buyer", "business", "product"]
    raw_id_fields = ["buyer", "business", "product", "quote"]
    # The thread's state moves through the services: the buyer's and the supplier's
    # messages, the owner's outcome, and the spam actions here (as the staff button on
    # the thread page). Its parties stay who they were.
    readonly_fields = [
        "status",
        "outcome",
        "deal_value_usd",
        "created_at",
        "first_reply_at",
        "last_message_at",
        "reminded_at",
    ]
    date_hierarchy = "created_at"
    inlines = [InquiryMessageInline]
    actions = ["mark_as_spam", "mark_as_not_spam"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["buyer", "business", "product", "quote"]
        return fields

    @admin.action(description=_("Mark the selected inquiries as not spam"))
    def mark_as_not_spam(self, request, queryset):
        count = 0
        for inquiry in queryset.filter(status=Inquiry.Status.SPAM):
            services.inquiry_mark_spam(inquiry=inquiry, staff=request.user, spam=False)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d inquiry restored to the inboxes.",
                "%(count)d inquiries restored to the inboxes.",
                count,
            )
            % {"count": count},
        )

    @admin.action(description=_("Mark the selected inquiries as spam"))
    def mark_as_spam(self, request, queryset):
        # The same service as the staff button on the thread page.
        count = 0
        for inquiry in queryset.exclude(status=Inquiry.Status.SPAM):
            services.inquiry_mark_spam(inquiry=inquiry, staff=request.user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d inquiry marked as spam.", "%(count)d inquiries marked as spam.", count
            )
            % {"count": count},
        )


@admin.register(InquiryMessage)
class InquiryMessageAdmin(WrittenOnTheSiteMixin, admin.ModelAdmin):
    list_display = ["inquiry", "author", "author_role", "created_at"]
    list_filter = ["author_role", "created_at"]
    search_fields = ["body", "inquiry__subject", "author__email"]
    list_select_related = ["inquiry", "author"]
    raw_id_fields = ["inquiry", "author"]
    readonly_fields = ["created_at"]
    date_hierarchy = "created_at"


class QuoteInline(WrittenOnTheSiteMixin, admin.TabularInline):
    model = Quote
    extra = 0
    fields = ["business", "product", "price_usd", "moq", "lead_time_days", "message", "created_at"]
    raw_id_fields = ["business", "product"]
    readonly_fields = ["created_at"]


@admin.register(BuyingRequest)
class BuyingRequestAdmin(WrittenOnTheSiteMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "buyer",
        "category",
        "quantity",
        "unit",
        "destination_country",
        "valid_until",
        "status",
        "quote_count",
        "max_quotes",
    ]
    list_filter = ["status", "valid_until", "category"]
    search_fields = ["title", "description", "buyer__email", "buyer__full_name"]
    list_select_related = ["buyer", "category"]
    raw_id_fields = ["buyer"]
    readonly_fields = ["status", "created_at"]  # closed by the action or when it expires
    date_hierarchy = "created_at"
    inlines = [QuoteInline]
    actions = ["close_requests"]

    @admin.action(description=_("Close the selected buying requests"))
    def close_requests(self, request, queryset):
        count = sum(
            services.buying_request_close(buying_request=buying_request, staff=request.user)
            for buying_request in queryset
        )
        self.message_user(
            request,
            ngettext("%(count)d buying request closed.", "%(count)d buying requests closed.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(quote_count=Count("quotes"))

    @admin.display(description=_("quotes"), ordering="quote_count")
    def quote_count(self, obj):
        return obj.quote_count


@admin.register(Quote)
class QuoteAdmin(WrittenOnTheSiteMixin, admin.ModelAdmin):
    list_display = ["request", "business", "price_usd", "moq", "lead_time_days", "created_at"]
    search_fields = ["request__title", "business__name", "message"]
    list_select_related = ["request", "business"]
    raw_id_fields = ["request", "business", "product"]
    readonly_fields = ["created_at"]
    date_hierarchy = "created_at"


# The deal pipeline: staff read (every write is the participants', on the thread).


class QuotationLineInline(WrittenOnTheSiteMixin, admin.TabularInline):
    model = QuotationLine
    extra = 0
    fields = ["position", "product", "description", "quantity", "unit", "unit_price_usd"]
    raw_id_fields = ["product"]


@admin.register(Quotation)
class QuotationAdmin(WrittenOnTheSiteMixin, admin.ModelAdmin):
    list_display = [
        "inquiry",
        "business",
        "round",
        "status",
        "total_usd",
        "incoterm",
        "payment_term",
        "valid_until",
        "proforma",
        "created_at",
    ]
    list_filter = ["status", "incoterm", "payment_term"]
    search_fields = ["inquiry__subject", "business__name"]
    list_select_related = ["inquiry", "business"]
    raw_id_fields = ["inquiry", "business", "author"]
    readonly_fields = ["created_at", "answered_at"]
    date_hierarchy = "created_at"
    inlines = [QuotationLineInline]

    @admin.display(description=_("proforma invoice"))
    def proforma(self, obj):
        return obj.proforma_number or "—"


@admin.register(SampleRequest)
class SampleRequestAdmin(WrittenOnTheSiteMixin, admin.ModelAdmin):
    list_display = ["inquiry", "quantity", "status", "courier", "tracking_number", "fee_usd"]
    list_filter = ["status"]
    search_fields = ["inquiry__subject", "courier", "tracking_number"]
    list_select_related = ["inquiry"]
    raw_id_fields = ["inquiry"]
    readonly_fields = ["created_at", "sent_at"]
