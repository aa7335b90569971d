"""Demo mentors, mentorships, logs, action items and trainings.

Runs after the UMKM loader: eight approved Bandung mentors with profiles
(``mentors.yaml``), mentorships in every state (the demo mentor keeps the nine
businesses the UMKM seed gave them and gets one request to answer), visit and call logs
with action items (done, open, overdue, some tied to a readiness gap), and fourteen
training sessions around today (``trainings.yaml``): done ones with attendance,
feedback and certificates, upcoming ones (one full, with a waiting list), one cancelled
and one draft.

Everything goes through ``mentoring.services`` so that states, notifications and
certificate codes are the ones the application writes; times are then moved into the
past with ``QuerySet.update()`` (the services stamp "now"). Notifications written here
stay in the app: their emails are marked skipped in the same transaction, and the ones
about past events are dated and read. Keys are emails, mentor and business pairs and
session titles, so a second run creates nothing.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from mentoring.models import (
    ActionItem,
    MentoringLog,
    MentorProfile,
    Mentorship,
    Registration,
    TrainingSession,
)
from mentoring.readiness.selectors import business_facts, business_readiness, product_readiness
from mentoring.services import mentorships as mentorship_services
from mentoring.services import trainings as training_services
from umkm.models import Business, Product

from .accounts import (
    DEMO_MENTOR_EMAIL,
    DEMO_OWNER_EMAIL,
    DEMO_STAFF_EMAIL,
    demo_password_hash,
    demo_user,
    ensure_account,
)
from .backdate import date_notifications, last_notification_pk, skip_emails
from .files import read_yaml

Topic = MentorProfile.Topic

# --------------------------------------------------------------------------- helpers


def _local(day_offset: int, hour: int, minute: int = 0, *, now: datetime) -> datetime:
    """``hour:minute`` WIB on the day ``day_offset`` days from today."""
    zone = timezone.get_default_timezone()
    day = timezone.localdate(now) + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)), zone)


# --------------------------------------------------------------------------- mentors


@dataclass(frozen=True)
class MentorSpec:
    """One mentor of ``mentors.yaml``."""

    email: str
    full_name: str
    organisation: str
    topics: tuple[str, ...]
    capacity: int
    bio_id: str
    bio_en: str


@functools.cache
def mentor_specs() -> tuple[MentorSpec, ...]:
    return tuple(
        MentorSpec(**{**row, "topics": tuple(row["topics"])})
        for row in read_yaml("mentors.yaml")["mentors"]
    )


def _seed_mentors(staff: User, now: datetime) -> dict[str, User]:
    password_hash = demo_password_hash()
    mentors = {}
    for n, spec in enumerate(mentor_specs()):
        if spec.email == DEMO_MENTOR_EMAIL:
            mentor = demo_user(spec.email)  # seed_accounts owns the account itself
        else:
            mentor, _created = ensure_account(
                email=spec.email,
                full_name=spec.full_name,
                role=User.Role.MENTOR,
                language="id",
                tz="Asia/Jakarta",
                password_hash=password_hash,
            )
        if account_services.mentor_approve(mentor=mentor, approved_by=staff):
            User.objects.filter(pk=mentor.pk).update(
                mentor_approved_at=now - timedelta(days=200 - 9 * n)
            )
            mentor.refresh_from_db(fields=["mentor_approved_at"])
        MentorProfile.objects.update_or_create(
            user=mentor,
            defaults={
                "topics": [str(topic) for topic in spec.topics],
                "bio_id": spec.bio_id,
                "bio_en": spec.bio_en,
                "organisation": spec.organisation,
                "city": "Bandung",
                "capacity": spec.capacity,
                "is_paused": False,
            },
        )
        mentors[spec.email] = mentor
    return mentors


# --------------------------------------------------------------------------- mentorships


def _readiness_score(business: Business) -> int:
    facts = dataclasses.replace(business_facts(business), has_mentor=True)
    return business_readiness(business, facts=facts).score


def _seed_mentorships(
    mentors: dict[str, User], staff: User, owners: dict[str, User], now: datetime
) -> None:
    def business_of(email: str) -> Business | None:
        owner = owners.get(email)
        return Business.objects.filter(owner=owner).first() if owner else None

    def exists(business: Business, mentor: User) -> bool:
        return Mentorship.objects.filter(mentor=mentor, business=business).exists()

    data = read_yaml("mentors.yaml")["mentorships"]
    for row in data["completed"]:
        owner_email, mentor_email = row["owner"], row["mentor"]
        started, ended = row["started_days_ago"], row["ended_days_ago"]
        business, mentor = business_of(owner_email), mentors[mentor_email]
        if business is None or exists(business, mentor):
            continue
        mentorship = mentorship_services.mentorship_assign(
            business=business, mentor=mentor, staff=staff
        )
        mentorship = mentorship_services.mentorship_complete(mentorship=mentorship, actor=mentor)
        Mentorship.objects.filter(pk=mentorship.pk).update(
            requested_at=now - timedelta(days=started),
            started_at=now - timedelta(days=started),
            ended_at=now - timedelta(days=ended),
        )

    for row in data["active"]:
        owner_email, mentor_email, how, days = (
            row["owner"],
            row["mentor"],
            row["how"],
            row["days_ago"],
        )
        business, mentor = business_of(owner_email), mentors[mentor_email]
        if business is None or exists(business, mentor):
            continue
        since = last_notification_pk()
        if how == "assign":
            mentorship = mentorship_services.mentorship_assign(
                business=business, mentor=mentor, staff=staff
            )
            requested = now - timedelta(days=days)
        else:
            mentorship = mentorship_services.mentorship_request(
                owner=business.owner,
                mentor=mentor,
                message=data["request_message"],
            )
            mentorship = mentorship_services.mentorship_accept(mentorship=mentorship, mentor=mentor)
            requested = now - timedelta(days=days + 2)
        Mentorship.objects.filter(pk=mentorship.pk).update(
            requested_at=requested, started_at=now - timedelta(days=days)
        )
        date_notifications(since, now - timedelta(days=days))

    for row in data["declined"]:
        owner_email, mentor_email, days = row["owner"], row["mentor"], row["days_ago"]
        message, reason = row["message"], row["reason"]
        business, mentor = business_of(owner_email), mentors[mentor_email]
        if business is None or exists(business, mentor):
            continue
        since = last_notification_pk()
        mentorship = mentorship_services.mentorship_request(
            owner=business.owner, mentor=mentor, message=message
        )
        mentorship_services.mentorship_decline(mentorship=mentorship, mentor=mentor, reason=reason)
        Mentorship.objects.filter(pk=mentorship.pk).update(
            requested_at=now - timedelta(days=days + 1), ended_at=now - timedelta(days=days)
        )
        date_notifications(since, now - timedelta(days=days))

    for row in data["requested"]:
        owner_email, mentor_email = row["owner"], row["mentor"]
        hours, message = row["hours_ago"], row["message"]
        business, mentor = business_of(owner_email), mentors[mentor_email]
        if business is None or exists(business, mentor):
            continue
        since = last_notification_pk()
        mentorship = mentorship_services.mentorship_request(
            owner=business.owner, mentor=mentor, message=message
        )
        Mentorship.objects.filter(pk=mentorship.pk).update(
            requested_at=now - timedelta(hours=hours)
        )
        date_notifications(since, now - timedelta(hours=hours), read=False)

    # The UMKM seed made the demo mentor's mentorships directly, without a baseline.
    for mentorship in Mentorship.objects.active().filter(readiness_at_start__isnull=True):
        Mentorship.objects.filter(pk=mentorship.pk).update(
            readiness_at_start=_readiness_score(mentorship.business)
        )


def _gap(
    business: Business, products: list[Product], shift: int = 0
) -> tuple[str, Product | None] | None:
    """An open readiness gap of the business or one of its products, if any."""
    gaps = read_yaml("mentors.yaml")["readiness_gaps"]
    missing = {item.key for item in business_readiness(business).missing}
    for key in gaps["business"]:
        if key in missing:
            return key, None
    facts = business_facts(business)
    keys = list(gaps["product"])
    keys = keys[shift % len(keys) :] + keys[: shift % len(keys)]  # some variety
    for key in keys:
        for product in products:
            product.business = business
            if key in {i.key for i in product_readiness(product, facts=facts).missing}:
                return key, product
    return None


def _seed_logs_and_items(mentorship: Mentorship, n: int, now: datetime) -> None:
    business, mentor = mentorship.business, mentorship.mentor
    today = timezone.localdate(now)
    products = list(
        business.products.exclude(status=Product.Status.ARCHIVED)
        .select_related("category")
        .order_by("-is_listed", "pk")
    )
    product_name = products[0].name_id if products else business.name
    capacity = products[0].capacity_per_month if products else 1000
    started = mentorship.started_at or now - timedelta(days=30)
    age = max(3, (now - started).days)
    data = read_yaml("mentors.yaml")
    items, gaps = data["action_items"], data["readiness_gaps"]
    notes = [
        note for note in data["logs"] if business.sector in note.get("sectors", [business.sector])
    ]
    count = 1 + (n + age // 30) % 3 if age > 10 else 1
    if business.owner.email == DEMO_OWNER_EMAIL:
        count = 3  # the demo owner's page shows a history
    logs = []
    if not mentorship.logs.exists():
        for k in range(count):
            # The first visit comes first; then notes that fit the business.
            note = notes[0] if k == 0 else notes[1 + (n * 2 + k * 5) % (len(notes) - 1)]
            mode, hours, text = note["mode"], note["hours"], note["note"]
            days_ago = age - 2 - k * max(1, (age - 3) // count)
            days_ago = max(1, days_ago)
            since = last_notification_pk()
            log = mentorship_services.mentoring_log_create(
                mentorship=mentorship,
                author=mentor,
                date=today - timedelta(days=days_ago),
                mode=mode,
                duration_hours=Decimal(str(hours)),
                notes=text.format(business=business.name, product=product_name, capacity=capacity),
            )
            written = now - timedelta(days=days_ago) + timedelta(hours=3)
            MentoringLog.objects.filter(pk=log.pk).update(created_at=written)
            date_notifications(since, written, read=days_ago > 3)
            logs.append((log, days_ago))
    if mentorship.action_items.exists():
        return
    first_log, first_days = logs[0] if logs else (None, age)
    last_log, last_days = logs[-1] if logs else (None, age)
    # Done: set at the first visit, ticked a week or two later.
    item = mentorship_services.action_item_create(
        mentorship=mentorship,
        author=mentor,
        title=items["done"][n % len(items["done"])],
        due_on=today,
        log=first_log,
    )
    mentorship_services.action_item_mark_done(item=item, actor=business.owner)
    done_days = max(0, first_days - 8)
    ActionItem.objects.filter(pk=item.pk).update(
        created_at=now - timedelta(days=first_days),
        due_on=today - timedelta(days=max(0, first_days - 14)),
        done_at=now - timedelta(days=done_days, hours=5),
    )
    # A readiness gap, if one is open: closing the gap closes the item by itself.
    gap = _gap(business, products, shift=n)
    if gap is not None:
        key, product = gap
        title = gaps["business"].get(key) or gaps["product"][key].format(
            product=product.name_id if product else business.name
        )
        item = mentorship_services.action_item_create(
            mentorship=mentorship,
            author=mentor,
            title=title,
            due_on=today + timedelta(days=5 + n % 10),
            product=product,
            readiness_key=key,
            log=last_log,
        )
        ActionItem.objects.filter(pk=item.pk).update(created_at=now - timedelta(days=last_days))
    # Every other mentorship has one overdue item, the others one still to do.
    if n % 2 == 0:
        item = mentorship_services.action_item_create(
            mentorship=mentorship,
            author=mentor,
            title=items["overdue"][n // 2 % len(items["overdue"])],
            due_on=today,
            log=last_log,
        )
        ActionItem.objects.filter(pk=item.pk).update(
            created_at=now - timedelta(days=last_days),
            due_on=today - timedelta(days=min(last_days, 2 + n % 9)),
        )
    else:
        item = mentorship_services.action_item_create(
            mentorship=mentorship,
            author=mentor,
            title=items["open"][n // 2 % len(items["open"])],
            due_on=today + timedelta(days=7 + n % 14),
            log=last_log,
        )
        ActionItem.objects.filter(pk=item.pk).update(created_at=now - timedelta(days=last_days))


# --------------------------------------------------------------------------- trainings


@dataclass(frozen=True, kw_only=True)
class SessionSpec:
    """One session of ``trainings.yaml`` (its header explains the fields)."""

    title: str
    topic: str
    host: str
    day: int  # days from today; negative is past
    start: tuple[int, int]
    hours: float
    mode: str
    venue: str = ""
    capacity: int
    registrants: int
    description_id: str
    description_en: str
    state: str = "published"  # done | published | full | cancelled | draft
    audience: str = TrainingSession.Audience.ALL
    city: str = "Pekanbaru"
    food_only: bool = False
    demo_owner: str = ""  # "attended" | "confirmed"
    cancel_reason: str = ""


def _start(value: str | int) -> tuple[int, int]:
    """ "09:30" as (9, 30); YAML 1.1 reads an unquoted 13:00 as 780 (minutes), also fine."""
    if isinstance(value, int):
        return divmod(value, 60)
    hour, _sep, minute = value.partition(":")
    return int(hour), int(minute or 0)


@functools.cache
def session_specs() -> tuple[SessionSpec, ...]:
    return tuple(
        SessionSpec(**{**row, "start": _start(row["start"])})
        for row in read_yaml("trainings.yaml")["sessions"]
    )


def _link(slug: str) -> str:
    return read_yaml("trainings.yaml")["join_link"].format(slug=slug)


def _registrants(spec: SessionSpec, index: int, pool: list[Business], host: User) -> list:
    if spec.audience == TrainingSession.Audience.MENTEES:
        pool = [
            b for b in pool if Mentorship.objects.active().filter(mentor=host, business=b).exists()
        ]
    if spec.food_only:
        pool = [b for b in pool if b.sector == Business.Sector.FOOD]
    if not pool:
        return []
    start = (index * 7) % len(pool)
    rotated = pool[start:] + pool[:start]
    return rotated[: spec.registrants]


def _seed_session(
    spec: SessionSpec,
    index: int,
    *,
    host: User,
    pool: list[Business],
    demo_business: Business | None,
    staff: User,
    now: datetime,
) -> None:
    starts = _local(spec.day, *spec.start, now=now)
    ends = starts + timedelta(minutes=round(spec.hours * 60))
    online = spec.mode != TrainingSession.Mode.OFFLINE
    deadline = starts - (timedelta(hours=3) if spec.mode == "online" else timedelta(days=1))
    past = spec.state == "done"
    created = starts - timedelta(days=24) if past else now - timedelta(days=12 - index % 9)
    created = min(created, now - timedelta(hours=1))
    planning = created if past else None  # the "now" of the steps taken in the past
    since = last_notification_pk()
    session = training_services.session_create(
        host=host,
        now=planning,
        title=spec.title,
        topic=spec.topic,
        description_id=spec.description_id,
        description_en=spec.description_en,
        starts_at=starts,
        ends_at=ends,
        mode=spec.mode,
        venue=spec.venue,
        city=spec.city,
        join_link=_link(f"{index + 1:02d}-{spec.topic}") if online else "",
        capacity=spec.capacity,
        registration_deadline=deadline,
        audience=spec.audience,
    )
    if spec.state == "draft":
        TrainingSession.objects.filter(pk=session.pk).update(created_at=created, updated_at=created)
        return
    session = training_services.session_publish(session=session, actor=host, now=planning)
    businesses = _registrants(spec, index, pool, host)
    if demo_business is not None and spec.demo_owner:
        businesses = [demo_business, *businesses[: max(0, len(businesses) - 1)]]
    waiting_extra = None
    if spec.state == "full" and len(businesses) > spec.capacity:
        waiting_extra = businesses.pop()  # registers after a seat is given back
    registered: list[Registration] = []
    window = (deadline if past else now) - created
    for k, business in enumerate(businesses):
        at = created + window * (k + 1) / (len(businesses) + 3)
        registration = training_services.registration_create(
            session=session,
            business=business,
            attendee=business.owner.get_full_name(),
            now=at if past else None,
        )
        Registration.objects.filter(pk=registration.pk).update(created_at=at)
        registered.append(registration)
    if spec.state == "full" and len(registered) > 3:
        # A confirmed business gives its seat back; the first on the list moves up.
        training_services.registration_cancel(registration=registered[2], actor=staff)
        if waiting_extra is not None:
            at = created + window * (len(businesses) + 2) / (len(businesses) + 3)
            registration = training_services.registration_create(
                session=session,
                business=waiting_extra,
                attendee=waiting_extra.owner.get_full_name(),
            )
            Registration.objects.filter(pk=registration.pk).update(created_at=at)
    if past:
        date_notifications(since, created + window / 2)
        since = last_notification_pk()
        for k, registration in enumerate(registered):
            if k % 5 == 3 and registration.business != demo_business:
                continue  # never came: a no-show when the session is closed
            training_services.registration_check_in(
                registration=registration,
                actor=host,
                now=starts + timedelta(minutes=5 + 3 * k),
            )
        session = training_services.session_mark_done(
            session=session, actor=host, now=ends + timedelta(hours=2)
        )
        feedback_at = ends + timedelta(hours=20)
        for k, registration in enumerate(registered):
            registration.refresh_from_db()
            if registration.status != Registration.Status.ATTENDED or k % 3 == 2:
                continue
            if registration.business == demo_business:
                continue  # left for the demo: the owner can rate it and see the form
            feedback = read_yaml("trainings.yaml")["feedback"]
            entry = feedback[(index + k) % len(feedback)]
            rating, comment = entry["rating"], entry["comment"]
            training_services.registration_feedback(
                registration=registration, rating=rating, comment=comment, now=feedback_at
            )
        date_notifications(since, ends + timedelta(hours=2))
        TrainingSession.objects.filter(pk=session.pk).update(
            created_at=created, updated_at=ends + timedelta(hours=2)
        )
    elif spec.state == "cancelled":
        date_notifications(since, created + window / 2)
        since = last_notification_pk()
        session = training_services.session_cancel(
            session=session, actor=host, reason=spec.cancel_reason
        )
        cancelled = now - timedelta(hours=26)
        date_notifications(since, cancelled, read=False)
        TrainingSession.objects.filter(pk=session.pk).update(
            created_at=created, updated_at=cancelled
        )
    else:
        date_notifications(since, created + window / 2)
        TrainingSession.objects.filter(pk=session.pk).update(created_at=created, updated_at=created)


def _seed_trainings(mentors: dict[str, User], staff: User, now: datetime) -> None:
    demo_business = Business.objects.filter(owner__email=DEMO_OWNER_EMAIL).first()
    pool = list(
        Business.objects.active()
        .exclude(owner__email=DEMO_OWNER_EMAIL)
        .select_related("owner")
        .order_by("pk")
    )
    existing = set(TrainingSession.objects.values_list("title", flat=True))
    for index, spec in enumerate(session_specs()):
        if spec.title in existing:
            continue
        _seed_session(
            spec,
            index,
            host=mentors[spec.host],
            pool=pool,
            demo_business=demo_business,
            staff=staff,
            now=now,
        )


# --------------------------------------------------------------------------- entry point


def seed_mentoring() -> None:
    """Mentors, mentorships, logs, action items and trainings (idempotent).

    Needs the demo businesses (``umkm.seed_businesses``); without them it does
    nothing.
    """
    if not Business.objects.filter(owner__email=DEMO_OWNER_EMAIL).exists():
        return
    now = timezone.now()
    staff = demo_user(DEMO_STAFF_EMAIL)
    with transaction.atomic():
        start = last_notification_pk()
        mentors = _seed_mentors(staff, now)
        owners = {
            u.email: u
            for u in User.objects.filter(role=User.Role.OWNER, email__endswith="@demo.jembatan.id")
        }
        _seed_mentorships(mentors, staff, owners, now)
        active = (
            Mentorship.objects.active()
            .filter(mentor__in=mentors.values())
            .filter(Q(logs__isnull=True) | Q(action_items__isnull=True))
            .select_related("business__owner", "mentor")
            .distinct()
            .order_by("business_id", "mentor_id")
        )
        for n, mentorship in enumerate(active):
            _seed_logs_and_items(mentorship, n, now)
        _seed_trainings(mentors, staff, now)
        skip_emails(start)


def mentoring_summary() -> str:
    """One line of counts for the seed_demo output."""
    mentors = User.objects.filter(role=User.Role.MENTOR, mentor_approved_at__isnull=False)
    items = ActionItem.objects.all()
    today = timezone.localdate()
    sessions = TrainingSession.objects.all()
    registrations = Registration.objects.all()
    return (
        f"{mentors.count()} approved mentors, {Mentorship.objects.active().count()} active "
        f"mentorships ({Mentorship.objects.filter(status='requested').count()} requested), "
        f"{MentoringLog.objects.count()} mentoring logs, {items.count()} action items "
        f"({items.filter(done_at__isnull=True).count()} open, "
        f"{items.filter(done_at__isnull=True, due_on__lt=today).count()} overdue), "
        f"{sessions.count()} training sessions ({sessions.upcoming().count()} upcoming, "
        f"{sessions.filter(status='done').count()} done), {registrations.count()} "
        f"registrations ({registrations.filter(status='waitlisted').count()} waitlisted, "
        f"{registrations.exclude(certificate_code='').count()} certificates)"
    )
