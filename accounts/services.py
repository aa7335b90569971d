from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from notifications.services import notification_create

from .models import User

_NEXT_STEP = {
    User.Role.OWNER: _("Start by describing your business and adding your first product."),
    User.Role.MENTOR: _(
        "A Disperindag officer will check your mentor account; "
        "we will tell you when it is approved."
    ),
    User.Role.BUYER: _("Browse the catalogue of Pekanbaru products and contact suppliers."),
}


def user_email_verified(*, user: User) -> Notification | None:
    """Welcome a person once, when their email address is first confirmed."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if Notification.objects.filter(recipient=user, kind="welcome").exists():
            return None
        return notification_create(
            recipient=user,
            kind="welcome",
            context={
                "name": user.get_short_name(),
                "next_step": _NEXT_STEP.get(user.role, _("Your account is ready to use.")),
            },
            url=user.landing_url(),
        )


def mentor_approve(*, mentor: User, approved_by: User) -> bool:
    """Approve a mentor account and tell the mentor. Returns False if nothing changed."""
    with transaction.atomic():
        updated = User.objects.filter(
            pk=mentor.pk, role=User.Role.MENTOR, mentor_approved_at__isnull=True
        ).update(mentor_approved_at=timezone.now(), mentor_approved_by=approved_by)
        if not updated:
            return False
        mentor.refresh_from_db(fields=["mentor_approved_at", "mentor_approved_by"])
        notification_create(
            recipient=mentor, kind="mentor_approved", url=reverse("mentoring:dashboard")
        )
    return True


def user_set_language(*, user: User, language: str) -> None:
    if language in User.Language.values and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
