from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from umkm.images import clean_document_upload
from umkm.uploads import checked_uploads_form

from . import services
from .models import ActionItem, MentoringLog, MentorProfile, Mentorship


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


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    fields = ["title", "due_on", "readiness_key", "done_at"]
    extra = 0
    show_change_link = True


@admin.register(MentoringLog)
class MentoringLogAdmin(admin.ModelAdmin):
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
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "mentorship", "due_on", "readiness_key", "done_at"]
    list_filter = [OpenFilter, "readiness_key"]
    search_fields = ["title", "mentorship__business__name"]
    raw_id_fields = ["mentorship", "log", "product"]
    list_select_related = ["mentorship__business", "mentorship__mentor"]
    readonly_fields = ["reminded_at"]
    date_hierarchy = "due_on"


# Trainings -----------------------------------------------------------------------------

from django.db.models import URLField  # noqa: E402

from .models import CalendarFeed, Registration, SessionMaterial, TrainingSession  # noqa: E402


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


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    """The workflow (publish, cancel, done) runs through the services: the actions here
    and the session's pages; the status is read-only."""

    list_display = ["title", "host", "starts_at", "mode", "city", "capacity", "status"]
    list_filter = ["status", "mode", "topic", "audience"]
    search_fields = ["title", "city", "venue", "host__email", "host__full_name"]
    raw_id_fields = ["host"]
    list_select_related = ["host"]
    date_hierarchy = "starts_at"
    readonly_fields = ["status", "cancel_reason", "sequence", "created_at", "updated_at"]
    inlines = [RegistrationInline]
    actions = ["publish_sessions", "mark_sessions_done"]
    formfield_overrides = {URLField: {"assume_scheme": "https"}}

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
class SessionMaterialAdmin(admin.ModelAdmin):
    form = checked_uploads_form(file=clean_document_upload)
    list_display = ["title", "session", "created_at"]
    search_fields = ["title", "session__title"]
    raw_id_fields = ["session"]
    list_select_related = ["session"]


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
