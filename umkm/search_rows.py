"""``CatalogueSearchRow`` kept by PostgreSQL (migration 0017; SQLite never reads it).

A row trigger on ``umkm_product`` writes a listed product's row, rewrites it when
anything it holds changes (listed or not, business, category, listing time, words,
facet key) and deletes it when the product is unlisted or deleted. Every door writes
products through the table, so every door keeps it: services, admin, CSV, raw SQL, and
the facet triggers that pass a business's new key on to its products.

The product row is always locked first (the trigger runs inside its write), so the
search row adds no new lock order.
"""

from __future__ import annotations

# The columns a search row copies from its product (besides its id).
COLUMNS = (
    "business_id",
    "category_id",
    "listed_at",
    "search_vector",
    "facet_province",
    "facet_cert_mask",
)
# The words' index: a rare word is looked up in it, a common one is met by the scan.
INDEX = (
    "CREATE INDEX IF NOT EXISTS catalogue_search_vector_idx "
    "ON umkm_cataloguesearchrow USING gin (search_vector)"
)
DROP_INDEX = "DROP INDEX IF EXISTS catalogue_search_vector_idx"

_FUNCTION = """
    CREATE OR REPLACE FUNCTION umkm_catalogue_search_row() RETURNS trigger
    LANGUAGE plpgsql SET jit = off AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM umkm_cataloguesearchrow WHERE product_id = OLD.id;
        ELSIF NEW.is_listed THEN
            INSERT INTO umkm_cataloguesearchrow (
                product_id, business_id, category_id, listed_at, search_vector,
                facet_province, facet_cert_mask
            ) VALUES (
                NEW.id, NEW.business_id, NEW.category_id, NEW.listed_at, NEW.search_vector,
                NEW.facet_province, NEW.facet_cert_mask
            )
            ON CONFLICT (product_id) DO UPDATE SET
                business_id = EXCLUDED.business_id,
                category_id = EXCLUDED.category_id,
                listed_at = EXCLUDED.listed_at,
                search_vector = EXCLUDED.search_vector,
                facet_province = EXCLUDED.facet_province,
                facet_cert_mask = EXCLUDED.facet_cert_mask;
        ELSIF TG_OP = 'UPDATE' AND OLD.is_listed THEN
            DELETE FROM umkm_cataloguesearchrow WHERE product_id = OLD.id;
        END IF;
        RETURN NULL;
    END
    $$
"""
_CHANGED = " OR ".join(
    f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in ("is_listed", *COLUMNS)
)
TRIGGERS = {
    "product_search_row_insert": ("INSERT", ""),
    "product_search_row_delete": ("DELETE", ""),
    # Not every save of a product: only one that changes what its search row holds.
    "product_search_row_update": ("UPDATE", f"WHEN ({_CHANGED})"),
}
_REFILL = """
    INSERT INTO umkm_cataloguesearchrow (
        product_id, business_id, category_id, listed_at, search_vector,
        facet_province, facet_cert_mask
    )
    SELECT id, business_id, category_id, listed_at, search_vector,
           facet_province, facet_cert_mask
    FROM umkm_product WHERE is_listed
"""


def _trigger(name: str, event: str, condition: str) -> str:
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON umkm_product FOR EACH ROW {condition} "
        "EXECUTE FUNCTION umkm_catalogue_search_row()"
    )


def install() -> list[str]:
    """The function and its triggers."""
    return [_FUNCTION, *(_trigger(name, *parts) for name, parts in TRIGGERS.items())]


def uninstall() -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {name} ON umkm_product" for name in TRIGGERS),
        "DROP FUNCTION IF EXISTS umkm_catalogue_search_row()",
    ]


def refill() -> list[str]:
    """Every listed product's row written again from the product table, the words' index
    built once over them: after a bulk load with the product triggers off, and when the
    table is first made."""
    return [
        DROP_INDEX,
        "TRUNCATE umkm_cataloguesearchrow",
        _REFILL,
        INDEX,
        "ANALYZE umkm_cataloguesearchrow",
    ]
