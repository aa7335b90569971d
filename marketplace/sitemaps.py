from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from . import selectors


class _SiteSitemap(Sitemap):
    """Absolute URLs on SITE_URL (no django.contrib.sites needed)."""

    limit = 5000

    @property
    def protocol(self):
        # Read at request time (not import time); the sitemap index uses it too, so its
        # section links keep SITE_URL's scheme behind a TLS-terminating proxy.
        return settings.SITE_URL.partition("://")[0]

    def get_urls(self, page=1, site=None, protocol=None):
        protocol, _sep, domain = settings.SITE_URL.partition("://")

        class _Site:
            pass

        fake = _Site()
        fake.domain = domain
        return super().get_urls(page=page, site=fake, protocol=protocol)


class _ModelSitemap(_SiteSitemap):
    changefreq = "weekly"

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every item (all listed products, on each
        # request of the index); one aggregate gives the same answer.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class ProductSitemap(_ModelSitemap):
    def items(self):
        return selectors.public_products().only("slug", "updated_at").order_by("pk")

    def location(self, item):
        return reverse("marketplace:product", args=[item.slug])


class SupplierSitemap(_ModelSitemap):
    def items(self):
        return selectors.public_businesses().only("slug", "updated_at").order_by("pk")

    def location(self, item):
        return reverse("marketplace:supplier", args=[item.slug])


class StaticSitemap(_SiteSitemap):
    def items(self):
        # The catalogue and the footer's pages (pages/, reversed by name: no import).
        return [
            "marketplace:catalogue",
            "pages:about",
            "pages:contact",
            "pages:privacy",
            "pages:terms",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": StaticSitemap, "products": ProductSitemap, "suppliers": SupplierSitemap}
