"""The catalogue's shared pieces: photo rows without files, the slugs of the ``shop``,
the totals and facet counts as counting the products gives them."""

from unittest import mock

from django.core.cache import cache

from marketplace import selectors
from umkm.models import ProductImage


def add_photos(products, count: int) -> None:
    """Photo rows with stored sizes and thumbnails: rendering them reads no file."""
    ProductImage.objects.bulk_create(
        ProductImage(
            product=product,
            image=f"products/{product.pk}/{n}.jpg",
            thumb_small=f"products/{product.pk}/{n}-400.jpg",
            thumb_large=f"products/{product.pk}/{n}-1200.jpg",
            width=1200,
            height=900,
            position=n,
            alt_text=f"Photo {n}",
        )
        for product in products
        for n in range(count)
    )


ALL = {"kopi", "kopi-dumai", "keripik", "kursi", "tikar"}


def counted_from_products(filters: selectors.Filters) -> tuple[int, dict]:
    """The total and facet counts of ``filters`` counted over the products (the path
    SQLite always takes), to hold the maintained aggregate's answers against."""
    total = selectors._apply(selectors.public_products(), filters).count()
    cache.clear()
    with mock.patch.object(selectors, "_from_aggregate", lambda filters: False):
        facets = selectors.facet_counts(filters)
    return total, facets
