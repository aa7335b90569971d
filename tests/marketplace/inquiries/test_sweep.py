"""The inquiry sweep: an unanswered inquiry reminds the owner and the mentors once, after
48 hours."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace import services
from marketplace.models import Inquiry
from marketplace.tasks import hourly_sweep
from notifications.models import Notification

from ...support.inquiries import send_inquiry

pytestmark = pytest.mark.django_db


# 48-hour reminder --------------------------------------------------------------------


def test_unanswered_inquiry_reminds_owner_and_mentors_once(
    trade, mailoutbox, django_capture_on_commit_callbacks
):
    old = timezone.now() - timedelta(hours=49)
    Inquiry.objects.filter(pk=trade.inquiry.pk).update(created_at=old)
    replied = send_inquiry(buyer=trade.other_buyer, product=trade.product)
    services.inquiry_message_create(inquiry=replied, author=trade.owner, body="Answered.")
    recent = send_inquiry(buyer=trade.other_buyer, product=trade.product)
    Inquiry.objects.filter(pk__in=[replied.pk]).update(created_at=old)
    Inquiry.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(hours=47))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = hourly_sweep()
    assert result["reminded"] == 2
    reminders = Notification.objects.filter(kind="inquiry_unanswered")
    assert {n.recipient for n in reminders} == {trade.owner, trade.mentor}
    assert {n.url for n in reminders} == {trade.inquiry.get_absolute_url()}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([trade.owner.email, trade.mentor.email])
    trade.inquiry.refresh_from_db()
    assert trade.inquiry.reminded_at is not None
    # Idempotent: a second (or late) run tells nobody again, even if the claim is lost.
    with django_capture_on_commit_callbacks(execute=True):
        assert hourly_sweep()["reminded"] == 0
    Inquiry.objects.filter(pk=trade.inquiry.pk).update(reminded_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert hourly_sweep()["reminded"] == 0
    assert Notification.objects.filter(kind="inquiry_unanswered").count() == 2
    assert len(mailoutbox) == 2
