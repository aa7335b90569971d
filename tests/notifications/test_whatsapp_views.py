"""The preferences page (kinds of the person's role; email, WhatsApp, both or only
here) and the WhatsApp number pages: who may use them and what they do."""

import re

import pytest
from django.urls import reverse

from notifications import services
from notifications.kinds import KINDS, kinds_for
from notifications.models import NotificationPreference, WhatsAppNumber

from ..factories import WhatsAppNumberFactory
from ..support.fake_graph import serving
from ..support.forms_as_sent import form_data, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_texts")]
ROLES = ["owner", "mentor", "buyer", "staff"]
PREFERENCES = reverse("notifications:preferences")
NUMBER = reverse("notifications:whatsapp-number")
CONFIRM = reverse("notifications:whatsapp-confirm")
REMOVE = reverse("notifications:whatsapp-remove")
TEMPLATES = "/admin/notifications/whatsappnumber/templates/"


@pytest.fixture
def fake_graph(settings):
    with serving(settings) as fake:
        yield fake


def _kinds_on_page(html: str) -> set[str]:
    return set(re.findall(r'data-kind="(\w+)"', html))


# Kinds of the person's role (issue 15) ------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_preferences_list_only_the_kinds_of_the_persons_role(cast, role):
    user = cast[role]
    page = signed_in(user).get(PREFERENCES)
    assert page.status_code == 200
    shown = _kinds_on_page(page.text)
    assert shown == {kind.key for kind in kinds_for(user)}
    assert "welcome" in shown
    assert len(shown) < len(KINDS)


def test_an_owner_does_not_see_mentor_or_buyer_kinds(cast):
    shown = _kinds_on_page(signed_in(cast.owner).get(PREFERENCES).text)
    assert {"inquiry_received", "training_reminder", "product_approved"} <= shown
    assert not shown & {"mentor_approved", "mentorship_requested", "quote_received"}


def test_a_kind_of_another_role_cannot_be_set_by_a_forged_post(cast):
    client = signed_in(cast.owner)
    data = {kind.key: "email" for kind in kinds_for(cast.owner)}
    data["mentorship_requested"] = "none"
    assert client.post(PREFERENCES, data).status_code == 302
    assert not NotificationPreference.objects.filter(
        user=cast.owner, kind="mentorship_requested"
    ).exists()


def test_a_bad_choice_gets_400_and_changes_nothing(cast):
    client = signed_in(cast.owner)
    data = {kind.key: "email" for kind in kinds_for(cast.owner)}
    data["welcome"] = "carrier-pigeon"
    response = client.post(PREFERENCES, data)
    assert response.status_code == 400
    assert 'role="alert"' in response.text
    assert not NotificationPreference.objects.filter(user=cast.owner).exists()


def test_channel_off_offers_no_whatsapp(cast):
    page = signed_in(cast.owner).get(PREFERENCES)
    assert 'value="whatsapp"' not in page.text
    assert 'id="whatsapp"' not in page.text


def test_with_a_confirmed_number_each_kind_offers_four_choices(cast, fake_graph):
    WhatsAppNumberFactory(user=cast.owner)
    client = signed_in(cast.owner)
    page = client.get(PREFERENCES)
    for value in ("email", "whatsapp", "both", "none"):
        assert f'name="inquiry_received" value="{value}"' in page.text
    # No choice yet: both.
    assert re.search(r'name="inquiry_received" value="both"[^>]*checked', page.text)
    data = form_data(page.context["form"])
    data["inquiry_received"] = "whatsapp"
    data["welcome"] = "none"
    assert client.post(PREFERENCES, data).status_code == 302
    assert services.channels_chosen(user=cast.owner, kind="inquiry_received") == (False, True)
    assert services.channels_chosen(user=cast.owner, kind="welcome") == (False, False)
    assert services.channels_chosen(user=cast.owner, kind="training_reminder") == (True, True)


def test_saving_without_whatsapp_keeps_the_whatsapp_choice(cast, fake_graph):
    services.preferences_update(
        user=cast.owner, channels_by_kind={"inquiry_received": (False, True)}
    )
    client = signed_in(cast.owner)  # no confirmed number: email or only here
    data = form_data(client.get(PREFERENCES).context["form"])
    data["inquiry_received"] = "email"
    client.post(PREFERENCES, data)
    assert services.channels_chosen(user=cast.owner, kind="inquiry_received") == (True, True)


