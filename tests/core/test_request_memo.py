"""``core.request_memo``: an answer kept for the rest of one request, never beyond it."""

import pytest
from django.core.signals import request_finished, request_started

from core import request_memo

pytestmark = pytest.mark.django_db  # the signals also look at the database connections


def test_inside_a_request_an_answer_is_worked_out_once_and_forgotten_at_its_end():
    asked = []

    def compute():
        asked.append(1)
        return len(asked)

    request_started.send(sender=None)
    try:
        assert request_memo.remember("k", compute) == 1
        assert request_memo.remember("k", compute) == 1
        assert request_memo.remember("other", compute) == 2
    finally:
        request_finished.send(sender=None)
    assert request_memo.remember("k", compute) == 3  # outside a request: every time
    assert request_memo.remember("k", compute) == 4
