"""One plain table the size of the catalogue, for the framework's ceiling page.

Bench-only and never shown to users, so its names are not translated (translatable
strings here would land in the site's catalogues).
"""

from django.db import models


class CeilingRow(models.Model):
    name = models.CharField("name", max_length=150)
    price_usd = models.DecimalField("price (USD)", max_digits=10, decimal_places=2)
    created_at = models.DateTimeField("created at")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name
