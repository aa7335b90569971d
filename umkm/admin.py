from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from core import uploads
from core.admin_services import ServiceAdminMixin, mirror_saved
from core.admin_uploads import checked_uploads_form

from . import services
from .forms import BasePriceTierFormSet
from .models import (
    Business,
    BusinessPhoto,
    Category,
    Certification,
    PriceTier,
    Product,
    ProductImage,
    ProductTransition,
)


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


class BusinessPhotoInlineFormSet(BaseInlineFormSet):
    """Profile photos go through the site's services: at most six, checked and
    re-encoded, files removed with the photo."""

    by = None  # the staff member, set per request by ``BusinessPhotoInline.get_formset``

    def save_new(self, form, commit=True):
        return services.business_photo_add(
            business=self.instance,
            upload=form.cleaned_data["image"],
            alt_text=form.cleaned_data.get("alt_text", ""),
            by=self.by,
        )

    def save_existing(self, form, obj, commit=True):
        if "image" in form.changed_data:  # a new picture in place of the old one
            stored = BusinessPhoto.objects.get(pk=obj.pk)
            services.business_photo_delete(photo=stored, by=self.by)
            return services.business_photo_add(
                business=self.instance,
                upload=form.cleaned_data["image"],
                alt_text=form.cleaned_data.get("alt_text", ""),
                by=self.by,
            )
        if "alt_text" in form.changed_data:
            return services.business_photo_update(
                photo=obj, alt_text=form.cleaned_data["alt_text"], by=self.by
            )
        return obj

    def delete_existing(self, obj, commit=True):
        stored = BusinessPhoto.objects.get(pk=obj.pk)  # with its stored file
        services.business_photo_delete(photo=stored, by=self.by)


class BusinessPhotoInline(admin.TabularInline):
    model = BusinessPhoto
    form = checked_uploads_form(image=uploads.clean_business_photo_upload)
    formset = BusinessPhotoInlineFormSet
    extra = 0
    max_num = BusinessPhoto.MAX_PER_BUSINESS
    fields = ["image", "alt_text"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.by = request.user  # a class made for this request
        return formset


@admin.register(Business)
class BusinessAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = checked_uploads_form(logo=uploads.clean_logo_upload)
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
    # The slug is made from the name when the business is added and then stays: links
    # in emails, bookmarks and the sitemap point at it.
    readonly_fields = [
        "slug",
        "verified_at",
        "verified_by",
        "verification_note",
        "created_at",
        "updated_at",
    ]
    inlines = [CertificationInline, BusinessPhotoInline]
    actions = ["verify"]

    def save_model(self, request, obj, form, change):
        """Through the services, as on the site.

        A new business goes through ``business_create`` (an owner account without a
        business). A new owner goes through ``business_transfer`` and its checks.
        Other changes go through ``business_update``: a changed NIB is no longer
        verified. Staff cannot verify in the same step (verification is read-only
        here): the "Verify" action records who checked the new NIB and tells the owner.
        """
        editable = services.BUSINESS_EDITABLE_FIELDS
        if not change:
            saved = services.business_create(
                owner=form.cleaned_data["owner"], **_form_values(form, editable)
            )
            mirror_saved(obj, saved)
            return
        if "owner" in form.changed_data:
            services.business_transfer(
                business=Business.objects.get(pk=obj.pk),
                new_owner=form.cleaned_data["owner"],
                staff=request.user,
            )
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

    def get_actions(self, request):
        # One at a time, through the delete page: a business others have dealt with
        # is refused there with the reason.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request, obj):
        """``business_delete``: refused for a business with history (switch it off);
        otherwise its documents and photos leave the stores too."""
        services.business_delete(business=obj, by=request.user)

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
    form = checked_uploads_form(document=uploads.clean_document_upload)
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


class PriceTierInlineFormSet(BasePriceTierFormSet):
    """Price tiers are export facts: the product page hands them to ``product_update``
    (held for review on a listed product) or ``product_create``; this formset writes
    nothing itself. Overlapping tiers are refused as on the site."""

    def tiers(self) -> list[dict] | None:
        """The tiers as staff left them, or None when the inline was not touched."""
        if not self.has_changed():
            return None
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data
            and not self._should_delete_form(form)
            and form.cleaned_data.get("min_quantity")
            and form.cleaned_data.get("price_usd") is not None
        ]

    def save(self, commit=True):
        # What the admin's history says was done (the service did it).
        kept = [form for form in self.forms if not self._should_delete_form(form)]
        self.new_objects = [f.instance for f in self.extra_forms if f in kept and f.has_changed()]
        self.changed_objects = [
            (f.instance, f.changed_data)
            for f in self.initial_forms
            if f in kept and f.has_changed()
        ]
        self.deleted_objects = [f.instance for f in self.initial_forms if f not in kept]
        return []


class PriceTierInline(admin.TabularInline):
    model = PriceTier
    formset = PriceTierInlineFormSet
    extra = 0


