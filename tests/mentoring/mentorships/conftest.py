"""The mentorships' cast: the shared ``cast`` with mentor profiles and a second pair."""

from dataclasses import dataclass

import pytest

from mentoring.models import Mentorship
from umkm.models import Business

from ...factories import (
    MentorProfileFactory,
    MentorshipFactory,
)

# The cast, with mentor profiles -------------------------------------------------------


@dataclass
class Pair:
    business: Business
    owner: object
    mentor: object
    mentorship: Mentorship
    other_owner: object
    other_mentor: object
    pending_mentor: object
    buyer: object
    staff: object
    free_mentor: object

    def actor(self, name: str):
        return None if name == "anonymous" else getattr(self, name)

    def as_request(self) -> Mentorship:
        Mentorship.objects.filter(pk=self.mentorship.pk).update(
            status=Mentorship.Status.REQUESTED, started_at=None
        )
        self.mentorship.refresh_from_db()
        return self.mentorship


@pytest.fixture
def pair(cast) -> Pair:
    """The shared cast as mentoring sees it: the assigned mentor (with a profile) and the
    owner are the pair, readiness 40 at the start; another mentor (a factory one) mentors
    the other business; the unassigned mentor is free with room for three; the pending
    mentor has a profile too."""
    MentorProfileFactory(user=cast.mentor)
    mentorship = cast.mentorship
    mentorship.readiness_at_start = 40
    mentorship.save(update_fields=["readiness_at_start"])
    other_mentor = MentorProfileFactory().user
    MentorshipFactory(business=cast.other_business, mentor=other_mentor)
    MentorProfileFactory(user=cast.pending_mentor)
    MentorProfileFactory(user=cast.unassigned_mentor, capacity=3)
    return Pair(
        business=cast.business,
        owner=cast.owner,
        mentor=cast.mentor,
        mentorship=mentorship,
        other_owner=cast.other_owner,
        other_mentor=other_mentor,
        pending_mentor=cast.pending_mentor,
        buyer=cast.buyer,
        staff=cast.staff,
        free_mentor=cast.unassigned_mentor,
    )
