"""The WhatsApp webhook: the handshake, signatures, statuses, STOP, unknown numbers and
hostile bodies (4xx, never 500, nothing stored)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications import services
from notifications.models import Notification, WhatsAppNumber

from ..factories import OwnerFactory, WhatsAppNumberFactory
from ..support.fake_graph import APP_SECRET, VERIFY_TOKEN, FakeGraph, serving

pytestmark = pytest.mark.django_db
URL = "/webhooks/whatsapp/"


@pytest.fixture
def fake_graph(settings):
    with serving(settings) as fake:
        yield fake


@pytest.fixture
def wa_owner(db):
    owner = OwnerFactory()
    WhatsAppNumberFactory(user=owner, phone="+6281234567890")
    return owner


def _post(client, body: bytes, signature: str | None = "valid"):
    headers = {}
    if signature == "valid":
        headers["HTTP_X_HUB_SIGNATURE_256"] = FakeGraph.signature(body)
    elif signature is not None:
        headers["HTTP_X_HUB_SIGNATURE_256"] = signature
    return client.post(URL, data=body, content_type="application/json", **headers)


def _sent_notification(owner, fake_graph, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notification_create(
            recipient=owner, kind="welcome", context={"name": "Siti", "next_step": "Go."}
        )
    notification.refresh_from_db()
    assert notification.whatsapp_status == "sent"
    return notification


# The handshake -------------------------------------------------------------------------


def test_handshake_answers_the_challenge_with_the_verify_token(client, fake_graph):
    response = client.get(
        URL,
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"},
    )
    assert response.status_code == 200
    assert response.content == b"1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {},
    ],
)
def test_handshake_without_the_right_token_is_forbidden(client, fake_graph, params):
    assert client.get(URL, params).status_code == 403


def test_handshake_does_not_echo_markup(client, fake_graph):
    response = client.get(
        URL,
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "<script>"},
    )
    assert response.status_code == 400


def test_channel_off_the_webhook_answers_403(client, settings):
    body = FakeGraph.webhook_body(statuses=[FakeGraph.status("wamid.X", "read")])
    settings.WHATSAPP_APP_SECRET = APP_SECRET  # even a correct signature: the channel is off
    assert _post(client, body).status_code == 403
    assert client.get(URL, {"hub.mode": "subscribe"}).status_code == 403


# Signatures ----------------------------------------------------------------------------


def test_a_valid_signature_is_accepted_and_the_status_recorded(
    client, fake_graph, wa_owner, django_capture_on_commit_callbacks
):
    notification = _sent_notification(wa_owner, fake_graph, django_capture_on_commit_callbacks)
    body = FakeGraph.webhook_body(
        statuses=[FakeGraph.status(notification.whatsapp_message_id, "delivered")]
    )
    assert _post(client, body).status_code == 200
    notification.refresh_from_db()
    assert notification.whatsapp_status == "delivered"


@pytest.mark.parametrize(
    "signature",
    [None, "", "sha256=", "sha256=" + "0" * 64, "sha1=abc", "md5=" + "a" * 32],
    ids=["missing", "empty", "bare", "wrong", "sha1", "other"],
)
def test_a_missing_or_wrong_signature_is_refused_and_nothing_stored(
    client, fake_graph, wa_owner, signature, django_capture_on_commit_callbacks
):
    notification = _sent_notification(wa_owner, fake_graph, django_capture_on_commit_callbacks)
    body = FakeGraph.webhook_body(
        statuses=[FakeGraph.status(notification.whatsapp_message_id, "read")]
    )
    assert _post(client, body, signature).status_code == 403
    notification.refresh_from_db()
    assert notification.whatsapp_status == "sent"


def test_a_body_altered_after_signing_is_refused(
    client, fake_graph, wa_owner, django_capture_on_commit_callbacks
):
    notification = _sent_notification(wa_owner, fake_graph, django_capture_on_commit_callbacks)
    body = FakeGraph.webhook_body(
        statuses=[FakeGraph.status(notification.whatsapp_message_id, "delivered")]
    )
    signature = FakeGraph.signature(body)
    altered = body.replace(b'"delivered"', b'"read"')
    assert _post(client, altered, signature).status_code == 403
    notification.refresh_from_db()
    assert notification.whatsapp_status == "sent"


def test_a_signature_with_another_secret_is_refused(client, fake_graph):
    from notifications.whatsapp.webhook import sign

    body = FakeGraph.webhook_body(statuses=[FakeGraph.status("wamid.X", "read")])
    assert _post(client, body, sign(body, "not-the-secret")).status_code == 403


# Statuses ------------------------------------------------------------------------------


def test_statuses_move_forward_only(
    client, fake_graph, wa_owner, django_capture_on_commit_callbacks
):
    notification = _sent_notification(wa_owner, fake_graph, django_capture_on_commit_callbacks)
    wamid = notification.whatsapp_message_id
    for status in ["read", "delivered", "sent"]:  # out of order, as webhooks may arrive
        assert (
            _post(
                client, FakeGraph.webhook_body(statuses=[FakeGraph.status(wamid, status)])
            ).status_code
            == 200
        )
    notification.refresh_from_db()
    assert notification.whatsapp_status == "read"


def test_a_failed_status_records_metas_code_and_sends_the_email(
    client, fake_graph, wa_owner, mailoutbox, django_capture_on_commit_callbacks
):
    services.preferences_update(user=wa_owner, channels_by_kind={"welcome": (False, True)})
    notification = _sent_notification(wa_owner, fake_graph, django_capture_on_commit_callbacks)
    body = FakeGraph.webhook_body(
        statuses=[FakeGraph.status(notification.whatsapp_message_id, "failed", error_code=131026)]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client, body).status_code == 200
    notification.refresh_from_db()
    assert notification.whatsapp_status == "failed"
    assert notification.whatsapp_error_code == "131026"
    assert notification.email_status == "sent"
    assert len(mailoutbox) == 1


def test_statuses_of_unknown_messages_change_nothing(client, fake_graph):
    body = FakeGraph.webhook_body(statuses=[FakeGraph.status("wamid.NOT-OURS", "read")])
    assert _post(client, body).status_code == 200
    assert not Notification.objects.exists()


# Messages from people ------------------------------------------------------------------


def test_stop_opts_out_and_confirms_it(
    client, fake_graph, wa_owner, django_capture_on_commit_callbacks
):
    for word in ["berhenti"]:
        body = FakeGraph.webhook_body(
            messages=[FakeGraph.text_message(sender="6281234567890", text=f" {word} ")]
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert _post(client, body).status_code == 200
    number = WhatsAppNumber.objects.get(user=wa_owner)
    assert number.status == "opted_out"
    [notice] = fake_graph.texts_sent()
    assert notice["to"] == "6281234567890"
    # Nothing goes by WhatsApp any more; the email does.
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notification_create(
            recipient=wa_owner, kind="welcome", context={"name": "S", "next_step": "Go."}
        )
    notification.refresh_from_db()
    assert (notification.whatsapp_status, notification.email_status) == ("skipped", "sent")


def test_stop_in_english_opts_out_too(client, fake_graph, wa_owner):
    body = FakeGraph.webhook_body(
        messages=[FakeGraph.text_message(sender="6281234567890", text="STOP")]
    )
    assert _post(client, body).status_code == 200
    assert WhatsAppNumber.objects.get(user=wa_owner).status == "opted_out"


def test_a_message_opens_the_24_hour_window(client, fake_graph, wa_owner):
    body = FakeGraph.webhook_body(
        messages=[FakeGraph.text_message(sender="6281234567890", text="Halo")]
    )
    assert _post(client, body).status_code == 200
    number = WhatsAppNumber.objects.get(user=wa_owner)
    assert timezone.now() - number.last_inbound_at < timedelta(minutes=1)


def test_messages_from_unknown_numbers_store_nothing(client, fake_graph, wa_owner):
    before = WhatsAppNumber.objects.get(user=wa_owner)
    body = FakeGraph.webhook_body(
        messages=[
            FakeGraph.text_message(sender="6289999999999", text="STOP"),
            FakeGraph.text_message(sender="6289999999999", text="hi", context_id="wamid.X"),
        ]
    )
    assert _post(client, body).status_code == 200
    after = WhatsAppNumber.objects.get(user=wa_owner)
    assert (after.status, after.last_inbound_at) == (before.status, before.last_inbound_at)
    assert WhatsAppNumber.objects.count() == 1
    assert fake_graph.sent == []


# Hostile bodies ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe",
        b"[1, 2]",
        b'"entry"',
        b"[" * 100_000 + b"]" * 100_000,
        json.dumps({"entry": "x"}).encode(),
        json.dumps({"entry": [{"changes": [{"field": "messages", "value": []}]}]}).encode(),
        json.dumps(
            {"entry": [{"changes": [{"field": "messages", "value": {"statuses": [{"id": 5}]}}]}]}
        ).encode(),
        json.dumps(
            {
                "entry": [
                    {
                        "changes": [
                            {
                                "field": "messages",
                                "value": {
                                    "messages": [
                                        {
                                            "from": "62812",
                                            "id": "w",
                                            "timestamp": "9" * 40,
                                            "type": "text",
                                            "text": {"body": "x"},
                                        }
                                    ]
                                },
                            }
                        ]
                    }
                ]
            }
        ).encode(),
        json.dumps(
            {
                "entry": [
                    {
                        "changes": [
                            {
                                "field": "messages",
                                "value": {
                                    "messages": [
                                        {
                                            "from": ["x"],
                                            "id": "w",
                                            "timestamp": "1",
                                            "type": "text",
                                            "text": "x",
                                        }
                                    ]
                                },
                            }
                        ]
                    }
                ]
            }
        ).encode(),
    ],
    ids=[
        "empty",
        "text",
        "bytes",
        "list",
        "string",
        "deep",
        "entry-string",
        "value-list",
        "id-number",
        "timestamp-huge",
        "from-list",
    ],
)
def test_signed_hostile_bodies_get_400_and_store_nothing(client, fake_graph, wa_owner, body):
    before = WhatsAppNumber.objects.get(user=wa_owner).last_inbound_at
    response = _post(client, body)
    assert response.status_code == 400
    assert WhatsAppNumber.objects.get(user=wa_owner).last_inbound_at == before


def test_other_methods_are_not_allowed(client, fake_graph):
    assert client.put(URL, data=b"{}").status_code == 405
    assert client.delete(URL).status_code == 405


def test_media_messages_and_other_fields_are_accepted_and_ignored(client, fake_graph, wa_owner):
    image = {
        "from": "6281234567890",
        "id": "wamid.IMG",
        "timestamp": "1700000000",
        "type": "image",
        "image": {"id": "1"},
    }
    body = json.dumps(
        {
            "entry": [
                {
                    "changes": [
                        {"field": "account_update", "value": {}},
                        {"field": "messages", "value": {"messages": [image]}},
                    ]
                }
            ]
        }
    ).encode()
    assert _post(client, body).status_code == 200
