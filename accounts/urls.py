from django.urls import path, re_path

from . import views, views_programme, views_queues

app_name = "accounts"
urlpatterns = [
    path("me/profile/", views.ProfileView.as_view(), name="profile"),
    path("me/language/", views.SetLanguageView.as_view(), name="set-language"),
    path("me/language/<str:code>/", views.LanguageLinkView.as_view(), name="language-link"),
    path("staff/", views_programme.ProgrammeDashboardView.as_view(), name="staff-dashboard"),
    path("staff/report/", views_programme.ProgrammeReportView.as_view(), name="programme-report"),
    re_path(
        r"^staff/export/(?P<table>[a-z_]+)\.(?P<fmt>csv|xlsx)$",
        views_programme.ProgrammeExportView.as_view(),
        name="programme-export",
    ),
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
