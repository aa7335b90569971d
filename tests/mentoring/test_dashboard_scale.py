"""The mentor's dashboard costs the same number of queries however many mentees,
requests, action items, sessions and products to review the mentor has, and its long
lists stop at a fixed length with their totals (issues 14 and 19)."""

import datetime as dt

import pytest
from django.utils import timezone

from mentoring.models import ActionItem, Mentorship
from mentoring.views.dashboard import REQUESTS_SHOWN
from umkm.models import Product

from ..factories import (
    MentorProfileFactory,
    MentorshipFactory,
    NotificationFactory,
    ProductFactory,
    TrainingSessionFactory,
)
from ..support import count_queries
from ..support.forms_as_sent import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_texts")]

URL = "/mentoring/dashboard/"
MAX_QUERIES = 15


def grow(mentor, count: int) -> None:
    today = timezone.localdate()
    for i in range(count):
        mentorship = MentorshipFactory(mentor=mentor, readiness_at_start=10)
        ActionItem.objects.create(
            mentorship=mentorship, title=f"Item {i}", due_on=today + dt.timedelta(days=i - 3)
        )
        ProductFactory(business=mentorship.business, status=Product.Status.SUBMITTED)
        MentorshipFactory(mentor=mentor, status=Mentorship.Status.REQUESTED, started_at=None)
        TrainingSessionFactory(host=mentor)
        NotificationFactory(recipient=mentor)


def test_query_count_does_not_grow(cast, django_assert_max_num_queries):
    MentorProfileFactory(user=cast.mentor, capacity=50)
    client = signed_in(cast.mentor)
    grow(cast.mentor, 2)
    client.get(URL)
    small = count_queries(client, URL)
    grow(cast.mentor, 20)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(URL)
    assert count_queries(client, URL) == small
    content = response.content.decode()
    # The requests waiting for an answer stop at a fixed number, with the total.
    assert content.count('id="id_decline_') <= REQUESTS_SHOWN * 2
    assert f"The oldest {REQUESTS_SHOWN} of 22 requests; answer these first." in content
