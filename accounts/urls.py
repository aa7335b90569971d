from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("me/profile/", views.ProfileView.as_view(), name="profile"),
    path("me/language/", views.SetLanguageView.as_view(), name="set-language"),
    path("staff/", views.StaffDashboardView.as_view(), name="staff-dashboard"),
    path(
        "staff/mentors/<int:pk>/approve/",
        views.MentorApproveView.as_view(),
        name="mentor-approve",
    ),
]
