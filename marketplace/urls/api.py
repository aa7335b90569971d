"""``/api/v1/``: the public JSON API (see ``marketplace.api``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from marketplace import api

app_name = "api"

router = SimpleRouter()
router.register("products", api.ProductViewSet, basename="product")
router.register("suppliers", api.SupplierViewSet, basename="supplier")
router.register("trainings", api.TrainingViewSet, basename="training")
router.register("inquiries", api.InquiryViewSet, basename="inquiry")

urlpatterns = [
    path("categories/", api.CategoryView.as_view(), name="category-list"),
    path("auth/token/", api.TokenView.as_view(), name="token"),
    *router.urls,
]
