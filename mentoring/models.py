from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.bounds import (
    LONG_TEXT,
    MAX_SEATS,
    MAX_SESSION_DAYS,
    NOTES_TEXT,
    SHORT_TEXT,
    date_q,
    is_plausible,
    moment_q,
    range_q,
    text_limit,
    validate_plausible_date,
)
from core.constraints import PyCheckConstraint

MAX_MENTEES = 50
MSG_MENTOR_CAPACITY = format_lazy(_("At most {limit} businesses at once."), limit=MAX_MENTEES)
MIN_LOG_HOURS, MAX_LOG_HOURS = Decimal("0.1"), Decimal(24)


def validate_not_future_date(value) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future")


# A mentorship request nobody answered expires this long after it was sent.
EXPIRE_AFTER = timedelta(days=14)


class MentorshipQuerySet(models.QuerySet):
    def active(self):
        """Mentorships in force: the one definition of "an active mentor of this
        business" (DESIGN §3), which every access rule, notification and readiness
        check is built from (``mentoring.selectors``; umkm reaches it through the
        reverse relations ``user.mentorships`` and ``business.mentorships``).

        The mentorship is active and its mentor is still an approved mentor with an
        active account: withdrawing the approval or the account ends the access at once,
        without rewriting the mentorships.
        """
        return self.filter(
            status=Mentorship.Status.ACTIVE,
            mentor__mentor_approved_at__isnull=False,
            mentor__is_active=True,
        )

    def open(self):
        """Requested or active (the lifecycle's open states; at most one per pair)."""
        return self.filter(status__in=OPEN_STATUSES)


class Mentorship(models.Model):
    """A Bandung mentor accompanying one business: requested → active → completed."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ACTIVE = "active", _("active")
        COMPLETED = "completed", _("completed")
        DECLINED = "declined", _("declined")
        EXPIRED = "expired", _("expired")

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        related_name="mentorships",
        limit_choices_to={"role": "mentor"},
    )
    business = models.ForeignKey(
        "umkm.Business",
        verbose_name=_("business"),
        on_delete=models.CASCADE,
        related_name="mentorships",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    message = models.TextField(
        _("message from the owner"),
        blank=True,
        max_length=SHORT_TEXT,
        validators=text_limit(SHORT_TEXT),
    )
    decline_reason = models.TextField(
        _("reason for declining"),
        blank=True,
        max_length=SHORT_TEXT,
        validators=text_limit(SHORT_TEXT),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Staff who assigned the mentor directly."),
    )
    readiness_at_start = models.PositiveSmallIntegerField(
        _("readiness when it started"), null=True, blank=True
    )

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        ordering = ["-requested_at"]
        constraints = [
            # One open (requested or active) mentorship per mentor and business.
            models.UniqueConstraint(
                fields=["mentor", "business"],
                condition=Q(status__in=["requested", "active"]),
                name="mentorship_one_open_per_pair",
            ),
            PyCheckConstraint(
                condition=Q(status__in=["requested", "active", "completed", "declined", "expired"]),
                name="mentorship_status_valid",
            ),
        ]
        indexes = [
            # "Is this user an active mentor of that business?" on every back-office page.
            models.Index(
                fields=["mentor", "business"],
                name="mentorship_active_idx",
                condition=Q(status="active"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.business} ({self.get_status_display()})"


# The open states of a mentorship: asked for, or running.
OPEN_STATUSES = (Mentorship.Status.REQUESTED, Mentorship.Status.ACTIVE)


def validate_topics(value) -> None:
    """A mentor's topics: a list of ``MentorProfile.Topic`` keys, refused with the
    message of the profile form's checkboxes."""
    if not isinstance(value, list) or not all(isinstance(key, str) for key in value):
        raise ValidationError(_("Enter a list of topics."), code="topics_not_a_list")
    for key in value:
        if key not in MentorProfile.Topic.values:
            raise ValidationError(
                _("Select a valid choice. %(value)s is not one of the available choices."),
                code="unknown_topic",  # not a code of the field's own messages
                params={"value": key},
            )


