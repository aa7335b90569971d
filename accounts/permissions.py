"""Who may use which page. Wrong role → 403; staff-only pages → 404 (not probeable)."""

from django.contrib.auth.mixins import AccessMixin, LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect


class RoleRequiredMixin(LoginRequiredMixin):
    """Only signed-in users of ``required_role`` (staff have their own pages)."""

    required_role: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.user.role != self.required_role:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ApprovedMentorRequiredMixin(RoleRequiredMixin):
    """Mentors may act as mentors only once a staff member approved them."""

    required_role = "mentor"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.is_pending_mentor:
            return redirect("mentoring:pending")
        return super().dispatch(request, *args, **kwargs)


class StaffRequiredMixin(AccessMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_staff:
            raise Http404
        return super().dispatch(request, *args, **kwargs)
