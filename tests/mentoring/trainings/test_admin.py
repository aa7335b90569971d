"""Trainings in the Django admin: the pages open, and the actions mark sessions done and
publish drafts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.models import (
    TrainingSession,
)

from ...factories import (
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_admin_pages_and_actions(client, course, past):
    admin_user = UserFactory(role="", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    for url in (
        reverse("admin:mentoring_trainingsession_changelist"),
        reverse("admin:mentoring_trainingsession_change", args=[course.session.pk]),
        reverse("admin:mentoring_sessionmaterial_changelist"),
        reverse("admin:mentoring_calendarfeed_changelist"),
    ):
        assert client.get(url).status_code == 200
    session, *_ = past
    response = client.post(
        reverse("admin:mentoring_trainingsession_changelist"),
        {"action": "mark_sessions_done", "_selected_action": [session.pk, course.draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.status == TrainingSession.Status.DONE
    client.post(
        reverse("admin:mentoring_trainingsession_changelist"),
        {"action": "publish_sessions", "_selected_action": [course.draft.pk]},
    )
    course.draft.refresh_from_db()
    assert course.draft.status == TrainingSession.Status.PUBLISHED
