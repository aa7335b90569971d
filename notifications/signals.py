"""A notification written, edited or deleted one by one (services, admin) changes its
recipient's unread count; marking read in bulk goes through ``mark_read``."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Notification
from .unread import forget_unread


@receiver(post_save, sender=Notification, dispatch_uid="notifications-unread-saved")
@receiver(post_delete, sender=Notification, dispatch_uid="notifications-unread-deleted")
def _unread_changed(sender, instance, **kwargs):
    forget_unread([instance.recipient_id])
