from django.urls import path

from marketplace.views import buyers as views_buyers

# Included by marketplace.urls (namespace "marketplace", under /catalogue/).
urlpatterns = [
    path("buyer/", views_buyers.BuyerDashboardView.as_view(), name="buyer-dashboard"),
    path("buyer/profile/", views_buyers.BuyerProfileView.as_view(), name="buyer-profile"),
    path("buyer/shortlist/", views_buyers.ShortlistView.as_view(), name="shortlist"),
    path("p/<slug:slug>/save/", views_buyers.ShortlistToggleView.as_view(), name="product-save"),
]
