import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from backoffice import services


class Command(BaseCommand):
    help = (
        "Compute and store the programme dashboard's figures now, as the beat job does "
        "every 10 minutes (this month, quarter and year, last month's report and the "
        "views staff opened today), without a Celery worker: after a deploy, a restore "
        "or a benchmark's seeding, so that no one waits for the first computation."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        for data in services.programme_snapshots_due(today=today):
            started = time.perf_counter()
            snapshot = services.programme_snapshot_compute_from(data=data, today=today)
            self.stdout.write(
                f"{data['start']} – {data['end']}"
                f"{' ' + data['city'] if data['city'] else ''}"
                f"{' ' + data['sector'] if data['sector'] else ''}"
                f"{' mentor ' + str(data['mentor_id']) if data['mentor_id'] else ''}: "
                f"computed in {time.perf_counter() - started:.1f} s ({snapshot.key[:12]})"
            )
