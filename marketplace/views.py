from django.views.generic import TemplateView


class CatalogueView(TemplateView):
    """The public export catalogue (the buyers' start page). Products are listed here
    once the UMKM and marketplace issues land; until then it explains what is coming."""

    template_name = "marketplace/catalogue.html"
