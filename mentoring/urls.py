from django.urls import path

from . import views

app_name = "mentoring"
urlpatterns = [
    path("dashboard/", views.MentorDashboardView.as_view(), name="dashboard"),
    path("pending/", views.MentorPendingView.as_view(), name="pending"),
]
