"""The facet triggers lock businesses by bucket (``umkm.facet_counts.LOCK_BUCKETS``), not
one advisory lock per business: a transaction touching tens of thousands of businesses
ran out of PostgreSQL's shared lock table. Only the functions change."""

from django.db import migrations

from umkm.facet_counts import functions


def _install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # As installed then: the products had no key columns yet (migration 0016).
    for sql, params in functions(products=False):
        schema_editor.execute(sql, params or None)


class Migration(migrations.Migration):
    dependencies = [
        ("umkm", "0013_catalogue_facet_counts"),
    ]

    operations = [
        # Backwards the functions stay as they are: the same counts, locked by bucket.
        migrations.RunPython(_install, migrations.RunPython.noop),
    ]
