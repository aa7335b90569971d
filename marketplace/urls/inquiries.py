"""Inquiries (RFQ to one supplier) and buying requests (RFQ to many); namespace
``marketplace`` (included from ``marketplace.urls``)."""

from django.urls import path

from marketplace.views import deals
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
    # The deal pipeline of a thread.
    path("inquiries/<int:pk>/sample/", deals.SampleRequestView.as_view(), name="sample-request"),
    path(
        "inquiries/<int:pk>/sample/<int:sample_pk>/sent/",
        deals.SampleSentView.as_view(),
        name="sample-sent",
    ),
    path(
        "inquiries/<int:pk>/quotation/",
        deals.QuotationCreateView.as_view(),
        name="quotation-create",
    ),
    path(
        "inquiries/<int:pk>/quotations/<int:quotation_pk>/answer/",
        deals.QuotationAnswerView.as_view(),
        name="quotation-answer",
    ),
    path(
        "inquiries/<int:pk>/quotations/<int:quotation_pk>/proforma.pdf",
        deals.ProformaView.as_view(),
        name="quotation-proforma",
    ),
    path("inquiries/<int:pk>/deal/", deals.DealCloseView.as_view(), name="deal-close"),
    path("requests/", views.BuyingRequestListView.as_view(), name="buying-request-list"),
    path("requests/new/", views.BuyingRequestCreateView.as_view(), name="buying-request-create"),
    path(
        "requests/<int:pk>/",
        views.BuyingRequestDetailView.as_view(),
        name="buying-request-detail",
    ),
    path("requests/<int:pk>/quote/", views.QuoteCreateView.as_view(), name="quote-create"),
]
