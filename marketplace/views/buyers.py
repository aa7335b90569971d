"""Buyer accounts: the company profile, the dashboard and the shortlist.

Only buyers use these pages: anonymous visitors are sent to sign in, other roles get
403 (RoleRequiredMixin). A buyer only ever sees their own rows and only products that
are listed now (``selectors.public_products``).
"""

from django.contrib import messages
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView, TemplateView, UpdateView

from accounts.models import User
from accounts.permissions import RoleRequiredMixin
from core.personal_pages import PersonalPageMixin
from marketplace import selectors, services
from marketplace.forms.buyers import BuyerProfileForm, country_name
from marketplace.models import BuyerProfile, BuyingRequest, Inquiry, ShortlistItem
from umkm.models import ProductImage

DASHBOARD_ROWS = 10
DASHBOARD_SAVED = 8
SHORTLIST_PAGE_SIZE = 24


class BuyerRequiredMixin(RoleRequiredMixin):
    required_role = User.Role.BUYER


def shortlist_for(user):
    """A buyer's saved products that are still listed, newest first, ready for cards."""
    return (
        ShortlistItem.objects.filter(
            buyer=user, product__in=selectors.public_products().values("pk")
        )
        .select_related("product__business", "product__category")
        .prefetch_related(
            Prefetch("product__images", queryset=ProductImage.objects.order_by("position", "id"))
        )
        .order_by("-created_at", "-id")
    )


class BuyerProfileView(BuyerRequiredMixin, SuccessMessageMixin, UpdateView):
    """Create the company profile on first use, edit it afterwards."""

    form_class = BuyerProfileForm
    template_name = "marketplace/buyers/profile_form.html"
    success_url = reverse_lazy("marketplace:buyer-dashboard")
    success_message = _("Your company profile is saved.")

    def get_object(self, queryset=None):
        profile = BuyerProfile.objects.filter(user=self.request.user).first()
        return profile or BuyerProfile(user=self.request.user)


class BuyerDashboardView(BuyerRequiredMixin, PersonalPageMixin, TemplateView):
    template_name = "marketplace/buyers/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        profile = BuyerProfile.objects.filter(user=user).prefetch_related("categories").first()
        inquiries = Inquiry.objects.filter(buyer=user)
        requests = BuyingRequest.objects.filter(buyer=user)
        saved = shortlist_for(user)
        context.update(
            profile=profile,
            country=country_name(profile.country) if profile else "",
            inquiries=inquiries.select_related("business", "product").order_by(
                "-created_at", "-id"
            )[:DASHBOARD_ROWS],
            inquiry_count=inquiries.count(),
            buying_requests=requests.select_related("category")
            .annotate(quote_count=Count("quotes"))
            .order_by("-created_at", "-id")[:DASHBOARD_ROWS],
            buying_request_count=requests.count(),
            saved_items=saved[:DASHBOARD_SAVED],
            saved_count=saved.count(),
        )
        return context


class ShortlistView(BuyerRequiredMixin, ListView):
    template_name = "marketplace/buyers/shortlist.html"
    context_object_name = "saved_items"
    paginate_by = SHORTLIST_PAGE_SIZE

    def get_queryset(self):
        return shortlist_for(self.request.user)


class ShortlistToggleView(BuyerRequiredMixin, View):
    """POST only. ``action`` = save | remove makes a repeated click harmless; without
    it the product's state flips."""

    def post(self, request, slug):
        product = get_object_or_404(selectors.public_products(), slug=slug)
        wanted = {"save": True, "remove": False}.get(request.POST.get("action", ""))
        if wanted is None:  # no action: the product's state flips
            wanted = not ShortlistItem.objects.filter(buyer=request.user, product=product).exists()
        if wanted:
            try:
                services.shortlist_add(buyer=request.user, product=product)
            except ValidationError:  # unlisted since the lookup above
                raise Http404 from None
            messages.success(request, _("“%(name)s” is on your shortlist.") % {"name": product})
        else:
            services.shortlist_remove(buyer=request.user, product=product)
            messages.success(
                request, _("“%(name)s” is removed from your shortlist.") % {"name": product}
            )
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
        return redirect("marketplace:product", slug=product.slug)
