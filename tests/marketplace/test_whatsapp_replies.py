"""An owner answers a buyer from WhatsApp: the reply to the inquiry's notification
becomes a message in the thread, under the web's rules, and the buyer is told."""

import pytest
from django.core import mail
from django.urls import reverse

from marketplace import services
from marketplace.models import Inquiry, InquiryMessage
from notifications.models import Notification, WhatsAppNumber

from ..factories import ListedProductFactory, WhatsAppNumberFactory
from ..support.fake_graph import FakeGraph, serving

pytestmark = pytest.mark.django_db
WEBHOOK = "/webhooks/whatsapp/"
OWNER_NUMBER = "6281234567890"


@pytest.fixture
def fake_graph(settings):
    with serving(settings) as fake:
        yield fake


@pytest.fixture
def thread(cast, fake_graph, django_capture_on_commit_callbacks):
    """A buyer's inquiry to the cast's business, told to the owner by WhatsApp."""
    WhatsAppNumberFactory(user=cast.owner, phone=f"+{OWNER_NUMBER}")
    ListedProductFactory(business=cast.business)
    with django_capture_on_commit_callbacks(execute=True):
        inquiry = services.inquiry_create(
            buyer=cast.buyer,
            business=cast.business,
            quantity=500,
            unit="pack",
            incoterm="FOB",
            destination_country="NL",
            message="Please quote 500 packs of pineapple chips.",
        )
    notification = Notification.objects.get(recipient=cast.owner, kind="inquiry_received")
    assert notification.whatsapp_status == "sent"
    mail.outbox.clear()
    return inquiry, notification


def _reply(client, text, *, context_id, sender=OWNER_NUMBER, capture=None):
    body = FakeGraph.webhook_body(
        messages=[FakeGraph.text_message(sender=sender, text=text, context_id=context_id)]
    )
    with capture(execute=True):
        response = client.post(
            WEBHOOK,
            data=body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=FakeGraph.signature(body),
        )
    assert response.status_code == 200
    return body


@pytest.mark.usefixtures("english_texts")
def test_owner_answers_from_whatsapp_and_the_buyer_sees_it_and_gets_the_email(
    client, cast, thread, fake_graph, django_capture_on_commit_callbacks
):
    inquiry, notification = thread
    # The template carried the buyer and the inquiry's link.
    template = next(
        m for m in fake_graph.templates_sent() if m["template"]["name"] == "jb_inquiry_received"
    )
    assert template["to"] == OWNER_NUMBER
    _reply(
        client,
        "Yes, 500 packs FOB Dumai at US$ 1.75, ready in 3 weeks.",
        context_id=notification.whatsapp_message_id,
        capture=django_capture_on_commit_callbacks,
    )
    message = InquiryMessage.objects.filter(inquiry=inquiry).last()
    assert message.author == cast.owner
    assert message.author_role == "supplier"
    assert message.body.startswith("Yes, 500 packs")
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.REPLIED and inquiry.first_reply_at is not None
    # The buyer is told as for a web reply, and reads it in the thread.
    assert [m.to for m in mail.outbox] == [[cast.buyer.email]]
    client.force_login(cast.buyer)
    page = client.get(reverse("marketplace:inquiry-detail", args=[inquiry.pk]))
    assert "ready in 3 weeks" in page.text
    # The owner gets a short confirmation in WhatsApp, as an answer to their message.
    assert "Sent" in fake_graph.texts_sent()[-1]["text"]["body"]


def test_the_same_reply_delivered_twice_is_stored_once(
    client, thread, django_capture_on_commit_callbacks
):
    inquiry, notification = thread
    body = FakeGraph.webhook_body(
        messages=[
            FakeGraph.text_message(
                sender=OWNER_NUMBER,
                text="We can do it.",
                context_id=notification.whatsapp_message_id,
            )
        ]
    )
    for _attempt in range(2):  # Meta retries a webhook it thinks failed
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                WEBHOOK,
                data=body,
                content_type="application/json",
                HTTP_X_HUB_SIGNATURE_256=FakeGraph.signature(body),
            )
    assert InquiryMessage.objects.filter(inquiry=inquiry, body="We can do it.").count() == 1
    assert len(mail.outbox) == 1


