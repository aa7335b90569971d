from django.urls import include, path

from . import views

app_name = "mentoring"
urlpatterns = [
    path("dashboard/", views.MentorDashboardView.as_view(), name="dashboard"),
    path("pending/", views.MentorPendingView.as_view(), name="pending"),
    path("", include("mentoring.urls_mentorships")),
    path("", include("mentoring.urls_trainings")),
]
