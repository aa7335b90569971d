"""Back-office pages for businesses, certificates and products.

Who may touch what is decided by the querysets in ``models`` (``for_user`` to see,
``editable_by`` to change); anything outside them answers 404.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from accounts.permissions import RoleRequiredMixin, StaffRequiredMixin
from core.files import private_download
from core.http import safe_next
from core.personal_pages import PersonalPageMixin

from . import selectors, services
from .forms import (
    BusinessForm,
    CertificationForm,
    CsvImportForm,
    PriceTierFormSet,
    ProductForm,
    ProductImageForm,
    ReviewForm,
    VerifyBusinessForm,
)
from .models import EXPORT_FIELDS, Business, Certification, Product, ProductImage


def business_to_view(user, slug: str) -> Business:
    return get_object_or_404(Business.objects.for_user(user), slug=slug)


def business_to_edit(user, slug: str) -> Business:
    return get_object_or_404(Business.objects.editable_by(user), slug=slug)


def product_to_view(user, pk: int) -> Product:
    return get_object_or_404(
        Product.objects.for_user(user).select_related("business__owner", "category__parent"),
        pk=pk,
    )


def product_to_edit(user, pk: int) -> Product:
    return get_object_or_404(
        Product.objects.filter(business__in=Business.objects.editable_by(user)).select_related(
            "business__owner", "category"
        ),
        pk=pk,
    )


def _form_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _add_service_errors(form, exc: ValidationError) -> None:
    """A service's refusal on the form: under the field it names, else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# Owner dashboard and business --------------------------------------------------------


class OwnerDashboardView(RoleRequiredMixin, PersonalPageMixin, TemplateView):
    required_role = "owner"
    template_name = "umkm/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        business = Business.objects.filter(owner=user).first()
        context["business"] = business
        context["latest_notifications"] = user.notifications.all()[:5]
        if business:  # the readiness checklist: {% business_checklist %} (readiness)
            context["status_counts"] = selectors.status_counts(business)
            context["status_labels"] = dict(Product.Status.choices)
            context["certifications"] = business.certifications.all()[:10]
        return context


