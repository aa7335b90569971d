from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import images, services
from .models import (
    Business,
    Category,
    Certification,
    PriceTier,
    Product,
    ProductImage,
    ProductTransition,
)
from .uploads import checked_uploads_form


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0
    fields = ["kind", "number", "issued_on", "expires_on", "verified_at"]
    readonly_fields = ["verified_at"]


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    form = checked_uploads_form(logo=images.clean_logo_upload)
    list_display = ["name", "owner", "city", "sector", "scale", "verified_at", "is_active"]
    list_filter = [
        ("verified_at", admin.EmptyFieldListFilter),
        "is_active",
        "sector",
        "scale",
        "province",
    ]
    search_fields = ["name", "nib", "owner__email", "city"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["verified_at", "verified_by", "created_at", "updated_at"]
    inlines = [CertificationInline]
    actions = ["verify"]

    @admin.action(description=_("Verify the selected businesses"))
    def verify(self, request, queryset):
        done = 0
        for business in queryset.filter(verified_at__isnull=True):
            try:
                done += services.business_verify(business=business, staff=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{business}: {exc.messages[0]}", messages.WARNING)
        self.message_user(request, _("%(count)d businesses verified.") % {"count": done})


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    form = checked_uploads_form(document=images.clean_document_upload)
    list_display = ["business", "kind", "number", "expires_on", "verified_at"]
    list_filter = ["kind", ("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["number", "business__name"]
    list_select_related = ["business"]
    raw_id_fields = ["business"]
    readonly_fields = ["verified_at", "verified_by"]
    date_hierarchy = "expires_on"
    actions = ["verify"]

    @admin.action(description=_("Verify the selected certificates"))
    def verify(self, request, queryset):
        done = sum(
            services.certification_verify(certification=c, staff=request.user) for c in queryset
        )
        self.message_user(request, _("%(count)d certificates verified.") % {"count": done})


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_id", "parent", "is_food", "position"]
    list_filter = ["is_food", "parent"]
    search_fields = ["name_en", "name_id"]
    prepopulated_fields = {"slug": ["name_en"]}


class PriceTierInline(admin.TabularInline):
    model = PriceTier
    extra = 0


class ProductImageInline(admin.TabularInline):
    """Photos added here are checked and re-encoded as on the site; the periodic sweep
    makes their thumbnails."""

    model = ProductImage
    form = checked_uploads_form(image=images.clean_image_upload)
    extra = 0
    fields = ["image", "alt_text", "position", "thumb_small"]
    readonly_fields = ["thumb_small"]


class ProductTransitionInline(admin.TabularInline):
    model = ProductTransition
    extra = 0
    readonly_fields = ["from_status", "to_status", "actor", "comment", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name_id", "name_en", "business", "category", "status", "is_listed"]
    list_filter = ["status", "is_listed", "category"]
    search_fields = ["name_id", "name_en", "hs_code", "business__name"]
    list_select_related = ["business", "category"]
    raw_id_fields = ["business"]
    readonly_fields = ["status", "is_listed", "listed_at", "pending_changes"]
    inlines = [PriceTierInline, ProductImageInline, ProductTransitionInline]
    actions = ["approve", "archive"]

    @admin.action(description=_("Approve the selected products (list them)"))
    def approve(self, request, queryset):
        self._transition(request, queryset, services.product_approve, "reviewer")

    @admin.action(description=_("Archive the selected products"))
    def archive(self, request, queryset):
        self._transition(request, queryset, services.product_archive, "actor")

    def _transition(self, request, queryset, service, actor_arg):
        done = 0
        for product in queryset:
            try:
                service(product=product, **{actor_arg: request.user})
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{product}: {exc.messages[0]}", messages.WARNING)
        self.message_user(request, _("%(count)d products changed.") % {"count": done})


@admin.register(ProductTransition)
class ProductTransitionAdmin(admin.ModelAdmin):
    list_display = ["product", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["to_status"]
    search_fields = ["product__name_id", "comment"]
    list_select_related = ["product", "actor"]

    def has_change_permission(self, request, obj=None):
        return False
