"""The benchmark (``make bench``): seeds PostgreSQL, drives gunicorn and a Celery worker.

Not part of the application or of ``make test``; see ``bench/run.py`` and the README's
Performance section.
"""
