from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from . import services
from .forms import PreferencesForm
from .models import Notification, NotificationPreference


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user)


class NotificationOpenView(LoginRequiredMixin, View):
    """Mark one notification read and follow its link (POST only)."""

    def post(self, request, pk):
        notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
        services.notification_mark_read(notification=notification)
        target = notification.get_absolute_url()
        if request.POST.get("stay") or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}
        ):
            return redirect("notifications:list")
        return redirect(target)


class NotificationMarkAllReadView(LoginRequiredMixin, View):
    def post(self, request):
        count = services.notifications_mark_all_read(user=request.user)
        messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
        return redirect("notifications:list")


class PreferencesView(LoginRequiredMixin, FormView):
    template_name = "notifications/preferences.html"

    def get_form(self, form_class=None):
        current = dict(
            NotificationPreference.objects.filter(user=self.request.user).values_list(
                "kind", "email"
            )
        )
        return PreferencesForm(**self.get_form_kwargs(), current=current)

    def form_valid(self, form):
        services.preferences_update(user=self.request.user, email_by_kind=form.email_by_kind())
        messages.success(self.request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
