"""The site's own pages linked from every footer: about, contact, privacy and terms.

Staff edit their text in both languages in the admin (``services.page_update``); the
pages exist from the first migration with default content, so a new installation has
them before anyone writes a word. There is no page to add or delete: the footer links
to these four.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.bounds import NOTES_TEXT, text_limit
from core.constraints import PyCheckConstraint


class Page(models.Model):
    class Slug(models.TextChoices):
        ABOUT = "about", _("About")
        CONTACT = "contact", _("Contact")
        PRIVACY = "privacy", _("Privacy")
        TERMS = "terms", _("Terms of use")

    slug = models.CharField(
        _("page"), max_length=20, choices=Slug.choices, unique=True, editable=False
    )
    title_id = models.CharField(_("title (Indonesian)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150)
    body_id = models.TextField(
        _("text (Indonesian)"),
        max_length=NOTES_TEXT,
        validators=text_limit(NOTES_TEXT),
        help_text=_(
            "Paragraphs separated by an empty line; a line starting with “## ” is a "
            "heading. Web and email addresses become links."
        ),
    )
    body_en = models.TextField(
        _("text (English)"),
        max_length=NOTES_TEXT,
        validators=text_limit(NOTES_TEXT),
        help_text=_(
            "Paragraphs separated by an empty line; a line starting with “## ” is a "
            "heading. Web and email addresses become links."
        ),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")
        ordering = ["slug"]
        constraints = [
            PyCheckConstraint(
                condition=Q(slug__in=["about", "contact", "privacy", "terms"]),
                name="page_slug_known",
            ),
        ]

    def __str__(self) -> str:
        return str(self.Slug(self.slug).label)

    def get_absolute_url(self) -> str:
        return reverse(f"pages:{self.slug}")

    def _localised(self, field: str) -> str:
        first, second = ("en", "id") if (get_language() or "id").startswith("en") else ("id", "en")
        return getattr(self, f"{field}_{first}") or getattr(self, f"{field}_{second}")

    @property
    def title(self) -> str:
        return self._localised("title")

    @property
    def body(self) -> str:
        return self._localised("body")
