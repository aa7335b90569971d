from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Marketplace")

    def ready(self) -> None:
        # Answers to inquiry notifications given on WhatsApp become thread messages.
        from notifications import replies

        from . import services

        replies.register(
            kinds=services.REPLYABLE_KINDS, handler=services.inquiry_reply_from_notification
        )
