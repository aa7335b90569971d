"""A stored full-text vector for catalogue search.

``search_vector`` is a generated column: PostgreSQL computes it from ``search_text`` when
the column is added (filling every existing row) and on every later write, so no code
path can forget it. Ranking reads it instead of re-parsing the text of every match.

Its GIN index replaces the expression index of migration 0003 (same words, but only the
stored vector spares the ranking and the index recheck a ``to_tsvector`` per row). Like
0003 it covers listed products only and exists on PostgreSQL only; the trigram index of
0003 stays for typo tolerance.
"""

import django.contrib.postgres.search
from django.db import migrations, models

import umkm.models

FORWARD = [
    "DROP INDEX IF EXISTS product_search_fts_idx",
    # Catalogue search: ``search_vector @@ websearch_to_tsquery(...)`` on listed products.
    "CREATE INDEX IF NOT EXISTS product_search_vector_idx ON umkm_product USING gin "
    "(search_vector) WHERE is_listed",
]
BACKWARD = [
    "DROP INDEX IF EXISTS product_search_vector_idx",
    "CREATE INDEX IF NOT EXISTS product_search_fts_idx ON umkm_product USING gin "
    "(to_tsvector('simple'::regconfig, COALESCE(search_text, ''))) WHERE is_listed",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("umkm", "0004_price_tier_message")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=umkm.models.SearchVectorOnPostgreSQL("search_text", config="simple"),
                output_field=django.contrib.postgres.search.SearchVectorField(null=True),
                verbose_name="search vector",
            ),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
