"""Mentor profiles, the directory, the mentorship lifecycle, logs and action items.

Who may see a mentorship is decided by ``selectors.mentorships_for`` (owner: their
business's, mentor: their own, staff: all); anything else answers 404. Whether a step
is allowed (who, which state, capacity) is decided by the services.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accounts.permissions import (
    ApprovedMentorRequiredMixin,
    RoleRequiredMixin,
    StaffRequiredMixin,
)
from core.http import safe_next, whole_number
from mentoring import selectors, services
from mentoring.forms.mentorships import (
    ActionItemForm,
    AssignForm,
    DeclineForm,
    DirectoryFilterForm,
    MentoringLogForm,
    MentorProfileForm,
    MentorshipRequestForm,
)
from mentoring.models import OPEN_STATUSES, MentorProfile, Mentorship
from mentoring.readiness.selectors import business_readiness
from umkm.models import Business

TOPIC_LABELS = dict(MentorProfile.Topic.choices)


def _errors_to_messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _decorate_profile(profile: MentorProfile) -> MentorProfile:
    """Topic labels and the bio in the reader's language, for the templates."""
    profile.topic_labels = [TOPIC_LABELS[key] for key in profile.topics if key in TOPIC_LABELS]
    if (get_language() or "id").startswith("en"):
        profile.bio = profile.bio_en or profile.bio_id
    else:
        profile.bio = profile.bio_id or profile.bio_en
    return profile


class OwnerOrStaffRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (user.is_owner or user.is_staff):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# Mentor profile and directory --------------------------------------------------------------


class MentorProfileView(ApprovedMentorRequiredMixin, FormView):
    template_name = "mentoring/profile_form.html"
    form_class = MentorProfileForm

    def get_form_kwargs(self):
        user = self.request.user
        instance = MentorProfile.objects.filter(user=user).first() or MentorProfile(user=user)
        return {**super().get_form_kwargs(), "instance": instance}

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("Your mentor profile is saved."))
        return redirect("mentoring:mentor-profile")


class MentorDirectoryView(OwnerOrStaffRequiredMixin, ListView):
    """Mentors who take businesses, by topic, with their free places."""

    template_name = "mentoring/directory.html"
    context_object_name = "profiles"
    paginate_by = 24

    def get_queryset(self):
        self.filter_form = DirectoryFilterForm(self.request.GET or None)
        self.topic = ""
        if self.filter_form.is_valid():
            self.topic = self.filter_form.cleaned_data["topic"]
        return selectors.mentor_directory(topic=self.topic)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        business = Business.objects.filter(owner=user).first() if user.is_owner else None
        open_by_mentor = selectors.open_mentorships_by_mentor(business)
        for profile in context["profiles"]:
            _decorate_profile(profile)
            profile.open_mentorship = open_by_mentor.get(profile.user_id)
        context.update(filter_form=self.filter_form, business=business, topic=self.topic)
        return context


