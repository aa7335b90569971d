from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts.permissions import ApprovedMentorRequiredMixin, RoleRequiredMixin

from .models import Mentorship


class MentorDashboardView(ApprovedMentorRequiredMixin, TemplateView):
    template_name = "mentoring/dashboard.html"

    def get_context_data(self, **kwargs):
        from umkm import selectors, services

        context = super().get_context_data(**kwargs)
        user = self.request.user
        mentorships = (
            Mentorship.objects.active().filter(mentor=user).select_related("business")
        )
        context["mentees"] = [
            (m.business, selectors.business_readiness(m.business)) for m in mentorships
        ]
        context["review_count"] = services.products_needing_review_for(user).count()
        context["latest_notifications"] = user.notifications.all()[:5]
        return context


class MentorPendingView(RoleRequiredMixin, TemplateView):
    """What an unapproved mentor sees instead of the mentor pages."""

    required_role = "mentor"
    template_name = "mentoring/pending.html"

    def get(self, request, *args, **kwargs):
        if request.user.is_approved_mentor:
            return redirect("mentoring:dashboard")
        return super().get(request, *args, **kwargs)
