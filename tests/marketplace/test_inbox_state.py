"""One state per row of the inbox (issue 15: a row said both "sudah dijawab" and
"perlu dibalas")."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from marketplace.models import Inquiry, InquiryMessage

from ..factories import InquiryFactory
from ..support.forms_as_sent import signed_in


def _say(inquiry, role, author):
    InquiryMessage.objects.create(inquiry=inquiry, author=author, author_role=role, body="…")


@pytest.fixture
def answered_then_asked_again(cast):
    """Buyer asked, the owner answered, the buyer asked again."""
    inquiry = InquiryFactory(
        business=cast.business, buyer=cast.buyer, status=Inquiry.Status.REPLIED
    )
    _say(inquiry, InquiryMessage.Role.BUYER, cast.buyer)
    _say(inquiry, InquiryMessage.Role.SUPPLIER, cast.owner)
    _say(inquiry, InquiryMessage.Role.BUYER, cast.buyer)
    return inquiry


def _row_texts(user) -> str:
    content = signed_in(user).get(reverse("marketplace:inquiry-list")).content.decode()
    return content.split("<tbody>")[1].split("</tbody>")[0]


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_thread_waiting_for_the_supplier_says_only_needs_a_reply(
    cast, answered_then_asked_again, language
):
    cast.owner.language = language
    cast.owner.save(update_fields=["language"])
    row = _row_texts(cast.owner)
    with translation.override(language):
        assert row.count(gettext("needs a reply")) == 1
        assert gettext("answered") not in row
        assert gettext("not answered yet") not in row


def test_once_answered_the_row_says_answered_only(cast, answered_then_asked_again):
    _say(answered_then_asked_again, InquiryMessage.Role.SUPPLIER, cast.owner)
    row = _row_texts(cast.owner)
    with translation.override(cast.owner.language):
        assert gettext("answered") in row
        assert gettext("needs a reply") not in row


def test_the_buyer_sees_answered_not_the_suppliers_to_do(cast, answered_then_asked_again):
    row = _row_texts(cast.buyer)
    with translation.override(cast.buyer.language):
        assert gettext("answered") in row
        assert gettext("needs a reply") not in row
