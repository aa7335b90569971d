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
    warm)."""
    return cache_versions.remember(
        _group(user.pk),
        f"unread-count:{user.pk}",
        lambda: user.notifications.filter(read_at__isnull=True).count(),
        UNREAD_SECONDS,
    )
