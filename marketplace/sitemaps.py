from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import selectors


class _SiteSitemap(Sitemap):
    """Absolute URLs on SITE_URL (no django.contrib.sites needed)."""

    limit = 5000

    def get_urls(self, page=1, site=None, protocol=None):
        protocol, _sep, domain = settings.SITE_URL.partition("://")

        class _Site:
            pass

        fake = _Site()
        fake.domain = domain
        return super().get_urls(page=page, site=fake, protocol=protocol)


class ProductSitemap(_SiteSitemap):
    changefreq = "weekly"

    def items(self):
        return selectors.public_products().only("slug", "updated_at").order_by("pk")

    def location(self, item):
        return reverse("marketplace:product", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


class SupplierSitemap(_SiteSitemap):
    changefreq = "weekly"

    def items(self):
        return selectors.public_businesses().only("slug", "updated_at").order_by("pk")

    def location(self, item):
        return reverse("marketplace:supplier", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


class StaticSitemap(_SiteSitemap):
    def items(self):
        return ["marketplace:catalogue"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": StaticSitemap, "products": ProductSitemap, "suppliers": SupplierSitemap}
