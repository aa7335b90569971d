"""Staff see the delivery figures per channel on the programme dashboard and the failed
WhatsApp messages in the work queues; nobody else does."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.selectors import delivery_figures

from ..factories import NotificationFactory, OwnerFactory
from ..support.forms_as_sent import signed_in

pytestmark = pytest.mark.django_db
DASHBOARD = "/staff/"
QUEUES = "/staff/queues/"


@pytest.fixture
def deliveries(db):
    owner = OwnerFactory(full_name="Siti Aminah")
    for email, whatsapp in [
        ("sent", "sent"),
        ("sent", "delivered"),
        ("skipped", "read"),
        ("skipped", "read"),
        ("failed", "skipped"),
        ("pending", "pending"),
    ]:
        NotificationFactory(
            recipient=owner,
            email_status=email,
            whatsapp_status=whatsapp,
            email_sent_at=timezone.now() if email == "sent" else None,
        )
    failed = NotificationFactory(
        recipient=owner,
        title="New inquiry from Tokyo Foods",
        email_status="sent",
        email_sent_at=timezone.now(),
        whatsapp_status="failed",
        whatsapp_error_code="131026",
        whatsapp_last_error="Message undeliverable",
    )
    old = NotificationFactory(recipient=owner, whatsapp_status="failed", title="Old failure")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=60))
    return failed


def test_figures_per_channel(deliveries):
    figures = delivery_figures()
    assert figures["whatsapp"] == {
        "sent": 4,
        "delivered": 3,
        "read": 2,
        "failed": 1,
        "waiting": 1,
    }
    assert figures["email"]["sent"] == 3
    assert figures["email"]["failed"] == 1
    assert figures["email"]["delivered"] is None


def test_staff_see_the_figures_on_the_programme_dashboard(cast, deliveries):
    page = signed_in(cast.staff).get(DASHBOARD)
    assert page.status_code == 200
    row = re.search(r'<tr data-channel="whatsapp">(.*?)</tr>', page.text, re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>", row) == ["4", "3", "2", "1", "1"]


def test_staff_see_failed_whatsapp_messages_in_the_work_queues(cast, deliveries):
    page = signed_in(cast.staff).get(QUEUES)
    assert page.status_code == 200
    section = re.search(r'data-queue="whatsapp_failed".*?</section>', page.text, re.S).group(0)
    assert "New inquiry from Tokyo Foods" in section
    assert "131026" in section
    assert "Old failure" not in section  # older than 30 days


@pytest.mark.parametrize("role", ["owner", "mentor", "buyer"])
@pytest.mark.parametrize("url", [DASHBOARD, QUEUES])
def test_others_do_not_see_them(cast, deliveries, role, url):
    assert signed_in(cast[role]).get(url).status_code in (403, 404)


def test_anonymous_visitors_are_sent_to_sign_in(client, deliveries):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
