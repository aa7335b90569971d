from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts.permissions import ApprovedMentorRequiredMixin, RoleRequiredMixin


class MentorDashboardView(ApprovedMentorRequiredMixin, TemplateView):
    template_name = "mentoring/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_notifications"] = self.request.user.notifications.all()[:5]
        return context


class MentorPendingView(RoleRequiredMixin, TemplateView):
    """What an unapproved mentor sees instead of the mentor pages."""

    required_role = "mentor"
    template_name = "mentoring/pending.html"

    def get(self, request, *args, **kwargs):
        if request.user.is_approved_mentor:
            return redirect("mentoring:dashboard")
        return super().get(request, *args, **kwargs)
