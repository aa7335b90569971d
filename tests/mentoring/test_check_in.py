"""Check-in at the door: it opens a set time before the session (every door obeys, the
rule is in the service), the code field is on top and focused after each check-in,
and a check-in can be undone by the host or staff (anyone else: 404)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Registration
from mentoring.services import trainings as services

from ..factories import MentorFactory, RegistrationFactory, TrainingSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_texts")]

Status = Registration.Status
OPENS = services.CHECK_IN_OPENS_BEFORE


def starting_in(delta: timedelta, **kwargs):
    """A published session that starts ``delta`` from now, with one confirmed seat."""
    starts = timezone.now() + delta
    session = TrainingSessionFactory(
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        registration_deadline=starts - timedelta(hours=2),
        **kwargs,
    )
    return RegistrationFactory(session=session, attendee_name="Siti Aminah")


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# The window, in the service ------------------------------------------------------------


def test_check_in_opens_a_set_time_before_the_start():
    registration = starting_in(timedelta(days=1))
    session = registration.session
    assert services.check_in_opens_at(session) == session.starts_at - OPENS
    assert timedelta(minutes=60) == OPENS

    too_early = session.starts_at - OPENS - timedelta(seconds=1)
    with pytest.raises(services.TrainingError) as error:
        services.registration_check_in(registration=registration, actor=session.host, now=too_early)
    assert error.value.code == "check_in_not_open"
    assert error.value.messages[0].startswith(
        "Check-in opens 60 minutes before the session starts, at "
    )
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert registration.checked_in_at is None

    services.registration_check_in(
        registration=registration, actor=session.host, now=session.starts_at - OPENS
    )
    registration.refresh_from_db()
    assert registration.status == Status.ATTENDED


def test_check_in_stays_open_after_the_start_until_the_session_is_done():
    registration = starting_in(-timedelta(hours=3))  # ended an hour ago
    services.registration_check_in(registration=registration, actor=registration.session.host)
    registration.refresh_from_db()
    assert registration.status == Status.ATTENDED


def test_check_in_by_code_obeys_the_window():
    registration = starting_in(timedelta(days=2))
    host = registration.session.host
    with pytest.raises(services.TrainingError) as error:
        services.registration_check_in_by_code(
            session=registration.session, code=registration.ticket_code, actor=host
        )
    assert error.value.code == "check_in_not_open"


def test_undo_puts_the_seat_back_to_confirmed():
    registration = starting_in(timedelta(minutes=30))
    host = registration.session.host
    services.registration_check_in(registration=registration, actor=host)
    services.registration_check_in_undo(registration=registration, actor=host)
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert registration.checked_in_at is None
    with pytest.raises(services.TrainingError) as error:
        services.registration_check_in_undo(registration=registration, actor=host)
    assert error.value.messages == ["Siti Aminah is not checked in."]


def test_undo_follows_the_same_window():
    registration = starting_in(timedelta(days=1))
    Registration.objects.filter(pk=registration.pk).update(
        status=Status.ATTENDED, checked_in_at=timezone.now()
    )
    with pytest.raises(services.TrainingError) as error:
        services.registration_check_in_undo(
            registration=registration, actor=registration.session.host
        )
    assert error.value.code == "check_in_not_open"
    registration.refresh_from_db()
    assert registration.status == Status.ATTENDED


# The page at the door ------------------------------------------------------------------


def test_before_the_window_the_page_says_when_check_in_opens(client):
    registration = starting_in(timedelta(days=1))
    session = registration.session
    client.force_login(session.host)
    url = reverse("mentoring:session-check-in", args=[session.pk])
    page = client.get(url).content.decode()
    assert "Check-in opens 60 minutes before the session starts" in page
    assert 'name="code"' not in page
    response = client.post(
        reverse("mentoring:registration-check-in", args=[registration.pk]), follow=True
    )
    assert messages_of(response)[0].startswith("Check-in opens 60 minutes")
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_after_a_check_in_by_code_the_code_field_is_first_and_focused(client):
    registration = starting_in(timedelta(minutes=20))
    session = registration.session
    client.force_login(session.host)
    url = reverse("mentoring:session-check-in", args=[session.pk])
    response = client.post(url, {"code": registration.ticket_code})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?last={registration.pk}"
    page = client.get(response["Location"]).content.decode()
    content = page[page.index('id="main"') :]
    code_field = content.index('name="code"')
    assert code_field < content.index("<table")
    assert "autofocus" in content[content.rindex("<input", 0, code_field) : code_field + 200]
    assert "Undo the check-in of Siti Aminah" in content
    undo = reverse("mentoring:registration-check-in-undo", args=[registration.pk])
    assert f'action="{undo}"' in content


def test_the_list_shows_undo_for_attendees(client):
    registration = starting_in(timedelta(minutes=20))
    session = registration.session
    other = RegistrationFactory(session=session, attendee_name="Budi Santoso")
    services.registration_check_in(registration=registration, actor=session.host)
    client.force_login(session.host)
    page = client.get(reverse("mentoring:session-check-in", args=[session.pk])).content.decode()
    assert reverse("mentoring:registration-check-in-undo", args=[registration.pk]) in page
    assert reverse("mentoring:registration-check-in", args=[other.pk]) in page
    assert reverse("mentoring:registration-check-in-undo", args=[other.pk]) not in page


# Who may undo --------------------------------------------------------------------------


@pytest.fixture
def checked_in(cast):
    registration = starting_in(timedelta(minutes=10), host=cast.mentor)
    services.registration_check_in(registration=registration, actor=cast.mentor)
    return registration


def undo_url(registration) -> str:
    return reverse("mentoring:registration-check-in-undo", args=[registration.pk])


def test_anonymous_is_sent_to_sign_in(client, checked_in):
    response = client.post(undo_url(checked_in))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    checked_in.refresh_from_db()
    assert checked_in.status == Status.ATTENDED


@pytest.mark.parametrize("who", ["owner", "unassigned_mentor", "buyer", "pending_mentor"])
def test_others_get_404_and_nothing_changes(client, cast, checked_in, who):
    # "owner": even the owner of the attendee's business
    user = checked_in.business.owner if who == "owner" else getattr(cast, who)
    client.force_login(user)
    assert client.post(undo_url(checked_in)).status_code == 404
    checked_in.refresh_from_db()
    assert checked_in.status == Status.ATTENDED


def test_another_host_gets_404(client, checked_in):
    client.force_login(MentorFactory())
    assert client.post(undo_url(checked_in)).status_code == 404


def test_get_is_not_allowed(client, cast, checked_in):
    client.force_login(cast.mentor)
    assert client.get(undo_url(checked_in)).status_code == 405


@pytest.mark.parametrize("who", ["mentor", "staff"])
def test_the_host_and_staff_undo(client, cast, checked_in, who):
    client.force_login(getattr(cast, who))
    response = client.post(undo_url(checked_in), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "mentoring:session-check-in", args=[checked_in.session_id]
    )
    assert messages_of(response) == ["The check-in of Siti Aminah is undone."]
    checked_in.refresh_from_db()
    assert checked_in.status == Status.CONFIRMED
    assert checked_in.checked_in_at is None
