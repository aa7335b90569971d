from django.urls import path

from . import views

app_name = "umkm"
urlpatterns = [
    path("dashboard/", views.OwnerDashboardView.as_view(), name="dashboard"),
    path("business/new/", views.BusinessCreateView.as_view(), name="business-create"),
    path("business/<slug:slug>/", views.BusinessDetailView.as_view(), name="business-detail"),
    path("business/<slug:slug>/edit/", views.BusinessEditView.as_view(), name="business-edit"),
    path(
        "business/<slug:slug>/verify/", views.BusinessVerifyView.as_view(), name="business-verify"
    ),
    path(
        "business/<slug:slug>/certifications/",
        views.CertificationListView.as_view(),
        name="certification-list",
    ),
    path("business/<slug:slug>/products/", views.ProductListView.as_view(), name="product-list"),
    path(
        "business/<slug:slug>/products/new/",
        views.ProductCreateView.as_view(),
        name="product-create",
    ),
    path(
        "business/<slug:slug>/products/import/",
        views.ProductCsvImportView.as_view(),
        name="product-import",
    ),
    path(
        "business/<slug:slug>/products/template.csv",
        views.ProductCsvTemplateView.as_view(),
        name="product-import-template",
    ),
    path(
        "business/<slug:slug>/products/export.csv",
        views.ProductCsvExportView.as_view(),
        name="product-export",
    ),
    path(
        "certifications/<int:pk>/edit/",
        views.CertificationEditView.as_view(),
        name="certification-edit",
    ),
    path(
        "certifications/<int:pk>/delete/",
        views.CertificationDeleteView.as_view(),
        name="certification-delete",
    ),
    path(
        "certifications/<int:pk>/document/",
        views.CertificationDocumentView.as_view(),
        name="certification-document",
    ),
    path(
        "certifications/<int:pk>/verify/",
        views.CertificationVerifyView.as_view(),
        name="certification-verify",
    ),
    path("products/<int:pk>/", views.ProductDetailView.as_view(), name="product-detail"),
    path("products/<int:pk>/edit/", views.ProductEditView.as_view(), name="product-edit"),
    path("products/<int:pk>/photos/", views.ProductImagesView.as_view(), name="product-images"),
    path(
        "products/<int:pk>/submit/",
        views.ProductTransitionView.as_view(action="submit"),
        name="product-submit",
    ),
    path(
        "products/<int:pk>/approve/",
        views.ProductTransitionView.as_view(action="approve"),
        name="product-approve",
    ),
    path(
        "products/<int:pk>/request-changes/",
        views.ProductTransitionView.as_view(action="request_changes"),
        name="product-request-changes",
    ),
    path(
        "products/<int:pk>/archive/",
        views.ProductTransitionView.as_view(action="archive"),
        name="product-archive",
    ),
    path(
        "products/<int:pk>/restore/",
        views.ProductTransitionView.as_view(action="restore"),
        name="product-restore",
    ),
    path("photos/<int:pk>/", views.ProductImageActionView.as_view(), name="product-image-action"),
    path("review/", views.ReviewQueueView.as_view(), name="review-queue"),
    path(
        "staff/verification/",
        views.StaffVerificationQueueView.as_view(),
        name="staff-verification",
    ),
]