class MentorProfile(models.Model):
    class Topic(models.TextChoices):
        EXPORT = "export", _("Export procedures")
        PACKAGING = "packaging", _("Packaging")
        FOOD_SAFETY = "food_safety", _("Food safety and certification")
        DIGITAL_MARKETING = "digital_marketing", _("Digital marketing")
        PHOTOGRAPHY = "photography", _("Product photography")
        PRICING = "pricing", _("Pricing and costing")
        BRANDING = "branding", _("Branding")
        ENGLISH = "english", _("English for trade")
        FINANCE = "finance", _("Finance")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.CASCADE,
        related_name="mentor_profile",
        limit_choices_to={"role": "mentor"},
    )
    topics = models.JSONField(
        _("expertise topics"),
        default=list,
        validators=[validate_topics],
        help_text=_("Keys of MentorProfile.Topic."),
    )
    bio_id = models.TextField(
        _("bio (Indonesian)"), blank=True, max_length=LONG_TEXT, validators=text_limit(LONG_TEXT)
    )
    bio_en = models.TextField(
        _("bio (English)"), blank=True, max_length=LONG_TEXT, validators=text_limit(LONG_TEXT)
    )
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    city = models.CharField(_("city"), max_length=60, default="Bandung")
    capacity = models.PositiveSmallIntegerField(
        _("maximum active mentees"),
        default=5,
        validators=[MaxValueValidator(MAX_MENTEES, message=MSG_MENTOR_CAPACITY)],
        help_text=_("How many businesses at once."),
    )
    is_paused = models.BooleanField(
        _("paused"), default=False, help_text=_("A paused mentor takes no new businesses.")
    )

    class Meta:
        verbose_name = _("mentor profile")
        verbose_name_plural = _("mentor profiles")
        constraints = [
            PyCheckConstraint(
                condition=Q(capacity__lte=MAX_MENTEES),
                name="mentor_capacity_sane",
                violation_error_message=MSG_MENTOR_CAPACITY,
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class MentoringLog(models.Model):
    """A visit or call the mentor records for one mentorship."""

    class Mode(models.TextChoices):
        VISIT = "visit", _("visit")
        CALL = "call", _("call")
        VIDEO = "video", _("video call")
        CHAT = "chat", _("chat")

    mentorship = models.ForeignKey(
        Mentorship, verbose_name=_("mentorship"), on_delete=models.CASCADE, related_name="logs"
    )
    date = models.DateField(
        _("date"), validators=[validate_plausible_date, validate_not_future_date]
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    duration_hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(MIN_LOG_HOURS), MaxValueValidator(MAX_LOG_HOURS)],
    )
    notes = models.TextField(_("notes"), max_length=NOTES_TEXT, validators=text_limit(NOTES_TEXT))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mentoring log")
        verbose_name_plural = _("mentoring logs")
        ordering = ["-date", "-id"]
        constraints = [
            PyCheckConstraint(
                condition=date_q("date") & range_q("duration_hours", MIN_LOG_HOURS, MAX_LOG_HOURS),
                name="mentoring_log_values_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentorship} · {self.date}"


class ActionItem(models.Model):
    """Something the owner should do, optionally tied to a readiness gap."""

    mentorship = models.ForeignKey(
        Mentorship,
        verbose_name=_("mentorship"),
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    log = models.ForeignKey(
        MentoringLog,
        verbose_name=_("log entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    title = models.CharField(_("what to do"), max_length=200)
    due_on = models.DateField(_("due on"), validators=[validate_plausible_date])
    product = models.ForeignKey(
        "umkm.Product",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="action_items",
    )
    readiness_key = models.CharField(
        _("readiness gap"),
        max_length=30,
        blank=True,
        help_text=_("A checklist item (e.g. hs_code, halal); closing the gap closes the item."),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("overdue reminder sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = [models.F("done_at").asc(nulls_first=True), "due_on", "id"]
        constraints = [
            PyCheckConstraint(condition=date_q("due_on"), name="action_item_due_in_range"),
        ]
        indexes = [
            # The overdue sweep and the dashboards look at open items by due date.
            models.Index(
                fields=["due_on"], name="action_item_open_idx", condition=Q(done_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


MSG_ENDS_AFTER_START = _("The session must end after it starts.")
MSG_DEADLINE_BEFORE_START = _("Registration must close before the session starts.")


class TrainingSessionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=TrainingSession.Status.PUBLISHED)

    def upcoming(self, now=None):
        return self.published().filter(starts_at__gte=now or timezone.now())


class TrainingSession(models.Model):
    class Mode(models.TextChoices):
        ONLINE = "online", _("online")
        OFFLINE = "offline", _("in person")
        HYBRID = "hybrid", _("hybrid")

    class Audience(models.TextChoices):
        ALL = "all", _("every business")
        MENTEES = "mentees", _("only my mentees")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("host"),
        on_delete=models.PROTECT,
        related_name="hosted_sessions",
    )
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=30, choices=MentorProfile.Topic.choices)
    description_id = models.TextField(
        _("description (Indonesian)"),
        blank=True,
        max_length=LONG_TEXT,
        validators=text_limit(LONG_TEXT),
    )
    description_en = models.TextField(
        _("description (English)"),
        blank=True,
        max_length=LONG_TEXT,
        validators=text_limit(LONG_TEXT),
    )
    starts_at = models.DateTimeField(_("starts at"), validators=[validate_plausible_date])
    ends_at = models.DateTimeField(_("ends at"), validators=[validate_plausible_date])
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True)
    join_link = models.URLField(
        _("join link"), blank=True, help_text=_("Shown only to registered participants.")
    )
    capacity = models.PositiveSmallIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(MAX_SEATS)]
    )
    registration_deadline = models.DateTimeField(
        _("registration closes at"), validators=[validate_plausible_date]
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.ALL
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="draft")
    cancel_reason = models.TextField(
        _("reason for cancelling"),
        blank=True,
        max_length=SHORT_TEXT,
        validators=text_limit(SHORT_TEXT),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    sequence = models.PositiveIntegerField(
        _("calendar revision"), default=0, help_text=_("iCalendar SEQUENCE, raised on changes.")
    )

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at"]
        constraints = [
            PyCheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=MSG_ENDS_AFTER_START,
            ),
            PyCheckConstraint(
                condition=Q(registration_deadline__lte=models.F("starts_at")),
                name="session_deadline_before_start",
                violation_error_message=MSG_DEADLINE_BEFORE_START,
            ),
            PyCheckConstraint(
                condition=moment_q("starts_at")
                & moment_q("ends_at")
                & moment_q("registration_deadline"),
                name="session_times_in_range",
            ),
            PyCheckConstraint(
                condition=range_q("capacity", 1, MAX_SEATS), name="session_capacity_range"
            ),
            PyCheckConstraint(
                condition=Q(status__in=["draft", "published", "done", "cancelled"]),
                name="session_status_valid",
            ),
        ]
        indexes = [
            # The public calendar: upcoming published sessions.
            models.Index(
                fields=["starts_at"], name="session_published_idx", condition=Q(status="published")
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("mentoring:session-detail", args=[self.pk])

    def clean(self):
        """The schedule's order, for every door (forms, admin, API, services, seeds);
        times outside the bounds are left to the fields' own message."""
        errors = {}
        starts, ends = self.starts_at, self.ends_at
        deadline = self.registration_deadline
        if is_plausible(starts) and is_plausible(ends):
            if ends <= starts:
                errors["ends_at"] = ValidationError(MSG_ENDS_AFTER_START, code="order")
            elif ends - starts > timedelta(days=MAX_SESSION_DAYS):
                errors["ends_at"] = ValidationError(
                    _("A session lasts at most %(days)s days; check the end date."),
                    code="too_long",
                    params={"days": MAX_SESSION_DAYS},
                )
        if is_plausible(starts) and is_plausible(deadline) and deadline > starts:
            errors["registration_deadline"] = ValidationError(
                MSG_DEADLINE_BEFORE_START, code="order"
            )
        if errors:
            raise ValidationError(errors)


def _private_storage():
    """Materials are for participants only: served by a checked view, never listed."""
    from django.core.files.storage import storages

    return storages["private"]


def material_upload_to(instance, filename: str) -> str:
    return f"trainings/{instance.session_id}/{filename}"


class SessionMaterial(models.Model):
    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to=material_upload_to,
        storage=_private_storage,
        help_text=_("PDF, JPEG or PNG, at most 5 MB."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training material")
        verbose_name_plural = _("training materials")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


def _ticket_code() -> str:
    import secrets

    return secrets.token_hex(5).upper()


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")
        ATTENDED = "attended", _("attended")
        NO_SHOW = "no_show", _("did not come")

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    business = models.ForeignKey(
        "umkm.Business",
        verbose_name=_("business"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    attendee_name = models.CharField(_("attendee"), max_length=150)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    ticket_code = models.CharField(
        _("ticket code"), max_length=12, unique=True, default=_ticket_code
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    feedback_rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    feedback_comment = models.TextField(
        _("feedback"), blank=True, max_length=SHORT_TEXT, validators=text_limit(SHORT_TEXT)
    )
    certificate_code = models.CharField(
        _("certificate code"), max_length=20, blank=True, db_index=True
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            # One live registration per business and session (cancelled ones may repeat).
            models.UniqueConstraint(
                fields=["session", "business"],
                condition=~Q(status="cancelled"),
                name="registration_one_per_business",
            ),
            PyCheckConstraint(
                condition=Q(
                    status__in=["confirmed", "waitlisted", "cancelled", "attended", "no_show"]
                ),
                name="registration_status_valid",
            ),
            PyCheckConstraint(
                condition=Q(feedback_rating__isnull=True)
                | Q(feedback_rating__gte=1, feedback_rating__lte=5),
                name="registration_rating_range",
            ),
        ]
        indexes = [
            # Seat counting and the waitlist order within one session.
            models.Index(fields=["session", "status", "created_at"], name="registration_seat_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.attendee_name} · {self.session}"


class CalendarFeed(models.Model):
    """A private, revocable token for a person's iCalendar feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} feed"
