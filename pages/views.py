from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from .models import Page


class PageView(DetailView):
    """One of the footer's pages, in the visitor's language (one query)."""

    template_name = "pages/page.html"
    context_object_name = "page"
    slug: str = ""

    def get_object(self, queryset=None):
        return get_object_or_404(Page.objects.select_related(None), slug=self.slug)
