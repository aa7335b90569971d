"""Training pages: the public calendar, session pages, registration, tickets, check-in,
feedback, certificates and calendar files.

Who may see or touch what is decided by the scoping helpers in
``mentoring.selectors`` (``sessions_visible_to``, ``sessions_editable_by``,
``registrations_visible_to``); anything outside them answers 404. Pages for one role
(the mentor's month, an owner's registrations) answer 403 to the other roles, as the
rest of the site does.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import PurePosixPath

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accounts.permissions import ApprovedMentorRequiredMixin, RoleRequiredMixin
from core.bounds import EARLIEST_DATE, LATEST_DATE
from core.files import private_download
from core.http import safe_next
from mentoring import certificates, ical, selectors
from mentoring.forms.trainings import (
    CancelSessionForm,
    CertificateVerifyForm,
    CheckInForm,
    FeedbackForm,
    MaterialForm,
    RegistrationForm,
    SessionFilterForm,
    SessionForm,
)
from mentoring.models import CalendarFeed, Registration, SessionMaterial, TrainingSession
from mentoring.services import trainings as services
from mentoring.services.trainings import AlreadyRegistered, TrainingError
from umkm.models import Business

Status = TrainingSession.Status
RegStatus = Registration.Status
SEAT_STATUSES = services.SEAT_STATUSES


# Helpers -------------------------------------------------------------------------------


def session_to_view(user, pk: int) -> TrainingSession:
    return get_object_or_404(selectors.sessions_visible_to(user).select_related("host"), pk=pk)


def session_to_edit(user, pk: int) -> TrainingSession:
    return get_object_or_404(selectors.sessions_editable_by(user).select_related("host"), pk=pk)


def registration_to_view(user, pk: int) -> Registration:
    return get_object_or_404(
        selectors.registrations_visible_to(user).select_related("session__host", "business__owner"),
        pk=pk,
    )


def _add_error(form, error: ValidationError) -> None:
    """A service's error on the form: on its fields where the form has them."""
    if hasattr(error, "error_dict") and set(error.error_dict) <= set(form.fields):
        form.add_error(None, error)
        return
    for message in error.messages:
        form.add_error(None, message)


