"""Whole public pages for anonymous visitors come from the cache (marketplace/caching.py);
signed-in people and anything personal never do. The API's public reads are the same
JSON for everyone, so token and session clients share that entry (marked private)."""

import pytest
from django.contrib import messages
from django.http import HttpResponse
from django.test import Client, RequestFactory
from rest_framework.authtoken.models import Token

from marketplace.caching import cache_anonymous_response
from umkm import services

from ..factories import ListedProductFactory
from ..support.queries import captured_queries

pytestmark = pytest.mark.django_db

CATALOGUE = "/catalogue/"


@pytest.fixture
def product():
    return ListedProductFactory(name_en="Rattan basket", name_id="Keranjang rotan")


def public_urls(product):
    return [
        CATALOGUE,
        f"{CATALOGUE}?q=rattan",
        f"{CATALOGUE}?page=1&sort=newest",
        f"/catalogue/p/{product.slug}/",
        f"/catalogue/s/{product.business.slug}/",
        "/api/v1/products/",
        f"/api/v1/products/{product.slug}/",
        "/api/v1/suppliers/",
    ]


def test_a_second_anonymous_request_is_served_from_the_cache(
    product, django_assert_max_num_queries
):
    for url in public_urls(product):
        first = Client().get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert first.status_code == 200, url
        with django_assert_max_num_queries(0):
            second = Client().get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert second.status_code == 200, url
        assert second.content == first.content, url


def test_anonymous_pages_carry_no_csrf_token_and_set_no_cookie(product):
    for url in public_urls(product)[:5]:
        response = Client().get(url)
        assert "csrfmiddlewaretoken" not in response.content.decode(), url
        assert not response.cookies, url


def test_head_is_answered_from_the_same_entry(product, django_assert_max_num_queries):
    Client().get(CATALOGUE)
    with django_assert_max_num_queries(0):
        response = Client().head(CATALOGUE)
    assert response.status_code == 200


