from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.forms import AdminLoginForm
from accounts.views import SignupView
from core import files
from marketplace.sitemaps import SITEMAPS
from marketplace.views.catalogue import robots_txt
from marketplace.views.home import HomeView
from notifications.views import WhatsAppWebhookView

from . import health
from .security import with_inline_assets

admin.site.site_header = "Jembatan UMKM"
admin.site.site_title = "Jembatan UMKM"
admin.site.login_form = AdminLoginForm  # failed passwords are rate-limited as on the site

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("admin/", admin.site.urls),
    # Before allauth's: the sign-up page that preselects the role and keeps passwords.
    path("accounts/signup/", SignupView.as_view(), name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("backoffice.urls")),
    path("", include("pages.urls")),
    path("notifications/", include("notifications.urls")),
    path("webhooks/whatsapp/", WhatsAppWebhookView.as_view(), name="whatsapp-webhook"),
    path("umkm/", include("umkm.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("catalogue/", include("marketplace.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("api/v1/", include("marketplace.urls.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # GET only: its HTML renderer has no page for OPTIONS (a 500 otherwise).
        with_inline_assets(
            SpectacularSwaggerView.as_view(url_name="api-schema", http_method_names=["get", "head"])
        ),
        name="api-docs",
    ),
]

# Under /api/ errors outside the API's views answer JSON, as the API does.
handler400 = "core.api.bad_request"
handler404 = "core.api.page_not_found"
handler500 = "core.api.server_error"

# Public media (product photos, logos) from the local folder when no object storage is
# configured, pictures only; certificates live in a separate private store that is
# never served here.
if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    urlpatterns += [path("media/<path:path>", files.public_media, name="media")]
