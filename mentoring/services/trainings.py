"""Training sessions, registrations, attendance and certificates.

The session workflow (draft → published → done, or cancelled) and the seat rules live
here and only here. Every write that changes a session or its seats locks the session
row first (``select_for_update``), then checks and counts, then writes, in one
transaction (pretix-style), so parallel registrations never sell more seats than there
are and a waiting-list promotion never races a new registration. Notifications are
written in the same transaction through ``notification_create``.

The scoping helpers at the end decide who may see or touch which session and
registration; every view and feed goes through them, so another user's object is a 404.
"""

from __future__ import annotations

import base64
import re
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.formatting import format_datetime
from core.idempotency import AlreadySubmitted
from notifications.models import Notification
from notifications.services import batched_delivery, notification_create
from umkm.models import Business

from ..models import (
    CalendarFeed,
    Mentorship,
    Registration,
    SessionMaterial,
    TrainingSession,
)
from ..selectors import is_active_mentor

__all__ = [
    "AlreadyRegistered",
    "TrainingError",
    "calendar_feed_regenerate",
    "can_see_join_link",
    "certificate_available",
    "certificate_code_ensure",
    "certificate_find",
    "material_add",
    "material_delete",
    "registration_cancel",
    "registration_check_in",
    "registration_check_in_by_code",
    "registration_create",
    "registration_feedback",
    "registration_problem",
    "session_cancel",
    "session_create",
    "session_mark_done",
    "session_publish",
    "session_update",
    "trainings_sweep",
    "upcoming_sessions_for",
]

Status = TrainingSession.Status
RegStatus = Registration.Status

# Registrations that hold a seat, and those that are still "in" (a seat or a place in
# the queue).
SEAT_STATUSES = (RegStatus.CONFIRMED, RegStatus.ATTENDED)
LIVE_STATUSES = (RegStatus.CONFIRMED, RegStatus.WAITLISTED)
# Changing one of these on a published session tells the registrants.
PLACE_FIELDS = frozenset({"starts_at", "ends_at", "mode", "venue", "city", "join_link"})
# Changing one of these on a published session raises the iCalendar SEQUENCE.
SEQUENCE_FIELDS = PLACE_FIELDS | {"title", "description_id", "description_en"}
# What the host (or staff) may set on a session, in the order the forms show it.
SESSION_FIELDS = (
    "title",
    "topic",
    "description_id",
    "description_en",
    "starts_at",
    "ends_at",
    "mode",
    "venue",
    "city",
    "join_link",
    "capacity",
    "registration_deadline",
    "audience",
)
EDITABLE_FIELDS = frozenset(SESSION_FIELDS)
# Reminder thresholds: key, how long before the start, the words for "when".
REMINDERS = (
    ("1h", timedelta(hours=1), _("within the hour")),
    ("24h", timedelta(hours=24), _("within 24 hours")),
)

MSG_ALREADY_REGISTERED = _("Your business is already registered for this session.")


class TrainingError(ValidationError):
    """The session or registration is not in a state that allows this step."""


class AlreadyRegistered(AlreadySubmitted, TrainingError):
    """The business already holds a live registration for the session: ``instance``.

    (session, business) is the registration's idempotency key: a double click, a retry
    or a parallel request finds the first registration instead of an error.
    """

    def __init__(self, registration: Registration):
        super().__init__(MSG_ALREADY_REGISTERED, instance=registration, code="duplicate")


# Small helpers -----------------------------------------------------------------------


def _lock_session(pk: int) -> TrainingSession:
    """The session row, locked until the end of the transaction (seat changes)."""
    return TrainingSession.objects.select_for_update().get(pk=pk)


def _seats_taken(session: TrainingSession) -> int:
    return Registration.objects.filter(session=session, status__in=SEAT_STATUSES).count()


def _local_datetime(value: datetime, user) -> str:
    """``value`` written in ``user``'s time zone and language, e.g. 6 Jan 2025, 09:00 WIB."""
    with translation.override(user.language):
        return format_datetime(value, user.timezone)


