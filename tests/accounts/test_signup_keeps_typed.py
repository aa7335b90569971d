"""Sign-up from "Contact supplier" preselects the buyer role, and a page with errors
keeps what was typed, passwords included over HTTPS (issue 15)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User

from ..factories import ListedProductFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Kopi-Susu-Pekanbaru-2025"
SIGNUP = "/accounts/signup/"


def data(**overrides):
    values = {
        "email": "jane.buyer@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "full_name": "Jane Buyer",
        "role": "buyer",
        "language": "en",
    }
    values.update(overrides)
    return values


def checked_role(content: str) -> list[str]:
    return re.findall(r'<input[^>]*name="role"[^>]*value="(\w+)"[^>]*checked', content)


def password_values(content: str) -> list[str]:
    return [
        (re.search(r'value="([^"]*)"', tag) or re.search("$", tag)).group(0)
        for tag in re.findall(r'<input[^>]*name="password[12]"[^>]*>', content)
    ]


@pytest.mark.parametrize("language", ["en", "id"])
def test_contact_supplier_leads_to_a_sign_up_with_the_buyer_role_chosen(client, language):
    product = ListedProductFactory()
    page = client.get(
        reverse("marketplace:product", args=[product.slug]), {"lang": language}
    ).content.decode()
    link = re.search(r'href="(/accounts/signup/\?[^"]+)"[^>]*data-contact', page).group(1)
    link = link.replace("&amp;", "&")
    assert "role=buyer" in link and "next=" in link
    content = client.get(link).content.decode()
    assert checked_role(content) == ["buyer"]
    inquire = reverse("marketplace:inquiry-create-product", args=[product.slug])
    assert f'value="{inquire}"' in content  # next goes on with the form


@pytest.mark.parametrize("role", ["owner", "mentor", "buyer"])
def test_the_role_parameter_preselects_that_role(client, role):
    assert checked_role(client.get(SIGNUP, {"role": role}).content.decode()) == [role]


@pytest.mark.parametrize("value", ["staff", "admin", "", "<b>", "buyer\x00"])
def test_an_unknown_role_parameter_preselects_nothing(client, value):
    response = client.get(SIGNUP, {"role": value})
    assert response.status_code == 200
    assert checked_role(response.content.decode()) == []


@pytest.mark.parametrize("language", ["en", "id"])
def test_an_error_keeps_everything_typed_over_https(language):
    client = Client()
    response = client.post(
        f"{SIGNUP}?lang={language}", data(language=language, email="jane@"), secure=True
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="jane@"' in content
    assert 'value="Jane Buyer"' in content
    assert checked_role(content) == ["buyer"]
    assert password_values(content) == [f'value="{PASSWORD}"', f'value="{PASSWORD}"']
    assert not User.objects.filter(full_name="Jane Buyer").exists()


def test_a_missing_name_keeps_the_passwords_too():
    response = Client().post(SIGNUP, data(full_name=""), secure=True)
    assert response.status_code == 200
    assert password_values(response.content.decode()).count(f'value="{PASSWORD}"') == 2


def test_a_refused_password_is_not_written_back():
    response = Client().post(SIGNUP, data(password2=PASSWORD + "x", full_name=""), secure=True)
    content = response.content.decode()
    assert PASSWORD not in content
    assert checked_role(content) == ["buyer"]


def test_over_plain_http_passwords_are_never_written_into_the_page():
    response = Client().post(SIGNUP, data(email="jane@"), secure=False)
    content = response.content.decode()
    assert PASSWORD not in content
    assert 'value="Jane Buyer"' in content  # everything else is kept
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_error_is_shown_in_the_page_language(language):
    response = Client().post(f"{SIGNUP}?lang={language}", data(full_name=""), secure=True)
    with translation.override(language):
        assert gettext("This field is required.") in response.content.decode()


def test_a_signed_in_person_is_sent_away_from_sign_up():
    client = Client()
    client.force_login(UserFactory())
    assert client.get(SIGNUP, {"role": "buyer"}).status_code == 302