def test_a_reply_to_a_closed_thread_is_refused_and_explained(
    client, thread, fake_graph, django_capture_on_commit_callbacks
):
    inquiry, notification = thread
    Inquiry.objects.filter(pk=inquiry.pk).update(status=Inquiry.Status.CLOSED)
    _reply(
        client,
        "Still interested?",
        context_id=notification.whatsapp_message_id,
        capture=django_capture_on_commit_callbacks,
    )
    assert not InquiryMessage.objects.filter(body="Still interested?").exists()
    assert mail.outbox == []
    assert "ditutup" in fake_graph.texts_sent()[-1]["text"]["body"]  # the owner reads Indonesian


def test_a_reply_in_a_thread_marked_spam_is_refused(
    client, thread, fake_graph, django_capture_on_commit_callbacks
):
    inquiry, notification = thread
    Inquiry.objects.filter(pk=inquiry.pk).update(status=Inquiry.Status.SPAM)
    _reply(
        client,
        "Hello",
        context_id=notification.whatsapp_message_id,
        capture=django_capture_on_commit_callbacks,
    )
    assert not InquiryMessage.objects.filter(body="Hello").exists()


def test_a_reply_longer_than_the_web_allows_is_refused(
    client, thread, fake_graph, django_capture_on_commit_callbacks
):
    inquiry, notification = thread
    _reply(
        client,
        "x" * 5001,
        context_id=notification.whatsapp_message_id,
        capture=django_capture_on_commit_callbacks,
    )
    assert InquiryMessage.objects.filter(inquiry=inquiry).count() == 1  # the opening only
    assert "5000" in fake_graph.texts_sent()[-1]["text"]["body"].replace(".", "").replace(",", "")


def test_the_message_limit_per_hour_holds_on_whatsapp(
    client, thread, cast, fake_graph, django_capture_on_commit_callbacks, monkeypatch
):
    inquiry, notification = thread
    monkeypatch.setattr(services, "MESSAGES_PER_HOUR", 1)
    services.inquiry_message_create(inquiry=inquiry, author=cast.owner, body="First answer.")
    _reply(
        client,
        "Second",
        context_id=notification.whatsapp_message_id,
        capture=django_capture_on_commit_callbacks,
    )
    assert not InquiryMessage.objects.filter(body="Second").exists()


def test_a_reply_from_another_number_or_to_another_message_stores_nothing(
    client, cast, thread, fake_graph, django_capture_on_commit_callbacks
):
    _inquiry, notification = thread
    # Another person's confirmed number cannot answer the owner's notification.
    WhatsAppNumberFactory(user=cast.other_owner, phone="+6281111111111")
    _reply(
        client,
        "Hijack",
        context_id=notification.whatsapp_message_id,
        sender="6281111111111",
        capture=django_capture_on_commit_callbacks,
    )
    # An unknown number stores nothing at all.
    _reply(
        client,
        "Hijack",
        context_id=notification.whatsapp_message_id,
        sender="6289999999999",
        capture=django_capture_on_commit_callbacks,
    )
    # A reply to no notification of ours.
    _reply(client, "Hijack", context_id="wamid.UNKNOWN", capture=django_capture_on_commit_callbacks)
    assert not InquiryMessage.objects.filter(body="Hijack").exists()
    assert WhatsAppNumber.objects.get(user=cast.other_owner).last_inbound_at is not None
    assert not WhatsAppNumber.objects.filter(phone="+6289999999999").exists()


def test_a_non_inquiry_notification_cannot_be_answered(
    client, cast, thread, fake_graph, django_capture_on_commit_callbacks
):
    from notifications.services import notification_create

    with django_capture_on_commit_callbacks(execute=True):
        welcome = notification_create(
            recipient=cast.owner, kind="welcome", context={"name": "S", "next_step": "Go."}
        )
    welcome.refresh_from_db()
    _reply(
        client,
        "Hello?",
        context_id=welcome.whatsapp_message_id,
        capture=django_capture_on_commit_callbacks,
    )
    assert not InquiryMessage.objects.filter(body="Hello?").exists()
