"""The cast is inserted once for a module's tests (``tests/support/shared.py``), and each
test still gets it as built: what one test writes or changes in memory, the next does
not see, and a test that does not ask for the cast does not see its rows."""

import pytest

from accounts.models import User
from umkm.models import Business

pytestmark = pytest.mark.django_db


def test_each_test_gets_its_own_copy_of_the_shared_rows(cast, _cast_rows):
    assert _cast_rows.open  # this module commits nothing: its tests share the rows
    shared = _cast_rows._value
    assert cast.owner is not shared.owner
    assert cast.owner.pk == shared.owner.pk
    assert cast.business.owner is cast.owner  # the copy keeps who refers to whom


def test_a_test_changes_and_deletes_the_cast(cast):
    cast.owner.full_name = "Changed by a test"
    cast.owner.save(update_fields=["full_name"])
    cast.other_business.delete()
    User.objects.filter(pk=cast.buyer.pk).delete()


def test_the_next_test_gets_the_cast_as_built(cast):
    assert cast.owner.full_name != "Changed by a test"
    assert User.objects.get(pk=cast.owner.pk).full_name == cast.owner.full_name
    assert Business.objects.filter(pk=cast.other_business.pk).exists()
    assert User.objects.filter(pk=cast.buyer.pk).exists()


def test_the_cast_in_english_is_english_in_the_database_too(cast, english_texts):
    assert cast.mentor.language == "en"
    assert set(User.objects.values_list("language", flat=True)) == {"en"}


def test_a_test_without_the_cast_sees_none_of_its_rows(db):
    # Run after the module's tests that share the cast: their rows were rolled back first.
    assert not User.objects.exists()
    assert not Business.objects.exists()
