"""A person's own pages (dashboards, inbox, a thread) from the cache between writes
(issue 14, ``core.personal_pages`` and ``core.writes``): a second visit costs the header
and one cache round trip, and whatever anyone writes — a reply, a read thread, a new
product — shows on the next visit, never a page from before it.

These tests commit (``transaction=True``): the cache is keyed on committed writes, and a
page rendered inside a transaction that wrote is neither served from it nor kept."""

import re

import pytest
from django.db import transaction
from django.test import Client

from marketplace import services as marketplace_services
from marketplace.models import Inquiry
from mentoring.models import Mentorship
from notifications.models import Notification
from umkm.models import Product

from ..factories import (
    BuyerFactory,
    InquiryFactory,
    ListedProductFactory,
    MentorshipFactory,
    OwnerFactory,
)
from ..support.queries import captured_queries

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BUYER_DASHBOARD = "/catalogue/buyer/"
INBOX = "/catalogue/inquiries/"
OWNER_DASHBOARD = "/umkm/dashboard/"
MENTOR_DASHBOARD = "/mentoring/dashboard/"


@pytest.fixture
def world():
    product = ListedProductFactory(name_en="Rattan laundry basket")
    mentorship = MentorshipFactory(business=product.business)
    buyer = BuyerFactory()
    inquiry = InquiryFactory(
        buyer=buyer, business=product.business, product=product, subject="Baskets for Oslo"
    )
    return {
        "product": product,
        "owner": product.business.owner,
        "mentor": mentorship.mentor,
        "buyer": buyer,
        "inquiry": inquiry,
    }


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def without_tokens(html: str) -> str:
    return TOKEN.sub("", html)


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("buyer", BUYER_DASHBOARD),
        ("buyer", INBOX),
        ("buyer", "thread"),
        ("owner", OWNER_DASHBOARD),
        ("owner", INBOX),
        ("mentor", MENTOR_DASHBOARD),
    ],
)
def test_a_second_visit_is_the_same_page_for_a_handful_of_queries(world, who, url):
    url = world["inquiry"].get_absolute_url() if url == "thread" else url
    client = signed_in(world[who])
    first = page(client, url)  # renders and keeps the blocks
    with captured_queries() as queries:
        second = page(client, url)
    assert without_tokens(second) == without_tokens(first)
    # The session's user, the page's permission (a thread's own lookup) and nothing of
    # the page's lists: those came from the cache.
    assert len(queries) <= 3, [q["sql"][:80] for q in queries.captured_queries]


def test_a_reply_shows_at_once_on_the_buyers_thread_inbox_and_the_owners_inbox(world):
    buyer, owner, inquiry = world["buyer"], world["owner"], world["inquiry"]
    thread = inquiry.get_absolute_url()
    buyer_client, owner_client = signed_in(buyer), signed_in(owner)
    assert "We can ship in March" not in page(buyer_client, thread)
    page(buyer_client, INBOX)
    page(owner_client, INBOX)

    marketplace_services.inquiry_message_create(
        inquiry=inquiry, author=owner, body="We can ship in March."
    )

    assert "We can ship in March." in page(buyer_client, thread)
    assert "We can ship in March." in page(owner_client, thread)
    inbox = page(buyer_client, INBOX)
    assert "Baskets for Oslo" in inbox


def test_each_person_sees_their_own_dashboard_never_anothers(world):
    other_owner = OwnerFactory()
    ListedProductFactory(business__owner=other_owner, business__name="UD Sagu Meranti")
    mine, theirs = signed_in(world["owner"]), signed_in(other_owner)
    for _ in range(2):  # cold, then warm
        my_page, their_page = page(mine, OWNER_DASHBOARD), page(theirs, OWNER_DASHBOARD)
        assert world["product"].business.name in my_page
        assert "UD Sagu Meranti" not in my_page
        assert "UD Sagu Meranti" in their_page
        assert world["product"].business.name not in their_page
        # Each page carries its reader's own CSRF token (the sign-out form).
        assert TOKEN.findall(my_page) and set(TOKEN.findall(my_page)).isdisjoint(
            TOKEN.findall(their_page)
        )


def test_the_language_is_part_of_the_page(world):
    client = signed_in(world["buyer"])
    english = page(client, BUYER_DASHBOARD + "?lang=en")
    indonesian = page(client, BUYER_DASHBOARD + "?lang=id")
    assert "Your inquiries" in english
    assert "Your inquiries" not in indonesian
    assert "Your inquiries" in page(client, BUYER_DASHBOARD + "?lang=en")


