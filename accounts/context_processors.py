from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.unread import unread_count


def navigation(request):
    """Role-dependent navigation and the unread count (from the cache, only if shown)."""
    user = getattr(request, "user", None)
    items = [
        (_("Catalogue"), reverse("marketplace:catalogue")),
        (_("Trainings"), reverse("mentoring:session-list")),
    ]
    if user is None or not user.is_authenticated:
        return {"nav_items": items}
    inquiries = (_("Inquiries"), reverse("marketplace:inquiry-list"))
    requests = (_("Buying requests"), reverse("marketplace:buying-request-list"))
    if user.is_staff:
        items = [
            (_("Programme dashboard"), reverse("backoffice:staff-dashboard")),
            # No count badge: the total would cost several counts on every staff page.
            # The verification page is linked from the queues.
            (_("Work queues"), reverse("backoffice:staff-queues")),
            (_("Reviews"), reverse("umkm:review-queue")),
            (_("My trainings"), reverse("mentoring:session-mine")),
            *items,
            inquiries,
        ]
    elif user.is_owner:
        items = [
            (_("My business"), reverse("umkm:dashboard")),
            *items,
            inquiries,
            requests,
        ]
    elif user.is_buyer:
        items = [
            *items,
            (_("Buyer dashboard"), reverse("marketplace:buyer-dashboard")),
            inquiries,
            requests,
        ]
    elif user.is_approved_mentor:
        items = [
            (_("Mentor dashboard"), reverse("mentoring:dashboard")),
            (_("Reviews"), reverse("umkm:review-queue")),
            (_("My trainings"), reverse("mentoring:session-mine")),
            *items,
            inquiries,
        ]
    elif user.is_mentor:
        items = [(_("Mentor dashboard"), reverse("mentoring:dashboard")), *items]

    return {
        "nav_items": items,
        # A callable: counted (or read from the cache) only where the header shows it.
        "unread_notifications": lambda: unread_count(user),
        "mentor_pending": user.is_pending_mentor,
    }
