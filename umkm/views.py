from django.views.generic import TemplateView

from accounts.permissions import RoleRequiredMixin


class OwnerDashboardView(RoleRequiredMixin, TemplateView):
    """The owner's start page. The business profile and products arrive with the
    UMKM issue; until then it shows the owner's latest notifications and next steps."""

    required_role = "owner"
    template_name = "umkm/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_notifications"] = self.request.user.notifications.all()[:5]
        return context
