"""The sitemap index and its sections: the footer's pages, the public products and the
public suppliers, on SITE_URL.

A section of products or suppliers holds one range of ids (section p: ids from
(p - 1) × ``limit`` + 1 to p × ``limit``) rather than the p-th ``limit`` rows in id order:
each is read by a range of the primary key and the index asks for the highest id, so
neither counts nor skips rows. With Django's own paginator the index counted every
public product and section 200 of a million skipped 995,000 (0.4 s and 0.9 s). A range
whose products are all hidden is an empty section.
"""

from functools import cached_property
from types import SimpleNamespace

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
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


class _IdRanges:
    """What Django's sitemap views ask of a paginator (``num_pages``, ``page(n)
    .object_list``), by ranges of ids: ``items`` in id order, ``limit`` ids a page."""

    def __init__(self, items, limit: int):
        self.items, self.limit = items, limit

    @cached_property
    def num_pages(self) -> int:
        # The table's highest id (one step down its primary key), hidden rows included.
        top = self.items.model._default_manager.aggregate(top=Max("pk"))["top"] or 0
        return max(1, -(-top // self.limit))

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("not a page number") from error
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("no such page")
        first = (number - 1) * self.limit
        return SimpleNamespace(
            object_list=self.items.filter(pk__gt=first, pk__lte=first + self.limit)
        )


class _ModelSitemap(_SiteSitemap):
    changefreq = "weekly"

    @property
    def paginator(self):
        return _IdRanges(self.items(), self.limit)

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every item (all listed products, on each
        # request of the index); one aggregate gives the same answer (for the products,
        # down the index of listed products by their last change).
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