def test_language_and_query_string_are_separate_entries(product):
    english = Client().get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    indonesian = Client().get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert '<html lang="en">' in english and "Rattan basket" in english
    assert '<html lang="id">' in indonesian and "Keranjang rotan" in indonesian
    # The currency follows the language for anonymous visitors.
    assert "US$ 2.10" in english and "Rp 25.000" in indonesian

    # The language cookie and ?lang= resolve to the same entries.
    cookie = Client()
    cookie.cookies["django_language"] = "en"
    assert '<html lang="en">' in cookie.get(CATALOGUE).content.decode()
    by_query = Client().get(f"{CATALOGUE}?lang=id", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="id">' in by_query

    # Another query string is another page.
    nothing = Client().get(f"{CATALOGUE}?q=zzzz", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Rattan basket" not in nothing


def test_signed_in_people_neither_get_nor_fill_the_cache(product, buyer, owner):
    signed_in = Client()
    signed_in.force_login(buyer)
    page = signed_in.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your buyer dashboard" in page
    # Not stored: the next anonymous visitor gets the anonymous page.
    anonymous = Client().get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your buyer dashboard" not in anonymous
    assert "Sign in" in anonymous
    # And a cached anonymous page is not given to someone signed in.
    again = signed_in.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your buyer dashboard" in again
    assert 'action="/me/language/"' in again  # their switcher stays a POST form

    other = Client()
    other.force_login(owner)
    with captured_queries() as queries:
        other.get(f"/catalogue/p/{product.slug}/")
    assert len(queries) > 0


def test_an_archived_product_leaves_cached_pages_at_once(
    product, django_capture_on_commit_callbacks
):
    detail = f"/catalogue/p/{product.slug}/"
    api = f"/api/v1/products/{product.slug}/"
    assert "Rattan basket" in Client().get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert Client().get(detail).status_code == 200
    assert Client().get(api).status_code == 200
    assert product.slug in Client().get("/api/v1/products/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.product_archive(product=product, actor=product.business.owner)

    page = Client().get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Rattan basket" not in page
    assert Client().get(detail).status_code == 404
    assert Client().get(api).status_code == 404
    assert product.slug not in Client().get("/api/v1/products/").content.decode()


def test_api_token_and_session_clients_share_the_public_json_but_keep_it_private(
    product, buyer, owner, django_assert_max_num_queries
):
    """The API's product and supplier reads are the same JSON for everyone: a client with
    a token or a session reads the entry an anonymous client filled (only its own token
    or session is looked up), and its copy is marked private."""
    token = Token.objects.create(user=buyer)
    for url in public_urls(product)[5:]:
        anonymous = Client().get(url)
        assert "public" in anonymous["Cache-Control"], url
        with django_assert_max_num_queries(1):  # the token, nothing of the catalogue
            response = Client().get(url, HTTP_AUTHORIZATION=f"Token {token.key}")
        assert response.status_code == 200, url
        assert response.content == anonymous.content, url
        assert "private" in response["Cache-Control"], url

        session = Client()
        session.force_login(owner)
        with django_assert_max_num_queries(2):  # the session and the user
            response = session.get(url)
        assert response.content == anonymous.content, url
        assert "private" in response["Cache-Control"], url


def test_a_token_client_fills_the_entry_for_everyone_and_sees_changes_at_once(
    product, buyer, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    token = Token.objects.create(user=buyer)
    url = "/api/v1/products/"
    first = Client().get(url, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert product.slug in first.content.decode()
    with django_assert_max_num_queries(0):
        anonymous = Client().get(url)
    assert anonymous.content == first.content
    assert "public" in anonymous["Cache-Control"]

    with django_capture_on_commit_callbacks(execute=True):
        services.product_archive(product=product, actor=product.business.owner)
    again = Client().get(url, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert product.slug not in again.content.decode()


def test_a_bad_token_is_refused_before_the_cache(product):
    Client().get("/api/v1/products/")  # an entry exists
    response = Client().get("/api/v1/products/", HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert response.status_code == 401
    assert product.slug not in response.content.decode()


def test_anonymous_api_clients_keep_their_rate_limit(product, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]},
    }
    from core.api import AnonThrottle

    client = Client()
    statuses = [
        client.get("/api/v1/products/").status_code for _ in range(AnonThrottle().num_requests + 1)
    ]
    assert statuses[-1] == 429
    assert set(statuses[:-1]) == {200}


def _view_factory(make):
    calls = []

    @cache_anonymous_response
    def view(request):
        calls.append(1)
        return make(request)

    return view, calls


def _anonymous_get(path="/x/"):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_responses_that_set_a_cookie_add_a_message_or_are_not_200_are_not_stored():
    def with_cookie(request):
        response = HttpResponse("hello")
        response.set_cookie("x", "1")
        return response

    def with_message(request):
        messages.info(request, "Saved")
        return HttpResponse("hello")

    def with_token(request):
        from django.middleware.csrf import get_token

        get_token(request)
        return HttpResponse("hello")

    for make in (with_cookie, with_message, with_token, lambda r: HttpResponse("no", status=404)):
        view, calls = _view_factory(make)
        view(_anonymous_get())
        view(_anonymous_get())
        assert len(calls) == 2, make

    view, calls = _view_factory(lambda r: HttpResponse("hello"))
    view(_anonymous_get())
    assert view(_anonymous_get()).content == b"hello"
    assert len(calls) == 1


def test_requests_with_a_session_or_messages_cookie_bypass_the_cache(product):
    Client().get(CATALOGUE)
    for name in ("sessionid", "messages"):
        client = Client()
        client.cookies[name] = "something"
        with captured_queries() as queries:
            client.get(CATALOGUE)
        assert len(queries) > 0, name


def test_anonymous_language_links_set_the_cookie_and_stay_on_site():
    response = Client().get("/me/language/en/", {"next": "/catalogue/?page=2"})
    assert response.status_code == 302
    assert response["Location"] == "/catalogue/?page=2"
    assert response.cookies["django_language"].value == "en"

    response = Client().get("/me/language/en/", {"next": "https://evil.example.com/"})
    assert response["Location"] == "/"
    assert Client().get("/me/language/xx/").status_code == 404

    page = Client().get("/catalogue/?page=2").content.decode()
    assert 'href="/me/language/en/?next=/catalogue/%3Fpage%3D2"' in page
