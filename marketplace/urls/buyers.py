from django.urls import path

from marketplace.views import buyers as views

# Included by marketplace.urls (namespace "marketplace", under /catalogue/).
urlpatterns = [
    path("buyer/", views.BuyerDashboardView.as_view(), name="buyer-dashboard"),
    path("buyer/profile/", views.BuyerProfileView.as_view(), name="buyer-profile"),
    path("buyer/shortlist/", views.ShortlistView.as_view(), name="shortlist"),
    path("p/<slug:slug>/save/", views.ShortlistToggleView.as_view(), name="product-save"),
]