def _notify_registrant(registration: Registration, kind: str, **extra) -> Notification | None:
    session, business = registration.session, registration.business
    owner = business.owner
    context = {
        "session": session.title,
        "date": _local_datetime(session.starts_at, owner),
        "business": business.name,
        "attendee": registration.attendee_name,
        "reason": session.cancel_reason,
        "when": extra.pop("when", ""),
    }
    return notification_create(
        recipient=owner,
        kind=kind,
        context=context,
        url=extra.pop("url", session.get_absolute_url()),
        dedupe_key=extra.pop("dedupe_key", ""),
    )


def _notify_live_registrants(session: TrainingSession, kind: str) -> int:
    registrations = (
        Registration.objects.filter(session=session, status__in=LIVE_STATUSES)
        .select_related("business__owner")
        .order_by("created_at", "id")
    )
    count = 0
    with batched_delivery():  # everyone registered is told: one task per 50 emails
        for registration in registrations:
            registration.session = session
            if _notify_registrant(registration, kind):
                count += 1
    return count


def _validate_schedule(session: TrainingSession, *, now: datetime, require_future: bool) -> None:
    """The model's rules (bounds of every time, their order: ``full_clean``) and, for a
    new start, the workflow's own: it lies in the future. One ``TrainingError`` with
    every problem."""
    errors: dict[str, list] = {}
    try:
        session.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if require_future and "starts_at" not in errors and session.starts_at <= now:
        errors.setdefault("starts_at", []).append(
            ValidationError(_("The session must start in the future."), code="past")
        )
    if errors:
        raise TrainingError(errors)


def _validate_place(session: TrainingSession) -> None:
    """An in-person or hybrid session says where it is."""
    if session.mode not in (TrainingSession.Mode.OFFLINE, TrainingSession.Mode.HYBRID):
        return
    errors: dict[str, list] = {}
    if not (session.venue or "").strip():
        errors["venue"] = [_("Give the venue of an in-person or hybrid session.")]
    if not (session.city or "").strip():
        errors["city"] = [_("Give the city of an in-person or hybrid session.")]
    if errors:
        raise TrainingError(errors)


def _certificate_code() -> str:
    """80 random bits as 16 base32 characters in groups: ABCD-EFGH-IJKL-MNOP."""
    raw = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _normalise_code(code: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", code or "").upper()


# Sessions ----------------------------------------------------------------------------


def session_create(*, host, now: datetime | None = None, **fields) -> TrainingSession:
    """A new draft hosted by ``host`` (an approved mentor)."""
    if not host.is_approved_mentor:
        raise TrainingError(_("Only approved mentors can host trainings."))
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"session_create() got unexpected fields: {sorted(unknown)}")
    session = TrainingSession(host=host, status=Status.DRAFT, **fields)
    _validate_schedule(session, now=now or timezone.now(), require_future=True)
    _validate_place(session)
    session.save()
    return session


def session_update(
    *, session: TrainingSession, editor, now: datetime | None = None, **fields
) -> TrainingSession:
    """Change a draft or published session.

    On a published session a new time or place raises the calendar SEQUENCE and tells
    the registrants; more seats move people up from the waiting list, fewer seats than
    are already taken are refused.
    """
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"session_update() got unexpected fields: {sorted(unknown)}")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_session(session.pk)
        if locked.status not in (Status.DRAFT, Status.PUBLISHED):
            raise TrainingError(_("A session that is done or cancelled can no longer be edited."))
        changed = {name for name, value in fields.items() if getattr(locked, name) != value}
        if not changed:
            return locked
        old_capacity = locked.capacity
        for name in changed:
            setattr(locked, name, fields[name])
        _validate_schedule(locked, now=now, require_future="starts_at" in changed)
        if changed & {"mode", "venue", "city"}:
            _validate_place(locked)
        published = locked.status == Status.PUBLISHED
        if published and "capacity" in changed and locked.capacity < old_capacity:
            taken = _seats_taken(locked)
            if locked.capacity < taken:
                raise TrainingError(
                    {
                        "capacity": [
                            ValidationError(
                                _("%(taken)s seats are already taken; keep at least that many."),
                                params={"taken": taken},
                            )
                        ]
                    }
                )
        update_fields = [*sorted(changed), "updated_at"]
        if published and changed & SEQUENCE_FIELDS:
            locked.sequence += 1
            update_fields.append("sequence")
        locked.save(update_fields=update_fields)
        if published and locked.capacity > old_capacity and locked.starts_at > now:
            _fill_seats(locked)
        if published and changed & PLACE_FIELDS:
            _notify_live_registrants(locked, "training_changed")
    return locked


