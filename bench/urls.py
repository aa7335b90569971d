"""The site's URLs plus the ceiling page (bench settings only)."""

from django.urls import path

from bench.ceiling.views import CeilingView
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("bench/ceiling/", CeilingView.as_view(), name="bench-ceiling"),
    *site_urlpatterns,
]
