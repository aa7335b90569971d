import argparse
import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core import uploads
from demo.loaders.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_accounts
from demo.loaders.backdate import backdate_fresh_businesses
from demo.loaders.bulk import (
    Alongside,
    seed_bulk_businesses,
    seed_bulk_marketplace,
    seed_bulk_mentoring,
    seed_bulk_products,
)
from demo.loaders.marketplace import marketplace_summary, seed_marketplace
from demo.loaders.mentoring import mentoring_summary, seed_mentoring
from demo.loaders.notifications import seed_whatsapp_numbers
from demo.loaders.outcomes import outcomes_summary, seed_outcomes
from demo.loaders.umkm import seed_businesses, seed_categories, seed_summary


@contextmanager
def _quiet(logger_name: str):
    """Eager Celery logs one INFO line per task; a seed runs hundreds of them."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be zero or more")
    return number


class Command(BaseCommand):
    help = (
        "Create or refresh the demo data from demo/data/ (idempotent). Refuses to run "
        "in production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Run even with DJANGO_DEBUG=False, on a demo server that sets "
                "DJANGO_DEMO_APP=True (never on a real production database)."
            ),
        )
        parser.add_argument(
            "--products",
            type=_count,
            default=0,
            metavar="N",
            help=(
                "Also make sure N extra listed products exist (no photos), for benchmarks, "
                "with proportionate businesses (one per 40), mentors, trainings and "
                "inquiries (one per 20); running it again with the same N adds none."
            ),
        )

    def handle(self, *args, force=False, products=0, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "seed_demo creates accounts with a public password and refuses to run "
                    "with DJANGO_DEBUG=False; add --force if this really is a demo server."
                )
            )
        added, seconds, scale = 0, 0.0, {}
        # The drawn photos' thumbnails at the encoder's fastest effort (a demo's pictures,
        # a third of the seed's time at the default effort).
        with (
            _quiet("celery.app.trace"),
            _quiet("marketplace.services"),
            uploads.fastest_thumbnails(),
        ):
            seed_accounts()
            seed_categories()
            businesses = seed_businesses()
            if businesses:  # (tests may leave the businesses out)
                seed_mentoring()
                seed_marketplace()
                backdate_fresh_businesses(businesses)
                seed_outcomes()
            seed_whatsapp_numbers()
            if products:
                # Scale mode: businesses, mentors, trainings and inquiries grow with N.
                started = time.monotonic()
                scale["businesses"] = seed_bulk_businesses(products)
                # The search words' index is built while mentoring and marketplace seed.
                with Alongside() as alongside:
                    added = seed_bulk_products(products, alongside=alongside)
                    scale.update(seed_bulk_mentoring(products))
                    scale.update(seed_bulk_marketplace(products))
                seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with:"))
        for spec in DEMO_ACCOUNTS:
            label = "staff" if spec.get("staff") else spec["role"]
            if spec["role"] == "mentor" and not spec.get("approved"):
                label = "mentor, awaiting approval"
            self.stdout.write(f"  {spec['email']:<34} {DEMO_PASSWORD}   ({label})")
        for others, label in [
            ("owner1@ … owner31@", "owners of the other demo businesses"),
            ("mentor1@ … mentor7@", "other approved Bandung mentors"),
            ("buyer1@ … buyer5@", "buyers in MY, SG, NL, JP and AE"),
        ]:
            self.stdout.write(f"  {others + 'demo.jembatan.id':<38} {DEMO_PASSWORD}   ({label})")
        self.stdout.write(f"Demo: {seed_summary()}.")
        self.stdout.write(f"Mentoring: {mentoring_summary()}.")
        self.stdout.write(f"Marketplace: {marketplace_summary()}.")
        self.stdout.write(f"Outcomes: {outcomes_summary()}.")
        if products:
            self.stdout.write(f"Benchmark products: {added} added in {seconds:.1f} s.")
            self.stdout.write(
                "Benchmark scale added: " + ", ".join(f"{n} {kind}" for kind, n in scale.items())
            )
