"""Training sessions as iCalendar (RFC 5545): one file per session and private feeds.

Every event has a stable UID (``session-<pk>@<site host>``), its times in UTC, the
session's SEQUENCE (raised on every significant change), STATUS:CANCELLED once it is
called off (a cancelled session stays in the feeds so calendar apps drop it), and a
display alarm an hour before it starts. The private join link is never written into a
calendar: a feed URL is easily shared, so the event links to the session page, which
shows the join link to those who may see it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from .models import Registration, TrainingSession

PRODID = "-//Jembatan UMKM//Trainings//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"
ALARM_BEFORE = timedelta(minutes=60)
# A feed carries sessions that ended at most this long ago, and every later one.
FEED_HISTORY = timedelta(days=365)
# Registrations that put a session into an owner's feed.
FEED_REGISTRATION_STATUSES = (
    Registration.Status.CONFIRMED,
    Registration.Status.WAITLISTED,
    Registration.Status.ATTENDED,
)


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def session_uid(session: TrainingSession) -> str:
    return f"session-{session.pk}@{site_host()}"


def _location(session: TrainingSession) -> str:
    place = ", ".join(part for part in (session.venue, session.city) if part)
    if session.mode == TrainingSession.Mode.ONLINE:
        return _("Online")
    if session.mode == TrainingSession.Mode.HYBRID:
        return _("%(place)s and online") % {"place": place} if place else _("Online")
    return place


def _description(session: TrainingSession, url: str) -> str:
    if (translation.get_language() or "id").startswith("en"):
        text = session.description_en or session.description_id
    else:
        text = session.description_id or session.description_en
    return f"{text}\n\n{url}" if text else url


def session_event(session: TrainingSession) -> Event:
    url = f"{settings.SITE_URL}{session.get_absolute_url()}"
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", (session.updated_at or timezone.now()).astimezone(UTC))
    event.add("last-modified", (session.updated_at or timezone.now()).astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("sequence", session.sequence)
    event.add("summary", session.title)
    event.add("description", _description(session, url))
    location = _location(session)
    if location:
        event.add("location", location)
    event.add("url", url)
    if session.status == TrainingSession.Status.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -ALARM_BEFORE)
        alarm.add("description", _("%(title)s starts in one hour") % {"title": session.title})
        event.add_component(alarm)
    return event


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def session_ics(session: TrainingSession) -> bytes:
    """One session as a calendar file (public: no join link)."""
    calendar = _calendar(session.title)
    calendar.add_component(session_event(session))
    return calendar.to_ical()


def feed_sessions(user, *, now: datetime | None = None) -> QuerySet[TrainingSession]:
    """What ``user``'s private feed holds: sessions their business registered for
    (confirmed, waitlisted or attended) and sessions they host; no drafts."""
    since = (now or timezone.now()) - FEED_HISTORY
    registered = Q(
        pk__in=Registration.objects.filter(
            business__owner=user, status__in=FEED_REGISTRATION_STATUSES
        ).values("session_id")
    )
    return (
        TrainingSession.objects.filter(registered | Q(host=user))
        .exclude(status=TrainingSession.Status.DRAFT)
        .filter(ends_at__gte=since)
        .order_by("starts_at", "id")
    )


def feed_ics(user, *, now: datetime | None = None) -> bytes:
    """The private feed of ``user``, written in their language (one query)."""
    with translation.override(user.language):
        calendar = _calendar(_("Jembatan UMKM trainings"))
        calendar.add("x-published-ttl", "PT1H")
        for session in feed_sessions(user, now=now):
            calendar.add_component(session_event(session))
        return calendar.to_ical()
