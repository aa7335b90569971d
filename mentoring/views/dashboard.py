from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import TemplateView

from accounts.permissions import ApprovedMentorRequiredMixin, RoleRequiredMixin
from core.personal_pages import PersonalPageMixin
from mentoring import selectors
from mentoring.forms.mentorships import DeclineForm
from mentoring.services.trainings import upcoming_sessions_for
from umkm import services as umkm_services

OPEN_ITEMS_SHOWN = 20
SESSIONS_SHOWN = 5
REQUESTS_SHOWN = 10  # the oldest first; each comes with its answer form


class MentorDashboardView(ApprovedMentorRequiredMixin, PersonalPageMixin, TemplateView):
    """Mentees with readiness and gain, action items, requests to answer, reviews and
    upcoming sessions, in a constant number of queries (the mentees' readiness scores
    in one, ``mentoring.readiness.selectors.readiness_scores``). Every list is bounded:
    the mentees by the mentor's capacity (at most ``MAX_MENTEES``), the others by the
    numbers shown here, with their totals."""

    template_name = "mentoring/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        items = selectors.open_action_items_for_mentor(user)
        requests = selectors.pending_requests_for(user)
        context.update(
            profile=selectors.mentor_profile_with_capacity(user),
            mentees=selectors.mentees_for(user),
            item_counts=selectors.action_item_counts(items),
            open_items=list(items.order_by("due_on", "pk")[:OPEN_ITEMS_SHOWN]),
            pending_requests=[
                (mentorship, DeclineForm(auto_id=f"id_decline_{mentorship.pk}_%s"))
                for mentorship in requests[:REQUESTS_SHOWN]
            ],
            pending_count=requests.count(),
            review_count=umkm_services.products_needing_review_for(user).count(),
            upcoming_sessions=list(upcoming_sessions_for(user)[:SESSIONS_SHOWN]),
            today=timezone.localdate(),
            latest_notifications=user.notifications.all()[:5],
        )
        return context


class MentorPendingView(RoleRequiredMixin, TemplateView):
    """What an unapproved mentor sees instead of the mentor pages."""

    required_role = "mentor"
    template_name = "mentoring/pending.html"

    def get(self, request, *args, **kwargs):
        if request.user.is_approved_mentor:
            return redirect("mentoring:dashboard")
        return super().get(request, *args, **kwargs)
