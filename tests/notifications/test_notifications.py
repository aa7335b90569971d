"""The notifications core: rows written with the event, delivered once, never lost."""

import re
from datetime import timedelta
from functools import partial
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from notifications import services, tasks
from notifications.kinds import KINDS
from notifications.models import Notification, NotificationPreference

from ..factories import NotificationFactory, OwnerFactory

pytestmark = pytest.mark.django_db


def _create(recipient, **kwargs):
    return services.notification_create(
        recipient=recipient,
        kind="welcome",
        context={"name": "Siti", "next_step": "Add a product."},
        url="/umkm/dashboard/",
        **kwargs,
    )


def _deliveries(callbacks) -> list:
    """The delivery hand-offs among on-commit callbacks (the unread badge's cache version
    is also replaced at commit, notifications.unread)."""
    return [callback for callback in callbacks if isinstance(callback, partial)]


def test_notification_is_written_in_the_event_transaction_and_sent_after_commit(
    owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = _create(owner)
    # Written at once, email not sent before commit.
    assert Notification.objects.filter(pk=notification.pk, email_status="pending").exists()
    assert mail.outbox == []
    assert len(_deliveries(callbacks)) == 1
    _deliveries(callbacks)[0]()
    notification.refresh_from_db()
    assert notification.email_status == "sent"
    assert notification.email_attempts == 1
    assert notification.email_sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [owner.email]


def test_rolled_back_event_leaves_no_notification_and_no_email(
    owner, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _create(owner)
        raise RuntimeError("the event failed")
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("language", "expected_title"),
    [("en", "Welcome to Jembatan UMKM, Siti"), ("id", None)],
)
def test_title_body_and_email_are_in_the_recipients_language(
    language, expected_title, django_capture_on_commit_callbacks
):
    user = OwnerFactory(language=language)
    sender_language = "en" if language == "id" else "id"
    with translation.override(sender_language), django_capture_on_commit_callbacks(execute=True):
        notification = _create(user)
    with translation.override(language):
        rendered = str(KINDS["welcome"].title) % {"name": "Siti"}
    assert notification.title == (expected_title or rendered)
    if language == "id":
        assert notification.title.startswith("Selamat datang")
    message = mail.outbox[0]
    assert notification.title in message.subject
    greeting = "Hello" if language == "en" else "Halo"
    assert greeting in message.body
    html = message.alternatives[0][0]
    assert f'lang="{language}"' in html


def test_email_has_text_and_html_with_absolute_links(
    owner, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _create(owner)
    message = mail.outbox[0]
    assert f"{settings.SITE_URL}/umkm/dashboard/" in message.body
    assert f"{settings.SITE_URL}/notifications/preferences/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{settings.SITE_URL}/umkm/dashboard/"' in html
    assert re.search(r"<a [^>]*href=\"/", html) is None, "relative links do not work in mail"


def test_user_input_in_context_is_escaped_in_html_email(django_capture_on_commit_callbacks):
    user = OwnerFactory(language="en", full_name="<script>alert(1)</script>")
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_create(
            recipient=user,
            kind="welcome",
            context={"name": "<b>Siti</b>", "next_step": "x"},
        )
    html = mail.outbox[0].alternatives[0][0]
    assert "<b>Siti</b>" not in html
    assert "&lt;b&gt;Siti&lt;/b&gt;" in html
    assert "<script>" not in html


def test_email_turned_off_for_a_kind_keeps_in_app_only(owner, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=owner, kind="welcome", email=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = _create(owner)
    assert _deliveries(callbacks) == []
    assert notification.email_status == "skipped"
    assert mail.outbox == []
    # In-app is always on.
    assert owner.notifications.unread().count() == 1


def test_other_kinds_still_email_when_one_is_off(owner, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=owner, kind="welcome", email=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_create(recipient=owner, kind="mentor_approved")
    assert len(mail.outbox) == 1


def test_delivery_is_idempotent(owner):
    notification = _create(owner)
    assert services.notification_deliver_email(notification_id=notification.pk) is True
    assert services.notification_deliver_email(notification_id=notification.pk) is False
    assert tasks.deliver.apply(args=[notification.pk]).get() is False
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email_attempts == 1


def test_delivery_of_a_row_being_sent_by_another_worker_does_nothing(owner):
    notification = _create(owner)
    Notification.objects.filter(pk=notification.pk).update(
        email_status="sending", email_claimed_at=timezone.now()
    )
    assert services.notification_deliver_email(notification_id=notification.pk) is False
    assert mail.outbox == []


def test_delivery_of_a_deleted_row_does_nothing(owner):
    assert services.notification_deliver_email(notification_id=987654) is False


def test_smtp_failure_is_recorded_and_the_row_stays_pending_for_a_retry(owner, settings):
    notification = _create(owner)
    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send",
            side_effect=ConnectionRefusedError("mail server down"),
        ),
        pytest.raises(services.DeliveryFailed),
    ):
        services.notification_deliver_email(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.email_status == "pending"
    assert notification.email_attempts == 1
    assert "ConnectionRefusedError: mail server down" in notification.email_last_error
    # The next attempt succeeds and clears the error.
    assert services.notification_deliver_email(notification_id=notification.pk) is True
    notification.refresh_from_db()
    assert notification.email_status == "sent"
    assert notification.email_last_error == ""
    assert notification.email_attempts == 2


def test_failure_after_the_last_attempt_marks_the_row_failed(owner, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    notification = _create(owner)
    Notification.objects.filter(pk=notification.pk).update(email_attempts=1)
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("no route")
    ):
        assert services.notification_deliver_email(notification_id=notification.pk) is False
    notification.refresh_from_db()
    assert notification.email_status == "failed"
    assert "no route" in notification.email_last_error


def test_eager_failure_does_not_break_the_web_request(owner, django_capture_on_commit_callbacks):
    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("smtp down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = _create(owner)
    notification.refresh_from_db()
    assert notification.email_status == "pending"
    assert "smtp down" in notification.email_last_error


def test_deliver_task_is_acks_late_with_exponential_backoff():
    task = tasks.deliver
    assert task.acks_late is True
    assert task.autoretry_for == (services.DeliveryFailed,)
    assert task.retry_backoff and task.max_retries >= 5


def test_non_eager_task_raises_so_celery_retries(owner):
    notification = _create(owner)
    # Called as a worker calls it (not eagerly): the failure propagates, and
    # autoretry_for turns it into a retry with backoff.
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("down")),
        pytest.raises(services.DeliveryFailed),
    ):
        tasks.deliver(notification.pk)
    notification.refresh_from_db()
    assert notification.email_status == "pending"
    assert notification.email_attempts == 1


def test_enqueue_failure_is_swallowed_and_the_row_waits_for_the_sweep(
    owner, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(tasks.deliver, "delay", side_effect=OSError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = _create(owner)
    notification.refresh_from_db()
    assert notification.email_status == "pending"
    assert mail.outbox == []
    # Minutes later the sweep (broker back) sends it.
    assert services.notifications_sweep(now=timezone.now() + timedelta(minutes=10)) == 1
    notification.refresh_from_db()
    assert notification.email_status == "sent"
    assert len(mail.outbox) == 1


def test_sweep_leaves_fresh_rows_alone_and_never_resends(owner, settings):
    settings.NOTIFICATIONS_SWEEP_AFTER_MINUTES = 5
    fresh = _create(owner)
    sent = _create(owner)
    services.notification_deliver_email(notification_id=sent.pk)
    mail.outbox.clear()
    assert services.notifications_sweep(now=timezone.now() + timedelta(minutes=1)) == 0
    assert services.notifications_sweep(now=timezone.now() + timedelta(minutes=6)) == 1
    fresh.refresh_from_db()
    assert fresh.email_status == "sent"
    assert len(mail.outbox) == 1


def test_sweep_recovers_a_claim_left_by_a_dead_worker(owner):
    notification = _create(owner)
    Notification.objects.filter(pk=notification.pk).update(
        email_status="sending", email_claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert services.notifications_sweep(now=timezone.now() + timedelta(minutes=10)) == 1
    notification.refresh_from_db()
    assert notification.email_status == "sent"


def test_sweep_task_is_scheduled_by_beat(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert any(entry["task"] == "notifications.tasks.sweep_pending" for entry in schedule.values())
    assert tasks.sweep_pending.apply().get() == 0


# Fan-out: many recipients of one event ------------------------------------------------


def _pending_for(users):
    """One pending welcome per user, written without delivering (as the sweep finds them)."""
    with mock.patch.object(services, "notifications_enqueue"):
        return [_create(user).pk for user in users]


def test_an_event_telling_many_people_is_one_batch_each_sent_once(
    django_capture_on_commit_callbacks,
):
    users = OwnerFactory.create_batch(3)
    with (
        mock.patch.object(tasks.deliver, "delay") as single,
        mock.patch.object(tasks.deliver_batch, "delay", wraps=tasks.deliver_batch.delay) as batch,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
        services.batched_delivery(),
    ):
        ids = [_create(user).pk for user in users]
    single.assert_not_called()
    batch.assert_called_once_with(ids)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}
    # Running the batch again (a redelivered message) sends nothing twice.
    assert tasks.deliver_batch.apply(args=[ids]).get() == 0
    assert len(mail.outbox) == 3


def test_a_large_fan_out_is_split_into_batches(django_capture_on_commit_callbacks):
    users = OwnerFactory.create_batch(services.DELIVERY_BATCH_SIZE + 1)
    with (
        mock.patch.object(tasks.deliver, "delay") as single,
        mock.patch.object(tasks.deliver_batch, "delay") as batch,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
        services.batched_delivery(),
    ):
        ids = [_create(user).pk for user in users]
    assert [c.args[0] for c in batch.call_args_list] == [ids[:-1]]
    single.assert_called_once_with(ids[-1])


def test_rows_of_a_rolled_back_batch_are_not_enqueued(django_capture_on_commit_callbacks):
    first, second = OwnerFactory.create_batch(2)
    with (
        mock.patch.object(tasks.deliver, "delay") as single,
        mock.patch.object(tasks.deliver_batch, "delay") as batch,
        django_capture_on_commit_callbacks(execute=True),
    ):
        with pytest.raises(RuntimeError), transaction.atomic(), services.batched_delivery():
            _create(first)
            raise RuntimeError("the event failed")
        kept = _create(second)  # outside a batch: a task of its own, as always
    batch.assert_not_called()
    single.assert_called_once_with(kept.pk)


def test_a_batch_carries_only_the_rows_written_inside_it(django_capture_on_commit_callbacks):
    """Rows of other work in the same transaction keep their own delivery."""
    earlier, first, second, later = OwnerFactory.create_batch(4)
    with (
        mock.patch.object(tasks.deliver, "delay") as single,
        mock.patch.object(tasks.deliver_batch, "delay") as batch,
        django_capture_on_commit_callbacks(execute=True),
    ):
        before = _create(earlier)
        with services.batched_delivery():
            ids = [_create(first).pk, _create(second).pk]
        after = _create(later)
    batch.assert_called_once_with(ids)
    assert [c.args[0] for c in single.call_args_list] == [before.pk, after.pk]


def test_without_a_batch_every_row_is_its_own_task(django_capture_on_commit_callbacks):
    users = OwnerFactory.create_batch(3)
    with (
        mock.patch.object(tasks.deliver, "delay") as single,
        mock.patch.object(tasks.deliver_batch, "delay") as batch,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        ids = [_create(user).pk for user in users]
    batch.assert_not_called()
    assert [c.args[0] for c in single.call_args_list] == ids


def test_a_batch_uses_one_mail_connection_and_one_claim(django_assert_max_num_queries):
    ids = _pending_for(OwnerFactory.create_batch(10))
    backend = "django.core.mail.backends.locmem.EmailBackend"
    with (
        mock.patch(f"{backend}.send_messages", autospec=True, return_value=1) as sent,
        django_assert_max_num_queries(4 + 10 * 4) as captured,
    ):
        assert services.notifications_deliver_emails(notification_ids=ids) == []
    assert sent.call_count == 10
    assert len({id(call.args[0]) for call in sent.call_args_list}) == 1  # one connection
    statements = [q["sql"].split()[0] for q in captured.captured_queries]
    # One load and one claim for the batch, then one "sent" mark per email (not a
    # claim, a load and a mark each).
    assert statements.count("SELECT") == 1
    assert statements.count("UPDATE") == 1 + 10
    rows = Notification.objects.filter(pk__in=ids)
    assert {(r.email_status, r.email_attempts) for r in rows} == {("sent", 1)}


def test_a_batch_leaves_rows_already_sent_or_being_sent_alone():
    sent, sending, pending = _pending_for(OwnerFactory.create_batch(3))
    services.notification_deliver_email(notification_id=sent)
    Notification.objects.filter(pk=sending).update(
        email_status="sending", email_claimed_at=timezone.now()
    )
    mail.outbox.clear()
    assert (
        services.notifications_deliver_emails(notification_ids=[sent, sending, 987654, pending])
        == []
    )
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=sending).email_status == "sending"
    assert Notification.objects.get(pk=sent).email_attempts == 1


def test_a_batch_stops_at_a_failure_and_gives_the_rest_back_failed_row_last():
    first, failing, third, fourth = _pending_for(OwnerFactory.create_batch(4))
    original = services._render_email

    def render(notification):
        if notification.pk == failing:
            raise ConnectionRefusedError("mail server down")
        return original(notification)

    with mock.patch.object(services, "_render_email", side_effect=render):
        left = services.notifications_deliver_emails(
            notification_ids=[first, failing, third, fourth]
        )
    assert left == [third, fourth, failing]
    assert [m.to for m in mail.outbox] == [[Notification.objects.get(pk=first).recipient.email]]
    rows = {r.pk: r for r in Notification.objects.filter(pk__in=left)}
    assert rows[failing].email_status == "pending"
    assert rows[failing].email_attempts == 1
    assert "mail server down" in rows[failing].email_last_error
    # Not tried: pending again, no attempt counted.
    assert {(rows[pk].email_status, rows[pk].email_attempts) for pk in (third, fourth)} == {
        ("pending", 0)
    }
    # The retry sends the rest.
    assert services.notifications_deliver_emails(notification_ids=left) == []
    assert len(mail.outbox) == 4


def test_batch_task_is_acks_late_and_retries_what_is_left(owner):
    assert tasks.deliver_batch.acks_late is True
    assert tasks.deliver_batch.max_retries >= 5
    ids = _pending_for([owner, OwnerFactory()])
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("down")),
        mock.patch.object(tasks.deliver_batch, "retry", side_effect=Retry()) as retry,
        pytest.raises(Retry),
    ):
        tasks.deliver_batch(ids)  # as a worker runs it
    assert retry.call_args.kwargs["args"] == [[ids[1], ids[0]]]
    assert retry.call_args.kwargs["countdown"] <= tasks.RETRY_BACKOFF
    assert Notification.objects.filter(pk__in=ids, email_status="pending").count() == 2
    # Embedded (eager) mode: nothing raised into the web request; the sweep retries.
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("down")):
        assert tasks.deliver_batch.apply(args=[ids]).get() == 2
    assert mail.outbox == []


def test_sweep_enqueues_what_it_finds_in_batches(owner):
    ids = _pending_for([owner, OwnerFactory(), OwnerFactory()])
    with mock.patch.object(tasks.deliver_batch, "delay") as batch:
        assert services.notifications_sweep(now=timezone.now() + timedelta(minutes=10)) == 3
    batch.assert_called_once_with(ids)


# Views ---------------------------------------------------------------------------------


def test_notification_centre_lists_only_my_notifications(client, owner):
    mine = NotificationFactory(recipient=owner, title="Mine")
    NotificationFactory(title="Someone else's")
    client.force_login(owner)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert "Mine" in response.text
    assert "Someone else" not in response.text
    assert mine.title in response.text


def test_notification_centre_needs_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_open_marks_read_and_follows_the_link(client, owner):
    notification = NotificationFactory(recipient=owner, url="/catalogue/")
    client.force_login(owner)
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/catalogue/"
    notification.refresh_from_db()
    assert notification.is_read


def test_mark_one_read_and_stay(client, owner):
    notification = NotificationFactory(recipient=owner)
    client.force_login(owner)
    response = client.post(reverse("notifications:open", args=[notification.pk]), {"stay": "1"})
    assert response["Location"] == reverse("notifications:list")
    notification.refresh_from_db()
    assert notification.is_read


def test_open_refuses_offsite_links(client, owner):
    notification = NotificationFactory(recipient=owner, url="https://evil.example/phish")
    client.force_login(owner)
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_open_is_post_only(client, owner):
    notification = NotificationFactory(recipient=owner)
    client.force_login(owner)
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 405
    notification.refresh_from_db()
    assert not notification.is_read


def test_another_users_notification_is_404(client, owner):
    other = NotificationFactory()
    client.force_login(owner)
    response = client.post(reverse("notifications:open", args=[other.pk]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert not other.is_read


def test_mark_all_read_touches_only_mine(client, owner):
    NotificationFactory.create_batch(3, recipient=owner)
    other = NotificationFactory()
    client.force_login(owner)
    response = client.post(reverse("notifications:read-all"), follow=True)
    assert response.status_code == 200
    assert owner.notifications.unread().count() == 0
    other.refresh_from_db()
    assert not other.is_read


def test_unread_count_in_navigation(client, owner):
    NotificationFactory.create_batch(3, recipient=owner)
    NotificationFactory(recipient=owner, read_at=timezone.now())
    client.force_login(owner)
    response = client.get(reverse("notifications:list"))
    assert re.search(r'class="badge"[^>]*>3<', response.text)


def test_preferences_page_turns_email_off_per_kind(client, owner):
    client.force_login(owner)
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 200
    for kind in ("welcome", "business_verified", "inquiry_received"):
        assert f'name="{kind}"' in response.text
    # A mentor's kind is not an owner's choice (issue 15).
    assert 'name="mentor_approved"' not in response.text
    owner_kinds = re.findall(r'name="(\w+)" value="email"', response.text)
    data = dict.fromkeys(owner_kinds, "email")
    data["welcome"] = "none"  # only in the notification centre
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    assert services.email_enabled(user=owner, kind="welcome") is False
    assert services.email_enabled(user=owner, kind="business_verified") is True
    # The page shows the saved state.
    response = client.get(reverse("notifications:preferences"))
    assert re.search(r'name="welcome" value="none"[^>]*checked', response.text)
    assert re.search(r'name="business_verified" value="email"[^>]*checked', response.text)


def test_notification_list_query_count_does_not_grow(client, owner, django_assert_max_num_queries):
    NotificationFactory.create_batch(40, recipient=owner)
    client.force_login(owner)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert response.text.count('class="notification unread"') == 25


def test_pagination_keeps_the_other_query_parameters(client, owner):
    NotificationFactory.create_batch(30, recipient=owner)
    client.force_login(owner)
    page = client.get(reverse("notifications:list"), {"filter": "x"}).content.decode()
    assert 'href="?filter=x&amp;page=2"' in page
