"""The owner's dashboard costs the same number of queries however many products,
certificates, inquiries, trainings and notifications the business has, and its lists
stop at a fixed length (issues 14 and 19)."""

import pytest

from umkm.models import Product

from ..factories import (
    CertificationFactory,
    InquiryFactory,
    ListedProductFactory,
    MentorshipFactory,
    NotificationFactory,
    ProductFactory,
    RegistrationFactory,
)
from ..support import count_queries
from ..support.forms_as_sent import signed_in

pytestmark = pytest.mark.django_db

URL = "/umkm/dashboard/"
MAX_QUERIES = 15


def grow(business, count: int) -> None:
    for _ in range(count):
        ListedProductFactory(business=business)
        ProductFactory(business=business, status=Product.Status.SUBMITTED)
        CertificationFactory(business=business)
        InquiryFactory(business=business)
        RegistrationFactory(business=business)
        MentorshipFactory(business=business)
        NotificationFactory(recipient=business.owner)


def test_query_count_and_page_size_do_not_grow(cast, django_assert_max_num_queries):
    client = signed_in(cast.owner)
    grow(cast.business, 12)
    client.get(URL)
    queries = count_queries(client, URL)
    size = len(client.get(URL).content)
    grow(cast.business, 12)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(URL)
    assert count_queries(client, URL) == queries
    # Every list is already full at 12: more rows do not lengthen the page (only the
    # digits of the counts change).
    assert abs(len(response.content) - size) < 200
