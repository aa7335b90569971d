from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import URLField
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_services import ServiceAdminMixin, WrittenOnTheSiteMixin, mirror_saved
from core.admin_uploads import checked_uploads_form
from core.uploads import clean_document_upload

from . import services
from .forms.trainings import CancelSessionForm
from .models import (
    ActionItem,
    CalendarFeed,
    MentoringLog,
    MentorProfile,
    Mentorship,
    Registration,
    SessionMaterial,
    TrainingSession,
)
from .services.trainings import EDITABLE_FIELDS, PLACE_FIELDS


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    """The lifecycle is changed through the services (the actions and the staff
    "assign a mentor" page), so the status fields are read-only here."""

    list_display = ["business", "mentor", "status", "requested_at", "started_at"]
    list_filter = ["status"]
    search_fields = ["business__name", "mentor__email", "mentor__full_name"]
    raw_id_fields = ["mentor", "business"]
    list_select_related = ["business", "mentor"]
    readonly_fields = [
        "mentor",
        "business",
        "status",
        "requested_at",
        "started_at",
        "ended_at",
        "reminded_at",
        "assigned_by",
        "readiness_at_start",
    ]
    actions = ["complete_selected"]

    def has_add_permission(self, request):
        return False  # staff use "Assign a mentor" (mentoring:mentorship-assign)

    @admin.action(description=_("Complete the selected active mentorships"))
    def complete_selected(self, request, queryset):
        done = 0
        for mentorship in queryset:
            if mentorship.status != Mentorship.Status.ACTIVE:
                continue  # only a running mentorship can be completed
            try:
                services.mentorship_complete(mentorship=mentorship, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)
            else:
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d mentorship completed.", "%(count)d mentorships completed.", done)
            % {"count": done},
            messages.SUCCESS,
        )


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "city", "capacity", "is_paused"]
    list_filter = ["is_paused", "city"]
    search_fields = ["user__email", "user__full_name", "organisation"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]


class ActionItemInline(WrittenOnTheSiteMixin, admin.TabularInline):
    model = ActionItem
    fields = ["title", "due_on", "readiness_key", "done_at"]
    readonly_fields = ["done_at"]  # ticked through the service (the action items page)
    extra = 0
    show_change_link = True


@admin.register(MentoringLog)
class MentoringLogAdmin(WrittenOnTheSiteMixin, admin.ModelAdmin):
    list_display = ["mentorship", "date", "mode", "duration_hours"]
    list_filter = ["mode", "date"]
    search_fields = ["mentorship__business__name", "mentorship__mentor__full_name", "notes"]
    raw_id_fields = ["mentorship"]
    list_select_related = ["mentorship__business", "mentorship__mentor"]
    date_hierarchy = "date"
    inlines = [ActionItemInline]


class OpenFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("open")), ("done", _("done"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(done_at__isnull=True)
        if self.value() == "done":
            return queryset.filter(done_at__isnull=False)
        return queryset


@admin.register(ActionItem)
class ActionItemAdmin(WrittenOnTheSiteMixin, admin.ModelAdmin):
    list_display = ["title", "mentorship", "due_on", "readiness_key", "done_at"]
    list_filter = [OpenFilter, "readiness_key"]
    search_fields = ["title", "mentorship__business__name"]
    raw_id_fields = ["mentorship", "log", "product"]
    list_select_related = ["mentorship__business", "mentorship__mentor"]
    readonly_fields = ["done_at", "reminded_at"]
    date_hierarchy = "due_on"
    actions = ["mark_done"]

    @admin.action(description=_("Mark the selected action items as done"))
    def mark_done(self, request, queryset):
        done = 0
        for item in queryset.filter(done_at__isnull=True).select_related("mentorship__business"):
            try:
                done += services.action_item_mark_done(item=item, actor=request.user)
            except ValidationError as error:
                self.message_user(request, f"{item}: {' '.join(error.messages)}", messages.WARNING)
        self.message_user(
            request,
            ngettext(
                "%(count)d action item marked done.", "%(count)d action items marked done.", done
            )
            % {"count": done},
            messages.SUCCESS,
        )


# Trainings -----------------------------------------------------------------------------


class RegistrationInline(admin.TabularInline):
    """Seats change only through the services (locking, waiting list, notifications)."""

    model = Registration
    extra = 0
    fields = [
        "business",
        "attendee_name",
        "status",
        "ticket_code",
        "created_at",
        "checked_in_at",
        "feedback_rating",
        "certificate_code",
    ]
    readonly_fields = [
        "business",
        "status",
        "ticket_code",
        "created_at",
        "checked_in_at",
        "feedback_rating",
        "certificate_code",
    ]
    ordering = ["created_at", "id"]
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


REGISTRANTS_TOLD = _("The session is saved; everyone registered is told of the change.")


@admin.register(TrainingSession)
class TrainingSessionAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Sessions change through the services, as on the site: a new one is a draft of
    an approved mentor (``session_create``); a change goes through ``session_update``
    (a published session's new time or place tells the registrants and raises the
    calendar SEQUENCE; seats already taken cannot be taken away). The workflow
    (publish, cancel, done) runs through the actions here and the session's pages;
    the status is read-only, and the host stays."""

    list_display = ["title", "host", "starts_at", "mode", "city", "capacity", "status"]
    list_filter = ["status", "mode", "topic", "audience"]
    search_fields = ["title", "city", "venue", "host__email", "host__full_name"]
    raw_id_fields = ["host"]
    list_select_related = ["host"]
    date_hierarchy = "starts_at"
    readonly_fields = ["status", "cancel_reason", "sequence", "created_at", "updated_at"]
    inlines = [RegistrationInline]
    actions = ["publish_sessions", "cancel_sessions", "mark_sessions_done"]
    formfield_overrides = {URLField: {"assume_scheme": "https"}}

    def has_delete_permission(self, request, obj=None):
        """A session people registered for is cancelled (the action tells them), never
        deleted; one nobody registered for may go."""
        if obj is not None and obj.registrations.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # the bulk delete would skip the check above
        return actions

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("host")
        return fields

    def save_model(self, request, obj, form, change):
        editable = EDITABLE_FIELDS
        if not change:
            values = {name: form.cleaned_data[name] for name in form.fields if name in editable}
            saved = services.session_create(host=form.cleaned_data["host"], **values)
        else:
            changed = {n: form.cleaned_data[n] for n in form.changed_data if n in editable}
            published = obj.status == TrainingSession.Status.PUBLISHED
            saved = services.session_update(session=obj, editor=request.user, **changed)
            if published and changed.keys() & PLACE_FIELDS:
                self.message_user(request, REGISTRANTS_TOLD, messages.INFO)
        mirror_saved(obj, saved)

    def _run(self, request, queryset, step, done_message) -> None:
        count = 0
        for session in queryset:
            try:
                step(session=session, actor=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{session}: {' '.join(error.messages)}", messages.WARNING
                )
            else:
                count += 1
        if count:
            self.message_user(request, done_message(count), messages.SUCCESS)

    @admin.action(description=_("Publish the selected drafts"))
    def publish_sessions(self, request, queryset):
        self._run(
            request,
            queryset,
            services.session_publish,
            lambda n: (
                ngettext("%(n)d session published.", "%(n)d sessions published.", n) % {"n": n}
            ),
        )

    @admin.action(description=_("Cancel the selected sessions (asks for a reason)"))
    def cancel_sessions(self, request, queryset):
        """``session_cancel`` with the reason the registrants are sent, asked first."""
        form = CancelSessionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._run(
                request,
                queryset,
                lambda session, actor: services.session_cancel(
                    session=session, actor=actor, reason=reason
                ),
                lambda n: (
                    ngettext(
                        "%(n)d session cancelled; registrants are told.",
                        "%(n)d sessions cancelled; registrants are told.",
                        n,
                    )
                    % {"n": n}
                ),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Cancel training sessions"),
            "opts": self.model._meta,
            "sessions": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/mentoring/trainingsession/cancel_selected.html", context
        )

    @admin.action(description=_("Mark the selected sessions as done"))
    def mark_sessions_done(self, request, queryset):
        self._run(
            request,
            queryset,
            services.session_mark_done,
            lambda n: (
                ngettext("%(n)d session marked done.", "%(n)d sessions marked done.", n) % {"n": n}
            ),
        )


@admin.register(SessionMaterial)
class SessionMaterialAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Added and removed through the services, as on the session's page (a cancelled
    session takes no materials; a removed file leaves the store)."""

    form = checked_uploads_form(file=clean_document_upload)
    list_display = ["title", "session", "created_at"]
    search_fields = ["title", "session__title"]
    raw_id_fields = ["session"]
    list_select_related = ["session"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        saved = services.material_add(
            session=form.cleaned_data["session"],
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
        )
        mirror_saved(obj, saved)

    def delete_model(self, request, obj):
        services.material_delete(material=obj)

    def delete_queryset(self, request, queryset):
        for material in queryset:
            services.material_delete(material=material)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Staff can revoke a leaked feed by deleting it; the token itself is not shown."""

    list_display = ["user", "created_at"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]
    exclude = ["token"]

    def has_add_permission(self, request):
        return False
