"""The catalogue's words live in the search rows only (issue 19).

``Product.search_vector`` was a stored generated column: every write of a product
parsed its whole search text again, and a product row carried its words twice (the
vector beside the text, ~600 bytes). The search-row trigger now parses the text itself,
only when it changed (``umkm/search_rows.py``), and adds the new words to the dictionary
of catalogue words, which the statement triggers of migration 0006 did from the
product's vector.

The generated column is dropped after its readers: the product's word triggers and the
search-row trigger of migration 0017 (whose update trigger watched the vector).
Backwards the column is generated again and the word triggers are put back.
"""

from django.db import migrations

from umkm import search_rows

# Migration 0006's statement triggers, which read the product's vector.
OLD_WORD_TRIGGERS = [
    """
    CREATE OR REPLACE FUNCTION umkm_catalogue_words_add() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO umkm_catalogueword (word)
        SELECT DISTINCT lexeme
        FROM written, unnest(tsvector_to_array(written.search_vector)) AS lexeme
        WHERE written.is_listed
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER product_catalogue_words_insert AFTER INSERT ON umkm_product "
    "REFERENCING NEW TABLE AS written FOR EACH STATEMENT "
    "EXECUTE FUNCTION umkm_catalogue_words_add()",
    "CREATE TRIGGER product_catalogue_words_update AFTER UPDATE ON umkm_product "
    "REFERENCING NEW TABLE AS written FOR EACH STATEMENT "
    "EXECUTE FUNCTION umkm_catalogue_words_add()",
]
DROP_OLD_WORD_TRIGGERS = [
    "DROP TRIGGER IF EXISTS product_catalogue_words_update ON umkm_product",
    "DROP TRIGGER IF EXISTS product_catalogue_words_insert ON umkm_product",
    "DROP FUNCTION IF EXISTS umkm_catalogue_words_add()",
]


def _run(*statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for make in statements:
            for sql in make():
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("umkm", "0017_catalogue_search_row"),
    ]

    operations = [
        migrations.RunPython(
            _run(lambda: DROP_OLD_WORD_TRIGGERS, search_rows.uninstall, search_rows.install),
            # (The search-row trigger of today reads the text, which the product keeps.)
            _run(lambda: OLD_WORD_TRIGGERS),
        ),
        migrations.RemoveField(
            model_name="product",
            name="search_vector",
        ),
    ]
