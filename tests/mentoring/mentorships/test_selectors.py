"""Which mentorships each role may see."""

import pytest

from mentoring import selectors

pytestmark = pytest.mark.django_db


# Selectors and admin ---------------------------------------------------------------------


def test_mentorships_for_scopes_by_role(pair):
    assert list(selectors.mentorships_for(pair.owner)) == [pair.mentorship]
    assert list(selectors.mentorships_for(pair.mentor)) == [pair.mentorship]
    assert selectors.mentorships_for(pair.staff).count() == 2
    for stranger in [pair.pending_mentor, pair.buyer]:
        assert not selectors.mentorships_for(stranger).exists()
