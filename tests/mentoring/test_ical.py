"""Calendar files (RFC 5545): one .ics per session and each person's private feed.

Every output is parsed back with ``icalendar.Calendar.from_ical``: events, stable UIDs,
SEQUENCE, UTC times, cancelled events, alarms, who sees which session in a feed, the
revocation of a feed link, and no join link anywhere.
"""

from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from mentoring.models import CalendarFeed
from mentoring.services import trainings as services

from ..factories import (
    JOIN_LINK,
    SECRET,
    BusinessFactory,
    BuyerFactory,
    DraftSessionFactory,
    MentorFactory,
    PastSessionFactory,
    RegistrationFactory,
    TrainingSessionFactory,
)
from ..support.queries import captured_queries

pytestmark = pytest.mark.django_db


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> list:
    return calendar.walk("VEVENT")


def uids(calendar: Calendar) -> set[str]:
    return {str(event["UID"]) for event in events(calendar)}


def session_ics(client, session):
    return client.get(reverse("mentoring:session-ics", args=[session.pk]))


def feed_url(user) -> str:
    feed = services.calendar_feed_regenerate(user=user)
    return reverse("mentoring:calendar-feed-ics", args=[feed.token])


def test_a_session_file_is_public_valid_and_in_utc(client):
    session = TrainingSessionFactory(join_link=JOIN_LINK)
    response = session_ics(client, session)
    calendar = parse(response)
    assert response["Content-Disposition"] == f'attachment; filename="training-{session.pk}.ics"'
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    (event,) = events(calendar)
    assert str(event["UID"]) == f"session-{session.pk}@jembatan.test"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == session.starts_at
    assert end == session.ends_at
    assert start.utcoffset() == timedelta(0)
    assert b"DTSTART:" in response.content
    assert (
        f"DTSTART:{session.starts_at.astimezone(UTC):%Y%m%dT%H%M%S}Z".encode() in response.content
    )
    assert int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == session.title
    assert str(event["URL"]) == f"https://jembatan.test{session.get_absolute_url()}"
    (alarm,) = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-60)
    assert SECRET.encode() not in response.content
    assert JOIN_LINK.encode() not in response.content


def test_no_file_for_drafts(client):
    draft = DraftSessionFactory()
    assert session_ics(client, draft).status_code == 404


def test_uid_is_stable_and_sequence_rises_with_each_change(client):
    session = TrainingSessionFactory()
    before = events(parse(session_ics(client, session)))[0]
    services.session_update(
        session=session,
        editor=session.host,
        starts_at=session.starts_at + timedelta(hours=1),
        ends_at=session.ends_at + timedelta(hours=1),
    )
    services.session_update(session=session, editor=session.host, venue="Hotel Pangeran")
    after = events(parse(session_ics(client, session)))[0]
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 2
    assert after.decoded("DTSTART") == before.decoded("DTSTART") + timedelta(hours=1)
    assert "Hotel Pangeran" in str(after["LOCATION"])


def test_a_cancelled_session_says_so_in_its_file_and_stays_in_feeds(client):
    registration = RegistrationFactory()
    session = registration.session
    services.session_cancel(session=session, actor=session.host, reason="Banjir")
    event = events(parse(session_ics(client, session)))[0]
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    assert not event.walk("VALARM")  # nothing to be reminded of
    feed = parse(client.get(feed_url(registration.business.owner)))
    (in_feed,) = events(feed)
    assert str(in_feed["STATUS"]) == "CANCELLED"
    host_feed = parse(client.get(feed_url(session.host)))
    assert str(events(host_feed)[0]["STATUS"]) == "CANCELLED"


