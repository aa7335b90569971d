"""The WhatsApp channel against a fake Graph API on 127.0.0.1: opt-in, each kind's
template, the 24-hour window, errors and the fall-back to email, no duplicates."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications import services, tasks
from notifications.kinds import KINDS
from notifications.models import Notification, NotificationPreference, WhatsAppNumber
from notifications.services import whatsapp
from notifications.whatsapp import phone, templates

from ..factories import OwnerFactory, WhatsAppNumberFactory
from ..support.fake_graph import serving

pytestmark = pytest.mark.django_db


def _context(kind: str) -> dict:
    """A value for every placeholder of the kind, with a line break in one of them."""
    keys = templates.template_for(KINDS[kind], "en").parameters
    return {key: f"{key} value\nsecond line" for key in keys}


def _notify(user, kind="welcome", **kwargs):
    return services.notification_create(
        recipient=user, kind=kind, context=_context(kind), url="/umkm/dashboard/", **kwargs
    )


@pytest.fixture
def fake_graph(settings):
    with serving(settings) as fake:
        yield fake


@pytest.fixture
def add_number(django_capture_on_commit_callbacks):
    """Add a number and let the code leave (after commit), as a request would."""

    def add(user, number, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return whatsapp.whatsapp_number_add(user=user, number=number, **kwargs)

    return add


@pytest.fixture
def wa_owner(db):
    owner = OwnerFactory(language="id")
    WhatsAppNumberFactory(user=owner, phone="+6281234567890")
    return owner


# Numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("62 812 3456 7890", "+6281234567890"),
        ("+62 0812 3456 7890", "+6281234567890"),
        ("(0812) 3456.7890", "+6281234567890"),
        ("0031 6 12345678", "+31612345678"),
        ("+31 6 12345678", "+31612345678"),
    ],
)
def test_numbers_are_normalised_to_e164(typed, expected):
    assert phone.normalise(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "hello", "021 555 1234", "+62 21 5551234", "12345", "+0812345678", "0" * 40]
)
def test_bad_numbers_are_refused_with_a_clear_message(typed):
    with pytest.raises(ValidationError) as exc:
        phone.normalise(typed)
    assert "0812" in exc.value.messages[0]


# Opt-in ------------------------------------------------------------------------------


def test_opt_in_sends_a_code_as_an_authentication_template_and_confirms(
    fake_graph, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        number = whatsapp.whatsapp_number_add(user=owner, number="0812 3456 7890")
    assert number.phone == "+6281234567890"
    assert number.status == "pending"
    [sent] = fake_graph.sent
    assert sent["to"] == "6281234567890"
    assert sent["template"]["name"] == "jb_verification_code"
    assert sent["template"]["language"]["code"] == owner.language
    code = sent["template"]["components"][0]["parameters"][0]["text"]
    assert len(code) == 6 and code.isdigit()
    # The code is stored hashed only.
    assert code not in WhatsAppNumber.objects.get(pk=number.pk).code_hash
    whatsapp.whatsapp_number_confirm(user=owner, code=f" {code[:3]} {code[3:]} ")
    number.refresh_from_db()
    assert number.status == "confirmed" and number.confirmed_at is not None
    assert whatsapp.confirmed_number(owner) == number


@pytest.mark.usefixtures("english_texts")
def test_wrong_codes_are_counted_and_lock_the_number(fake_graph, owner, add_number):
    add_number(owner, "081234567890")
    code = fake_graph.sent[0]["template"]["components"][0]["parameters"][0]["text"]
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(whatsapp.CODE_MAX_ATTEMPTS):
        with pytest.raises(ValidationError):
            whatsapp.whatsapp_number_confirm(user=owner, code=wrong)
    with pytest.raises(ValidationError) as exc:
        whatsapp.whatsapp_number_confirm(user=owner, code=code)
    assert "Too many wrong codes" in str(exc.value)
    assert WhatsAppNumber.objects.get(user=owner).status == "pending"


@pytest.mark.usefixtures("english_texts")
def test_an_expired_code_is_refused(fake_graph, owner, add_number):
    add_number(owner, "081234567890")
    code = fake_graph.sent[0]["template"]["components"][0]["parameters"][0]["text"]
    later = timezone.now() + whatsapp.CODE_VALID_FOR + timedelta(seconds=1)
    with pytest.raises(ValidationError, match="expired"):
        whatsapp.whatsapp_number_confirm(user=owner, code=code, now=later)


@pytest.mark.usefixtures("english_texts")
def test_a_new_code_waits_a_minute_and_replaces_the_old_one(fake_graph, owner, add_number):
    add_number(owner, "081234567890")
    with pytest.raises(ValidationError, match="less than a minute"):
        add_number(owner, "081234567890")
    first = fake_graph.sent[0]["template"]["components"][0]["parameters"][0]["text"]
    later = timezone.now() + timedelta(minutes=2)
    add_number(owner, "081234567890", now=later)
    second = fake_graph.sent[1]["template"]["components"][0]["parameters"][0]["text"]
    if first != second:
        with pytest.raises(ValidationError):
            whatsapp.whatsapp_number_confirm(user=owner, code=first, now=later)
    whatsapp.whatsapp_number_confirm(user=owner, code=second, now=later)


@pytest.mark.usefixtures("english_texts")
def test_a_number_confirmed_by_someone_else_is_refused(fake_graph, owner, wa_owner):
    with pytest.raises(ValidationError, match="another account"):
        whatsapp.whatsapp_number_add(user=owner, number="081234567890")
    assert not WhatsAppNumber.objects.filter(user=owner).exists()


def test_channel_off_refuses_numbers_and_sends_nothing(
    owner, settings, django_capture_on_commit_callbacks
):
    assert settings.WHATSAPP_ACCESS_TOKEN == ""
    with pytest.raises(ValidationError):
        whatsapp.whatsapp_number_add(user=owner, number="081234567890")
    WhatsAppNumberFactory(user=owner)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(owner)
    notification.refresh_from_db()
    # Off: WhatsApp is never chosen, email goes as before.
    assert notification.whatsapp_status == "skipped"
    assert notification.email_status == "sent"


# Each kind's template ------------------------------------------------------------------


def test_every_kind_has_a_template_in_both_languages():
    registry = templates.registry()
    assert {(t.kind, t.language) for t in registry} == {
        (kind, language) for kind in KINDS for language in ("en", "id")
    }
    for template in registry:
        assert template.category == "UTILITY"
        assert template.name == f"jb_{template.kind}"
        assert not template.body.startswith("{{") and not template.body.endswith("}}")
        assert template.body.count("{{") == len(template.parameters)
        assert template.button_url == "https://jembatan.test/{{1}}"
    indonesian = templates.template_for(KINDS["inquiry_received"], "id")
    assert (
        "{{1}}" in indonesian.body
        and indonesian.body != templates.template_for(KINDS["inquiry_received"], "en").body
    )


@pytest.mark.no_cover  # a matrix: see the README, "Coverage"
@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_goes_as_its_template_with_its_parameters_and_link(
    kind, fake_graph, wa_owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(wa_owner, kind)
    notification.refresh_from_db()
    assert notification.whatsapp_status == "sent", notification.whatsapp_last_error
    [sent] = fake_graph.sent  # the fake refuses unknown templates and wrong counts
    template = sent["template"]
    assert template["name"] == f"jb_{kind}"
    assert template["language"]["code"] == "id"
    components = {c["type"]: c for c in template["components"]}
    button = components["button"]
    expected = templates.template_for(KINDS[kind], "id").parameters
    body = components.get("body", {"parameters": []})
    assert [p["text"] for p in body["parameters"]] == [
        f"{key} value second line" for key in expected
    ]
    assert button["parameters"] == [{"type": "text", "text": "umkm/dashboard/"}]
    assert notification.whatsapp_message_id == sent["_id"]


# Delivery ------------------------------------------------------------------------------


def test_preferences_decide_the_channels(fake_graph, wa_owner, django_capture_on_commit_callbacks):
    services.preferences_update(user=wa_owner, channels_by_kind={"welcome": (False, True)})
    with django_capture_on_commit_callbacks(execute=True):
        only_whatsapp = _notify(wa_owner)
    only_whatsapp.refresh_from_db()
    assert (only_whatsapp.email_status, only_whatsapp.whatsapp_status) == ("skipped", "sent")
    assert mail.outbox == []
    services.preferences_update(user=wa_owner, channels_by_kind={"welcome": (False, False)})
    with django_capture_on_commit_callbacks(execute=True):
        in_app = _notify(wa_owner)
    assert (in_app.email_status, in_app.whatsapp_status) == ("skipped", "skipped")
    assert len(fake_graph.sent) == 1


def test_no_choice_means_email_and_whatsapp(
    fake_graph, wa_owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(wa_owner)
    notification.refresh_from_db()
    assert (notification.email_status, notification.whatsapp_status) == ("sent", "sent")


def test_inside_the_24_hour_window_a_free_text_goes(
    fake_graph, wa_owner, django_capture_on_commit_callbacks
):
    WhatsAppNumber.objects.filter(user=wa_owner).update(
        last_inbound_at=timezone.now() - timedelta(hours=23)
    )
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(wa_owner)
    [sent] = fake_graph.sent
    assert sent["type"] == "text"
    assert notification.title in sent["text"]["body"]
    assert "https://jembatan.test/umkm/dashboard/" in sent["text"]["body"]


def test_after_the_24_hour_window_only_the_template_goes(
    fake_graph, wa_owner, django_capture_on_commit_callbacks
):
    WhatsAppNumber.objects.filter(user=wa_owner).update(
        last_inbound_at=timezone.now() - timedelta(hours=24, minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        _notify(wa_owner)
    assert [m["type"] for m in fake_graph.sent] == ["template"]


def test_a_window_meta_considers_closed_falls_back_to_the_template(
    fake_graph, wa_owner, django_capture_on_commit_callbacks
):
    WhatsAppNumber.objects.filter(user=wa_owner).update(last_inbound_at=timezone.now())
    fake_graph.fail_next(131047)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(wa_owner)
    notification.refresh_from_db()
    assert notification.whatsapp_status == "sent"
    assert [m["type"] for m in fake_graph.sent] == ["template"]


@pytest.mark.parametrize(("code", "why"), [(131026, "undeliverable"), (132015, "paused")])
def test_a_permanent_error_is_recorded_and_the_email_goes_instead(
    code, why, fake_graph, wa_owner, django_capture_on_commit_callbacks
):
    services.preferences_update(user=wa_owner, channels_by_kind={"welcome": (False, True)})
    fake_graph.fail_next(code)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(wa_owner)
    notification.refresh_from_db()
    assert notification.whatsapp_status == "failed"
    assert notification.whatsapp_error_code == str(code)
    assert why in notification.whatsapp_last_error.lower()
    assert notification.whatsapp_attempts == 1  # not retried
    assert notification.email_status == "sent"
    assert mail.outbox[0].to == [wa_owner.email]


@pytest.mark.parametrize("code", [130429, 131056, 131000])
def test_rate_limits_and_meta_failures_are_retried_then_sent(
    code, fake_graph, wa_owner, django_capture_on_commit_callbacks
):
    services.preferences_update(user=wa_owner, channels_by_kind={"welcome": (False, True)})
    fake_graph.fail_next(code)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(wa_owner)
    notification.refresh_from_db()
    # The eager task leaves the row pending with the error; the retry sends it.
    assert notification.whatsapp_status == "pending"
    assert notification.whatsapp_error_code == str(code)
    assert notification.email_status == "skipped"
    with pytest.raises(whatsapp.DeliveryFailed):
        fake_graph.fail_next(code)
        whatsapp.notification_deliver_whatsapp(notification_id=notification.pk)
    assert whatsapp.notification_deliver_whatsapp(notification_id=notification.pk) is True
    notification.refresh_from_db()
    assert notification.whatsapp_status == "sent"
    assert notification.whatsapp_attempts == 3
    assert notification.whatsapp_error_code == ""
    assert len(fake_graph.sent) == 1
    assert mail.outbox == []


def test_attempts_used_up_fail_and_fall_back_to_email(
    fake_graph, wa_owner, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    services.preferences_update(user=wa_owner, channels_by_kind={"welcome": (False, True)})
    with mock.patch.object(whatsapp, "whatsapp_enqueue"):
        notification = _notify(wa_owner)
    fake_graph.fail_next(130429, 130429)
    with pytest.raises(whatsapp.DeliveryFailed):
        whatsapp.notification_deliver_whatsapp(notification_id=notification.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert whatsapp.notification_deliver_whatsapp(notification_id=notification.pk) is False
    notification.refresh_from_db()
    assert notification.whatsapp_status == "failed"
    assert notification.email_status == "sent"


def test_a_number_no_longer_confirmed_sends_the_email_instead(
    fake_graph, wa_owner, django_capture_on_commit_callbacks
):
    services.preferences_update(user=wa_owner, channels_by_kind={"welcome": (False, True)})
    with mock.patch.object(whatsapp, "whatsapp_enqueue"):
        notification = _notify(wa_owner)
    WhatsAppNumber.objects.filter(user=wa_owner).update(status="opted_out")
    with django_capture_on_commit_callbacks(execute=True):
        assert whatsapp.notification_deliver_whatsapp(notification_id=notification.pk) is False
    notification.refresh_from_db()
    assert (notification.whatsapp_status, notification.email_status) == ("failed", "sent")
    assert fake_graph.sent == []


def test_whatsapp_only_without_a_number_goes_by_email(
    owner, fake_graph, django_capture_on_commit_callbacks
):
    services.preferences_update(user=owner, channels_by_kind={"welcome": (False, True)})
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(owner)
    notification.refresh_from_db()
    assert (notification.email_status, notification.whatsapp_status) == ("sent", "skipped")


def test_worker_killed_between_claim_and_send_sends_once(
    fake_graph, wa_owner, django_capture_on_commit_callbacks
):
    """The crash: a worker claimed the row and died before sending. The task is
    redelivered (acks_late) but the claim stops it; the sweep recovers the stale claim
    and the message goes exactly once."""
    with mock.patch.object(whatsapp, "whatsapp_enqueue"):
        notification = _notify(wa_owner)
    Notification.objects.filter(pk=notification.pk).update(
        whatsapp_status="sending", whatsapp_claimed_at=timezone.now(), whatsapp_attempts=1
    )
    # The redelivered task finds the row claimed: nothing sent.
    assert tasks.deliver_whatsapp.apply(args=[notification.pk]).get() is False
    assert fake_graph.sent == []
    # Long after the claim, the sweep hands the row back, and it goes once.
    Notification.objects.filter(pk=notification.pk).update(
        whatsapp_claimed_at=timezone.now() - timedelta(hours=1)
    )
    services.notifications_sweep(now=timezone.now() + timedelta(minutes=10))
    services.notifications_sweep(now=timezone.now() + timedelta(minutes=10))
    notification.refresh_from_db()
    assert notification.whatsapp_status == "sent"
    assert len(fake_graph.sent) == 1


def test_a_row_already_sent_is_not_sent_again(
    fake_graph, wa_owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(wa_owner)
    assert whatsapp.notification_deliver_whatsapp(notification_id=notification.pk) is False
    assert len(fake_graph.sent) == 1


def test_sweep_sends_rows_left_pending_when_the_broker_was_down(fake_graph, wa_owner):
    with mock.patch.object(tasks.deliver_whatsapp, "delay", side_effect=OSError("down")):
        notification = _notify(wa_owner)
    notification.refresh_from_db()
    assert notification.whatsapp_status == "pending"
    services.notifications_sweep(now=timezone.now() + timedelta(minutes=10))
    notification.refresh_from_db()
    assert notification.whatsapp_status == "sent"


def test_staff_retry_a_failed_whatsapp_message(
    fake_graph, wa_owner, django_capture_on_commit_callbacks
):
    fake_graph.fail_next(131026)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(wa_owner)
    notification.refresh_from_db()
    assert notification.whatsapp_status == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notification_retry_whatsapp(notification=notification) is True
    notification.refresh_from_db()
    assert notification.whatsapp_status == "sent"
    assert services.notification_retry_whatsapp(notification=notification) is False


def test_the_deliver_whatsapp_task_is_acks_late_with_backoff():
    task = tasks.deliver_whatsapp
    assert task.acks_late is True
    assert task.autoretry_for == (whatsapp.DeliveryFailed,)
    assert task.retry_backoff and task.max_retries >= 5


def test_removing_the_number_sends_waiting_messages_by_email(
    fake_graph, wa_owner, django_capture_on_commit_callbacks
):
    services.preferences_update(user=wa_owner, channels_by_kind={"welcome": (False, True)})
    with mock.patch.object(whatsapp, "whatsapp_enqueue"):
        notification = _notify(wa_owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert whatsapp.whatsapp_number_remove(user=wa_owner) is True
    notification.refresh_from_db()
    assert (notification.whatsapp_status, notification.email_status) == ("skipped", "sent")
    assert not NotificationPreference.objects.filter(user=wa_owner, email=True).exists()


def test_an_unreachable_api_is_retried_later(fake_graph, wa_owner, settings):
    with mock.patch.object(whatsapp, "whatsapp_enqueue"):
        notification = _notify(wa_owner)
    fake_graph.stop()  # nothing listens any more
    with pytest.raises(whatsapp.DeliveryFailed):
        whatsapp.notification_deliver_whatsapp(notification_id=notification.pk)
    notification.refresh_from_db()
    assert (notification.whatsapp_status, notification.whatsapp_error_code) == (
        "pending",
        "network",
    )


def test_a_bad_token_fails_with_metas_code_and_the_email_goes(
    fake_graph, wa_owner, settings, django_capture_on_commit_callbacks
):
    settings.WHATSAPP_ACCESS_TOKEN = "expired"
    services.preferences_update(user=wa_owner, channels_by_kind={"welcome": (False, True)})
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(wa_owner)
    notification.refresh_from_db()
    assert (notification.whatsapp_status, notification.whatsapp_error_code) == ("failed", "190")
    assert notification.email_status == "sent"


def test_client_reads_an_http_429_without_a_json_body_as_retryable(fake_graph, settings):
    from notifications.whatsapp import client

    class TooMany:
        status_code = 429
        reason_phrase = "Too Many Requests"

        def json(self):
            raise ValueError

    with (
        mock.patch("httpx.post", return_value=TooMany()),
        pytest.raises(client.GraphError) as exc,
    ):
        client.send_text(to="+6281234567890", text="hi")
    assert exc.value.retryable and exc.value.code == "http429"
