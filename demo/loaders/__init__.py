"""Loaders of the demo data, one module per part of the site.

``accounts`` (the demo logins), ``umkm`` (categories, businesses, papers and products
through the CSV importer), ``mentoring`` (mentors, mentorships, logs, trainings),
``marketplace`` (buyers, shortlists, inquiries, buying requests), ``outcomes``
(baselines, follow-ups, shipments, rates, budget), ``bulk`` (the
benchmark rows of ``seed_demo --products N``), ``photos`` (the product photo drawer)
and ``backdate`` (moving what the services stamped "now" into the past). ``files``
reads ``demo/data/``.
"""
