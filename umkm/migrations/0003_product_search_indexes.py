"""Catalogue search indexes, PostgreSQL only (SQLite uses the simpler fallback).

The full-text index expression matches what ``SearchVector("search_text",
config="simple")`` generates, so the planner uses it; the trigram index serves
typo-tolerant word similarity (``%>``). Both cover only listed products.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS product_search_fts_idx ON umkm_product USING gin "
    "(to_tsvector('simple'::regconfig, COALESCE(search_text, ''))) WHERE is_listed",
    "CREATE INDEX IF NOT EXISTS product_search_trgm_idx ON umkm_product USING gin "
    "(search_text gin_trgm_ops) WHERE is_listed",
]
BACKWARD = [
    "DROP INDEX IF EXISTS product_search_trgm_idx",
    "DROP INDEX IF EXISTS product_search_fts_idx",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("umkm", "0002_product_search_text")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