def _flash_error(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _ics_response(content: bytes, *, filename: str, attachment: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=ical.CONTENT_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def _owner_business(user) -> Business | None:
    if not user.is_authenticated or not user.is_owner:
        return None
    return Business.objects.filter(owner=user).first()


def _with_seat_counts(sessions):
    return sessions.annotate(
        seats_taken=Count("registrations", filter=Q(registrations__status__in=SEAT_STATUSES)),
        waitlisted=Count("registrations", filter=Q(registrations__status=RegStatus.WAITLISTED)),
    )


# Public calendar and session page ------------------------------------------------------


class SessionListView(ListView):
    """Upcoming published sessions, filtered by city, topic and mode (public)."""

    template_name = "mentoring/trainings/session_list.html"
    context_object_name = "sessions"
    paginate_by = 20

    def get_queryset(self):
        upcoming = TrainingSession.objects.upcoming()
        cities = (
            upcoming.exclude(city="").order_by("city").values_list("city", flat=True).distinct()
        )
        self.filter_form = SessionFilterForm(self.request.GET or None, cities=list(cities))
        sessions = _with_seat_counts(upcoming.select_related("host")).order_by("starts_at", "id")
        if self.filter_form.is_bound and self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            if data["city"]:
                sessions = sessions.filter(city=data["city"])
            if data["topic"]:
                sessions = sessions.filter(topic=data["topic"])
            if data["mode"]:
                sessions = sessions.filter(mode=data["mode"])
        return sessions

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            filter_form=self.filter_form,
            can_create=user.is_authenticated and user.is_approved_mentor,
            **kwargs,
        )


class SessionDetailView(TemplateView):
    template_name = "mentoring/trainings/session_detail.html"

    def get(self, request, *args, **kwargs):
        self.session = session_to_view(request.user, kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user, session = self.request.user, self.session
        now = timezone.now()
        can_edit = user.is_authenticated and (
            user.is_staff or (user.is_approved_mentor and session.host_id == user.pk)
        )
        business = _owner_business(user)
        registration = None
        if business is not None:
            registration = (
                Registration.objects.filter(session=session, business=business)
                .exclude(status=RegStatus.CANCELLED)
                .first()
            )
            if registration is not None:
                registration.business = business
                registration.session = session
        counts = Registration.objects.filter(session=session).aggregate(
            taken=Count("pk", filter=Q(status__in=SEAT_STATUSES)),
            waitlisted=Count("pk", filter=Q(status=RegStatus.WAITLISTED)),
        )
        show_join_link = can_edit or (
            registration is not None and registration.status in SEAT_STATUSES
        )
        context = super().get_context_data(
            session=session,
            can_edit=can_edit,
            business=business,
            registration=registration,
            show_join_link=show_join_link,
            seats_taken=counts["taken"],
            seats_left=max(session.capacity - counts["taken"], 0),
            waitlisted=counts["waitlisted"],
            materials=list(session.materials.all()) if show_join_link else [],
            ended=session.ends_at <= now,
            **kwargs,
        )
        if registration is not None:
            context["certificate_ready"] = services.certificate_available(registration, now=now)
            context["can_cancel_registration"] = (
                registration.status in services.LIVE_STATUSES
                and session.status == Status.PUBLISHED
                and now < session.starts_at
            )
        elif user.is_authenticated and (user.is_owner or user.is_staff):
            if user.is_owner and business is None:
                problem = _("Create your business profile to register.")
            else:
                problem = services.registration_problem(session=session, business=business)
            context["registration_problem"] = problem
            if problem is None and user.is_owner:
                context["registration_form"] = RegistrationForm(
                    initial={"attendee_name": user.full_name}
                )
            # Staff pick the business on the registration page.
            context["staff_may_register"] = problem is None and user.is_staff
        return context


class SessionIcsView(View):
    """One session as an .ics file (public, never with the join link)."""

    def get(self, request, pk):
        session = get_object_or_404(TrainingSession.objects.exclude(status=Status.DRAFT), pk=pk)
        return _ics_response(
            ical.session_ics(session), filename=f"training-{session.pk}.ics", attachment=True
        )


# Hosting: create, edit, publish, cancel, done, materials ---------------------------------


class SessionCreateView(ApprovedMentorRequiredMixin, FormView):
    template_name = "mentoring/trainings/session_form.html"
    form_class = SessionForm

    def form_valid(self, form):
        try:
            session = services.session_create(host=self.request.user, **form.cleaned_data)
        except TrainingError as error:
            _add_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The session is saved as a draft. Publish it when it is ready.")
        )
        return redirect(session)


class SessionEditView(LoginRequiredMixin, FormView):
    template_name = "mentoring/trainings/session_form.html"
    form_class = SessionForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.session = session_to_edit(request.user, kwargs["pk"])
            if self.session.status not in (Status.DRAFT, Status.PUBLISHED):
                messages.error(
                    request, _("A session that is done or cancelled can no longer be edited.")
                )
                return redirect(self.session)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.session}

    def get_context_data(self, **kwargs):
        return super().get_context_data(session=self.session, **kwargs)

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        # The form wrote the values onto the instance; the service compares against the
        # database row it locks.
        try:
            session = services.session_update(
                session=self.session, editor=self.request.user, **fields
            )
        except TrainingError as error:
            _add_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The session is saved."))
        return redirect(session)


class SessionPublishView(LoginRequiredMixin, View):
    def post(self, request, pk):
        session = session_to_edit(request.user, pk)
        try:
            services.session_publish(session=session, actor=request.user)
        except TrainingError as error:
            _flash_error(request, error)
        else:
            messages.success(request, _("The session is published in the training calendar."))
        return redirect(session)


