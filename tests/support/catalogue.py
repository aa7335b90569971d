"""The catalogue's shared pieces: photo rows without files, the slugs of the ``shop``,
the totals and facet counts as counting the products gives them, the rows of the
maintained facet counts and the same recounted from scratch, the keys the products carry
and the same worked out from their businesses, the search rows and the same copied from
the listed products."""

from collections import Counter

from django.db import connection
from django.utils import timezone

from marketplace import selectors
from umkm.facet_counts import kind_bit
from umkm.models import (
    CatalogueFacetCount,
    CatalogueFacetDate,
    CatalogueSearchRow,
    Certification,
    Product,
    ProductImage,
)


def catalogue_paths(product) -> list[str]:
    """The public catalogue's pages about ``product``: list, search, filter, product and
    supplier."""
    return [
        "/catalogue/",
        "/catalogue/?q=rattan",
        f"/catalogue/?category={product.category.slug}",
        f"/catalogue/p/{product.slug}/",
        f"/catalogue/s/{product.business.slug}/",
    ]


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
    """The total and facet counts of ``filters`` counted product by product in Python
    (each facet over the products the other filters leave), to hold the maintained
    aggregate's and the grouped query's answers against."""
    total = selectors._apply(selectors.public_products(), filters).count()
    kinds: dict[int, set] = {}
    for business_id, kind in Certification.objects.valid().values_list("business_id", "kind"):
        kinds.setdefault(business_id, set()).add(kind)
    facets = {"category": Counter(), "province": Counter(), "certification": Counter()}
    for facet in facets:
        products = selectors._apply(selectors.public_products(), filters, skip=(facet,))
        for product in products.select_related("category__parent", "business"):
            if facet == "category":
                facets[facet][product.category.slug] += 1
                if product.category.parent:
                    facets[facet][product.category.parent.slug] += 1
            elif facet == "province":
                facets[facet][product.business.province] += 1
            else:
                facets[facet].update(kinds.get(product.business_id, ()))
    return total, {name: dict(counts) for name, counts in facets.items()}


def facet_rows() -> dict:
    """``CatalogueFacetCount`` as {(category, province, city, verified, mask): n}."""
    rows = CatalogueFacetCount.objects.values_list(
        "category_id", "province", "city", "verified", "cert_mask", "n"
    )
    return {tuple(row[:5]): row[5] for row in rows}


def _valid_on():
    # No row before the first rebuild (or after a transactional test's flush): today.
    return (
        CatalogueFacetDate.objects.values_list("valid_on", flat=True).first()
        or timezone.localdate()
    )


def _masks(valid_on) -> Counter:
    masks = Counter()
    for business_id, kind in (
        Certification.objects.valid(on=valid_on).values_list("business_id", "kind").distinct()
    ):
        masks[business_id] |= kind_bit(kind)
    return masks


def product_keys() -> dict:
    """The facet key each product of an active business carries: {pk: (province, mask)}."""
    rows = Product.objects.filter(business__is_active=True).values_list(
        "pk", "facet_province", "facet_cert_mask"
    )
    return {pk: (province, mask) for pk, province, mask in rows}


def product_keys_recounted() -> dict:
    """``product_keys`` as they should be: each business's province and the kinds of its
    certificates valid on the aggregate's day."""
    masks = _masks(_valid_on())
    products = Product.objects.filter(business__is_active=True).select_related("business")
    return {p.pk: (p.business.province, masks[p.business_id]) for p in products}


# Every column of the search rows but their product's id, read from the model (not from
# the trigger's own list, ``umkm.search_rows.COPIED``, which the comparison checks).
SEARCH_ROW_FIELDS = tuple(
    field.attname for field in CatalogueSearchRow._meta.concrete_fields if not field.primary_key
)


def search_rows() -> dict:
    """The search rows PostgreSQL keeps: {product pk: (business, category, listing time,
    words, province, mask)}."""
    rows = CatalogueSearchRow.objects.values_list("pk", *SEARCH_ROW_FIELDS)
    return {pk: tuple(rest) for pk, *rest in rows}


def search_rows_copied() -> dict:
    """``search_rows`` as they should be: one for each listed product, its columns copied
    from it and its words those Django's own ``SearchVector`` makes of its search text
    (with the configuration the search's queries use)."""
    from django.contrib.postgres.search import SearchVector

    words = SearchVector("search_text", config="simple")
    made = {"search_vector": "expected_search_vector"}
    rows = (
        Product.objects.filter(is_listed=True)
        .annotate(expected_search_vector=words)
        .values_list("pk", *(made.get(name, name) for name in SEARCH_ROW_FIELDS))
    )
    return {pk: tuple(rest) for pk, *rest in rows}


def search_row_words() -> set[str]:
    """Every word of the search rows (PostgreSQL's own statistics of their vectors)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM ts_stat('SELECT search_vector FROM umkm_cataloguesearchrow')"
        )
        return {word for (word,) in cursor.fetchall()}


def facet_rows_recounted() -> dict:
    """The facet counts as they should be, counted from the listed products of active
    businesses and the certificates valid on the aggregate's day."""
    masks = _masks(_valid_on())
    counts = Counter()
    for product in Product.objects.listed().select_related("business"):
        business = product.business
        key = (
            product.category_id,
            business.province,
            business.city,
            business.verified_at is not None,
            masks[business.pk],
        )
        counts[key] += 1
    return dict(counts)
