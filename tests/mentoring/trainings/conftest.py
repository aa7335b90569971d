"""The trainings' cast: the shared ``cast`` around one one-seat session."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mentoring.models import (
    Registration,
    TrainingSession,
)

from ...factories import (
    DraftSessionFactory,
    MentorFactory,
    PastSessionFactory,
    RegistrationFactory,
    TrainingSessionFactory,
)
from ...support.trainings import english

# The cast around one session ----------------------------------------------------------


@dataclass
class Course:
    host: object
    other_mentor: object
    pending_mentor: object
    owner: object  # registered, confirmed seat
    waitlisted_owner: object
    other_owner: object  # has a business, not registered
    buyer: object
    staff: object
    session: TrainingSession
    draft: TrainingSession
    registration: Registration
    waitlisted: Registration
    business: object
    other_business: object


@pytest.fixture
def course(cast) -> Course:
    """The shared cast around one session with a single seat.

    The unassigned mentor hosts it (and a draft), so the host mentors nobody; the owner
    holds the seat and a third owner waits for it; the other owner did not register; the
    assigned mentor is "another mentor". Everyone reads English.
    """
    host = english(cast.unassigned_mentor)
    host.full_name = "Rina Bandung"
    host.save(update_fields=["full_name"])
    session = TrainingSessionFactory(host=host, capacity=1, title="Ekspor ke Malaysia")
    registration = RegistrationFactory(
        session=session, business=cast.business, attendee_name="Siti Aminah"
    )
    waitlisted = RegistrationFactory(session=session, status=Registration.Status.WAITLISTED)
    return Course(
        host=host,
        other_mentor=english(cast.mentor),
        pending_mentor=english(cast.pending_mentor),
        owner=english(cast.owner),
        waitlisted_owner=english(waitlisted.business.owner),
        other_owner=english(cast.other_owner),
        buyer=english(cast.buyer),
        staff=english(cast.staff),
        session=session,
        draft=DraftSessionFactory(host=host, title="Draf rahasia"),
        registration=registration,
        waitlisted=waitlisted,
        business=cast.business,
        other_business=cast.other_business,
    )


# After the session ---------------------------------------------------------------------


@pytest.fixture
def past():
    """An ended session: one attendee, one who did not come, one on the waiting list."""
    session = PastSessionFactory(capacity=2, host=english(MentorFactory(full_name="Rina Bandung")))
    attended = RegistrationFactory(
        session=session,
        status=Registration.Status.ATTENDED,
        attendee_name="Siti Aminah",
        checked_in_at=session.starts_at,
    )
    english(attended.business.owner)
    absent = RegistrationFactory(session=session)
    waiting = RegistrationFactory(session=session, status=Registration.Status.WAITLISTED)
    return session, attended, absent, waiting
