"""Every account email is branded, has a text and an HTML part, and is in the
recipient's language: the account's saved language, or at sign-up the one just chosen,
or the page's for an address without an account (issue 15)."""

import re

import pytest
from allauth.account.adapter import get_adapter
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

# Imported here, at collection, so that the adapter's own lines are traced: the browser
# journeys, which run first and untraced (tests/conftest.py, UNTRACED_MODULES), would
# otherwise be the first to import it.
from accounts.adapter import AccountAdapter
from accounts.models import User
from notifications import services as notification_services

from ..factories import PASSWORD, OwnerFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kopi-Susu-Pekanbaru-2025"


def parts(message) -> tuple[str, str]:
    """The text and the HTML part of a sent email."""
    assert message.alternatives, f"{message.subject!r} has no HTML part"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return message.body, html


def assert_branded(message, language: str) -> tuple[str, str]:
    text, html = parts(message)
    assert message.subject.startswith("[Jembatan UMKM] ")
    assert "Jembatan UMKM" in text
    assert "data-brand>Jembatan UMKM<" in html
    assert f'<html lang="{language}">' in html
    assert re.search(r'<a [^>]*href="/', html) is None, "relative links do not work in mail"
    return text, html


def tr(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def page_client(language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize(("chosen", "page"), [("id", "en"), ("en", "id")])
def test_the_sign_up_confirmation_is_in_the_language_chosen(chosen, page):
    page_client(page).post(
        "/accounts/signup/",
        {
            "email": "rina@example.com",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "full_name": "Rina Wati",
            "role": "owner",
            "language": chosen,
        },
    )
    [message] = mail.outbox
    text, html = assert_branded(message, chosen)
    assert tr(chosen, "Please Confirm Your Email Address") in message.subject
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", text).group(0)
    # The main link is the HTML part's button, clickable.
    assert f'href="{link}"' in html
    assert tr(chosen, "Confirm my email address") in html
    assert tr(chosen, "Hello %(name)s,") % {"name": "Rina"} in text
    assert tr(chosen, "Thank you for using Jembatan UMKM.") in text


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_password_reset_goes_out_in_the_accounts_language(language):
    user = OwnerFactory(language=language, full_name="Siti Aminah")
    other = "en" if language == "id" else "id"
    page_client(other).post("/accounts/password/reset/", {"email": user.email})
    [message] = mail.outbox
    text, html = assert_branded(message, language)
    assert tr(language, "Password Reset Email") in message.subject
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", text).group(0)
    assert f'href="{link}"' in html
    assert tr(language, "Choose a new password") in html


def test_signing_up_with_a_taken_address_tells_the_account_in_its_language():
    existing = OwnerFactory(email="taken@example.com", language="id", full_name="Budi")
    page_client("en").post(
        "/accounts/signup/",
        {
            "email": existing.email,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "full_name": "Someone Else",
            "role": "buyer",
            "language": "en",
        },
    )
    [message] = mail.outbox
    assert message.to == [existing.email]
    _text, _html = assert_branded(message, "id")
    assert tr("id", "Account Already Exists") in message.subject


def test_an_account_whose_time_zone_is_no_longer_known_still_gets_its_email():
    """A zone name the machine's time-zone data no longer has (renamed in an update):
    the email goes out in the site's zone instead of failing."""
    user = OwnerFactory(language="en")
    User.objects.filter(pk=user.pk).update(timezone="Asia/Atlantis")
    mail.outbox = []

    response = page_client("id").post("/accounts/password/reset/", {"email": user.email})

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [user.email]
    assert_branded(message, "en")
    assert type(get_adapter()) is AccountAdapter  # the site's adapter sent it


def test_a_reset_for_an_unknown_address_is_in_the_pages_language():
    page_client("en").post("/accounts/password/reset/", {"email": "nobody@example.com"})
    [message] = mail.outbox
    assert_branded(message, "en")
    assert tr("en", "Unknown Account") in message.subject


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_changed_password_is_told_by_email(language):
    user = OwnerFactory(language=language, full_name="Dewi Lestari")
    client = Client()
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    [message] = mail.outbox
    text, _html = assert_branded(message, language)
    assert tr(language, "Password Changed") in message.subject
    assert tr(language, "Your password has been changed.") in text
    # The time of the change in the site's style, with its zone.
    assert re.search(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d WIB", text), text


def test_user_text_is_escaped_in_the_html_part():
    OwnerFactory(email="x@example.com", full_name="<b>Eve</b>", language="en")
    page_client("en").post("/accounts/password/reset/", {"email": "x@example.com"})
    _text, html = parts(mail.outbox[0])
    assert "<b>Eve</b>" not in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html


def test_notification_emails_share_the_same_layout(django_capture_on_commit_callbacks):
    user = OwnerFactory(language="id")
    with django_capture_on_commit_callbacks(execute=True):
        notification_services.notification_create(
            recipient=user, kind="welcome", context={"name": "Siti", "next_step": "x"}
        )
    assert_branded(mail.outbox[0], "id")
