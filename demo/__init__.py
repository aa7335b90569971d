"""Development-only demo data: ``seed_demo`` and the loaders behind it.

The content lives in ``demo/data/`` (YAML for prose, ``products.csv`` in the product
importer's own format); ``demo/loaders/`` reads it and drives the real services and the
CSV importer, draws the product photos and moves times into the past. This app imports
the production apps; they never import it. It is installed when ``DJANGO_DEMO_APP`` is
true (by default when ``DJANGO_DEBUG`` is), in the test settings and the benchmark.
"""