def session_publish(
    *, session: TrainingSession, actor, now: datetime | None = None
) -> TrainingSession:
    """Draft → published; tells the host's active mentees."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_session(session.pk)
        if locked.status != Status.DRAFT:
            raise TrainingError(_("Only a draft can be published."), code="transition")
        if locked.starts_at <= now:
            raise TrainingError(
                _("This session has already started; move it to a later time first.")
            )
        if locked.registration_deadline <= now:
            raise TrainingError(
                _("The registration deadline has passed; set a later one before publishing.")
            )
        locked.status = Status.PUBLISHED
        locked.save(update_fields=["status", "updated_at"])
        mentees = Business.objects.filter(
            pk__in=Mentorship.objects.active().filter(mentor_id=locked.host_id).values("business")
        ).select_related("owner")
        for business in mentees:
            owner = business.owner
            notification_create(
                recipient=owner,
                kind="training_published",
                context={
                    "session": locked.title,
                    "date": _local_datetime(locked.starts_at, owner),
                    "business": business.name,
                },
                url=locked.get_absolute_url(),
                dedupe_key=f"training-published:{locked.pk}",
            )
    return locked


def session_cancel(
    *, session: TrainingSession, actor, reason: str, now: datetime | None = None
) -> TrainingSession:
    """Draft or published → cancelled with a reason; tells confirmed and waitlisted people.

    Registrations keep their status, so the session stays (as cancelled) in their
    calendar feeds.
    """
    reason = (reason or "").strip()
    if not reason:
        raise TrainingError({"reason": [_("Give a reason for cancelling.")]})
    with transaction.atomic():
        locked = _lock_session(session.pk)
        if locked.status not in (Status.DRAFT, Status.PUBLISHED):
            raise TrainingError(
                _("Only a draft or published session can be cancelled."), code="transition"
            )
        was_published = locked.status == Status.PUBLISHED
        locked.status = Status.CANCELLED
        locked.cancel_reason = reason
        update_fields = ["status", "cancel_reason", "updated_at"]
        if was_published:
            locked.sequence += 1
            update_fields.append("sequence")
        locked.save(update_fields=update_fields)
        _notify_live_registrants(locked, "training_cancelled")
    return locked


def session_mark_done(
    *, session: TrainingSession, actor, now: datetime | None = None
) -> TrainingSession:
    """Published and ended → done: confirmed people who never checked in become no-shows,
    attendees get a certificate code and are told their certificate is ready."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_session(session.pk)
        if locked.status != Status.PUBLISHED:
            raise TrainingError(
                _("Only a published session can be marked as done."), code="transition"
            )
        if locked.ends_at > now:
            raise TrainingError(_("The session has not ended yet."))
        Registration.objects.filter(session=locked, status=RegStatus.CONFIRMED).update(
            status=RegStatus.NO_SHOW
        )
        locked.status = Status.DONE
        locked.save(update_fields=["status", "updated_at"])
        attendees = Registration.objects.filter(
            session=locked, status=RegStatus.ATTENDED
        ).select_related("business__owner")
        for registration in attendees:
            registration.session = locked
            certificate_code_ensure(registration=registration, now=now)
            _notify_registrant(
                registration,
                "attendance_certificate_ready",
                dedupe_key=f"training-certificate:{registration.pk}",
            )
    return locked


def material_add(*, session: TrainingSession, title: str, file) -> SessionMaterial:
    """Attach a checked document (``core.uploads.clean_document_upload``) to a session."""
    if session.status == Status.CANCELLED:
        raise TrainingError(_("A cancelled session takes no materials."))
    material = SessionMaterial(session=session, title=title.strip())
    material.file.save(file.name, file, save=False)
    material.save()
    return material


