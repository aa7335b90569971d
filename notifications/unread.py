"""The header's unread count (the bell's badge on every signed-in page), from the cache.

Each person's count is kept under a version of their own (``core.cache_versions``, the
group ``unread-<user id>``), which every change to their unread notifications replaces:
a new notification (``post_save``), one deleted (``post_delete``), and marking read,
which goes through ``NotificationQuerySet.mark_read``. The count is kept with the version
read before it was computed, and the version is replaced again when the writing
transaction commits, so a count computed from rows about to change is never served
under the version that follows.
``UNREAD_SECONDS`` bounds what an update that bypasses all of these (a raw UPDATE, the
demo loader's backdating) can leave behind. With the cache unreachable the version is
empty and the count comes from the database.
"""

from django.core.cache import cache

from core import cache_versions

UNREAD_SECONDS = 300


def _group(user_id: int) -> str:
    return f"unread-{user_id}"


def forget_unread(user_ids) -> None:
    """The unread counts of these people changed (or may have)."""
    for user_id in set(user_ids):
        cache_versions.bump(_group(user_id))


def unread_count(user) -> int:
    """How many of ``user``'s notifications are unread (one cache round trip when
    warm: the version and the count, kept with the version it was counted under)."""
    from .models import Notification

    version_key = cache_versions.version_key(_group(user.pk))
    count_key = f"unread-count:{user.pk}"
    found = cache.get_many([version_key, count_key])
    version = found.get(version_key) or cache_versions.version(_group(user.pk))
    stored = found.get(count_key)
    if version and stored is not None and stored[0] == version:
        return stored[1]
    count = Notification.objects.for_user(user).unread().count()
    if version:
        cache.set(count_key, (version, count), UNREAD_SECONDS)
    return count
