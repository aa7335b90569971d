"""Training URLs, included into the ``mentoring`` namespace under /mentoring/."""

from django.urls import path

from mentoring.views import trainings as views

urlpatterns = [
    # Public calendar and session pages.
    path("trainings/", views.SessionListView.as_view(), name="session-list"),
    path("trainings/new/", views.SessionCreateView.as_view(), name="session-create"),
    path("trainings/mine/", views.SessionMineView.as_view(), name="session-mine"),
    path(
        "trainings/mine/<int:year>/<int:month>/",
        views.SessionMonthView.as_view(),
        name="session-month",
    ),
    path("trainings/<int:pk>/", views.SessionDetailView.as_view(), name="session-detail"),
    path("trainings/<int:pk>/calendar.ics", views.SessionIcsView.as_view(), name="session-ics"),
    # Hosting (the host and staff).
    path("trainings/<int:pk>/edit/", views.SessionEditView.as_view(), name="session-edit"),
    path("trainings/<int:pk>/publish/", views.SessionPublishView.as_view(), name="session-publish"),
    path("trainings/<int:pk>/cancel/", views.SessionCancelView.as_view(), name="session-cancel"),
    path("trainings/<int:pk>/done/", views.SessionDoneView.as_view(), name="session-done"),
    path(
        "trainings/<int:pk>/materials/",
        views.SessionMaterialsView.as_view(),
        name="session-materials",
    ),
    path(
        "trainings/materials/<int:pk>/",
        views.MaterialDownloadView.as_view(),
        name="material-download",
    ),
    path(
        "trainings/materials/<int:pk>/delete/",
        views.MaterialDeleteView.as_view(),
        name="material-delete",
    ),
    path(
        "trainings/<int:pk>/check-in/",
        views.SessionCheckInView.as_view(),
        name="session-check-in",
    ),
    # Registrations.
    path(
        "trainings/<int:pk>/register/",
        views.SessionRegisterView.as_view(),
        name="session-register",
    ),
    path("registrations/", views.OwnerRegistrationListView.as_view(), name="registration-list"),
    path(
        "registrations/<int:pk>/ticket/",
        views.RegistrationTicketView.as_view(),
        name="registration-ticket",
    ),
    path(
        "registrations/<int:pk>/cancel/",
        views.RegistrationCancelView.as_view(),
        name="registration-cancel",
    ),
    path(
        "registrations/<int:pk>/check-in/",
        views.RegistrationCheckInView.as_view(),
        name="registration-check-in",
    ),
    path(
        "registrations/<int:pk>/check-in/undo/",
        views.RegistrationCheckInUndoView.as_view(),
        name="registration-check-in-undo",
    ),
    path(
        "registrations/<int:pk>/feedback/",
        views.RegistrationFeedbackView.as_view(),
        name="registration-feedback",
    ),
    path(
        "registrations/<int:pk>/certificate.pdf",
        views.RegistrationCertificateView.as_view(),
        name="registration-certificate",
    ),
    path(
        "certificates/verify/",
        views.CertificateVerifyView.as_view(),
        name="certificate-verify",
    ),
    # Calendar feeds.
    path("calendar/", views.CalendarFeedView.as_view(), name="calendar-feed"),
    path(
        "calendar/<str:token>.ics",
        views.CalendarFeedIcsView.as_view(),
        name="calendar-feed-ics",
    ),
]
