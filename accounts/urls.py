from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("me/profile/", views.ProfileView.as_view(), name="profile"),
    path("me/language/", views.SetLanguageView.as_view(), name="set-language"),
    path("me/language/<str:code>/", views.LanguageLinkView.as_view(), name="language-link"),
]
