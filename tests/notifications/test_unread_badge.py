"""The header's unread badge on every signed-in page comes from the cache (issue 14) and
still follows every change at once: a new notification, one opened, all marked read, a
thread read, one deleted; with the cache unreachable it is counted in the database."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from core import cache_versions
from notifications import services
from notifications.models import Notification
from notifications.unread import unread_count

from ..factories import NotificationFactory
from ..support.queries import captured_queries

pytestmark = pytest.mark.django_db

PAGE = "/catalogue/buyer/"
BADGE = re.compile(r'<span class="badge"[^>]*aria-label="(\d+) [^"]*">')


def badge(client) -> int:
    """The count the bell shows (0 when there is no badge)."""
    response = client.get(PAGE)
    assert response.status_code == 200
    found = BADGE.search(response.content.decode())
    return int(found.group(1)) if found else 0


@pytest.fixture
def reader(client, buyer):
    client.force_login(buyer)
    return client


def test_the_badge_follows_new_opened_and_all_read_notifications_at_once(
    reader, buyer, django_capture_on_commit_callbacks
):
    assert badge(reader) == 0
    first, second, _third = (NotificationFactory(recipient=buyer) for _ in range(3))
    assert badge(reader) == 3
    assert badge(reader) == 3  # from the cache
    response = reader.post(reverse("notifications:open", args=[first.pk]), {"stay": "1"})
    assert response.status_code == 302
    assert badge(reader) == 2
    second.delete()
    assert badge(reader) == 1
    reader.post(reverse("notifications:read-all"))
    assert badge(reader) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_create(
            recipient=buyer, kind="welcome", context={"name": "Sam", "next_step": "Look around."}
        )
    assert badge(reader) == 1


def test_someone_elses_notifications_do_not_move_the_badge(reader, buyer, owner):
    NotificationFactory(recipient=buyer)
    assert badge(reader) == 1
    NotificationFactory(recipient=owner)
    Notification.objects.filter(recipient=owner).mark_read(recipient_id=owner.pk)
    assert badge(reader) == 1


def test_a_warm_badge_costs_no_query(reader, buyer):
    NotificationFactory(recipient=buyer)
    badge(reader)
    with captured_queries() as queries:
        assert badge(reader) == 1
    assert not [q for q in queries if "notifications_notification" in q["sql"]]


def test_a_count_cached_before_a_change_commits_is_not_served_after_it(
    buyer, django_capture_on_commit_callbacks
):
    """Another request, before the writer commits, still sees no unread row and caches
    0 under the version of the moment; the version is replaced again at commit."""
    assert unread_count(buyer) == 0
    with django_capture_on_commit_callbacks(execute=True):
        NotificationFactory(recipient=buyer)
        version = cache_versions.version(f"unread-{buyer.pk}")
        cache.set(f"unread-count:{buyer.pk}", (version, 0), 300)
        assert unread_count(buyer) == 0  # the stale count, before the commit
    assert unread_count(buyer) == 1
