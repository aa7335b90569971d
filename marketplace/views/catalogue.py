"""Public catalogue, product and supplier pages (buyers land in English)."""

import hashlib
import json

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from core import uploads
from core.pagination import CachedCountPaginator
from marketplace import selectors
from marketplace.caching import (
    cache_anonymous_response,
    catalogue_version,
    render_shared_page,
)
from marketplace.forms.catalogue import CatalogueFilterForm
from mentoring.selectors import active_mentors_of
from umkm.models import Certification, ProductImage
from umkm.regions import PROVINCES

PAGE_SIZE = 24
# The catalogue offers its first 400 pages (9,600 products; a search lists 1,000 at most
# anyway): a buyer narrows by category, certification or words long before, and a page
# further on would cost more with every product listed (``core.pagination``).
CATALOGUE_MAX_PAGES = 400


def _absolute(path: str) -> str:
    """A path on SITE_URL; a URL that is already absolute (object storage) is kept."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def _ld_json(data: dict) -> str:
    """JSON-LD that cannot close its <script> element."""
    text = json.dumps(data, ensure_ascii=False)
    # Safe: JSON with every < and > escaped (test_security_web checks a </script> name).
    return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e"))  # noqa: S308  # nosec B308


def _fitted(width: int, height: int, long_side: int) -> tuple[int, int]:
    """The size of a thumbnail made to fit ``long_side`` (never enlarged), from the
    stored photo's size; 4:3 when the size is not known (the frame is 4:3 anyway)."""
    if width <= 0 or height <= 0:
        return long_side, long_side * 3 // 4
    scale = min(1.0, long_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def gallery_slides(images) -> list[dict]:
    """Each photo with the declared sizes of its two thumbnails (``core.uploads``)."""
    large, small = uploads.THUMBNAIL_SIZES["thumb_large"], uploads.THUMBNAIL_SIZES["thumb_small"]
    return [
        {
            "image": image,
            "large": _fitted(image.width, image.height, large),
            "small": _fitted(image.width, image.height, small),
        }
        for image in images
    ]


def _sidebar_key(filters, facets: dict) -> str:
    """What the filter sidebar shows, as a cache key: the language, every filter (the
    selected options and hidden inputs) and the facet counts themselves, so new counts
    are a new key at once. Category names are the only other input: a renamed category
    shows in the sidebar within FACET_CACHE_SECONDS, as the counts do."""
    counts = {
        name: sorted((str(value), n) for value, n in values.items())
        for name, values in facets.items()
    }
    text = json.dumps([get_language(), filters.__dict__, counts], default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


@method_decorator(cache_anonymous_response, name="get")
class CatalogueView(View):
    template_name = "marketplace/catalogue.html"

    def get(self, request):
        return render_shared_page(request, self.template_name, lambda: self.page_context(request))

    def page_context(self, request) -> dict:
        form = CatalogueFilterForm(request.GET)
        form.is_valid()
        filters = form.filters()
        queryset = selectors.catalogue(filters)
        paginator = CachedCountPaginator(
            queryset,
            PAGE_SIZE,
            total=lambda: selectors.catalogue_total(filters),
            ids=lambda start, stop: selectors.catalogue_page_ids(filters, start, stop),
            max_pages=CATALOGUE_MAX_PAGES,
        )
        page = paginator.get_page(request.GET.get("page"))
        key = (
            "facets:"
            + hashlib.sha256(
                json.dumps(
                    [catalogue_version(), filters.__dict__], default=str, sort_keys=True
                ).encode()
            ).hexdigest()
        )
        facets = selectors.facet_counts(filters, cache_key=key)
        return {
            "form": form,
            "filters": filters,
            "page_obj": page,
            "products": page.object_list,
            "total": paginator.count,
            "facets": facets,
            # A callable: its two queries run only when the sidebar is not cached.
            "categories": selectors.top_categories,
            "certification_kinds": Certification.Kind.choices,
            # Every option stays offered, with its count (0 too): with no result, a
            # buyer can still change the certification or the province.
            "provinces": PROVINCES,
            "suggestion": selectors.spelling_suggestion(filters.q) if filters.q else "",
            "search_limit": selectors.search_limit(filters.q) if filters.q else None,
            "canonical": _absolute(reverse("marketplace:catalogue")),
            "sidebar_key": _sidebar_key(filters, facets),
            "sidebar_seconds": selectors.FACET_CACHE_SECONDS,
        }


@method_decorator(cache_anonymous_response, name="get")
class ProductPublicView(View):
    template_name = "marketplace/product_detail.html"

    def get(self, request, slug):
        return render_shared_page(
            request, self.template_name, lambda: self.page_context(request, slug)
        )

    def page_context(self, request, slug) -> dict:
        product = get_object_or_404(
            selectors.public_products().select_related("business", "category__parent"),
            slug=slug,
        )
        images = list(product.images.all())
        certifications = list(
            product.business.certifications.filter(verified_at__isnull=False).order_by("kind")
        )
        business = product.business
        path = product_path = reverse("marketplace:product", args=[product.slug])
        canonical = _absolute(path)
        # On SITE_URL like the canonical URL (not the host the request came in on).
        image_urls = [_absolute(i.thumb_large.url) for i in images if i.thumb_large]
        offer = {
            "@type": "Offer",
            "url": canonical,
            "availability": "https://schema.org/InStock",
            "seller": {"@type": "Organization", "name": business.name},
        }
        if product.fob_usd is not None:
            offer.update(price=str(product.fob_usd), priceCurrency="USD")
        elif product.price_idr is not None:
            offer.update(price=str(product.price_idr), priceCurrency="IDR")
        if product.moq:
            offer["eligibleQuantity"] = {
                "@type": "QuantitativeValue",
                "minValue": product.moq,
                "unitText": product.unit,
            }
        ld = {
            "@context": "https://schema.org",
            "@type": "Product",
            "name": product.name,
            "description": product.description,
            "sku": product.slug,
            "category": product.category.name,
            "brand": {"@type": "Brand", "name": business.name},
            "offers": offer,
        }
        if image_urls:
            ld["image"] = image_urls
        return {
            "product": product,
            "business": business,
            "images": images,
            "slides": gallery_slides(images),
            "tiers": list(product.price_tiers.all()),
            "certifications": certifications,
            "related": selectors.related_products(product),
            "stats": selectors.supplier_stats(business),
            "mentor_names": [mentor.get_full_name() for mentor in active_mentors_of(business)],
            "canonical": canonical,
            "alternates": [(code, f"{canonical}?lang={code}") for code, _n in settings.LANGUAGES],
            "og_image": image_urls[0] if image_urls else "",
            "ld_json": _ld_json(ld),
            "product_path": product_path,
        }


def organization_ld(business, *, url: str, certifications, photos) -> dict:
    """schema.org ``Organization`` of a supplier: what its public page shows."""
    ld = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": business.name,
        "url": url,
        "foundingDate": str(business.founded_year),
        "address": {
            "@type": "PostalAddress",
            "addressLocality": business.city,
            "addressRegion": business.province,
            "addressCountry": "ID",
        },
        "numberOfEmployees": {"@type": "QuantitativeValue", "value": business.employees},
    }
    if business.description:
        ld["description"] = business.description
    if business.logo:
        ld["logo"] = _absolute(business.logo.url)
    images = [_absolute(photo.image.url) for photo in photos if photo.image]
    if images:
        ld["image"] = images
    if business.website:
        ld["sameAs"] = [business.website]
    credentials = []
    for cert in certifications:
        credential = {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": "certificate",
            "name": str(cert.get_kind_display()),
            "identifier": cert.number,
            "dateCreated": cert.issued_on.isoformat(),
        }
        if cert.expires_on:
            credential["expires"] = cert.expires_on.isoformat()
        if cert.issuer:
            credential["recognizedBy"] = {"@type": "Organization", "name": cert.issuer}
        credentials.append(credential)
    if credentials:
        ld["hasCredential"] = credentials
    return ld


@method_decorator(cache_anonymous_response, name="get")
class SupplierView(View):
    template_name = "marketplace/supplier_detail.html"

    def get(self, request, slug):
        return render_shared_page(
            request, self.template_name, lambda: self.page_context(request, slug)
        )

    def page_context(self, request, slug) -> dict:
        business = get_object_or_404(selectors.public_businesses(), slug=slug)
        products = (
            selectors.public_products()
            .filter(business=business)
            .select_related("business", "category")
            .prefetch_related(
                Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))
            )
            .order_by("-listed_at", "-id")
        )
        page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
        trainings_completed = (
            business.registrations.filter(status="attended").values("session").distinct().count()
        )
        certifications = list(
            selectors.valid_certifications().filter(business=business).order_by("kind", "pk")
        )
        photos = list(business.photos.all())
        canonical = _absolute(reverse("marketplace:supplier", args=[business.slug]))
        return {
            "business": business,
            "products": page.object_list,
            "page_obj": page,
            "trainings_completed": trainings_completed,
            "certifications": certifications,
            "photos": photos,
            "stats": selectors.supplier_stats(business),
            "mentor_names": [mentor.get_full_name() for mentor in active_mentors_of(business)],
            "canonical": canonical,
            "alternates": [(code, f"{canonical}?lang={code}") for code, _n in settings.LANGUAGES],
            "og_image": _absolute(business.logo.url) if business.logo else "",
            "ld_json": _ld_json(
                organization_ld(
                    business, url=canonical, certifications=certifications, photos=photos
                )
            ),
        }


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /me/",
        "Disallow: /umkm/",
        "Disallow: /notifications/",
        f"Sitemap: {_absolute('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
