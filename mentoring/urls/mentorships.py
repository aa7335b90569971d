from django.urls import path

from mentoring.views import mentorships as views

urlpatterns = [
    path("profile/", views.MentorProfileView.as_view(), name="mentor-profile"),
    path("mentors/", views.MentorDirectoryView.as_view(), name="mentor-directory"),
    path(
        "mentors/<int:user_id>/request/",
        views.MentorshipRequestView.as_view(),
        name="mentorship-request",
    ),
    path("assign/", views.MentorshipAssignView.as_view(), name="mentorship-assign"),
    path("my-mentors/", views.MyMentorsView.as_view(), name="my-mentors"),
    path("mentorships/<int:pk>/", views.MentorshipDetailView.as_view(), name="mentorship-detail"),
    path(
        "mentorships/<int:pk>/accept/",
        views.MentorshipAcceptView.as_view(),
        name="mentorship-accept",
    ),
    path(
        "mentorships/<int:pk>/decline/",
        views.MentorshipDeclineView.as_view(),
        name="mentorship-decline",
    ),
    path(
        "mentorships/<int:pk>/complete/",
        views.MentorshipCompleteView.as_view(),
        name="mentorship-complete",
    ),
    path(
        "mentorships/<int:pk>/logs/",
        views.MentoringLogCreateView.as_view(),
        name="mentoring-log-create",
    ),
    path(
        "mentorships/<int:pk>/action-items/",
        views.ActionItemCreateView.as_view(),
        name="action-item-create",
    ),
    path(
        "action-items/<int:pk>/done/",
        views.ActionItemDoneView.as_view(),
        name="action-item-done",
    ),
]
