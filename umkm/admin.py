from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
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


def _changed_values(form, allowed) -> dict:
    """The values a change form changed, as its model instance now holds them."""
    return {name: getattr(form.instance, name) for name in form.changed_data if name in allowed}


def _form_values(form, allowed) -> dict:
    """All the values an add form has, as its model instance now holds them."""
    return {name: getattr(form.instance, name) for name in form.fields if name in allowed}


NIB_CHANGED = _(
    "The NIB of %(name)s changed, so it is no longer verified. Check the new NIB, then "
    "verify the business again (the owner is told)."
)
CERTIFICATE_CHANGED = _(
    "%(certificate)s changed, so it is no longer verified. Check it, then verify it again."
)


class CertificationInlineFormSet(BaseInlineFormSet):
    """Certificates added, changed or deleted on the business page go through the same
    services as on the site (a changed certificate must be verified again)."""

    by = None  # the staff member, set per request by ``CertificationInline.get_formset``

    def save_new(self, form, commit=True):
        fields = _form_values(form, services.CERTIFICATE_FACTS)
        return services.certification_create(business=self.instance, by=self.by, **fields)

    def save_existing(self, form, obj, commit=True):
        was_verified = (
            obj.pk and Certification.objects.filter(pk=obj.pk, verified_at__isnull=False).exists()
        )
        saved = services.certification_update(
            certification=obj, by=self.by, **_changed_values(form, services.CERTIFICATE_FACTS)
        )
        if was_verified and not saved.is_verified:
            self.unverified.append(saved)
        return saved

    def delete_existing(self, obj, commit=True):
        services.certification_delete(certification=obj, by=self.by)

    def save(self, commit=True):
        self.unverified = []
        return super().save(commit)


class CertificationInline(admin.TabularInline):
    model = Certification
    formset = CertificationInlineFormSet
    extra = 0
    fields = ["kind", "number", "issued_on", "expires_on", "verified_at"]
    readonly_fields = ["verified_at"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.by = request.user  # a class made for this request
        return formset


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

    def save_model(self, request, obj, form, change):
        """Changes go through ``business_update``: a changed NIB is no longer verified.

        Staff cannot verify in the same step (verification is read-only here): the
        "Verify" action records who checked the new NIB and tells the owner."""
        if not change:
            super().save_model(request, obj, form, change)
            return
        was_verified = Business.objects.filter(pk=obj.pk, verified_at__isnull=False).exists()
        saved = services.business_update(
            business=obj,
            by=request.user,
            **_changed_values(form, services.BUSINESS_EDITABLE_FIELDS),
        )
        obj.verified_at, obj.verified_by = saved.verified_at, saved.verified_by
        if was_verified and not saved.is_verified:
            self.message_user(request, NIB_CHANGED % {"name": saved.name}, messages.WARNING)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for certification in getattr(formset, "unverified", []):
            self.message_user(
                request,
                CERTIFICATE_CHANGED % {"certificate": certification},
                messages.WARNING,
            )

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

    def save_model(self, request, obj, form, change):
        """Through the services: a changed certificate is no longer verified (staff
        verify it again with the action, which records who checked it)."""
        if not change:
            fields = _form_values(form, services.CERTIFICATE_FACTS)
            saved = services.certification_create(business=obj.business, by=request.user, **fields)
            obj.pk, obj._state = saved.pk, saved._state  # the admin logs and links ``obj``
            return
        fields = _changed_values(form, services.CERTIFICATE_FACTS)
        was_verified = Certification.objects.filter(pk=obj.pk, verified_at__isnull=False).exists()
        saved = services.certification_update(certification=obj, by=request.user, **fields)
        obj.verified_at, obj.verified_by = saved.verified_at, saved.verified_by
        if was_verified and not saved.is_verified:
            self.message_user(
                request, CERTIFICATE_CHANGED % {"certificate": saved}, messages.WARNING
            )

    def delete_model(self, request, obj):
        services.certification_delete(certification=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for certification in queryset.select_related("business"):
            services.certification_delete(certification=certification, by=request.user)

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
