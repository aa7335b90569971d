"""The framework's ceiling: 24 rows of a large table through the same stack.

Same server, middleware, template engine (and its context processors) and database as
the site's pages, but one indexed query and a minimal template of its own instead of
``base.html``: whatever the real pages cost beyond this is the application's own work
(navigation, filters, counts, facets), which is what the benchmark compares.
"""

from django.shortcuts import render
from django.views import View

from .models import CeilingRow

ROWS = 24


class CeilingView(View):
    def get(self, request):
        rows = CeilingRow.objects.order_by("-id")[:ROWS]
        return render(request, "ceiling/rows.html", {"rows": rows})