def material_delete(*, material: SessionMaterial) -> None:
    storage, name = material.file.storage, material.file.name
    material.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# Registrations -----------------------------------------------------------------------


def _check_registration_open(
    session: TrainingSession, business: Business | None, now: datetime
) -> None:
    if session.status == Status.CANCELLED:
        raise TrainingError(_("This session was cancelled."), code="closed")
    if session.status == Status.DONE:
        raise TrainingError(_("This session has already taken place."), code="closed")
    if session.status != Status.PUBLISHED:
        raise TrainingError(_("This session is not open for registration."), code="closed")
    if now >= session.starts_at:
        raise TrainingError(
            _("This session has already started; registration is closed."), code="closed"
        )
    if now >= session.registration_deadline:
        raise TrainingError(_("Registration for this session has closed."), code="closed")
    mentees_only = session.audience == TrainingSession.Audience.MENTEES
    if (
        mentees_only
        and business is not None
        and not is_active_mentor(user=session.host, business=business)
    ):
        raise TrainingError(
            _("This session is only for businesses mentored by %(host)s."),
            code="audience",
            params={"host": session.host},
        )


def registration_problem(
    *, session: TrainingSession, business: Business | None, now: datetime | None = None
) -> str | None:
    """Why ``business`` cannot register now (a message), or None if it can.

    Without a business (staff choosing one later) the audience is not checked.
    """
    try:
        _check_registration_open(session, business, now or timezone.now())
    except TrainingError as error:
        return error.messages[0]
    return None


def _create_registration(
    *, session: TrainingSession, business: Business, attendee: str, status: str, now: datetime
) -> Registration:
    for _attempt in range(3):
        try:
            with transaction.atomic():  # a savepoint: the caller's transaction survives
                return Registration.objects.create(
                    session=session,
                    business=business,
                    attendee_name=attendee,
                    status=status,
                    created_at=now,  # the waiting-list order follows the same clock
                )
        except IntegrityError:
            live = Registration.objects.filter(session=session, business=business).exclude(
                status=RegStatus.CANCELLED
            )
            if (earlier := live.first()) is not None:
                raise AlreadyRegistered(earlier) from None
            # Otherwise the random ticket code collided: draw another one.
    raise TrainingError(_("Please try again."))  # pragma: no cover - 40-bit codes


def registration_create(
    *, session: TrainingSession, business: Business, attendee: str, now: datetime | None = None
) -> Registration:
    """Register ``business`` with the name of the person who comes.

    Confirmed while seats remain, then waitlisted in order. The session row is locked
    before the seats are counted, so parallel requests are served one after another.
    A business already registered gets ``AlreadyRegistered`` with its registration.
    """
    attendee = (attendee or "").strip()
    if not attendee:
        raise TrainingError({"attendee_name": [_("Enter the name of the person who comes.")]})
    given = now
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_session(session.pk)
        # Stamped after the lock, so the waiting list follows the order of the seats
        # (an explicit ``now`` is for back-filled demo data and tests).
        stamp = given or timezone.now()
        _check_registration_open(locked, business, now)
        live = Registration.objects.filter(session=locked, business=business).exclude(
            status=RegStatus.CANCELLED
        )
        if (earlier := live.first()) is not None:
            raise AlreadyRegistered(earlier)
        taken = _seats_taken(locked)
        status = RegStatus.CONFIRMED if taken < locked.capacity else RegStatus.WAITLISTED
        registration = _create_registration(
            session=locked, business=business, attendee=attendee, status=status, now=stamp
        )
        registration.session = locked
        registration.business = business
        if status == RegStatus.CONFIRMED:
            _notify_registrant(
                registration,
                "training_registered",
                url=reverse("mentoring:registration-ticket", args=[registration.pk]),
            )
        else:
            _notify_registrant(registration, "training_waitlisted")
    return registration


def _fill_seats(session: TrainingSession) -> list[Registration]:
    """Promote the first waitlisted registrations into free seats (session row locked)."""
    free = session.capacity - _seats_taken(session)
    if free <= 0:
        return []
    waiting = list(
        Registration.objects.filter(session=session, status=RegStatus.WAITLISTED)
        .select_related("business__owner")
        .order_by("created_at", "id")[:free]
    )
    for registration in waiting:
        registration.status = RegStatus.CONFIRMED
        registration.save(update_fields=["status"])
        registration.session = session
        _notify_registrant(
            registration,
            "training_promoted",
            url=reverse("mentoring:registration-ticket", args=[registration.pk]),
        )
    return waiting


