from django.core.management.base import BaseCommand

from umkm.services import catalogue_words_rebuild, products_refresh_search


class Command(BaseCommand):
    help = "Rebuild the catalogue search text of every product (after renaming categories)."

    def handle(self, *args, **options):
        count = products_refresh_search()
        words = catalogue_words_rebuild()
        self.stdout.write(self.style.SUCCESS(f"{count} products refreshed, {words} words."))
