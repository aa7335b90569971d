from django.urls import include, path

from mentoring.views import dashboard as views

app_name = "mentoring"
urlpatterns = [
    path("dashboard/", views.MentorDashboardView.as_view(), name="dashboard"),
    path("pending/", views.MentorPendingView.as_view(), name="pending"),
    path("", include("mentoring.urls.mentorships")),
    path("", include("mentoring.urls.trainings")),
]
