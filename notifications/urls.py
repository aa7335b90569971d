from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.NotificationListView.as_view(), name="list"),
    path("<int:pk>/open/", views.NotificationOpenView.as_view(), name="open"),
    path("read-all/", views.NotificationMarkAllReadView.as_view(), name="read-all"),
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
    path("preferences/whatsapp/", views.WhatsAppNumberView.as_view(), name="whatsapp-number"),
    path(
        "preferences/whatsapp/confirm/",
        views.WhatsAppConfirmView.as_view(),
        name="whatsapp-confirm",
    ),
    path(
        "preferences/whatsapp/remove/",
        views.WhatsAppRemoveView.as_view(),
        name="whatsapp-remove",
    ),
]