def registration_cancel(
    *, registration: Registration, actor, now: datetime | None = None
) -> list[Registration]:
    """Cancel a confirmed or waitlisted registration before the session starts.

    A freed seat goes to the first person on the waiting list, who is told. Returns the
    promoted registrations.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_session(registration.session_id)
        current = Registration.objects.get(pk=registration.pk)
        if current.status not in LIVE_STATUSES:
            raise TrainingError(_("This registration is no longer active."))
        if locked.status != Status.PUBLISHED or now >= locked.starts_at:
            raise TrainingError(_("Registrations can only be cancelled before the session starts."))
        was_confirmed = current.status == RegStatus.CONFIRMED
        current.status = RegStatus.CANCELLED
        current.save(update_fields=["status"])
        registration.status = current.status
        promoted = _fill_seats(locked) if was_confirmed else []
    return promoted


def registration_check_in(
    *, registration: Registration, actor, now: datetime | None = None
) -> Registration:
    """Confirmed → attended, with the time of check-in."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_session(registration.session_id)
        if locked.status != Status.PUBLISHED:
            raise TrainingError(_("Check-in is only possible for a published session."))
        updated = Registration.objects.filter(
            pk=registration.pk, session=locked, status=RegStatus.CONFIRMED
        ).update(status=RegStatus.ATTENDED, checked_in_at=now)
        current = Registration.objects.get(pk=registration.pk)
        if not updated:
            params = {"name": current.attendee_name}
            if current.status == RegStatus.ATTENDED:
                raise TrainingError(_("%(name)s is already checked in."), params=params)
            if current.status == RegStatus.WAITLISTED:
                raise TrainingError(
                    _("%(name)s is on the waiting list and has no seat."), params=params
                )
            raise TrainingError(_("The registration of %(name)s is not active."), params=params)
    registration.status, registration.checked_in_at = current.status, current.checked_in_at
    return registration


def registration_check_in_by_code(
    *, session: TrainingSession, code: str, actor, now: datetime | None = None
) -> Registration:
    registration = Registration.objects.filter(
        session=session, ticket_code=_normalise_code(code)
    ).first()
    if registration is None:
        raise TrainingError(
            {"code": [_("No ticket with this code is registered for this session.")]}
        )
    return registration_check_in(registration=registration, actor=actor, now=now)


def registration_feedback(
    *, registration: Registration, rating: int, comment: str = "", now: datetime | None = None
) -> Registration:
    """An attendee's rating (1–5) and comment, once, after the session ended."""
    now = now or timezone.now()
    if rating not in range(1, 6):
        raise TrainingError({"rating": [_("Choose a rating from 1 to 5.")]})
    session = registration.session
    if registration.status != RegStatus.ATTENDED or session.status == Status.CANCELLED:
        raise TrainingError(_("Only attendees can leave feedback."))
    if now < session.ends_at:
        raise TrainingError(_("Feedback opens when the session has ended."))
    comment = (comment or "").strip()[:2000]
    updated = Registration.objects.filter(
        pk=registration.pk, status=RegStatus.ATTENDED, feedback_rating__isnull=True
    ).update(feedback_rating=rating, feedback_comment=comment)
    if not updated:
        raise TrainingError(_("Feedback for this session was already given."), code="once")
    registration.feedback_rating, registration.feedback_comment = rating, comment
    return registration


def certificate_available(registration: Registration, *, now: datetime | None = None) -> bool:
    session = registration.session
    return (
        registration.status == RegStatus.ATTENDED
        and session.status in (Status.PUBLISHED, Status.DONE)
        and session.ends_at <= (now or timezone.now())
    )