def test_an_owners_feed_holds_their_business_sessions_only(client):
    business = BusinessFactory()
    owner = business.owner
    confirmed = RegistrationFactory(business=business).session
    waitlisted = RegistrationFactory(business=business, status="waitlisted").session
    attended = RegistrationFactory(
        business=business, status="attended", session=PastSessionFactory(status="done")
    ).session
    dropped = RegistrationFactory(business=business, status="cancelled").session
    no_show = RegistrationFactory(
        business=business, status="no_show", session=PastSessionFactory(status="done")
    ).session
    someone_elses = RegistrationFactory().session
    TrainingSessionFactory()  # nobody's
    feed = parse(client.get(feed_url(owner)))
    expected = {f"session-{s.pk}@jembatan.test" for s in (confirmed, waitlisted, attended)}
    assert uids(feed) == expected
    for session in (dropped, no_show, someone_elses):
        assert f"session-{session.pk}@jembatan.test" not in uids(feed)
    assert all(event.walk("VALARM") for event in events(feed))
    assert SECRET.encode() not in client.get(feed_url(owner)).content


def test_a_mentors_feed_holds_the_sessions_they_host_but_no_drafts(client):
    mentor = MentorFactory()
    hosted = TrainingSessionFactory(host=mentor)
    done = PastSessionFactory(host=mentor, status="done")
    DraftSessionFactory(host=mentor)
    TrainingSessionFactory()  # another mentor's
    feed = parse(client.get(feed_url(mentor)))
    assert uids(feed) == {f"session-{s.pk}@jembatan.test" for s in (hosted, done)}
    buyer_feed = parse(client.get(feed_url(BuyerFactory())))
    assert events(buyer_feed) == []


def test_a_new_link_revokes_the_old_one(client):
    owner = RegistrationFactory().business.owner
    old = feed_url(owner)
    assert client.get(old).status_code == 200
    new = feed_url(owner)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert CalendarFeed.objects.filter(user=owner).count() == 1
    unknown = reverse("mentoring:calendar-feed-ics", args=["not-a-token"])
    assert client.get(unknown).status_code == 404


def test_feed_of_an_inactive_user_is_gone(client):
    owner = RegistrationFactory().business.owner
    url = feed_url(owner)
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404


def test_the_calendar_page_creates_and_regenerates_the_link(client):
    owner = RegistrationFactory().business.owner
    owner.language = "en"
    owner.save(update_fields=["language"])
    client.force_login(owner)
    page = reverse("mentoring:calendar-feed")
    assert client.get(page).context["feed"] is None
    response = client.post(page, follow=True)
    feed = CalendarFeed.objects.get(user=owner)
    assert "Your calendar link is ready." in [str(m) for m in response.context["messages"]]
    assert f"https://jembatan.test/mentoring/calendar/{feed.token}.ics" in response.content.decode()
    assert (
        f"webcal://jembatan.test/mentoring/calendar/{feed.token}.ics" in response.content.decode()
    )
    old_token = feed.token
    response = client.post(page, follow=True)
    feed.refresh_from_db()
    assert feed.token != old_token
    assert len(feed.token) >= 40
    assert old_token not in response.content.decode()
    assert client.get(reverse("mentoring:calendar-feed-ics", args=[old_token])).status_code == 404


def test_feed_and_calendar_queries_are_bounded(client):
    business = BusinessFactory()
    url = feed_url(business.owner)
    RegistrationFactory(business=business)
    with captured_queries() as few:
        client.get(url)
    for _ in range(8):
        RegistrationFactory(business=business)
    with captured_queries() as many:
        response = client.get(url)
    assert len(events(parse(response))) == 9
    assert len(many) == len(few) <= 3


def test_feed_is_written_in_the_owners_language(client):
    registration = RegistrationFactory(session=TrainingSessionFactory(mode="online", venue=""))
    owner = registration.business.owner
    owner.language = "en"
    owner.save(update_fields=["language"])
    feed = parse(client.get(feed_url(owner)))
    event = events(feed)[0]
    assert str(event["LOCATION"]) == "Online"
    assert str(event["DESCRIPTION"]).startswith(registration.session.description_en)
    assert str(feed["X-WR-CALNAME"]) == "Jembatan UMKM trainings"


def test_session_times_stay_utc_whatever_the_viewers_zone(client):
    session = TrainingSessionFactory()
    viewer = BusinessFactory().owner
    viewer.timezone = "America/New_York"
    viewer.save(update_fields=["timezone"])
    client.force_login(viewer)
    event = events(parse(session_ics(client, session)))[0]
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTSTART") == session.starts_at
    assert timezone.is_aware(event.decoded("DTEND"))
