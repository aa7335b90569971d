"""Accounts: sign-up and email confirmation, login, logout, password reset, mentor
approval, profile, language and time zone, and the demo seed command."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from accounts.models import User
from demo.loaders.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from notifications.kinds import KINDS
from notifications.models import Notification

from ..factories import (
    PASSWORD,
    NotificationFactory,
    OwnerFactory,
    PendingMentorFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kopi-Susu-Pekanbaru-2025"
LINK_RE = re.compile(r"https?://\S+")


def translated(text, language):
    """``text`` as the site renders it in ``language`` (catalogues may be partial)."""
    with translation.override(language):
        return str(translation.gettext(text))


def welcome_title(name, language):
    with translation.override(language):
        return str(KINDS["welcome"].title) % {"name": name}


def signup_data(**overrides):
    data = {
        "email": "ayu.lestari@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "full_name": "Ayu Lestari",
        "role": "owner",
        "language": "id",
    }
    data.update(overrides)
    return data


def english_client():
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def links_in(message, contains):
    return [link for link in LINK_RE.findall(message.body) if contains in link]


def confirmation_path(message):
    links = links_in(message, "/accounts/confirm-email/")
    assert links, message.body
    return urlsplit(links[0]).path


def path_of(response):
    """The path of the page a (followed) response ended on."""
    return response.request["PATH_INFO"]


def is_logged_in(client):
    return client.get("/me/profile/").status_code == 200


# --------------------------------------------------------------------------- sign-up


@pytest.mark.parametrize(
    ("role", "language", "landing"),
    [
        ("owner", "id", "/umkm/dashboard/"),
        ("mentor", "en", "/mentoring/pending/"),
        ("buyer", "en", "/catalogue/"),
    ],
)
def test_signup_confirm_email_then_land_on_role_page(
    client, mailoutbox, settings, django_capture_on_commit_callbacks, role, language, landing
):
    email = f"new.{role}@example.com"
    response = client.post(
        "/accounts/signup/", signup_data(email=email, role=role, language=language)
    )
    assert response.status_code == 302

    user = User.objects.get(email=email)
    assert user.role == role
    assert user.full_name == "Ayu Lestari"
    assert user.language == language
    assert not user.is_staff
    assert user.mentor_approved_at is None
    assert not EmailAddress.objects.get(user=user, email=email).verified

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [email]
    assert mailoutbox[0].subject.startswith("[Jembatan UMKM] ")
    confirm_path = confirmation_path(mailoutbox[0])

    # Before verifying, signing in only leads to the "verify your email" page.
    other = Client()
    response = other.post(
        "/accounts/login/", {"login": email, "password": NEW_PASSWORD}, follow=True
    )
    assert path_of(response) == "/accounts/confirm-email/"
    assert path_of(response) != landing
    assert not is_logged_in(other)
    assert not Notification.objects.filter(recipient=user).exists()
    sent_before_confirming = len(mailoutbox)

    # Following the link from the email: GET shows a confirmation page, POST confirms.
    response = client.get(confirm_path)
    assert response.status_code == 200
    assert not EmailAddress.objects.get(user=user, email=email).verified
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_path, follow=True)

    assert response.status_code == 200
    assert path_of(response) == landing
    assert response.wsgi_request.user == user
    assert EmailAddress.objects.get(user=user, email=email).verified

    welcome = Notification.objects.get(recipient=user, kind="welcome")
    assert welcome.title == welcome_title("Ayu", language)
    assert welcome.email_status == Notification.EmailStatus.SENT

    assert len(mailoutbox) == sent_before_confirming + 1
    welcome_email = mailoutbox[-1]
    assert welcome_email.to == [email]
    assert welcome.title in welcome_email.subject
    links = links_in(welcome_email, settings.SITE_URL)
    assert links
    assert all(link.startswith(settings.SITE_URL) for link in LINK_RE.findall(welcome_email.body))
    assert f"{settings.SITE_URL}{user.landing_url()}" in links

    # Confirming a second time changes nothing and sends no second welcome.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_path, follow=True)
    assert Notification.objects.filter(recipient=user, kind="welcome").count() == 1
    assert len(mailoutbox) == sent_before_confirming + 1


def test_first_signup_email_is_the_confirmation_and_second_is_the_welcome(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    client.post("/accounts/signup/", signup_data(language="en"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirmation_path(mailoutbox[0]))
    assert len(mailoutbox) == 2
    assert "/accounts/confirm-email/" in mailoutbox[0].body
    assert welcome_title("Ayu", "en") in mailoutbox[1].subject


def test_confirmation_link_opened_in_another_browser(
    mailoutbox, django_capture_on_commit_callbacks
):
    Client().post("/accounts/signup/", signup_data(role="buyer", language="en"))
    user = User.objects.get(email="ayu.lestari@example.com")
    phone = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = phone.post(confirmation_path(mailoutbox[0]), follow=True)
    assert response.status_code == 200
    assert EmailAddress.objects.get(user=user).verified
    assert Notification.objects.filter(recipient=user, kind="welcome").count() == 1
    # Not signed in there (no sign-up session), but signing in now works.
    assert not is_logged_in(phone)
    response = phone.post(
        "/accounts/login/", {"login": user.email, "password": NEW_PASSWORD}, follow=True
    )
    assert path_of(response) == "/catalogue/"
    assert response.wsgi_request.user == user


def test_failed_confirmation_sends_no_welcome(
    owner, mailoutbox, django_capture_on_commit_callbacks
):
    client = english_client()
    client.post("/accounts/signup/", signup_data(email="shared@example.com", role="buyer"))
    user = User.objects.get(email="shared@example.com")
    # Meanwhile another account added and verified the same address (allauth allows
    # adding it because enumeration prevention hides that it is taken).
    EmailAddress.objects.create(user=owner, email="shared@example.com", verified=True)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirmation_path_from_signup(user), follow=True)
    assert not EmailAddress.objects.get(user=user).verified
    assert "already confirmed by a different account" in response.content.decode()
    assert not Notification.objects.filter(recipient=user).exists()
    assert mailoutbox == []


def confirmation_path_from_signup(user):
    address = EmailAddress.objects.get(user=user, email=user.email)
    return f"/accounts/confirm-email/{EmailConfirmationHMAC(address).key}/"


@pytest.mark.parametrize("role", ["staff", ""])
def test_signup_cannot_choose_staff_or_no_role(mailoutbox, role):
    client = english_client()
    response = client.post("/accounts/signup/", signup_data(role=role))
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    expected = (
        "This field is required." if role == "" else "Select a valid choice. staff is not one of"
    )
    assert expected in response.content.decode()
    assert not User.objects.exists()
    assert mailoutbox == []


def test_signup_with_mismatching_passwords_shows_error(mailoutbox):
    client = english_client()
    response = client.post("/accounts/signup/", signup_data(password2=NEW_PASSWORD + "x"))
    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()
    assert not User.objects.exists()
    assert mailoutbox == []


def test_signup_with_an_existing_email_creates_nothing(owner, mailoutbox):
    """allauth prevents account enumeration (ACCOUNT_PREVENT_ENUMERATION defaults to
    True): the form does not reveal that the address is taken; instead the address's
    owner is told by email that someone tried to sign up with it."""
    client = english_client()
    users_before = User.objects.count()
    response = client.post(
        "/accounts/signup/", signup_data(email=owner.email.upper(), role="buyer"), follow=True
    )
    assert response.status_code == 200
    assert User.objects.count() == users_before
    assert EmailAddress.objects.filter(email__iexact=owner.email).count() == 1
    owner.refresh_from_db()
    assert owner.role == User.Role.OWNER
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [owner.email]
    assert "/accounts/confirm-email/" not in mailoutbox[0].body


def test_welcome_is_written_in_the_users_language(mailoutbox, django_capture_on_commit_callbacks):
    titles = {}
    for language, email in [("id", "ayu@example.com"), ("en", "emma@example.com")]:
        client = Client()
        client.post("/accounts/signup/", signup_data(email=email, language=language))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(confirmation_path(mailoutbox[-1]))
        titles[language] = Notification.objects.get(recipient__email=email, kind="welcome")

    assert titles["en"].title == "Welcome to Jembatan UMKM, Ayu"
    assert titles["id"].title == welcome_title("Ayu", "id")
    with translation.override("id"):
        next_step = str(
            translation.gettext("Start by describing your business and adding your first product.")
        )
    assert next_step in titles["id"].body
    assert "Start by describing your business and adding your first product." in titles["en"].body


# --------------------------------------------------------------------------- login


@pytest.mark.parametrize(
    ("fixture", "landing"),
    [
        ("owner", "/umkm/dashboard/"),
        ("mentor", "/mentoring/dashboard/"),
        ("pending_mentor", "/mentoring/pending/"),
        ("buyer", "/catalogue/"),
        ("staff", "/staff/"),
    ],
)
def test_login_lands_on_role_page(client, request, fixture, landing):
    user = request.getfixturevalue(fixture)
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert path_of(response) == landing
    assert response.wsgi_request.user == user


def test_login_returns_to_the_page_asked_for(client, owner):
    response = client.get("/notifications/preferences/")
    assert response["Location"] == "/accounts/login/?next=/notifications/preferences/"
    response = client.post(
        response["Location"], {"login": owner.email, "password": PASSWORD}, follow=True
    )
    assert path_of(response) == "/notifications/preferences/"


def test_login_ignores_offsite_next(client, owner):
    response = client.post(
        "/accounts/login/?next=https://evil.example.com/",
        {"login": owner.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/umkm/dashboard/"


def test_login_with_wrong_password_stays_on_login_page(owner):
    client = english_client()
    response = client.post("/accounts/login/", {"login": owner.email, "password": "wrong-one"})
    assert response.status_code == 200
    assert path_of(response) == "/accounts/login/"
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert not is_logged_in(client)


def test_failed_logins_are_rate_limited_per_email(owner):
    """allauth's default "login_failed" limit is 5 per 5 minutes per email address:
    the 6th attempt is refused even with the right password, with a clear message."""
    client = english_client()
    for _attempt in range(5):
        response = client.post("/accounts/login/", {"login": owner.email, "password": "wrong-one"})
        assert response.status_code == 200
        assert "Too many failed login attempts" not in response.content.decode()

    response = client.post("/accounts/login/", {"login": owner.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert not is_logged_in(client)

    # Another account is not affected.
    other = OwnerFactory()
    response = client.post("/accounts/login/", {"login": other.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/umkm/dashboard/"


def test_too_many_login_posts_answer_429(owner):
    """allauth's default "login" limit is 30 per minute per IP address; the 31st
    post answers 429 with our "Too many attempts" page."""
    client = english_client()
    statuses = [
        client.post(
            "/accounts/login/", {"login": f"x{n}@example.com", "password": "nope"}
        ).status_code
        for n in range(30)
    ]
    assert 429 not in statuses
    response = client.post("/accounts/login/", {"login": owner.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


# --------------------------------------------------------------------------- logout


def test_logout_needs_post(client, owner):
    client.force_login(owner)
    response = client.get("/accounts/logout/")
    assert response.status_code == 200
    assert is_logged_in(client)

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not is_logged_in(client)
    response = client.get("/me/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --------------------------------------------------------------------------- password reset


def test_password_reset_by_email(owner, mailoutbox):
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": owner.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [owner.email]
    links = links_in(mailoutbox[0], "/accounts/password/reset/key/")
    assert links
    response = client.get(urlsplit(links[0]).path, follow=True)
    assert response.status_code == 200
    set_password_path = path_of(response)
    assert set_password_path.startswith("/accounts/password/reset/key/")

    response = client.post(
        set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302

    fresh = Client()
    response = fresh.post("/accounts/login/", {"login": owner.email, "password": PASSWORD})
    assert response.status_code == 200
    assert not is_logged_in(fresh)
    response = fresh.post(
        "/accounts/login/", {"login": owner.email, "password": NEW_PASSWORD}, follow=True
    )
    assert path_of(response) == "/umkm/dashboard/"


def test_password_reset_for_unknown_email_sends_no_reset_link(db, mailoutbox):
    client = Client()
    client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert all("/accounts/password/reset/key/" not in m.body for m in mailoutbox)


# --------------------------------------------------------------------------- mentor approval


def assert_approved_and_told(mentor, approver, mailoutbox):
    mentor.refresh_from_db()
    assert mentor.mentor_approved_at is not None
    assert mentor.mentor_approved_by == approver
    notification = Notification.objects.get(recipient=mentor, kind="mentor_approved")
    assert notification.email_status == Notification.EmailStatus.SENT
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [mentor.email]
    assert notification.title in mailoutbox[0].subject
    with translation.override(mentor.language):
        assert notification.title == str(KINDS["mentor_approved"].title)


def test_admin_action_approves_mentors(
    client, pending_mentor, mailoutbox, django_capture_on_commit_callbacks
):
    admin = StaffFactory(is_superuser=True)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/accounts/user/",
            {"action": "approve_mentors", "_selected_action": [pending_mentor.pk]},
        )
    assert response.status_code == 302
    assert_approved_and_told(pending_mentor, admin, mailoutbox)


def test_admin_action_skips_already_approved_and_non_mentors(
    client, mentor, owner, mailoutbox, django_capture_on_commit_callbacks
):
    admin = StaffFactory(is_superuser=True)
    client.force_login(admin)
    approved_at = mentor.mentor_approved_at
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/accounts/user/",
            {"action": "approve_mentors", "_selected_action": [mentor.pk, owner.pk]},
        )
    mentor.refresh_from_db()
    owner.refresh_from_db()
    assert mentor.mentor_approved_at == approved_at
    assert owner.mentor_approved_at is None
    assert not Notification.objects.filter(kind="mentor_approved").exists()
    assert mailoutbox == []


def test_staff_queues_button_approves_a_mentor(
    client, staff, pending_mentor, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    response = client.get("/staff/queues/")
    assert pending_mentor.email in response.content.decode()
    assert f"/staff/mentors/{pending_mentor.pk}/approve/" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/staff/mentors/{pending_mentor.pk}/approve/", {"next": "/staff/queues/"}
        )
    assert response.status_code == 302
    assert response["Location"] == "/staff/queues/"
    assert_approved_and_told(pending_mentor, staff, mailoutbox)

    response = client.get("/staff/queues/")
    assert f"/staff/mentors/{pending_mentor.pk}/approve/" not in response.content.decode()

    # Approving again (a second click): back to the queues, nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/mentors/{pending_mentor.pk}/approve/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/queues/"
    assert Notification.objects.filter(recipient=pending_mentor).count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("fixture", ["owner", "mentor", "pending_mentor", "buyer"])
def test_non_staff_cannot_approve_mentors(client, request, fixture, mailoutbox):
    target = PendingMentorFactory()
    client.force_login(request.getfixturevalue(fixture))
    response = client.post(f"/staff/mentors/{target.pk}/approve/")
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.mentor_approved_at is None
    assert not Notification.objects.filter(recipient=target).exists()


def test_staff_cannot_approve_an_owner(client, staff, owner):
    client.force_login(staff)
    response = client.post(f"/staff/mentors/{owner.pk}/approve/")
    assert response.status_code == 404
    owner.refresh_from_db()
    assert owner.mentor_approved_at is None


def test_pending_mentor_sees_banner_until_approved(client, staff):
    mentor = PendingMentorFactory(language="en")
    banner = "Your mentor account is waiting for approval"
    client.force_login(mentor)
    for url in ["/catalogue/", "/me/profile/", "/notifications/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert "waiting for approval" in response.content.decode()
        assert 'class="banner banner-warning"' in response.content.decode()
    response = client.get("/mentoring/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/mentoring/pending/"
    response = client.get("/", follow=True)
    assert path_of(response) == "/mentoring/pending/"
    assert banner in response.content.decode()

    staff_client = Client()
    staff_client.force_login(staff)
    staff_client.post(f"/staff/mentors/{mentor.pk}/approve/")

    for url in ["/catalogue/", "/me/profile/", "/mentoring/dashboard/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert "waiting for approval" not in response.content.decode()
        assert "banner-warning" not in response.content.decode()
    response = client.get("/mentoring/pending/")
    assert response.status_code == 302
    assert response["Location"] == "/mentoring/dashboard/"


def test_pending_mentor_banner_in_indonesian(client, pending_mentor):
    client.force_login(pending_mentor)
    response = client.get("/catalogue/")
    banner = translated(
        "Your mentor account is waiting for approval by a Disperindag officer. You can "
        "look around, but you cannot act as a mentor until it is approved.",
        "id",
    )
    assert 'lang="id"' in response.content.decode()
    assert banner in response.content.decode()


def test_approved_mentor_and_others_see_no_banner(client, mentor, owner):
    for user in (mentor, owner):
        client.force_login(user)
        assert "banner-warning" not in client.get("/catalogue/").content.decode()


# --------------------------------------------------------------------------- profile


def test_profile_saves_time_zone_and_language(client, owner):
    client.force_login(owner)
    response = client.post(
        "/me/profile/",
        {"full_name": "Siti Rahma", "language": "en", "timezone": "Europe/Stockholm"},
        follow=True,
    )
    assert response.status_code == 200
    assert path_of(response) == "/me/profile/"
    owner.refresh_from_db()
    assert owner.full_name == "Siti Rahma"
    assert owner.language == "en"
    assert owner.timezone == "Europe/Stockholm"
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert 'class="message message-success"' in content
    assert 'value="Europe/Stockholm"' in content


def test_profile_saved_message_in_current_language(client, owner):
    client.force_login(owner)
    response = client.post(
        "/me/profile/",
        {"full_name": "Siti Rahma", "language": "id", "timezone": "Asia/Makassar"},
        follow=True,
    )
    assert translated("Your profile is saved.", "id") in response.content.decode()
    owner.refresh_from_db()
    assert owner.timezone == "Asia/Makassar"


def test_profile_saved_message_follows_newly_chosen_language(client, owner):
    client.force_login(owner)
    response = client.post(
        "/me/profile/",
        {"full_name": "Siti Rahma", "language": "en", "timezone": "Asia/Jakarta"},
        follow=True,
    )
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Your profile is saved." in content


def test_profile_rejects_unknown_time_zone(client):
    user = OwnerFactory(language="en", full_name="Siti Rahmawati")
    client.force_login(user)
    response = client.post(
        "/me/profile/",
        {"full_name": "Someone Else", "language": "id", "timezone": "Mars/Olympus"},
    )
    assert response.status_code == 200
    assert "timezone" in response.context["form"].errors
    assert "“Mars/Olympus” is not a known time zone." in response.content.decode()
    user.refresh_from_db()
    assert user.timezone == "Asia/Jakarta"
    assert user.language == "en"
    assert user.full_name == "Siti Rahmawati"


def test_profile_rejects_unknown_language(client, owner):
    client.force_login(owner)
    response = client.post(
        "/me/profile/", {"full_name": "X", "language": "fr", "timezone": "Asia/Jakarta"}
    )
    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    owner.refresh_from_db()
    assert owner.language == "id"


# --------------------------------------------------------------------------- language


def test_language_switch_for_logged_in_user(client, owner):
    client.force_login(owner)
    response = client.post("/me/language/", {"language": "en", "next": "/catalogue/"}, follow=True)
    assert response.redirect_chain == [("/catalogue/", 302)]
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Export catalogue" in content
    owner.refresh_from_db()
    assert owner.language == "en"

    # The choice follows the account to a new browser.
    other = Client()
    other.force_login(owner)
    assert '<html lang="en">' in other.get("/catalogue/").content.decode()

    client.post("/me/language/", {"language": "id", "next": "/catalogue/"})
    owner.refresh_from_db()
    assert owner.language == "id"
    assert '<html lang="id">' in client.get("/catalogue/").content.decode()


def test_language_switch_ignores_unknown_language(client, owner):
    client.force_login(owner)
    client.post("/me/language/", {"language": "xx", "next": "/catalogue/"})
    owner.refresh_from_db()
    assert owner.language == "id"


def test_language_switch_for_anonymous_sets_cookie(client):
    response = client.post("/me/language/", {"language": "en", "next": "/catalogue/"})
    assert response.status_code == 302
    assert response["Location"] == "/catalogue/"
    assert response.cookies["django_language"].value == "en"
    content = client.get("/catalogue/").content.decode()
    assert '<html lang="en">' in content
    assert "Export catalogue" in content


def test_language_switch_does_not_redirect_off_site(client):
    response = client.post("/me/language/", {"language": "en", "next": "https://evil.example.com/"})
    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]


def test_language_switch_needs_post(client):
    assert client.get("/me/language/?language=en&next=/catalogue/").status_code == 405


def test_anonymous_language_from_browser_or_default(client):
    content = client.get("/catalogue/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in content
    assert "Export catalogue" in content

    content = Client().get("/catalogue/").content.decode()
    assert '<html lang="id">' in content
    assert translated("Export catalogue", "id") in content


def test_user_language_beats_browser_preference(client, owner):
    client.force_login(owner)
    response = client.get("/catalogue/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="id">' in response.content.decode()


# --------------------------------------------------------------------------- time zone


def test_times_are_shown_in_the_users_time_zone(client):
    created = dt.datetime(2025, 1, 15, 12, 0, tzinfo=dt.UTC)
    stockholm = OwnerFactory(timezone="Europe/Stockholm", language="en")
    jakarta = OwnerFactory(timezone="Asia/Jakarta", language="en")
    for user in (stockholm, jakarta):
        note = NotificationFactory(recipient=user)
        Notification.objects.filter(pk=note.pk).update(created_at=created)

    client.force_login(stockholm)
    content = client.get("/notifications/").content.decode()
    assert 'datetime="2025-01-15T13:00:00+01:00"' in content
    assert "15 Jan 2025, 13:00 CET" in content  # one unambiguous style, with the zone

    client.force_login(jakarta)
    content = client.get("/notifications/").content.decode()
    assert 'datetime="2025-01-15T19:00:00+07:00"' in content
    assert "15 Jan 2025, 19:00 WIB" in content


# --------------------------------------------------------------------------- seed_demo


def test_seed_demo_creates_demo_accounts(settings, light_seed):
    settings.DEBUG = True
    call_command("seed_demo")
    emails = {spec["email"] for spec in DEMO_ACCOUNTS}
    assert {
        "owner@demo.jembatan.id",
        "mentor@demo.jembatan.id",
        "mentor.pending@demo.jembatan.id",
        "buyer@demo.jembatan.id",
        "staff@demo.jembatan.id",
    } <= emails
    assert set(User.objects.values_list("email", flat=True)) == emails
    assert DEMO_PASSWORD == "jembatan-demo"
    for user in User.objects.all():
        assert user.check_password("jembatan-demo")
        assert EmailAddress.objects.get(user=user, email=user.email).verified
        assert Notification.objects.filter(recipient=user, kind="welcome").count() == 1

    staff = User.objects.get(email="staff@demo.jembatan.id")
    assert staff.is_staff
    assert staff.is_superuser
    assert User.objects.get(email="mentor@demo.jembatan.id").is_approved_mentor
    assert User.objects.get(email="mentor.pending@demo.jembatan.id").is_pending_mentor
    assert User.objects.get(email="owner@demo.jembatan.id").role == User.Role.OWNER
    assert User.objects.get(email="buyer@demo.jembatan.id").role == User.Role.BUYER
    assert not User.objects.get(email="owner@demo.jembatan.id").is_staff


@pytest.fixture
def light_seed(monkeypatch):
    """Only the accounts part of seed_demo (the UMKM demo has its own, slower test)."""
    from demo.management.commands import seed_demo

    monkeypatch.setattr(seed_demo, "seed_categories", lambda: None)
    monkeypatch.setattr(seed_demo, "seed_businesses", lambda: [])


def test_seed_demo_accounts_can_sign_in(settings, light_seed):
    settings.DEBUG = True
    call_command("seed_demo")
    for email, landing in [
        ("owner@demo.jembatan.id", "/umkm/dashboard/"),
        ("mentor@demo.jembatan.id", "/mentoring/dashboard/"),
        ("mentor.pending@demo.jembatan.id", "/mentoring/pending/"),
        ("buyer@demo.jembatan.id", "/catalogue/"),
        ("staff@demo.jembatan.id", "/staff/"),
    ]:
        response = Client().post(
            "/accounts/login/", {"login": email, "password": "jembatan-demo"}, follow=True
        )
        assert path_of(response) == landing, email


def test_seed_demo_is_idempotent(settings, light_seed):
    settings.DEBUG = True
    call_command("seed_demo")
    approved_at = User.objects.get(email="mentor@demo.jembatan.id").mentor_approved_at
    count = User.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == count == len(DEMO_ACCOUNTS)
    assert EmailAddress.objects.count() == count
    for user in User.objects.all():
        assert Notification.objects.filter(recipient=user, kind="welcome").count() == 1
    assert User.objects.get(email="mentor@demo.jembatan.id").mentor_approved_at == approved_at


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not User.objects.exists()
    assert not Notification.objects.exists()


def test_seed_demo_runs_with_force(settings, light_seed):
    settings.DEBUG = False
    call_command("seed_demo", force=True)
    assert User.objects.count() == len(DEMO_ACCOUNTS)
    assert User.objects.filter(email="owner@demo.jembatan.id").exists()


def test_unverified_factory_user_cannot_log_in(client):
    user = UserFactory(verified=False)
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": PASSWORD}, follow=True
    )
    assert path_of(response) == "/accounts/confirm-email/"
    assert not is_logged_in(client)