class SessionCancelView(LoginRequiredMixin, FormView):
    template_name = "mentoring/trainings/session_cancel.html"
    form_class = CancelSessionForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.session = session_to_edit(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        live = self.session.registrations.filter(status__in=services.LIVE_STATUSES).count()
        return super().get_context_data(session=self.session, live_registrations=live, **kwargs)

    def form_valid(self, form):
        try:
            services.session_cancel(
                session=self.session, actor=self.request.user, reason=form.cleaned_data["reason"]
            )
        except TrainingError as error:
            _add_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The session is cancelled; registrants are told."))
        return redirect(self.session)


class SessionDoneView(LoginRequiredMixin, View):
    def post(self, request, pk):
        session = session_to_edit(request.user, pk)
        try:
            services.session_mark_done(session=session, actor=request.user)
        except TrainingError as error:
            _flash_error(request, error)
        else:
            messages.success(
                request, _("The session is done; attendees can download their certificates.")
            )
        return redirect(session)


class SessionMaterialsView(LoginRequiredMixin, FormView):
    template_name = "mentoring/trainings/session_materials.html"
    form_class = MaterialForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.session = session_to_edit(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            session=self.session, materials=self.session.materials.all(), **kwargs
        )

    def form_valid(self, form):
        try:
            services.material_add(
                session=self.session,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )
        except TrainingError as error:
            _add_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The material is added."))
        return redirect("mentoring:session-materials", pk=self.session.pk)


class MaterialDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        material = get_object_or_404(
            SessionMaterial.objects.filter(
                session__in=selectors.sessions_editable_by(request.user)
            ),
            pk=pk,
        )
        session_pk = material.session_id
        services.material_delete(material=material)
        messages.success(request, _("The material is removed."))
        return redirect("mentoring:session-materials", pk=session_pk)


class MaterialDownloadView(LoginRequiredMixin, View):
    """Materials are for participants: the host, staff, and owners with a seat."""

    def get(self, request, pk):
        material = get_object_or_404(SessionMaterial.objects.select_related("session"), pk=pk)
        if not services.can_see_join_link(material.session, request.user):
            raise Http404
        suffix = PurePosixPath(material.file.name).suffix.lower()
        filename = f"{slugify(material.title) or 'material'}{suffix}"
        return private_download(material.file, filename=filename)


# The mentor's month ----------------------------------------------------------------------


class SessionMineView(ApprovedMentorRequiredMixin, View):
    def get(self, request):
        today = timezone.localdate()
        return redirect("mentoring:session-month", year=today.year, month=today.month)


class SessionMonthView(ApprovedMentorRequiredMixin, TemplateView):
    """A mentor's own sessions (every status) in a month grid, in their time zone."""

    template_name = "mentoring/trainings/session_month.html"

    def get_context_data(self, **kwargs):
        year, month = kwargs["year"], kwargs["month"]
        # Every month in which a session's start can fall, in some time zone.
        if not (1 <= month <= 12 and EARLIEST_DATE.year - 1 <= year <= LATEST_DATE.year + 1):
            raise Http404
        first = date(year, month, 1)
        following = (first + timedelta(days=32)).replace(day=1)
        previous = (first - timedelta(days=1)).replace(day=1)
        start = timezone.make_aware(datetime.combine(first, time.min))
        end = timezone.make_aware(datetime.combine(following, time.min))
        sessions = TrainingSession.objects.filter(
            host=self.request.user, starts_at__gte=start, starts_at__lt=end
        ).order_by("starts_at", "id")
        by_day = defaultdict(list)
        for session in sessions:
            by_day[timezone.localtime(session.starts_at).date()].append(session)
        weeks = [
            [(day, day.month == month, by_day.get(day, [])) for day in week]
            for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
        ]
        return super().get_context_data(
            month_start=first,
            weeks=weeks,
            month_has_sessions=bool(by_day),
            weekdays=[day for day, _in_month, _sessions in weeks[0]],
            previous_month=previous,
            next_month=following,
            today=timezone.localdate(),
            upcoming=services.upcoming_sessions_for(self.request.user)[:10],
            **kwargs,
        )


# Registration ----------------------------------------------------------------------------


class SessionRegisterView(LoginRequiredMixin, FormView):
    """An owner registers their business; staff may register any business."""

    template_name = "mentoring/trainings/register.html"
    form_class = RegistrationForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        user = request.user
        self.session = session_to_view(user, kwargs["pk"])
        if not (user.is_owner or user.is_staff):
            raise PermissionDenied
        self.business = _owner_business(user)
        if user.is_owner and self.business is None:
            messages.error(request, _("Create your business profile to register."))
            return redirect("umkm:business-create")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_staff": self.request.user.is_staff}

    def get_initial(self):
        user = self.request.user
        return {"attendee_name": user.full_name} if user.is_owner else {}

    def get_context_data(self, **kwargs):
        problem = None
        if self.business is not None:
            problem = services.registration_problem(session=self.session, business=self.business)
        return super().get_context_data(
            session=self.session, business=self.business, problem=problem, **kwargs
        )

    def form_valid(self, form):
        business = form.cleaned_data.get("business") or self.business
        try:
            registration = services.registration_create(
                session=self.session,
                business=business,
                attendee=form.cleaned_data["attendee_name"],
            )
        except AlreadyRegistered as error:  # a double click, a retry: show the registration
            messages.info(self.request, error.messages[0])
            registration = error.instance
            if registration.status in services.SEAT_STATUSES:
                return redirect("mentoring:registration-ticket", pk=registration.pk)
            return redirect(self.session)
        except TrainingError as error:
            _add_error(form, error)
            return self.form_invalid(form)
        if registration.status == RegStatus.CONFIRMED:
            messages.success(self.request, _("The seat is confirmed. Here is the ticket."))
            return redirect("mentoring:registration-ticket", pk=registration.pk)
        messages.warning(
            self.request,
            _("All seats are taken; you are on the waiting list and will be told if one frees."),
        )
        return redirect(self.session)


class RegistrationCancelView(LoginRequiredMixin, View):
    """The owner, the host or staff cancel a registration; the waiting list moves up."""

    def post(self, request, pk):
        registration = registration_to_view(request.user, pk)
        session = registration.session
        try:
            promoted = services.registration_cancel(registration=registration, actor=request.user)
        except TrainingError as error:
            _flash_error(request, error)
        else:
            messages.success(
                request,
                _("The registration of %(name)s is cancelled.")
                % {"name": registration.attendee_name},
            )
            if promoted and request.user.pk != registration.business.owner_id:
                names = ", ".join(r.attendee_name for r in promoted)
                messages.info(
                    request, _("Moved up from the waiting list: %(names)s.") % {"names": names}
                )
        return redirect(safe_next(request, session.get_absolute_url()))


class OwnerRegistrationListView(RoleRequiredMixin, ListView):
    """An owner's registrations: tickets, feedback and certificates in one place."""

    required_role = "owner"
    template_name = "mentoring/trainings/registration_list.html"
    context_object_name = "registrations"
    paginate_by = 30

    def get_queryset(self):
        return (
            Registration.objects.filter(business__owner=self.request.user)
            .select_related("session__host", "business")
            .order_by("-session__starts_at", "-id")
        )


class RegistrationTicketView(LoginRequiredMixin, TemplateView):
    """The ticket with its QR code (the check-in page with the code filled in)."""

    template_name = "mentoring/trainings/ticket.html"

    def get_context_data(self, **kwargs):
        registration = registration_to_view(self.request.user, kwargs["pk"])
        session = registration.session
        context = super().get_context_data(registration=registration, session=session, **kwargs)
        if registration.status in SEAT_STATUSES:
            check_in_url = (
                f"{settings.SITE_URL}{reverse('mentoring:session-check-in', args=[session.pk])}"
                f"?code={registration.ticket_code}"
            )
            qr = segno.make(check_in_url, error="m")
            # segno writes the SVG itself from the URL above: nothing user-typed in it.
            context["qr_svg"] = mark_safe(  # noqa: S308  # nosec B308
                qr.svg_inline(scale=5, border=2, svgclass="ticket-qr", lineclass=None)
            )
            context["show_join_link"] = True
        return context


# Check-in ----------------------------------------------------------------------------


class SessionCheckInView(LoginRequiredMixin, FormView):
    template_name = "mentoring/trainings/check_in.html"
    form_class = CheckInForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.session = session_to_edit(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"code": self.request.GET.get("code", "")[:20]}

    def get_context_data(self, **kwargs):
        registrations = (
            self.session.registrations.exclude(status=RegStatus.CANCELLED)
            .select_related("business")
            .order_by("created_at", "id")
        )
        # The person just checked in (?last=<pk>), with a button to undo it.
        last = self.request.GET.get("last", "")
        just_checked_in = next(
            (r for r in registrations if str(r.pk) == last and r.status == RegStatus.ATTENDED),
            None,
        )
        return super().get_context_data(
            session=self.session,
            registrations=registrations,
            attended=sum(1 for r in registrations if r.status == RegStatus.ATTENDED),
            can_check_in=services.check_in_open(self.session),
            check_in_opens_at=services.check_in_opens_at(self.session),
            check_in_minutes=int(services.CHECK_IN_OPENS_BEFORE.total_seconds() // 60),
            check_in_later=self.session.status == Status.PUBLISHED
            and not services.check_in_open(self.session),
            just_checked_in=just_checked_in,
            can_cancel=self.session.status == Status.PUBLISHED
            and timezone.now() < self.session.starts_at,
            can_mark_done=self.session.status == Status.PUBLISHED
            and self.session.ends_at <= timezone.now(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            registration = services.registration_check_in_by_code(
                session=self.session, code=form.cleaned_data["code"], actor=self.request.user
            )
        except TrainingError as error:
            _add_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(name)s is checked in.") % {"name": registration.attendee_name}
        )
        return _back_to_check_in(self.session.pk, last=registration)


def _back_to_check_in(session_pk: int, *, last: Registration | None = None):
    """The check-in page again (its code field on top and focused), naming the person
    just checked in so that the host can undo it."""
    url = reverse("mentoring:session-check-in", args=[session_pk])
    return redirect(f"{url}?last={last.pk}" if last is not None else url)


class RegistrationCheckInView(LoginRequiredMixin, View):
    """Check one person in from the host's list."""

    def post(self, request, pk):
        registration = get_object_or_404(
            Registration.objects.filter(session__in=selectors.sessions_editable_by(request.user)),
            pk=pk,
        )
        try:
            services.registration_check_in(registration=registration, actor=request.user)
        except TrainingError as error:
            _flash_error(request, error)
            return _back_to_check_in(registration.session_id)
        messages.success(
            request, _("%(name)s is checked in.") % {"name": registration.attendee_name}
        )
        return _back_to_check_in(registration.session_id, last=registration)


class RegistrationCheckInUndoView(LoginRequiredMixin, View):
    """Undo a check-in (the wrong person, a mistyped code): the host and staff."""

    def post(self, request, pk):
        registration = get_object_or_404(
            Registration.objects.filter(session__in=selectors.sessions_editable_by(request.user)),
            pk=pk,
        )
        try:
            services.registration_check_in_undo(registration=registration, actor=request.user)
        except TrainingError as error:
            _flash_error(request, error)
        else:
            messages.success(
                request,
                _("The check-in of %(name)s is undone.") % {"name": registration.attendee_name},
            )
        return _back_to_check_in(registration.session_id)


# After the session: feedback and certificates ----------------------------------------


class RegistrationFeedbackView(LoginRequiredMixin, FormView):
    """The owner of an attendee's business rates the training, once."""

    template_name = "mentoring/trainings/feedback.html"
    form_class = FeedbackForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.registration = get_object_or_404(
                Registration.objects.filter(business__owner=request.user).select_related(
                    "session__host", "business"
                ),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def _can_give(self) -> bool:
        registration = self.registration
        return (
            registration.status == RegStatus.ATTENDED
            and registration.feedback_rating is None
            and registration.session.status != Status.CANCELLED
            and registration.session.ends_at <= timezone.now()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            registration=self.registration,
            session=self.registration.session,
            can_give=self._can_give(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.registration_feedback(
                registration=self.registration,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except TrainingError as error:
            _add_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you for your feedback."))
        return redirect(self.registration.session)


class RegistrationCertificateView(LoginRequiredMixin, View):
    """The PDF certificate of attendance: the attendee's owner, the host, staff."""

    def get(self, request, pk):
        registration = registration_to_view(request.user, pk)
        if not services.certificate_available(registration):
            raise Http404
        code = services.certificate_code_ensure(registration=registration)
        response = HttpResponse(
            certificates.certificate_pdf(registration), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="certificate-{code}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


class CertificateVerifyView(TemplateView):
    """Anyone checks a certificate's code: who attended what, or "not found"."""

    template_name = "mentoring/trainings/certificate_verify.html"

    def get_context_data(self, **kwargs):
        form = CertificateVerifyForm(self.request.GET if "code" in self.request.GET else None)
        context = super().get_context_data(form=form, **kwargs)
        if form.is_bound and form.is_valid():
            registration = services.certificate_find(code=form.cleaned_data["code"])
            context["checked"] = True
            context["result"] = registration
        return context


# Calendar feeds ------------------------------------------------------------------------


class CalendarFeedView(LoginRequiredMixin, TemplateView):
    """Show, create or regenerate (revoking the old one) the private feed link."""

    template_name = "mentoring/trainings/calendar_feed.html"

    def get_context_data(self, **kwargs):
        feed = CalendarFeed.objects.filter(user=self.request.user).first()
        context = super().get_context_data(feed=feed, **kwargs)
        if feed is not None:
            path = reverse("mentoring:calendar-feed-ics", args=[feed.token])
            context["feed_url"] = f"{settings.SITE_URL}{path}"
            context["webcal_url"] = "webcal://" + context["feed_url"].split("://", 1)[1]
        return context

    def post(self, request):
        existed = CalendarFeed.objects.filter(user=request.user).exists()
        services.calendar_feed_regenerate(user=request.user)
        if existed:
            messages.success(request, _("A new link is made; the old link no longer works."))
        else:
            messages.success(request, _("Your calendar link is ready."))
        return redirect("mentoring:calendar-feed")


class CalendarFeedIcsView(View):
    """A private feed, read by calendar apps with the token alone (no sign-in)."""

    def get(self, request, token):
        feed = (
            CalendarFeed.objects.filter(token=token, user__is_active=True)
            .select_related("user")
            .first()
        )
        if feed is None:
            raise Http404
        return _ics_response(
            ical.feed_ics(feed.user), filename="jembatan-trainings.ics", attachment=False
        )
