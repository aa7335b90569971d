"""The staff work queues: what waits for a Disperindag officer, each row with the
action at hand.

The page only reads (``selectors.staff_work_queues``). Its buttons post to the views
that own each step — verify a business or a certificate (``umkm``), not spam
(``marketplace``) — with ``next`` pointing back here; the two steps that have no page
of their own elsewhere, approving a mentor and reminding an owner of an inquiry, are
below. Every action is staff-only (others get 404), POST-only and CSRF-protected, and
a second click changes nothing.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts import services
from accounts.models import User
from accounts.permissions import StaffRequiredMixin
from backoffice import selectors
from core.http import safe_next
from marketplace.models import Inquiry
from marketplace.services import inquiry_remind_supplier


def back_to_queues(request):
    return redirect(safe_next(request, reverse("backoffice:staff-queues")))


class StaffQueuesView(StaffRequiredMixin, TemplateView):
    template_name = "backoffice/staff_queues.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(queues=selectors.staff_work_queues(), **kwargs)


class MentorApproveView(StaffRequiredMixin, View):
    def post(self, request, pk):
        mentor = get_object_or_404(
            User.objects.filter(role=User.Role.MENTOR, is_active=True), pk=pk
        )
        if services.mentor_approve(mentor=mentor, approved_by=request.user):
            messages.success(request, _("%(name)s can now act as a mentor.") % {"name": mentor})
        else:
            messages.info(request, _("%(name)s was already approved.") % {"name": mentor})
        return back_to_queues(request)


class InquiryRemindView(StaffRequiredMixin, View):
    """Remind the owner of an inquiry left without a reply (once per inquiry)."""

    def post(self, request, pk):
        inquiry = get_object_or_404(Inquiry.objects.select_related("business"), pk=pk)
        try:
            reminded = inquiry_remind_supplier(inquiry=inquiry, staff=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return back_to_queues(request)
        if reminded:
            messages.success(
                request,
                _("The owner of %(business)s is reminded to answer “%(subject)s”.")
                % {"business": inquiry.business.name, "subject": inquiry.subject},
            )
        else:
            messages.info(request, _("Staff already reminded the owner of this inquiry."))
        return back_to_queues(request)
