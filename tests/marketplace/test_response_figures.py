"""Response figures count only inquiries past the reply window and appear after a
minimum number (issue 15: a supplier fell from 100 % to 50 % because of one inquiry a
few seconds old)."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from marketplace.models import Inquiry
from marketplace.selectors import MIN_INQUIRIES_FOR_FIGURES, REPLY_WINDOW, supplier_stats

from ..factories import InquiryFactory, ListedProductFactory


def _inquiry(business, *, age: timedelta, reply_after: timedelta | None = None):
    inquiry = InquiryFactory(business=business)
    created = timezone.now() - age
    replied = created + reply_after if reply_after is not None else None
    Inquiry.objects.filter(pk=inquiry.pk).update(created_at=created, first_reply_at=replied)
    return inquiry


@pytest.fixture
def product(db):
    return ListedProductFactory()


def test_a_fresh_unanswered_inquiry_does_not_lower_the_rate(product):
    business = product.business
    for _n in range(3):
        _inquiry(business, age=timedelta(days=5), reply_after=timedelta(hours=2))
    assert supplier_stats(business).response_rate == 100
    _inquiry(business, age=timedelta(seconds=5))  # a few seconds old
    _inquiry(business, age=REPLY_WINDOW - timedelta(minutes=1))  # still inside the window
    stats = supplier_stats(business)
    assert (stats.inquiries, stats.response_rate, stats.median_reply_hours) == (3, 100, 2.0)


def test_past_the_window_an_unanswered_or_late_inquiry_counts(product):
    business = product.business
    for _n in range(2):
        _inquiry(business, age=timedelta(days=5), reply_after=timedelta(hours=2))
    _inquiry(business, age=REPLY_WINDOW + timedelta(minutes=1))  # unanswered, now late
    _inquiry(business, age=timedelta(days=9), reply_after=timedelta(hours=72))  # too late
    stats = supplier_stats(business)
    assert stats.inquiries == 4
    assert stats.response_rate == 50  # 2 of 4 answered within 48 hours
    assert stats.median_reply_hours == 2.0  # of the three answered: 2, 2, 72


def test_no_figures_below_the_minimum(product):
    business = product.business
    for _n in range(MIN_INQUIRIES_FOR_FIGURES - 1):
        _inquiry(business, age=timedelta(days=5), reply_after=timedelta(hours=1))
    stats = supplier_stats(business)
    assert not stats.shown
    assert (stats.response_rate, stats.median_reply_hours) == (None, None)


@pytest.mark.parametrize("language", ["en", "id"])
def test_supplier_page_shows_the_figures_only_after_the_minimum(client, product, language):
    business = product.business
    url = reverse("marketplace:supplier", args=[business.slug]) + f"?lang={language}"

    def card() -> str:
        html = client.get(url).content.decode()
        block = re.search(r'<section class="card supplier-card">(.*?)</section>', html, re.S)
        return " ".join(re.sub(r"<[^>]+>", " ", (block or re.search(".*", html)).group(0)).split())

    _inquiry(business, age=timedelta(days=5), reply_after=timedelta(hours=3))
    _inquiry(business, age=timedelta(seconds=5))
    with translation.override(language):
        waiting = translation.ngettext(
            "shown after %(minimum)s inquiry", "shown after %(minimum)s inquiries", 3
        ) % {"minimum": 3}
        assert waiting in card()
        for _n in range(2):
            _inquiry(business, age=timedelta(days=4), reply_after=timedelta(hours=3))
        cache.clear()  # anonymous pages are cached for a minute
        rate = gettext("%(rate)s%% within %(hours)s h") % {"rate": 100, "hours": 48}
        assert rate in card()
