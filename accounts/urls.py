from django.urls import path

from . import views, views_queues

app_name = "accounts"
urlpatterns = [
    path("me/profile/", views.ProfileView.as_view(), name="profile"),
    path("me/language/", views.SetLanguageView.as_view(), name="set-language"),
    path("staff/", views.StaffDashboardView.as_view(), name="staff-dashboard"),
    path("staff/queues/", views_queues.StaffQueuesView.as_view(), name="staff-queues"),
    path(
        "staff/mentors/<int:pk>/approve/",
        views_queues.MentorApproveView.as_view(),
        name="mentor-approve",
    ),
    path(
        "staff/queues/inquiries/<int:pk>/remind/",
        views_queues.InquiryRemindView.as_view(),
        name="inquiry-remind",
    ),
]
