import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Something went wrong"), ("id", "Terjadi kesalahan")],
)
def test_500_page_renders_without_context_in_both_languages(language, text):
    request = RequestFactory().get("/")
    with translation.override(language):
        response = server_error(request)
    assert response.status_code == 500
    body = response.content.decode()
    assert text in body
    assert f'lang="{language}"' in body
    assert "/static/css/app.css" in body


@pytest.mark.django_db
def test_static_files_are_served_by_the_app(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "--green" in b"".join(response.streaming_content).decode()


@pytest.mark.django_db
def test_no_page_loads_anything_from_another_host(client):
    """Scripts, styles, images and fonts come from the app itself (no CDN).
    Absolute links (canonical, hreflang) are fine: they are not loaded."""
    import re

    loaded = re.compile(
        r'(?:src|srcset)="(?:https?:)?//|<link[^>]+rel="(?:stylesheet|icon|preload)"[^>]+href="(?:https?:)?//'
    )
    for path in ["/", "/accounts/login/", "/accounts/signup/", "/catalogue/"]:
        body = client.get(path).content.decode()
        assert not loaded.search(body), f"{path} loads an asset from another host"
