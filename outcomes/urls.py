from django.urls import path

from . import views

app_name = "outcomes"
urlpatterns = [
    path("business/<slug:slug>/baseline/", views.BaselineView.as_view(), name="baseline"),
    path(
        "business/<slug:slug>/baseline/history/",
        views.BaselineHistoryView.as_view(),
        name="baseline-history",
    ),
    path("business/<slug:slug>/shipments/", views.ShipmentListView.as_view(), name="shipment-list"),
    path(
        "business/<slug:slug>/shipments/new/",
        views.ShipmentCreateView.as_view(),
        name="shipment-create",
    ),
    path(
        "shipments/<int:pk>/document/",
        views.ShipmentDocumentView.as_view(),
        name="shipment-document",
    ),
    path("survey/<slug:slug>/<str:token>/", views.SurveyView.as_view(), name="survey"),
    path("staff/shipments/", views.StaffShipmentQueueView.as_view(), name="staff-shipments"),
    path(
        "staff/shipments/<int:pk>/review/",
        views.ShipmentReviewView.as_view(),
        name="shipment-review",
    ),
    path("staff/follow-ups/", views.StaffFollowUpListView.as_view(), name="staff-follow-ups"),
    path("staff/follow-ups/<int:pk>/", views.FollowUpPhoneView.as_view(), name="follow-up-phone"),
    path("staff/rates/", views.StaffRatesView.as_view(), name="staff-rates"),
    path("staff/budget/", views.StaffBudgetView.as_view(), name="staff-budget"),
    path("staff/report/", views.ReportView.as_view(), name="report"),
    path("staff/report.<str:fmt>", views.ReportView.as_view(), name="report-file"),
]