def certificate_code_ensure(*, registration: Registration, now: datetime | None = None) -> str:
    """The verification code of an attendee's certificate, drawn the first time."""
    if not certificate_available(registration, now=now):
        raise TrainingError(_("A certificate is issued to attendees after the session."))
    if not registration.certificate_code:
        Registration.objects.filter(pk=registration.pk, certificate_code="").update(
            certificate_code=_certificate_code()
        )
        registration.refresh_from_db(fields=["certificate_code"])
    return registration.certificate_code


def certificate_find(*, code: str) -> Registration | None:
    """The attendance a public verification code stands for, or None."""
    raw = _normalise_code(code)
    if len(raw) != 16:
        return None
    grouped = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
    return (
        Registration.objects.filter(certificate_code=grouped, status=RegStatus.ATTENDED)
        .select_related("business", "session__host")
        .first()
    )


# Calendar feed -----------------------------------------------------------------------


def calendar_feed_regenerate(*, user) -> CalendarFeed:
    """A new private feed token; the previous one stops working at once."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


# Reminders (periodic sweep) ----------------------------------------------------------


def trainings_sweep(*, now: datetime | None = None) -> int:
    """Remind confirmed registrants 24 hours and 1 hour before the start.

    Run every few minutes by celery beat. A reminder a late sweep missed is still sent
    while the session has not started; with less than an hour left only the 1-hour one
    goes out. The dedupe key (registration, threshold, start time) makes every reminder
    go out once, and again only if the session moved. Returns how many were written.
    """
    now = now or timezone.now()
    longest = max(delta for _key, delta, _when in REMINDERS)
    due = (
        Registration.objects.filter(
            status=RegStatus.CONFIRMED,
            session__status=Status.PUBLISHED,
            session__starts_at__gt=now,
            session__starts_at__lte=now + longest,
        )
        .select_related("session", "business__owner")
        .order_by("session__starts_at", "id")
    )
    planned = []
    for registration in due:
        left = registration.session.starts_at - now
        key, _delta, when = next(r for r in REMINDERS if left <= r[1])
        stamp = int(registration.session.starts_at.timestamp())
        planned.append((registration, when, f"training-reminder:{registration.pk}:{key}:{stamp}"))
    already = set(
        Notification.objects.filter(
            dedupe_key__in=[dedupe for _r, _w, dedupe in planned]
        ).values_list("dedupe_key", flat=True)
    )
    written = 0
    with batched_delivery():  # a session's reminders leave together
        for registration, when, dedupe in planned:
            if dedupe in already:
                continue
            with transaction.atomic():
                if _notify_registrant(
                    registration,
                    "training_reminder",
                    when=when,
                    dedupe_key=dedupe,
                    url=reverse("mentoring:registration-ticket", args=[registration.pk]),
                ):
                    written += 1
    return written


def can_see_join_link(
    session: TrainingSession, user, registration: Registration | None = None
) -> bool:
    """The host, staff, and the owner of a business with a seat (confirmed or attended).

    ``registration`` is the viewer's business's registration, if the caller has it.
    """
    if not user.is_authenticated:
        return False
    if user.is_staff or session.host_id == user.pk:
        return True
    if not user.is_owner:
        return False
    if registration is None:
        return Registration.objects.filter(
            session=session, business__owner=user, status__in=SEAT_STATUSES
        ).exists()
    return registration.business.owner_id == user.pk and registration.status in SEAT_STATUSES


def upcoming_sessions_for(user, *, now: datetime | None = None) -> QuerySet[TrainingSession]:
    """The next sessions of ``user``, soonest first.

    A mentor: the drafts and published sessions they host. An owner: the published
    sessions their business holds a seat or a waiting-list place for. Others: none.
    Sessions that have started but not ended still count.
    """
    if not user.is_authenticated:
        return TrainingSession.objects.none()
    now = now or timezone.now()
    sessions = TrainingSession.objects.filter(ends_at__gte=now).select_related("host")
    if user.is_mentor:
        sessions = sessions.filter(host=user, status__in=[Status.DRAFT, Status.PUBLISHED])
    elif user.is_owner:
        sessions = sessions.filter(
            status=Status.PUBLISHED,
            registrations__business__owner=user,
            registrations__status__in=LIVE_STATUSES,
        )
    else:
        return TrainingSession.objects.none()
    return sessions.order_by("starts_at", "id")
