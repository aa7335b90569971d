"""``CatalogueSearchRow`` kept by PostgreSQL (migrations 0017 and 0018; SQLite never
reads it).

A row trigger on ``umkm_product`` writes a listed product's row, rewrites it when
anything it holds changes (listed or not, business, category, listing time, search
text, facet key) and deletes it when the product is unlisted or deleted. Every door
writes products through the table, so every door keeps it: services, admin, CSV, raw
SQL, and the facet triggers that pass a business's new key on to its products.

The row's words (``search_vector``) are the only copy of the product's search text as
a text-search vector: the trigger computes them from ``search_text`` (as
``to_tsvector('simple', …)``), only when the text changed, and adds them to the
dictionary of catalogue words (``CatalogueWord``) at the same time; a change of the
business's facet key or of the category rewrites the other columns and leaves the
words alone.

The product row is always locked first (the trigger runs inside its write), so the
search row adds no new lock order.
"""

from __future__ import annotations

# The columns a search row copies from its product as they are (besides its id).
COPIED = (
    "business_id",
    "category_id",
    "listed_at",
    "facet_province",
    "facet_cert_mask",
)
# The product column whose words the row holds, and the row's column holding them.
TEXT = "search_text"
WORDS = "search_vector"
# What a search row holds of the product: a change of any of these rewrites it.
WATCHED = ("is_listed", *COPIED, TEXT)
# The words' index: a rare word is looked up in it, a common one is met by the scan.
INDEX = (
    "CREATE INDEX IF NOT EXISTS catalogue_search_vector_idx "
    "ON umkm_cataloguesearchrow USING gin (search_vector)"
)
DROP_INDEX = "DROP INDEX IF EXISTS catalogue_search_vector_idx"

_FUNCTION = """
    CREATE OR REPLACE FUNCTION umkm_catalogue_search_row() RETURNS trigger
    LANGUAGE plpgsql SET jit = off AS $$
    DECLARE
        words tsvector;
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM umkm_cataloguesearchrow WHERE product_id = OLD.id;
            RETURN NULL;
        END IF;
        IF NOT NEW.is_listed THEN
            IF TG_OP = 'UPDATE' AND OLD.is_listed THEN
                DELETE FROM umkm_cataloguesearchrow WHERE product_id = OLD.id;
            END IF;
            RETURN NULL;
        END IF;
        -- The same text: the words stay (parsing them is most of a row's cost).
        IF TG_OP = 'UPDATE' AND OLD.is_listed
                AND OLD.search_text IS NOT DISTINCT FROM NEW.search_text THEN
            UPDATE umkm_cataloguesearchrow SET
                business_id = NEW.business_id,
                category_id = NEW.category_id,
                listed_at = NEW.listed_at,
                facet_province = NEW.facet_province,
                facet_cert_mask = NEW.facet_cert_mask
            WHERE product_id = NEW.id;
            IF FOUND THEN
                RETURN NULL;
            END IF;
        END IF;
        -- Its words as the search matches them (its queries use the same ``simple``
        -- configuration: no stemming, no stop words, for two languages at once) ...
        words := to_tsvector('simple'::regconfig, COALESCE(NEW.search_text, ''));
        INSERT INTO umkm_cataloguesearchrow (
            product_id, business_id, category_id, listed_at, search_vector,
            facet_province, facet_cert_mask
        ) VALUES (
            NEW.id, NEW.business_id, NEW.category_id, NEW.listed_at, words,
            NEW.facet_province, NEW.facet_cert_mask
        )
        ON CONFLICT (product_id) DO UPDATE SET
            business_id = EXCLUDED.business_id,
            category_id = EXCLUDED.category_id,
            listed_at = EXCLUDED.listed_at,
            search_vector = EXCLUDED.search_vector,
            facet_province = EXCLUDED.facet_province,
            facet_cert_mask = EXCLUDED.facet_cert_mask;
        -- ... and any new one in the dictionary that corrects misspelt searches.
        INSERT INTO umkm_catalogueword (word) SELECT unnest(tsvector_to_array(words))
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END
    $$
"""
_CHANGED = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in WATCHED)
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
    SELECT id, business_id, category_id, listed_at,
           to_tsvector('simple'::regconfig, COALESCE(search_text, '')),
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
    """Every listed product's row written again from the product table (its words parsed
    from its text), the words' index built once over them: when the table is first made.
    The words of the dictionary are the rows' (``services.catalogue_words_rebuild``)."""
    return [
        DROP_INDEX,
        "TRUNCATE umkm_cataloguesearchrow",
        _REFILL,
        INDEX,
        "ANALYZE umkm_cataloguesearchrow",
    ]
