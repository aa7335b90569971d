"""Seats under parallel requests, on PostgreSQL (pretix-style concurrency test).

Twenty owners press "Register" at the same moment for a session with five seats; each
request runs in its own thread with its own database connection, through the real
view and service. With the session row locked (``select_for_update``) before the seats
are counted, exactly five get a seat and fifteen wait in line. The control runs the
same requests with the lock taken out and a short pause between counting and
inserting, and shows that more than five seats are then sold: the race is real, and
the lock is what prevents it.

Skips locally without PostgreSQL; fails under CI (``postgres_db``).
"""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from mentoring.models import Registration, TrainingSession
from mentoring.services import trainings

from ..factories import BusinessFactory, TrainingSessionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CAPACITY = 5
PEOPLE = 20


def register_all_at_once(session, owners) -> list[int]:
    """POST the registration form for every owner at the same moment; status codes."""
    barrier = threading.Barrier(len(owners))
    codes: list[int] = []
    errors: list[BaseException] = []
    url = reverse("mentoring:session-register", args=[session.pk])

    def register(owner):
        try:
            client = Client()
            client.force_login(owner)
            barrier.wait(timeout=30)
            response = client.post(url, {"attendee_name": f"Peserta {owner.pk}"})
            codes.append(response.status_code)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(owner,)) for owner in owners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return codes


@pytest.fixture
def crowd(postgres_db):
    session = TrainingSessionFactory(capacity=CAPACITY)
    owners = [BusinessFactory().owner for _ in range(PEOPLE)]
    return session, owners


def counts(session) -> dict[str, int]:
    statuses = list(Registration.objects.filter(session=session).values_list("status", flat=True))
    return {status: statuses.count(status) for status in set(statuses)}


def test_parallel_registrations_never_oversell(crowd):
    session, owners = crowd
    codes = register_all_at_once(session, owners)
    assert codes == [302] * PEOPLE
    assert counts(session) == {"confirmed": CAPACITY, "waitlisted": PEOPLE - CAPACITY}
    # The waiting list is in the order the rows were written.
    waiting = Registration.objects.filter(session=session, status="waitlisted")
    assert list(waiting.order_by("created_at", "id")) == list(waiting.order_by("id"))


def test_parallel_cancellations_promote_each_waiting_place_once(crowd):
    session, owners = crowd
    register_all_at_once(session, owners)
    confirmed = list(Registration.objects.filter(session=session, status="confirmed"))
    barrier = threading.Barrier(len(confirmed))
    errors: list[BaseException] = []

    def cancel(registration):
        try:
            client = Client()
            client.force_login(registration.business.owner)
            barrier.wait(timeout=30)
            client.post(reverse("mentoring:registration-cancel", args=[registration.pk]))
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel, args=(r,)) for r in confirmed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert counts(session) == {
        "cancelled": CAPACITY,
        "confirmed": CAPACITY,
        "waitlisted": PEOPLE - 2 * CAPACITY,
    }


def test_control_without_the_lock_the_race_oversells(crowd, monkeypatch):
    """The same requests with the row lock removed and a pause between count and
    insert: several requests count the same free seats and all confirm."""
    session, owners = crowd

    def unlocked(pk):
        return TrainingSession.objects.get(pk=pk)  # no select_for_update

    real_count = trainings._seats_taken

    def slow_count(session):
        taken = real_count(session)
        time.sleep(0.3)  # let the others count the same seats
        return taken

    monkeypatch.setattr(trainings, "_lock_session", unlocked)
    monkeypatch.setattr(trainings, "_seats_taken", slow_count)
    register_all_at_once(session, owners)
    confirmed = Registration.objects.filter(session=session, status="confirmed").count()
    assert confirmed > CAPACITY
