"""The home page: what the programme is, a way in for each audience, featured
products, categories with counts and the programme's live figures."""

from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View

from marketplace import selectors
from marketplace.caching import cache_anonymous_response


@method_decorator(cache_anonymous_response, name="get")
class HomeView(View):
    """For visitors; signed-in people go to their own start page."""

    template_name = "home.html"

    def get(self, request):
        if request.user.is_authenticated:
            return redirect(request.user.landing_url())
        context = {
            "featured": selectors.featured_products(),
            "categories": selectors.home_categories(),
            "figures": selectors.programme_figures(),
        }
        return render(request, self.template_name, context)
