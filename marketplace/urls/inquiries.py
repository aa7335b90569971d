"""Inquiries (RFQ to one supplier) and buying requests (RFQ to many); namespace
``marketplace`` (included from ``marketplace.urls``)."""

from django.urls import path

from marketplace.views import inquiries as views

urlpatterns = [
    path(
        "p/<slug:slug>/inquire/",
        views.InquiryCreateView.as_view(target="product"),
        name="inquiry-create-product",
    ),
    path(
        "s/<slug:slug>/inquire/",
        views.InquiryCreateView.as_view(target="supplier"),
        name="inquiry-create-supplier",
    ),
    path("inquiries/", views.InquiryListView.as_view(), name="inquiry-list"),
    path("inquiries/<int:pk>/", views.InquiryDetailView.as_view(), name="inquiry-detail"),
    path("inquiries/<int:pk>/reply/", views.InquiryReplyView.as_view(), name="inquiry-reply"),
    path("inquiries/<int:pk>/outcome/", views.InquiryOutcomeView.as_view(), name="inquiry-outcome"),
    path("inquiries/<int:pk>/spam/", views.InquirySpamView.as_view(), name="inquiry-spam"),
    path(
        "inquiries/<int:pk>/attachments/<int:message_pk>/",
        views.InquiryAttachmentView.as_view(),
        name="inquiry-attachment",
    ),
    path("requests/", views.BuyingRequestListView.as_view(), name="buying-request-list"),
    path("requests/new/", views.BuyingRequestCreateView.as_view(), name="buying-request-create"),
    path(
        "requests/<int:pk>/",
        views.BuyingRequestDetailView.as_view(),
        name="buying-request-detail",
    ),
    path("requests/<int:pk>/quote/", views.QuoteCreateView.as_view(), name="quote-create"),
]
