from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_accounts


class Command(BaseCommand):
    help = "Create or refresh the demo data (idempotent). Refuses to run in production."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DJANGO_DEBUG=False (never on a real production database).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "seed_demo creates accounts with a public password and refuses to run "
                    "with DJANGO_DEBUG=False; add --force if this really is a demo server."
                )
            )
        seed_accounts()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with:"))
        for spec in DEMO_ACCOUNTS:
            label = "staff" if spec.get("staff") else spec["role"]
            if spec["role"] == "mentor" and not spec.get("approved"):
                label = "mentor, awaiting approval"
            self.stdout.write(f"  {spec['email']:<34} {DEMO_PASSWORD}   ({label})")
