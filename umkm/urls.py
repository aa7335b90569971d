from django.urls import path

from . import views

app_name = "umkm"
urlpatterns = [
    path("dashboard/", views.OwnerDashboardView.as_view(), name="dashboard"),
]
