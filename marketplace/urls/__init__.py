from django.urls import include, path

from marketplace.views import catalogue as views

app_name = "marketplace"
urlpatterns = [
    path("", views.CatalogueView.as_view(), name="catalogue"),
    path("p/<slug:slug>/", views.ProductPublicView.as_view(), name="product"),
    path("s/<slug:slug>/", views.SupplierView.as_view(), name="supplier"),
    # Buyer accounts, shortlist and dashboard.
    path("", include("marketplace.urls.buyers")),
    # Inquiries (RFQ to one supplier) and buying requests (RFQ to many).
    path("", include("marketplace.urls.inquiries")),
]
