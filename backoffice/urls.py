"""The staff back office under ``/staff/``: programme dashboard, report, exports, work
queues and the queue actions that have no page elsewhere."""

from django.urls import path, re_path

from .views import programme, queues, style_guide

app_name = "backoffice"
urlpatterns = [
    path("staff/", programme.ProgrammeDashboardView.as_view(), name="staff-dashboard"),
    path("staff/report/", programme.ProgrammeReportView.as_view(), name="programme-report"),
    re_path(
        r"^staff/export/(?P<table>[a-z_]+)\.(?P<fmt>csv|xlsx)$",
        programme.ProgrammeExportView.as_view(),
        name="programme-export",
    ),
    path("staff/queues/", queues.StaffQueuesView.as_view(), name="staff-queues"),
    path("staff/style-guide/", style_guide.StyleGuideView.as_view(), name="style-guide"),
    path(
        "staff/mentors/<int:pk>/approve/",
        queues.MentorApproveView.as_view(),
        name="mentor-approve",
    ),
    path(
        "staff/queues/inquiries/<int:pk>/remind/",
        queues.InquiryRemindView.as_view(),
        name="inquiry-remind",
    ),
]
