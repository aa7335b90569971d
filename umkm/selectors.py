"""Reads: the owner's lists and the staff queues. (Export readiness: ``readiness``.)"""

from datetime import timedelta

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from .models import Business, Certification, Product, ProductImage


def products_for_owner_list(business: Business, *, status: str = ""):
    """The owner's product list, of one status if given (a ``Product.Status`` value):
    one query for products, one for first photos."""
    products = business.products.filter(status=status) if status else business.products.all()
    return (
        products.select_related("category", "business")
        .annotate(image_count=Count("images"))
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))
        )
        .order_by("status", "-updated_at")
    )


def status_counts(business: Business) -> dict[str, int]:
    counts = business.products.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Product.Status.values}
    )
    return counts


# Staff work queues (the queues page and the verification page) ------------------------

EXPIRY_HORIZON_DAYS = 30  # staff see verified certificates expiring within this many days


def nib_documents(business: Business):
    """The business's NIB certificates with an uploaded document (what staff check
    before verifying), the newest first."""
    return (
        business.certifications.filter(kind=Certification.Kind.NIB)
        .exclude(document="")
        .order_by("-issued_on", "-pk")
    )


def businesses_awaiting_verification():
    """Active businesses no staff member has verified yet, oldest first; each with its
    uploaded NIB documents (``nib_documents``) for the queue row's links."""
    return (
        Business.objects.active()
        .filter(verified_at__isnull=True)
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "certifications",
                queryset=Certification.objects.filter(kind=Certification.Kind.NIB)
                .exclude(document="")
                .order_by("-issued_on", "-pk"),
                to_attr="nib_documents",
            )
        )
        .order_by("created_at", "pk")
    )


def certifications_awaiting_verification():
    """Certificates of active businesses waiting for a staff check, oldest first."""
    return (
        Certification.objects.filter(verified_at__isnull=True, business__is_active=True)
        .select_related("business")
        .order_by("created_at", "pk")
    )


def certifications_expiring(*, today=None, within_days: int = EXPIRY_HORIZON_DAYS):
    """Verified certificates of active businesses that expire within ``within_days``
    or have already expired (they no longer count), the soonest expiry first."""
    today = today or timezone.localdate()
    return (
        Certification.objects.filter(
            verified_at__isnull=False,
            expires_on__lte=today + timedelta(days=within_days),
            business__is_active=True,
        )
        .select_related("business")
        .order_by("expires_on", "pk")
    )
