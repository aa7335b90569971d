"""Who may open which page, role-dependent navigation, landing redirects, the unread
badge, error pages and query budgets."""

import re

import pytest
from django.utils import timezone, translation

from ..factories import (
    BuyerFactory,
    MentorFactory,
    NotificationFactory,
    OwnerFactory,
    PendingMentorFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "owner", "mentor", "pending_mentor", "buyer", "staff"]
FACTORIES = {
    "owner": OwnerFactory,
    "mentor": MentorFactory,
    "pending_mentor": PendingMentorFactory,
    "buyer": BuyerFactory,
    "staff": StaffFactory,
}

LOGIN = "login"  # 302 to the login page with ?next=
OK = 200
FORBIDDEN = 403
NOT_FOUND = 404


def redirect_to(path):
    return ("redirect", path)


# url -> expected outcome per actor (GET requests).
MATRIX = {
    "/umkm/dashboard/": {
        "anonymous": LOGIN,
        "owner": OK,
        "mentor": FORBIDDEN,
        "pending_mentor": FORBIDDEN,
        "buyer": FORBIDDEN,
        "staff": FORBIDDEN,
    },
    "/mentoring/dashboard/": {
        "anonymous": LOGIN,
        "owner": FORBIDDEN,
        "mentor": OK,
        "pending_mentor": redirect_to("/mentoring/pending/"),
        "buyer": FORBIDDEN,
        "staff": FORBIDDEN,
    },
    "/mentoring/pending/": {
        "anonymous": LOGIN,
        "owner": FORBIDDEN,
        "mentor": redirect_to("/mentoring/dashboard/"),
        "pending_mentor": OK,
        "buyer": FORBIDDEN,
        "staff": FORBIDDEN,
    },
    "/catalogue/": dict.fromkeys(ACTORS, OK),
    "/staff/": {
        "anonymous": LOGIN,
        "owner": NOT_FOUND,
        "mentor": NOT_FOUND,
        "pending_mentor": NOT_FOUND,
        "buyer": NOT_FOUND,
        "staff": OK,
    },
    "/staff/queues/": {
        "anonymous": LOGIN,
        "owner": NOT_FOUND,
        "mentor": NOT_FOUND,
        "pending_mentor": NOT_FOUND,
        "buyer": NOT_FOUND,
        "staff": OK,
    },
    "/notifications/": {**dict.fromkeys(ACTORS, OK), "anonymous": LOGIN},
    "/notifications/preferences/": {**dict.fromkeys(ACTORS, OK), "anonymous": LOGIN},
    "/me/profile/": {**dict.fromkeys(ACTORS, OK), "anonymous": LOGIN},
    "/": {
        "anonymous": OK,
        "owner": redirect_to("/umkm/dashboard/"),
        "mentor": redirect_to("/mentoring/dashboard/"),
        "pending_mentor": redirect_to("/mentoring/dashboard/"),
        "buyer": redirect_to("/catalogue/"),
        "staff": redirect_to("/staff/"),
    },
}

CASES = [(url, actor, expected) for url, row in MATRIX.items() for actor, expected in row.items()]


def translated(text, language):
    with translation.override(language):
        return str(translation.gettext(text))


def login_as(client, actor, **extra):
    if actor == "anonymous":
        return None
    user = FACTORIES[actor](**extra)
    client.force_login(user)
    return user


def assert_outcome(response, url, expected, language):
    content = response.content.decode()
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"
    elif isinstance(expected, tuple):
        assert response.status_code == 302
        assert response["Location"] == expected[1]
    else:
        assert response.status_code == expected
    if expected == FORBIDDEN:
        assert translated("This page is not for your account", language) in content
        assert translated("Go to my start page", language) in content
    if expected == NOT_FOUND:
        assert translated("Page not found", language) in content


@pytest.mark.parametrize(("url", "actor", "expected"), CASES)
def test_permission_matrix(client, url, actor, expected):
    user = login_as(client, actor)
    response = client.get(url)
    assert_outcome(response, url, expected, user.language if user else "id")


@pytest.mark.parametrize("actor", ACTORS)
def test_permission_matrix_in_english(client, actor):
    """The 403 and 404 pages follow the user's language."""
    login_as(client, actor, language="en")
    if actor == "anonymous":
        client.cookies["django_language"] = "en"
    for url, row in MATRIX.items():
        response = client.get(url)
        assert_outcome(response, url, row[actor], "en")
        if row[actor] in (FORBIDDEN, NOT_FOUND):
            assert '<html lang="en">' in response.content.decode()


APPROVE_EXPECTED = {
    "anonymous": LOGIN,
    "owner": NOT_FOUND,
    "mentor": NOT_FOUND,
    "pending_mentor": NOT_FOUND,
    "buyer": NOT_FOUND,
    "staff": redirect_to("/staff/queues/"),
}


@pytest.mark.parametrize("actor", ACTORS)
def test_mentor_approve_permissions(client, actor):
    target = PendingMentorFactory()
    user = login_as(client, actor)
    url = f"/staff/mentors/{target.pk}/approve/"
    response = client.post(url)
    assert_outcome(response, url, APPROVE_EXPECTED[actor], user.language if user else "id")
    target.refresh_from_db()
    assert (target.mentor_approved_at is not None) == (actor == "staff")


