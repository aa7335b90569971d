"""The buyer's dashboard, the inquiry list of every role and a thread cost the same
number of queries however many threads, messages, requests and saved products there
are, and their pages do not grow with them (issues 14 and 19)."""

import pytest

from marketplace.models import InquiryMessage, ShortlistItem

from ..factories import (
    BuyingRequestFactory,
    InquiryFactory,
    ListedProductFactory,
    MentorshipFactory,
    NotificationFactory,
    QuoteFactory,
)
from ..support import count_queries
from ..support.forms_as_sent import signed_in

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15


def grow(cast, count: int) -> None:
    """``count`` more threads of the cast's buyer with the cast's business (each with a
    product, two messages and an unread notification), requests with quotes, saved
    products, and threads of other businesses the cast's mentor advises."""
    for _ in range(count):
        product = ListedProductFactory(business=cast.business)
        inquiry = InquiryFactory(buyer=cast.buyer, business=cast.business, product=product)
        for role, author in [("buyer", cast.buyer), ("supplier", cast.owner)]:
            InquiryMessage.objects.create(
                inquiry=inquiry, author=author, author_role=role, body="Hello"
            )
        NotificationFactory(recipient=cast.owner, url=inquiry.get_absolute_url())
        request = BuyingRequestFactory(buyer=cast.buyer)
        QuoteFactory(request=request, business=cast.business)
        ShortlistItem.objects.create(buyer=cast.buyer, product=product)
        mentee = MentorshipFactory(mentor=cast.mentor).business
        InquiryFactory(buyer=cast.other_buyer, business=mentee)


def pages(cast) -> list[tuple[object, str]]:
    thread = cast.business.inquiries.order_by("pk").first()
    return [
        (cast.buyer, "/catalogue/buyer/"),
        (cast.buyer, "/catalogue/inquiries/"),
        (cast.owner, "/catalogue/inquiries/"),
        (cast.mentor, "/catalogue/inquiries/"),
        (cast.staff, "/catalogue/inquiries/"),
        (cast.buyer, thread.get_absolute_url()),
        (cast.owner, thread.get_absolute_url()),
    ]


def measure(cast) -> list[tuple[int, int]]:
    """(queries, bytes) of each page, after a first visit (which may mark notifications
    read)."""
    measured = []
    for user, url in pages(cast):
        client = signed_in(user)
        client.get(url)
        measured.append((count_queries(client, url), len(client.get(url).content)))
    return measured


def test_query_counts_and_page_sizes_do_not_grow(cast, django_assert_max_num_queries):
    grow(cast, 2)
    small = measure(cast)
    grow(cast, 25)  # more than a page of threads
    large = measure(cast)
    grow(cast, 10)
    for user, url in pages(cast):
        client = signed_in(user)
        client.get(url)
        with django_assert_max_num_queries(MAX_QUERIES):
            client.get(url)
    larger = measure(cast)
    for page, a, b, c in zip(pages(cast), small, large, larger, strict=True):
        assert a[0] == b[0] == c[0], page
        # Once a page is full, ten more threads, requests and saved products do not
        # make it longer (a few digits of the totals change).
        assert abs(c[1] - b[1]) < 200, page