class MentorshipRequestView(RoleRequiredMixin, FormView):
    """An owner writes to one mentor (GET shows the mentor and the form)."""

    required_role = "owner"
    template_name = "mentoring/request_form.html"
    form_class = MentorshipRequestForm

    def dispatch(self, request, *args, **kwargs):
        # Other roles get their 403 before the lookup: whether a mentor id exists
        # must not show through a 404.
        if request.user.is_authenticated and request.user.role == self.required_role:
            self.profile = _decorate_profile(
                get_object_or_404(
                    selectors.with_free_capacity(
                        selectors.approved_mentor_profiles()
                    ).select_related("user"),
                    user_id=kwargs["user_id"],
                )
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        business = Business.objects.filter(owner=self.request.user).first()
        open_one = selectors.open_mentorships_by_mentor(business).get(self.profile.user_id)
        return super().get_context_data(
            profile=self.profile, business=business, open_mentorship=open_one, **kwargs
        )

    def form_valid(self, form):
        try:
            services.mentorship_request(
                owner=self.request.user,
                mentor=self.profile.user,
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your request is sent to %(mentor)s.") % {"mentor": self.profile.user},
        )
        return redirect("mentoring:my-mentors")


class MentorshipAssignView(StaffRequiredMixin, FormView):
    template_name = "mentoring/assign_form.html"
    form_class = AssignForm

    def get_initial(self):
        # The staff work queues link here with ?business=<pk> to preselect the business.
        initial = super().get_initial()
        business = whole_number(self.request.GET.get("business", ""))
        if business is not None:
            initial["business"] = business
        return initial

    def form_valid(self, form):
        try:
            mentorship = services.mentorship_assign(
                business=form.cleaned_data["business"],
                mentor=form.cleaned_data["mentor"],
                staff=self.request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The mentor is assigned; both have been told."))
        return redirect("mentoring:mentorship-detail", pk=mentorship.pk)


# The owner's page ------------------------------------------------------------------------


class MyMentorsView(RoleRequiredMixin, TemplateView):
    """The owner's requests, mentors, logs and open action items."""

    required_role = "owner"
    template_name = "mentoring/my_mentors.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        business = Business.objects.filter(owner=self.request.user).first()
        context["business"] = business
        if business is None:
            return context
        services.action_items_close_resolved(business=business)
        mentorships = list(selectors.owner_mentorships(business))
        status = Mentorship.Status
        context.update(
            active=[m for m in mentorships if m.status == status.ACTIVE],
            requests=[m for m in mentorships if m.status == status.REQUESTED],
            past=[m for m in mentorships if m.status not in OPEN_STATUSES],
            open_items=list(selectors.business_open_items(business)),
            logs=list(selectors.business_logs(business)[:10]),
            today=timezone.localdate(),
        )
        return context


# One mentorship ------------------------------------------------------------------------------


def mentorship_to_view(user, pk: int) -> Mentorship:
    return get_object_or_404(
        selectors.mentorships_for(user).select_related(
            "business__owner", "mentor__mentor_profile", "assigned_by"
        ),
        pk=pk,
    )


class MentorshipPageMixin(LoginRequiredMixin):
    """The mentorship page, rendered by GET and again by a POST with form errors."""

    template_name = "mentoring/mentorship_detail.html"

    def page(self, request, mentorship: Mentorship, *, status: int = 200, **forms):
        user = request.user
        business = mentorship.business
        # Cheap (one query when nothing is keyed): items whose gap was closed by the
        # owner since the last sweep are shown as done at once.
        services.action_items_close_resolved(business=business)
        is_active = mentorship.status == Mentorship.Status.ACTIVE
        can_write = is_active and (user.is_staff or mentorship.mentor_id == user.pk)
        readiness = business_readiness(business)
        start = mentorship.readiness_at_start
        items = list(mentorship.action_items.select_related("product").order_by("due_on", "pk"))
        context = {
            "mentorship": mentorship,
            "business": business,
            "readiness": readiness,
            "gain": None if start is None else readiness.score - start,
            "logs": mentorship.logs.all()[:50],
            "open_items": [i for i in items if i.done_at is None],
            "done_items": [i for i in items if i.done_at is not None],
            "can_write": can_write,
            "can_answer": mentorship.status == Mentorship.Status.REQUESTED
            and mentorship.mentor_id == user.pk,
            "can_complete": can_write,
            "is_owner": business.owner_id == user.pk,
            "today": timezone.localdate(),
        }
        if can_write:
            context["log_form"] = forms.get("log_form") or MentoringLogForm()
            context["item_form"] = forms.get("item_form") or ActionItemForm(business=business)
        if context["can_answer"]:
            context["decline_form"] = forms.get("decline_form") or DeclineForm()
        return render(request, self.template_name, context, status=status)


class MentorshipDetailView(MentorshipPageMixin, View):
    def get(self, request, pk):
        return self.page(request, mentorship_to_view(request.user, pk))


class MentoringLogCreateView(MentorshipPageMixin, View):
    def post(self, request, pk):
        mentorship = mentorship_to_view(request.user, pk)
        form = MentoringLogForm(request.POST)
        if form.is_valid():
            try:
                services.mentoring_log_create(
                    mentorship=mentorship, author=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The log entry is saved; the owner has been told."))
                return redirect("mentoring:mentorship-detail", pk=pk)
        return self.page(request, mentorship, log_form=form)


class ActionItemCreateView(MentorshipPageMixin, View):
    def post(self, request, pk):
        mentorship = mentorship_to_view(request.user, pk)
        form = ActionItemForm(request.POST, business=mentorship.business)
        if form.is_valid():
            try:
                services.action_item_create(
                    mentorship=mentorship, author=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The action item is added."))
                return redirect("mentoring:mentorship-detail", pk=pk)
        return self.page(request, mentorship, item_form=form)


class MentorshipAcceptView(LoginRequiredMixin, View):
    def post(self, request, pk):
        mentorship = mentorship_to_view(request.user, pk)
        try:
            services.mentorship_accept(mentorship=mentorship, mentor=request.user)
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(
                request,
                _("You now mentor %(business)s; the owner has been told.")
                % {"business": mentorship.business.name},
            )
        return redirect(safe_next(request, reverse("mentoring:mentorship-detail", args=[pk])))


class MentorshipDeclineView(MentorshipPageMixin, View):
    def post(self, request, pk):
        mentorship = mentorship_to_view(request.user, pk)
        form = DeclineForm(request.POST)
        if form.is_valid():
            try:
                services.mentorship_decline(
                    mentorship=mentorship, mentor=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                _errors_to_messages(request, exc)
            else:
                messages.success(request, _("The request is declined; the owner has been told."))
            return redirect(safe_next(request, reverse("mentoring:mentorship-detail", args=[pk])))
        return self.page(request, mentorship, decline_form=form)


class MentorshipCompleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        mentorship = mentorship_to_view(request.user, pk)
        try:
            services.mentorship_complete(mentorship=mentorship, actor=request.user)
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(request, _("The mentorship is completed."))
        return redirect("mentoring:mentorship-detail", pk=pk)


class ActionItemDoneView(LoginRequiredMixin, View):
    def post(self, request, pk):
        item = get_object_or_404(
            selectors.action_items_for(request.user).select_related("mentorship__business"),
            pk=pk,
        )
        try:
            if services.action_item_mark_done(item=item, actor=request.user):
                messages.success(request, _("Well done: the action item is ticked off."))
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        fallback = reverse("mentoring:mentorship-detail", args=[item.mentorship_id])
        return redirect(safe_next(request, fallback))