# The number pages ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PREFERENCES, NUMBER, CONFIRM, REMOVE])
def test_anonymous_visitors_are_sent_to_sign_in(client, fake_graph, url):
    response = client.post(url, {"number": "081234567890", "code": "123456"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not WhatsAppNumber.objects.exists()


@pytest.mark.parametrize("url", [NUMBER, CONFIRM, REMOVE])
def test_the_number_pages_answer_post_only(cast, fake_graph, url):
    assert signed_in(cast.owner).get(url).status_code == 405


@pytest.mark.parametrize("role", ROLES)
def test_every_role_adds_and_confirms_its_own_number(
    cast, role, fake_graph, django_capture_on_commit_callbacks
):
    user = cast[role]
    client = signed_in(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NUMBER, {"number": "+62 812 3456 7890"})
    assert response.status_code == 302
    page = client.get(PREFERENCES)
    assert 'data-whatsapp-status="pending"' in page.text
    code = fake_graph.sent[-1]["template"]["components"][0]["parameters"][0]["text"]
    assert client.post(CONFIRM, {"code": code}).status_code == 302
    number = WhatsAppNumber.objects.get(user=user)
    assert (number.phone, number.status) == ("+6281234567890", "confirmed")
    assert 'data-whatsapp-status="confirmed"' in client.get(PREFERENCES).text


def test_a_bad_number_keeps_what_was_typed_and_explains(cast, fake_graph):
    response = signed_in(cast.owner).post(NUMBER, {"number": "021-555"})
    assert response.status_code == 400
    assert 'value="021-555"' in response.text
    assert "0812" in response.text
    assert not WhatsAppNumber.objects.exists()


def test_a_wrong_code_is_explained(cast, fake_graph, django_capture_on_commit_callbacks):
    client = signed_in(cast.owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(NUMBER, {"number": "081234567890"})
    code = fake_graph.sent[-1]["template"]["components"][0]["parameters"][0]["text"]
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(CONFIRM, {"code": wrong})
    assert response.status_code == 400
    assert WhatsAppNumber.objects.get(user=cast.owner).status == "pending"


def test_one_person_cannot_confirm_or_remove_anothers_number(cast, fake_graph):
    other = WhatsAppNumberFactory(user=cast.other_owner, status="pending")
    client = signed_in(cast.owner)
    assert client.post(CONFIRM, {"code": "123456"}).status_code == 400
    client.post(REMOVE)
    other.refresh_from_db()
    assert other.status == "pending"


def test_remove_and_change_a_number(cast, fake_graph, django_capture_on_commit_callbacks):
    WhatsAppNumberFactory(user=cast.owner, phone="+6281200000001")
    client = signed_in(cast.owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(NUMBER, {"number": "0812 0000 0002"})
    number = WhatsAppNumber.objects.get(user=cast.owner)
    assert (number.phone, number.status) == ("+6281200000002", "pending")
    assert client.post(REMOVE).status_code == 302
    assert not WhatsAppNumber.objects.filter(user=cast.owner).exists()


def test_channel_off_the_number_pages_do_nothing(cast):
    client = signed_in(cast.owner)
    assert client.post(NUMBER, {"number": "081234567890"}).status_code == 302
    assert client.post(CONFIRM, {"code": "123456"}).status_code == 302
    assert not WhatsAppNumber.objects.exists()


# Staff: the template registry in the admin ---------------------------------------------


@pytest.mark.parametrize("role", ["owner", "mentor", "buyer"])
def test_only_staff_read_the_templates(cast, role):
    response = signed_in(cast[role]).get(TEMPLATES)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_read_every_template_to_register(cast):
    cast.staff.is_superuser = True
    cast.staff.save(update_fields=["is_superuser"])
    client = signed_in(cast.staff)
    page = client.get(TEMPLATES)
    assert page.status_code == 200
    for kind in KINDS:
        assert f'data-template="jb_{kind}" data-language="id"' in page.text
        assert f'data-template="jb_{kind}" data-language="en"' in page.text
    assert "jb_verification_code" in page.text
    listing = client.get("/admin/notifications/whatsappnumber/")
    assert listing.status_code == 200
    assert TEMPLATES in listing.text


def test_the_confirmed_number_typed_again_changes_nothing(cast, fake_graph):
    WhatsAppNumberFactory(user=cast.owner, phone="+6281234567890")
    response = signed_in(cast.owner).post(NUMBER, {"number": "0812 3456 7890"}, follow=True)
    assert "already confirmed" in response.text
    assert WhatsAppNumber.objects.get(user=cast.owner).status == "confirmed"
    assert fake_graph.sent == []