@pytest.mark.parametrize("actor", ACTORS)
def test_mentor_approve_is_post_only(client, actor):
    target = PendingMentorFactory()
    login_as(client, actor)
    response = client.get(f"/staff/mentors/{target.pk}/approve/")
    assert response.status_code in (302, 404, 405)
    if actor == "staff":
        assert response.status_code == 405
    target.refresh_from_db()
    assert target.mentor_approved_at is None


def test_mentor_approve_unknown_pk_is_404(client, staff):
    client.force_login(staff)
    assert client.post("/staff/mentors/999999/approve/").status_code == 404


# --------------------------------------------------------------------------- navigation

NAV_LABELS = ["My business", "Mentor dashboard", "Programme dashboard"]
NAV_EXPECTED = {
    "anonymous": None,
    "owner": "My business",
    "mentor": "Mentor dashboard",
    "pending_mentor": "Mentor dashboard",
    "buyer": None,
    "staff": "Programme dashboard",
}


def nav_html(content):
    match = re.search(r'<nav aria-label="[^"]*" class="main-nav">(.*?)</nav>', content, re.S)
    assert match
    return match.group(1)


@pytest.mark.parametrize("actor", ACTORS)
def test_navigation_depends_on_role(client, actor):
    login_as(client, actor, language="en")
    client.cookies["django_language"] = "en"
    nav = nav_html(client.get("/catalogue/").content.decode())
    for label in NAV_LABELS:
        assert (label in nav) == (label == NAV_EXPECTED[actor]), label
    assert "Catalogue" in nav
    if actor == "anonymous":
        assert "Sign in" in nav
        assert "Notifications" not in nav
    else:
        assert "Sign out" in nav
        assert "Notifications" in nav
        assert "My account" in nav
    assert ("/admin/" in nav) == (actor == "staff")


@pytest.mark.parametrize("actor", ["owner", "mentor", "staff"])
def test_navigation_in_indonesian(client, actor):
    login_as(client, actor, language="id")
    nav = nav_html(client.get("/catalogue/").content.decode())
    assert translated(NAV_EXPECTED[actor], "id") in nav


# --------------------------------------------------------------------------- landing


@pytest.mark.parametrize(
    ("actor", "chain"),
    [
        ("owner", ["/umkm/dashboard/"]),
        ("mentor", ["/mentoring/dashboard/"]),
        ("pending_mentor", ["/mentoring/dashboard/", "/mentoring/pending/"]),
        ("buyer", ["/catalogue/"]),
        ("staff", ["/staff/"]),
    ],
)
def test_home_redirects_to_landing_page(client, actor, chain):
    login_as(client, actor)
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert [url for url, _status in response.redirect_chain] == chain


def test_home_for_visitors(client):
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="id">' in content
    assert 'href="/accounts/signup/"' in content
    assert 'href="/accounts/login/"' in content


# --------------------------------------------------------------------------- unread badge


def badge(content):
    match = re.search(r'<span class="badge"[^>]*>(\d+)</span>', content)
    return int(match.group(1)) if match else None


def test_unread_badge_counts_only_own_unread_notifications(client):
    owner = OwnerFactory(language="en")
    other = BuyerFactory()
    NotificationFactory.create_batch(3, recipient=owner)
    NotificationFactory(recipient=owner, read_at=timezone.now())
    NotificationFactory.create_batch(5, recipient=other)

    client.force_login(owner)
    content = client.get("/catalogue/").content.decode()
    assert badge(content) == 3
    assert 'aria-label="3 unread"' in content

    client.force_login(other)
    assert badge(client.get("/catalogue/").content.decode()) == 5


def test_unread_badge_hidden_without_unread(client, owner):
    NotificationFactory(recipient=NotificationFactory().recipient)
    client.force_login(owner)
    assert badge(client.get("/catalogue/").content.decode()) is None


def test_unread_badge_drops_after_mark_all_read(client, owner):
    NotificationFactory.create_batch(2, recipient=owner)
    client.force_login(owner)
    assert badge(client.get("/catalogue/").content.decode()) == 2
    client.post("/notifications/read-all/")
    assert badge(client.get("/catalogue/").content.decode()) is None


# --------------------------------------------------------------------------- error pages


def test_404_page_in_indonesian_by_default(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert '<html lang="id">' in content
    assert translated("Page not found", "id") in content
    assert translated("Go to the start page", "id") in content
    assert "site-header" in content


def test_404_page_in_english_with_cookie(client):
    client.cookies["django_language"] = "en"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Page not found" in content
    assert "We could not find this page." in content


def test_404_page_follows_user_language(client):
    client.force_login(OwnerFactory(language="en"))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert '<html lang="en">' in response.content.decode()


# --------------------------------------------------------------------------- query budgets


def test_owner_dashboard_query_budget(client, django_assert_max_num_queries):
    owner = OwnerFactory()
    NotificationFactory.create_batch(30, recipient=owner)
    client.force_login(owner)
    with django_assert_max_num_queries(5):
        response = client.get("/umkm/dashboard/")
    assert response.status_code == 200
    assert response.content.decode().count('<li class="unread">') == 5


def test_notification_list_query_budget(client, django_assert_max_num_queries):
    owner = OwnerFactory()
    NotificationFactory.create_batch(30, recipient=owner)
    client.force_login(owner)
    with django_assert_max_num_queries(6):
        response = client.get("/notifications/")
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('class="notification unread"') == 25
    assert badge(content) == 30