def test_the_token_in_a_kept_page_works_for_the_next_post(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["mentor"])
    page(client, MENTOR_DASHBOARD)
    token = TOKEN.findall(page(client, MENTOR_DASHBOARD))[0]
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_a_new_product_shows_on_the_owners_dashboard_at_once(world):
    owner = world["owner"]
    client = signed_in(owner)
    before = page(client, OWNER_DASHBOARD)
    ListedProductFactory(business=world["product"].business)
    after = page(client, OWNER_DASHBOARD)
    assert without_tokens(before) != without_tokens(after)
    assert re.search(r'\?status=listed">[^<]*</a> <strong>2</strong>', after)


def test_a_flash_message_shows_on_a_kept_page(world):
    client = signed_in(world["buyer"])
    save = f"/catalogue/p/{world['product'].slug}/save/"
    page(client, BUYER_DASHBOARD)
    assert client.post(save, {"action": "save"}).status_code == 302
    dashboard = page(client, BUYER_DASHBOARD)
    assert "is on your shortlist" in dashboard
    assert "Rattan laundry basket" in dashboard  # the shortlist write retired the old page
    assert "is on your shortlist" not in page(client, BUYER_DASHBOARD)  # shown once

    # Saving it again writes nothing: the dashboard comes from the cache, with the message.
    assert client.post(save, {"action": "save"}).status_code == 302
    with captured_queries() as queries:
        kept = page(client, BUYER_DASHBOARD)
    assert len(queries) <= 3
    assert "is on your shortlist" in kept


def test_reading_a_thread_with_nothing_unread_keeps_the_cache(world):
    buyer, inquiry = world["buyer"], world["inquiry"]
    client = signed_in(buyer)
    thread = inquiry.get_absolute_url()
    page(client, thread)
    with captured_queries() as queries:
        page(client, thread)
    # The mark-read UPDATE matched no row: it retired nothing, the page came warm.
    assert not any("marketplace_inquirymessage" in q["sql"] for q in queries.captured_queries)


def test_reading_a_thread_clears_its_unread_marker_in_the_inbox(world):
    buyer, owner, inquiry = world["buyer"], world["owner"], world["inquiry"]
    marketplace_services.inquiry_message_create(
        inquiry=inquiry, author=owner, body="Samples are ready."
    )
    client = signed_in(buyer)
    assert Notification.objects.filter(recipient=buyer, read_at__isnull=True).exists()
    assert '<tr class="unread">' in page(client, INBOX)
    assert '<tr class="unread">' in page(client, INBOX)  # warm: still unread
    page(client, inquiry.get_absolute_url())
    assert not Notification.objects.filter(recipient=buyer, read_at__isnull=True).exists()
    assert '<tr class="unread">' not in page(client, INBOX)


def test_a_page_rendered_in_a_transaction_that_is_rolled_back_is_not_kept(world):
    buyer, product = world["buyer"], world["product"]
    client = signed_in(buyer)
    page(client, BUYER_DASHBOARD)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        InquiryFactory(buyer=buyer, business=product.business, subject="Never sent")
        assert "Never sent" in page(client, BUYER_DASHBOARD)  # its own write, fresh
        raise Undo

    assert not Inquiry.objects.filter(subject="Never sent").exists()
    assert "Never sent" not in page(client, BUYER_DASHBOARD)


def test_zero_seconds_turns_the_cache_off(world, settings):
    settings.PERSONAL_PAGE_CACHE_SECONDS = 0
    client = signed_in(world["buyer"])
    page(client, BUYER_DASHBOARD)
    with captured_queries() as queries:
        page(client, BUYER_DASHBOARD)
    assert len(queries) > 3


def test_a_write_without_model_signals_retires_the_page_too(world):
    """``QuerySet.update()`` sends no signal; the statement itself is what counts."""
    owner, product = world["owner"], world["product"]
    client = signed_in(owner)
    page(client, OWNER_DASHBOARD)
    before = page(client, OWNER_DASHBOARD)
    Product.objects.filter(pk=product.pk).update(status=Product.Status.ARCHIVED, is_listed=False)
    after = page(client, OWNER_DASHBOARD)
    assert without_tokens(after) != without_tokens(before)
    assert "?status=archived" in after


def test_a_kept_thread_is_never_served_to_anyone_else_nor_after_access_ends(world):
    inquiry, mentor = world["inquiry"], world["mentor"]
    thread = inquiry.get_absolute_url()
    buyer, advisor = signed_in(world["buyer"]), signed_in(mentor)
    page(buyer, thread)
    page(buyer, thread)  # kept for the buyer
    assert signed_in(BuyerFactory()).get(thread).status_code == 404
    assert signed_in(OwnerFactory()).get(thread).status_code == 404
    page(advisor, thread)
    page(advisor, thread)  # kept for the mentor
    Mentorship.objects.filter(mentor=mentor).update(status=Mentorship.Status.COMPLETED)
    assert advisor.get(thread).status_code == 404
