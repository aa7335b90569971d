"""SQL of ``ListedProductCount`` (PostgreSQL): the triggers that keep it and the rebuild.

Shared by migration 0012 (which installs the triggers and fills the table) and
``services.listed_counts_rebuild`` / the bulk seed (which switches the triggers off for
a bulk load and recounts once at the end).
"""

TRIGGERS = (
    "product_listed_counts_insert",
    "product_listed_counts_update",
    "product_listed_counts_delete",
)

# Recount the listed products of the businesses in ``touched`` (a transition table's
# business ids): upsert the categories they have, drop the ones they no longer have.
_RECOUNT = """
    WITH counted AS (
        SELECT business_id, category_id, count(*) AS n
        FROM umkm_product
        WHERE is_listed AND business_id IN (SELECT business_id FROM {touched})
        GROUP BY business_id, category_id
    ), gone AS (
        DELETE FROM umkm_listedproductcount AS stale
        WHERE stale.business_id IN (SELECT business_id FROM {touched})
          AND NOT EXISTS (
              SELECT 1 FROM counted
              WHERE counted.business_id = stale.business_id
                AND counted.category_id = stale.category_id
          )
    )
    INSERT INTO umkm_listedproductcount (business_id, category_id, n)
    SELECT business_id, category_id, n FROM counted
    ON CONFLICT (business_id, category_id) DO UPDATE SET n = EXCLUDED.n
"""


def _function(name: str, touched: str) -> str:
    return f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        {_RECOUNT.format(touched=touched)};
        RETURN NULL;
    END
    $$
    """


REBUILD = [
    "DELETE FROM umkm_listedproductcount",
    """
    INSERT INTO umkm_listedproductcount (business_id, category_id, n)
    SELECT business_id, category_id, count(*) FROM umkm_product
    WHERE is_listed GROUP BY business_id, category_id
    """,
]

FORWARD = [
    _function("umkm_listed_counts_new", "(SELECT DISTINCT business_id FROM written) AS t"),
    _function("umkm_listed_counts_old", "(SELECT DISTINCT business_id FROM removed) AS t"),
    _function(
        "umkm_listed_counts_both",
        "(SELECT business_id FROM written UNION SELECT business_id FROM removed) AS t",
    ),
    "CREATE TRIGGER product_listed_counts_insert AFTER INSERT ON umkm_product "
    "REFERENCING NEW TABLE AS written FOR EACH STATEMENT "
    "EXECUTE FUNCTION umkm_listed_counts_new()",
    "CREATE TRIGGER product_listed_counts_update AFTER UPDATE ON umkm_product "
    "REFERENCING NEW TABLE AS written OLD TABLE AS removed FOR EACH STATEMENT "
    "EXECUTE FUNCTION umkm_listed_counts_both()",
    "CREATE TRIGGER product_listed_counts_delete AFTER DELETE ON umkm_product "
    "REFERENCING OLD TABLE AS removed FOR EACH STATEMENT "
    "EXECUTE FUNCTION umkm_listed_counts_old()",
    *REBUILD,
    # Typos are corrected through the catalogue words' own trigram index (0006); this
    # one, over every product's whole text, was the fallback before it (64 MB at
    # 100,000 products, minutes to build at a million).
    "DROP INDEX IF EXISTS product_search_trgm_idx",
]

BACKWARD = [
    "CREATE INDEX IF NOT EXISTS product_search_trgm_idx ON umkm_product USING gin "
    "(search_text gin_trgm_ops) WHERE is_listed",
    *(f"DROP TRIGGER IF EXISTS {name} ON umkm_product" for name in TRIGGERS),
    "DROP FUNCTION IF EXISTS umkm_listed_counts_new()",
    "DROP FUNCTION IF EXISTS umkm_listed_counts_old()",
    "DROP FUNCTION IF EXISTS umkm_listed_counts_both()",
]
