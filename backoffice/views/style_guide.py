"""The style guide: every component of static/css/app.css on one staff-only page, so a
change to the stylesheet can be checked at a glance (and by the browser journeys'
accessibility check)."""

from django.views.generic import TemplateView

from accounts.permissions import StaffRequiredMixin
from backoffice.forms import StyleGuideForm

# The colour tokens of app.css (--color-<name>), in the order the guide shows them.
COLOURS = (
    "primary",
    "primary-strong",
    "accent",
    "text",
    "text-muted",
    "border",
    "border-strong",
    "surface",
    "page",
    "subtle",
    "danger",
    "danger-bg",
    "warning-bg",
    "success-bg",
    "info",
    "info-bg",
)
SPACES = (1, 2, 3, 4, 5, 6)
TYPE_SIZES = ("sm", "base", "lg", "xl", "2xl", "3xl")


class StyleGuideView(StaffRequiredMixin, TemplateView):
    template_name = "backoffice/style_guide.html"

    def get_context_data(self, **kwargs):
        form = StyleGuideForm(data={"name": "Keripik Nanas Siti", "email": "not an address"})
        form.is_valid()  # shows a field with an error and a required one
        return super().get_context_data(
            colours=COLOURS, spaces=SPACES, type_sizes=TYPE_SIZES, form=form, **kwargs
        )