class BusinessCreateView(RoleRequiredMixin, FormView):
    required_role = "owner"
    form_class = BusinessForm
    template_name = "umkm/business_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and Business.objects.filter(owner=request.user).exists():
            return redirect("umkm:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        fields = form.profile_fields(form.Meta.fields)
        if not fields["logo"]:
            del fields["logo"]
        try:
            business = services.business_create(owner=self.request.user, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Your business profile is saved."))
        _save_profile_photos(self.request, form, business)
        return redirect("umkm:dashboard")


class BusinessEditView(LoginRequiredMixin, FormView):
    form_class = BusinessForm
    template_name = "umkm/business_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.business = business_to_edit(request.user, kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.business}

    def get_context_data(self, **kwargs):
        return super().get_context_data(business=self.business, **kwargs)

    def form_valid(self, form):
        fields = form.profile_fields(form.changed_data)
        if "logo" in fields and not fields["logo"]:
            fields["logo"] = ""  # "clear" ticked
        was_verified = self.business.is_verified
        try:
            business = services.business_update(
                business=self.business, by=self.request.user, **fields
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Your business profile is saved."))
        if not _save_profile_photos(self.request, form, business):
            return redirect("umkm:business-edit", slug=business.slug)
        if was_verified and not business.is_verified:
            messages.info(
                self.request,
                _("The NIB changed, so staff will verify your business again."),
            )
        return redirect("umkm:business-detail", slug=business.slug)


def _save_profile_photos(request, form, business) -> bool:
    """The photos removed and the one added with the profile form; False (with the
    reason shown) when the new photo is refused: the rest of the profile is saved."""
    for photo in form.cleaned_data.get("remove_photos") or []:
        services.business_photo_delete(photo=photo, by=request.user)
    upload = form.cleaned_data.get("add_photo")
    if not upload:
        return True
    try:
        services.business_photo_add(
            business=business,
            upload=upload,
            alt_text=form.cleaned_data.get("add_photo_alt", ""),
            by=request.user,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, _("The photo was not added: %(reason)s") % {"reason": message})
        return False
    return True


class BusinessDetailView(LoginRequiredMixin, DetailView):
    template_name = "umkm/business_detail.html"
    context_object_name = "business"

    def get_object(self, queryset=None):
        return business_to_view(self.request.user, self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        business = self.object
        user = self.request.user
        context["certifications"] = business.certifications.all()
        context["can_edit"] = Business.objects.editable_by(user).filter(pk=business.pk).exists()
        context["mentors"] = business.mentorships.active().select_related("mentor")
        return context


def _queue_back(request) -> str:
    """Where the confirm page returns to: its ``next`` (GET link or POSTed form) if it
    stays on this site, else nothing."""
    target = request.POST.get("next") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


class BusinessVerifyView(StaffRequiredMixin, View):
    """Staff verify a business in two steps: this page shows its NIB and documents and
    asks for an explicit confirmation (and a reason when the NIB document is missing);
    only the confirmed POST verifies, through ``business_verify``."""

    template_name = "umkm/business_verify.html"

    def get(self, request, slug):
        business = get_object_or_404(Business.objects.select_related("owner"), slug=slug)
        return self._render(request, business, VerifyBusinessForm())

    def post(self, request, slug):
        business = get_object_or_404(Business.objects.select_related("owner"), slug=slug)
        form = VerifyBusinessForm(request.POST)
        if not form.is_valid():
            return self._render(request, business, form, status=400)
        try:
            verified = services.business_verify(
                business=business, staff=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
            return self._render(request, business, form, status=400)
        if verified:
            messages.success(request, _("%(name)s is verified.") % {"name": business.name})
        else:
            messages.info(request, _("%(name)s was already verified.") % {"name": business.name})
        return redirect(safe_next(request, business.get_absolute_url()))

    def _render(self, request, business, form, status=200):
        context = {
            "business": business,
            "form": form,
            "documents": list(selectors.nib_documents(business)),
            "certifications": business.certifications.order_by("kind", "-issued_on"),
            "next": _queue_back(request),
        }
        return render(request, self.template_name, context, status=status)


class StaffVerificationQueueView(StaffRequiredMixin, TemplateView):
    template_name = "umkm/staff_verification.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The same lists as the staff work queues (backoffice:staff-queues), longer.
        context["businesses"] = selectors.businesses_awaiting_verification()[:100]
        context["certifications"] = selectors.certifications_awaiting_verification()[:100]
        return context


# Certifications ----------------------------------------------------------------------


class CertificationListView(LoginRequiredMixin, FormView):
    """The business's certificates, and (for those who may edit) a form to add one."""

    template_name = "umkm/certification_list.html"
    form_class = CertificationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.business = business_to_view(request.user, kwargs["slug"])
            self.can_edit = (
                Business.objects.editable_by(request.user).filter(pk=self.business.pk).exists()
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "business": self.business}

    def get_initial(self):
        # ?kind=halal (a readiness item's link): the form opens with that kind chosen.
        kind = self.request.GET.get("kind", "")
        return {"kind": kind} if kind in Certification.Kind.values else {}

    def post(self, request, *args, **kwargs):
        if not self.can_edit:
            raise Http404
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.certification_create(business=self.business, by=self.request.user, **fields)
        except ValidationError as exc:
            _add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The certificate is saved; staff will verify it."))
        return redirect("umkm:certification-list", slug=self.business.slug)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            business=self.business,
            can_edit=self.can_edit,
            certifications=self.business.certifications.all(),
            **kwargs,
        )


def certification_to_edit(user, pk: int) -> Certification:
    return get_object_or_404(
        Certification.objects.filter(
            business__in=Business.objects.editable_by(user)
        ).select_related("business"),
        pk=pk,
    )


class CertificationEditView(LoginRequiredMixin, FormView):
    template_name = "umkm/certification_form.html"
    form_class = CertificationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.certification = certification_to_edit(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "business": self.certification.business,
            "instance": self.certification,
        }

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            certification = services.certification_update(
                certification=self.certification, by=self.request.user, **fields
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The certificate is saved; staff will verify it."))
        return redirect("umkm:certification-list", slug=certification.business.slug)

    def get_context_data(self, **kwargs):
        return super().get_context_data(certification=self.certification, **kwargs)


class CertificationDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        certification = certification_to_edit(request.user, pk)
        slug = certification.business.slug
        services.certification_delete(certification=certification, by=request.user)
        messages.success(request, _("The certificate is deleted."))
        return redirect("umkm:certification-list", slug=slug)


class CertificationDocumentView(LoginRequiredMixin, View):
    """Certificates are private: only the owner, the business's mentors and staff."""

    def get(self, request, pk):
        certification = get_object_or_404(
            Certification.objects.filter(business__in=Business.objects.for_user(request.user)),
            pk=pk,
        )
        if not certification.document:
            raise Http404
        name = certification.document.name.rsplit("/", 1)[-1]
        return private_download(certification.document, filename=name)


class CertificationVerifyView(StaffRequiredMixin, View):
    def post(self, request, pk):
        certification = get_object_or_404(Certification, pk=pk)
        if services.certification_verify(certification=certification, staff=request.user):
            messages.success(request, _("The certificate is verified."))
        else:
            messages.info(request, _("The certificate was already verified."))
        return redirect(safe_next(request, reverse("umkm:staff-verification")))


# Products ----------------------------------------------------------------------------


class ProductListView(LoginRequiredMixin, ListView):
    template_name = "umkm/product_list.html"
    context_object_name = "products"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.business = business_to_view(request.user, kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        # ?status=… (the dashboard's "products by status" links): a known status
        # filters; anything else shows every product, with a message.
        asked = self.request.GET.get("status", "")
        self.status = asked if asked in Product.Status.values else ""
        if asked and not self.status:
            messages.warning(self.request, _("Unknown product status; showing all products."))
        return selectors.products_for_owner_list(self.business, status=self.status)

    def get_context_data(self, **kwargs):
        # Each row's readiness comes from {% product_checklists %} (readiness).
        context = super().get_context_data(**kwargs)
        context["business"] = self.business
        context["status"] = self.status
        context["status_choices"] = Product.Status.choices
        context["can_edit"] = (
            Business.objects.editable_by(self.request.user).filter(pk=self.business.pk).exists()
        )
        return context


class ProductFormMixin:
    template_name = "umkm/product_form.html"

    def render_form(self, form, tiers, **extra):
        from django.shortcuts import render

        return render(
            self.request,
            self.template_name,
            {"form": form, "tiers": tiers, "business": self.business, **extra},
        )

    def fields_from(self, form, tiers) -> dict:
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        fields["price_tiers"] = [
            tier.cleaned_data
            for tier in tiers.forms
            if tier.cleaned_data
            and not tier.cleaned_data.get("DELETE")
            and tier.cleaned_data.get("min_quantity")
            and tier.cleaned_data.get("price_usd") is not None
        ]
        return fields


class ProductCreateView(LoginRequiredMixin, ProductFormMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.business = business_to_edit(request.user, kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, slug):
        return self.render_form(ProductForm(business=self.business), PriceTierFormSet())

    def post(self, request, slug):
        form = ProductForm(request.POST, business=self.business)
        tiers = PriceTierFormSet(request.POST)
        if not (form.is_valid() and tiers.is_valid()):
            return self.render_form(form, tiers)
        product = services.product_create(
            business=self.business, actor=request.user, **self.fields_from(form, tiers)
        )
        messages.success(request, _("The product is saved as a draft. Add photos next."))
        return redirect("umkm:product-images", pk=product.pk)


class ProductEditView(LoginRequiredMixin, ProductFormMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.product = product_to_edit(request.user, kwargs["pk"])
            self.business = self.product.business
        return super().dispatch(request, *args, **kwargs)

    def _initial(self) -> dict:
        return {
            name: services.pending_value(self.product, name)
            for name in EXPORT_FIELDS
            if name in self.product.pending_changes
        }

    def get(self, request, pk):
        form = ProductForm(instance=self.product, initial=self._initial(), business=self.business)
        return self.render_form(form, PriceTierFormSet(instance=self.product), product=self.product)

    def post(self, request, pk):
        form = ProductForm(request.POST, instance=self.product, business=self.business)
        tiers = PriceTierFormSet(request.POST, instance=self.product)
        if not (form.is_valid() and tiers.is_valid()):
            return self.render_form(form, tiers, product=self.product)
        was_listed = self.product.status == Product.Status.LISTED
        # The form applied the values to the instance; let the service decide what
        # goes live and what waits for review, from a fresh copy of the row.
        fresh = Product.objects.get(pk=self.product.pk)
        try:
            product = services.product_update(
                product=fresh, actor=request.user, **self.fields_from(form, tiers)
            )
        except ValidationError as exc:
            _form_errors(request, exc)
            return redirect("umkm:product-detail", pk=pk)
        if was_listed and product.status == Product.Status.SUBMITTED:
            messages.info(
                request,
                _(
                    "Your changes to the export facts wait for review. Buyers keep seeing "
                    "the approved version until then."
                ),
            )
        else:
            messages.success(request, _("The product is saved."))
        return redirect("umkm:product-detail", pk=product.pk)


class ProductDetailView(LoginRequiredMixin, DetailView):
    template_name = "umkm/product_detail.html"
    context_object_name = "product"

    def get_object(self, queryset=None):
        return product_to_view(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        product = self.object
        user = self.request.user
        context["images"] = product.images.all()
        context["tiers"] = product.price_tiers.all()
        context["certifications"] = product.certifications.all()
        context["transitions"] = product.transitions.select_related("actor")[:20]
        context["can_edit"] = (
            Business.objects.editable_by(user).filter(pk=product.business_id).exists()
        )
        context["can_review"] = services.can_review(user=user, product=product)
        context["review_form"] = ReviewForm()
        context["pending"] = [
            (services.pending_label(name), services.pending_display(product, name))
            for name in product.pending_changes
        ]
        return context


class ProductTransitionView(LoginRequiredMixin, View):
    """POST-only workflow steps; the service decides whether the step is allowed."""

    action = ""

    def post(self, request, pk):
        user = request.user
        if self.action in {"approve", "request_changes"}:
            product = product_to_view(user, pk)
        else:
            product = product_to_edit(user, pk)
        form = ReviewForm(request.POST)
        comment = form.data.get("comment", "")[:2000]
        try:
            if self.action == "submit":
                services.product_submit(product=product, actor=user)
                messages.success(request, _("Submitted for review. Your mentor has been told."))
            elif self.action == "approve":
                services.product_approve(product=product, reviewer=user, comment=comment)
                messages.success(request, _("Approved: the product is now in the catalogue."))
            elif self.action == "request_changes":
                services.product_request_changes(product=product, reviewer=user, comment=comment)
                messages.success(request, _("The owner has been asked for changes."))
            elif self.action == "archive":
                services.product_archive(product=product, actor=user)
                messages.success(request, _("The product is archived and hidden from buyers."))
            elif self.action == "restore":
                services.product_restore(product=product, actor=user)
                messages.success(request, _("The product is back as a draft."))
        except ValidationError as exc:
            _form_errors(request, exc)
        return redirect("umkm:product-detail", pk=pk)


class ProductImagesView(LoginRequiredMixin, FormView):
    template_name = "umkm/product_images.html"
    form_class = ProductImageForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.product = product_to_edit(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.product_image_add(
                product=self.product,
                upload=form.cleaned_data["image"],
                alt_text=form.cleaned_data["alt_text"],
                by=self.request.user,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):  # the description
                _add_service_errors(form, exc)
            else:  # the picture itself
                form.add_error("image", exc)
            for message in exc.messages:
                messages.error(self.request, message)
            return self.form_invalid(form)
        messages.success(self.request, _("The photo is added."))
        return redirect("umkm:product-images", pk=self.product.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            product=self.product,
            images=self.product.images.all(),
            max_images=ProductImage.MAX_PER_PRODUCT,
            **kwargs,
        )


class ProductImageActionView(LoginRequiredMixin, View):
    def post(self, request, pk):
        image = get_object_or_404(
            ProductImage.objects.filter(
                product__business__in=Business.objects.editable_by(request.user)
            ).select_related("product"),
            pk=pk,
        )
        product = image.product
        action = request.POST.get("action")
        if action == "delete":
            services.product_image_delete(image=image, by=request.user)
            messages.success(request, _("The photo is removed."))
        elif action in {"up", "down"}:
            order = list(product.images.values_list("pk", flat=True))
            index = order.index(image.pk)
            swap = index - 1 if action == "up" else index + 1
            if 0 <= swap < len(order):
                order[index], order[swap] = order[swap], order[index]
                try:
                    services.product_images_reorder(product=product, order=order, by=request.user)
                except ValidationError as exc:  # a photo came or went meanwhile
                    _form_errors(request, exc)
        elif action == "alt":
            try:
                services.product_image_update(
                    image=image, alt_text=request.POST.get("alt_text", ""), by=request.user
                )
            except ValidationError as exc:
                _form_errors(request, exc)
            else:
                messages.success(request, _("The description is saved."))
        return redirect("umkm:product-images", pk=product.pk)


class ReviewQueueView(LoginRequiredMixin, ListView):
    """Products waiting for review: a mentor's mentees', or all for staff."""

    template_name = "umkm/review_queue.html"
    context_object_name = "products"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (user.is_staff or user.is_approved_mentor):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return (
            services.products_needing_review_for(self.request.user)
            .select_related("business", "category")
            .order_by("updated_at")
        )


# CSV ---------------------------------------------------------------------------------


class ProductCsvTemplateView(LoginRequiredMixin, View):
    def get(self, request, slug):
        from . import csv_io

        business_to_edit(request.user, slug)
        response = HttpResponse(csv_io.template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="products-template.csv"'
        return response


class ProductCsvExportView(LoginRequiredMixin, View):
    def get(self, request, slug):
        from . import csv_io

        business = business_to_view(request.user, slug)
        response = HttpResponse(csv_io.export_csv(business), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{business.slug}-products.csv"'
        return response


class ProductCsvImportView(LoginRequiredMixin, FormView):
    template_name = "umkm/product_import.html"
    form_class = CsvImportForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.business = business_to_edit(request.user, kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        from . import csv_io

        result = csv_io.import_csv(
            business=self.business, upload=form.cleaned_data["file"], actor=self.request.user
        )
        if result.errors:
            return self.render_to_response(self.get_context_data(form=form, errors=result.errors))
        messages.success(
            self.request,
            _("%(count)d products imported as drafts.") % {"count": result.created},
        )
        return redirect("umkm:product-list", slug=self.business.slug)

    def get_context_data(self, **kwargs):
        return super().get_context_data(business=self.business, **kwargs)
