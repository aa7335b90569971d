"""Mentorships in the Django admin: the pages open, and the action completes a mentorship
through the service."""

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.models import ActionItem, MentoringLog, Mentorship

from ...factories import (
    StaffFactory,
)
from ...support.mentorships import kinds_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return StaffFactory(is_superuser=True)


@pytest.mark.parametrize("model", ["mentorship", "mentorprofile", "mentoringlog", "actionitem"])
def test_admin_pages_open(client, pair, superuser, model):
    log = MentoringLog.objects.create(
        mentorship=pair.mentorship,
        date=timezone.localdate(),
        mode="call",
        duration_hours=1,
        notes="x",
    )
    ActionItem.objects.create(
        mentorship=pair.mentorship, log=log, title="x", due_on=timezone.localdate()
    )
    client.force_login(superuser)
    assert client.get(reverse(f"admin:mentoring_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:mentoring_{model}_changelist"), {"q": "x"}).status_code == 200


def test_admin_action_completes_through_the_service(client, pair, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:mentoring_mentorship_changelist"),
        {"action": "complete_selected", "_selected_action": [pair.mentorship.pk]},
    )
    assert response.status_code == 302
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.status == Mentorship.Status.COMPLETED
    assert kinds_for(pair.owner) == ["mentorship_completed"]