class ProductImageInlineFormSet(BaseInlineFormSet):
    """Photos go through the site's services: at most eight, checked and re-encoded,
    thumbnails queued, files removed with the photo, and the catalogue cache told."""

    by = None  # the staff member, set per request by ``ProductImageInline.get_formset``

    def save_new(self, form, commit=True):
        return services.product_image_add(
            product=self.instance,
            upload=form.cleaned_data["image"],
            alt_text=form.cleaned_data.get("alt_text", ""),
            by=self.by,
        )

    def save_existing(self, form, obj, commit=True):
        if "image" in form.changed_data:  # a new picture in place of the old one
            # The stored row: the form has already put the new file on ``obj``.
            stored = ProductImage.objects.get(pk=obj.pk)
            services.product_image_delete(image=stored, by=self.by)
            new = services.product_image_add(
                product=self.instance,
                upload=form.cleaned_data["image"],
                alt_text=form.cleaned_data.get("alt_text", ""),
                by=self.by,
            )
            self.replaced[form] = new.pk
            return new
        if "alt_text" in form.changed_data:
            return services.product_image_update(
                image=obj, alt_text=form.cleaned_data["alt_text"], by=self.by
            )
        return obj

    def delete_existing(self, obj, commit=True):
        stored = ProductImage.objects.get(pk=obj.pk)  # with its stored files
        services.product_image_delete(image=stored, by=self.by)

    def save(self, commit=True):
        self.replaced = {}
        saved = super().save(commit)
        self._put_in_order()
        return saved

    def _put_in_order(self) -> None:
        """The positions staff typed, through ``product_images_reorder`` (new photos
        last, a replaced photo where the old one was)."""
        kept = [form for form in self.initial_forms if not self._should_delete_form(form)]
        moved = any("position" in form.changed_data for form in kept)
        if not (moved or self.replaced):
            return
        wanted = sorted(
            (
                form.cleaned_data.get("position") or 0,
                index,
                self.replaced.get(form, form.instance.pk),
            )
            for index, form in enumerate(kept)
        )
        order = [pk for _position, _index, pk in wanted if pk is not None]
        order += list(
            self.instance.images.exclude(pk__in=order)
            .order_by("position", "pk")
            .values_list("pk", flat=True)
        )
        services.product_images_reorder(product=self.instance, order=order, by=self.by)


class ProductImageInline(admin.TabularInline):
    """Photos added here are checked and re-encoded as on the site; the periodic sweep
    makes their thumbnails."""

    model = ProductImage
    form = checked_uploads_form(image=uploads.clean_image_upload)
    formset = ProductImageInlineFormSet
    extra = 0
    fields = ["image", "alt_text", "position", "thumb_small"]
    readonly_fields = ["thumb_small"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.by = request.user  # a class made for this request
        return formset


class ProductTransitionInline(admin.TabularInline):
    model = ProductTransition
    extra = 0
    readonly_fields = ["from_status", "to_status", "actor", "comment", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


EXPORT_CHANGES_HELD = _(
    "The changes to the export facts of %(product)s wait for review; buyers keep seeing "
    "the approved version. Approve them with the action “Approve the selected products”."
)


@admin.register(Product)
class ProductAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Products change through the listing workflow's services, as on the site.

    Saving goes through ``product_create``/``product_update``: on a listed product the
    export facts (and price tiers, certificates) wait for review while buyers keep
    seeing the approved version, and search text and the catalogue cache follow. The
    status and listing fields are read-only; the actions move a product on."""

    list_display = ["name_id", "name_en", "business", "category", "status", "is_listed"]
    list_filter = ["status", "is_listed", "category"]
    search_fields = ["name_id", "name_en", "hs_code", "business__name"]
    list_select_related = ["business", "category"]
    # One count a page, of what the filters leave (not a second one of every product).
    show_full_result_count = False
    raw_id_fields = ["business"]
    # The slug is made from the name and then stays (links point at it).
    readonly_fields = ["slug", "status", "is_listed", "listed_at", "pending_changes"]
    inlines = [PriceTierInline, ProductImageInline, ProductTransitionInline]
    actions = ["approve", "archive"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("business")  # a product stays with its business
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "certifications" in form.base_fields:
            form.base_fields["certifications"].queryset = obj.business.certifications.all()
        return form

    def save_model(self, request, obj, form, change):
        """Nothing yet: ``save_related`` saves the product together with its tiers."""

    def save_related(self, request, form, formsets, change):
        product = form.instance
        fields = {
            name: form.cleaned_data[name]
            for name in (form.changed_data if change else form.fields)
            if name in form.fields and name != "business"
        }
        tiers = next((f.tiers() for f in formsets if isinstance(f, PriceTierInlineFormSet)), None)
        if tiers is not None:
            fields["price_tiers"] = tiers
        if not change:
            saved = services.product_create(
                business=form.cleaned_data["business"], actor=request.user, **fields
            )
        elif fields:
            was_listed = Product.objects.filter(pk=product.pk, status="listed").exists()
            saved = services.product_update(product=product, actor=request.user, **fields)
            if was_listed and saved.status == Product.Status.SUBMITTED:
                self.message_user(
                    request, EXPORT_CHANGES_HELD % {"product": saved}, messages.WARNING
                )
        else:
            saved = product
        mirror_saved(product, saved)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        services.product_delete(product=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for product in queryset:
            services.product_delete(product=product, by=request.user)

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
