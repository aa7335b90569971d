"""The catalogue's words, for correcting misspelt searches.

``umkm_catalogueword`` holds every distinct word of the listed products' search vectors,
with a trigram index: a search whose words are found nowhere looks up the closest known
words (``word % 'ratan'``, a few thousand short rows) instead of scoring the long
``search_text`` of tens of thousands of products by trigram similarity.

On PostgreSQL a statement trigger adds the words of every listed product as it is
inserted or updated (services, bulk seeding, ``refresh_search_text``), in one insert per
statement, so a listed word is never missing. Words of products no longer listed stay
until ``services.catalogue_words_rebuild`` (celery beat, hourly) drops them; they only
widen a correction, never hide a product. The table is filled here once.
"""

from django.db import migrations, models

FORWARD = [
    "CREATE INDEX IF NOT EXISTS catalogue_word_trgm_idx ON umkm_catalogueword "
    "USING gin (word gin_trgm_ops)",
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
    # Transition tables allow one event per trigger: one for inserts, one for updates.
    "CREATE TRIGGER product_catalogue_words_insert AFTER INSERT ON umkm_product "
    "REFERENCING NEW TABLE AS written FOR EACH STATEMENT "
    "EXECUTE FUNCTION umkm_catalogue_words_add()",
    "CREATE TRIGGER product_catalogue_words_update AFTER UPDATE ON umkm_product "
    "REFERENCING NEW TABLE AS written FOR EACH STATEMENT "
    "EXECUTE FUNCTION umkm_catalogue_words_add()",
    "INSERT INTO umkm_catalogueword (word) SELECT word FROM ts_stat("
    "'SELECT search_vector FROM umkm_product WHERE is_listed') ON CONFLICT DO NOTHING",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS product_catalogue_words_update ON umkm_product",
    "DROP TRIGGER IF EXISTS product_catalogue_words_insert ON umkm_product",
    "DROP FUNCTION IF EXISTS umkm_catalogue_words_add()",
    "DROP INDEX IF EXISTS catalogue_word_trgm_idx",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("umkm", "0005_product_search_vector")]

    operations = [
        migrations.CreateModel(
            name="CatalogueWord",
            fields=[
                ("word", models.TextField(primary_key=True, serialize=False, verbose_name="word")),
            ],
            options={
                "verbose_name": "catalogue word",
                "verbose_name_plural": "catalogue words",
            },
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
