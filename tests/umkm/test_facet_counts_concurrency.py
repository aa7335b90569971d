"""The catalogue's facet counts with two writers on one business at once, on PostgreSQL
(pretix-style concurrency test).

A supplier archives a product while staff move the business to another city, verify a
certificate or switch the business off, each in its own thread and transaction. The
triggers take an advisory lock per business before they read its key, so the second
writer waits for the first to commit and then takes the business out of the row the
first put it in: the counts equal a recount. The control installs the same triggers
without those locks and shows that the counts then drift. A certificate verified while a
supplier holds one of the business's products waits for it, and neither deadlocks: the
certificate trigger locks the business's product rows (whose keys it rewrites) before
the business, in the order a product's writer takes them.

Skips locally without PostgreSQL; fails under CI (``postgres_db``).
"""

import threading
import time

import pytest
from django.db import connection, transaction

from umkm import facet_counts, services
from umkm.models import Business

from ..factories import (
    BusinessFactory,
    CategoryFactory,
    CertificationFactory,
    ListedProductFactory,
    StaffFactory,
)
from ..support.catalogue import (
    facet_rows,
    facet_rows_recounted,
    product_keys,
    product_keys_recounted,
    search_rows,
    search_rows_copied,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PAUSE = 0.5  # how long the first writer keeps its transaction open


def one_after_the_other(first, second) -> bool:
    """``first`` in a transaction kept open while ``second`` runs in another thread and
    transaction; then both commit. Returns whether ``second`` had to wait for ``first``."""
    started, finished = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def run_second():
        try:
            started.wait(timeout=30)
            with transaction.atomic():
                second()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            finished.set()
            connection.close()

    thread = threading.Thread(target=run_second)
    thread.start()
    with transaction.atomic():
        first()
        started.set()
        waited = not finished.wait(timeout=PAUSE)
    thread.join(timeout=30)
    assert errors == []
    return waited


@pytest.fixture
def shop(postgres_db):
    staff = StaffFactory()
    coffee = CategoryFactory(slug="coffee", parent=CategoryFactory(slug="food"))
    business = BusinessFactory()  # Pekanbaru, Riau
    products = ListedProductFactory.create_batch(4, business=business, category=coffee)
    certificate = CertificationFactory(business=business, verified_at=None)
    return business, products, certificate, staff


def race(shop) -> list[bool]:
    """Four races on one business; whether each second writer waited."""
    business, products, certificate, staff = shop
    owner = business.owner
    return [
        one_after_the_other(
            lambda: services.business_update(business=business, by=staff, city="Dumai"),
            lambda: services.product_archive(product=products[0], actor=owner),
        ),
        one_after_the_other(
            lambda: services.product_archive(product=products[1], actor=owner),
            lambda: services.business_update(business=business, by=staff, city="Siak"),
        ),
        one_after_the_other(
            lambda: services.certification_verify(certification=certificate, staff=staff),
            lambda: services.product_archive(product=products[2], actor=owner),
        ),
        one_after_the_other(
            lambda: services.product_archive(product=products[3], actor=owner),
            lambda: services.business_update(business=business, by=staff, is_active=False),
        ),
    ]


def test_two_writers_on_one_business_leave_exact_counts(shop):
    assert race(shop) == [True, True, True, True]
    assert facet_rows() == facet_rows_recounted()
    assert product_keys() == product_keys_recounted()
    assert search_rows() == search_rows_copied()


STAFF_WRITES = {
    "verify": lambda business, certificate, staff: services.certification_verify(
        certification=certificate, staff=staff
    ),
    "edit": lambda business, certificate, staff: services.certification_update(
        certification=certificate, by=staff, number="NEW-1"
    ),
    "move": lambda business, certificate, staff: services.business_update(
        business=business, by=staff, province="Bali", city="Denpasar"
    ),
}


@pytest.mark.parametrize("write", STAFF_WRITES)
def test_staff_rewriting_the_products_keys_wait_for_a_supplier_without_deadlock(shop, write):
    """The supplier's transaction holds a product's row (``product_archive`` locks it
    first) when staff verify or edit a certificate of the business, or move it; only
    then does the archive take the business's lock. The staff's write waits for the
    row; had its trigger taken the business's lock first, each would wait for the other
    until PostgreSQL aborted one."""
    business, products, certificate, staff = shop
    errors: list[BaseException] = []
    written = threading.Event()

    def staff_write():
        try:
            with transaction.atomic():
                STAFF_WRITES[write](business, certificate, staff)
            written.set()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=staff_write)
    with transaction.atomic():
        product = services._locked(products[0])  # as product_archive begins
        thread.start()
        time.sleep(PAUSE)  # the staff's write is now waiting
        assert not written.is_set()
        services.product_archive(product=product, actor=business.owner)
    thread.join(timeout=30)
    assert errors == []
    assert written.is_set()
    assert facet_rows() == facet_rows_recounted()
    assert product_keys() == product_keys_recounted()
    assert search_rows() == search_rows_copied()
    if write == "verify":
        kind = facet_counts.kind_bit(certificate.kind)
        assert {mask for _province, mask in product_keys().values()} == {kind}
    if write == "move":
        assert {province for province, _mask in product_keys().values()} == {"Bali"}


# Where each staff write pauses, holding the locks it takes before its own write.
HOLDS = {
    "edit": (services, "_check_certificate"),  # after locking the certificate
    "move": (Business, "full_clean"),  # after locking the business (and its products)
}


@pytest.mark.parametrize("write", HOLDS)
def test_a_supplier_waits_for_staff_rewriting_the_products_keys_without_deadlock(
    shop, write, monkeypatch
):
    """The other order: staff's write holds its first locks when the supplier starts
    archiving a product. Had the certificate edit locked the business row too, or the
    move locked the business before its products, the supplier would hold the product
    while waiting for the business, and staff's trigger would wait for the product."""
    business, products, certificate, staff = shop
    errors: list[BaseException] = []
    holding = threading.Event()
    owner, name = HOLDS[write]
    original = getattr(owner, name)

    def pause(*args, **kwargs):
        holding.set()
        time.sleep(PAUSE)  # the supplier starts meanwhile
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, pause)

    def staff_write():
        try:
            with transaction.atomic():
                STAFF_WRITES[write](business, certificate, staff)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=staff_write)
    thread.start()
    assert holding.wait(timeout=30)
    try:
        with transaction.atomic():
            product = services._locked(products[0])
            services.product_archive(product=product, actor=business.owner)
    except BaseException as error:  # noqa: BLE001 - a deadlock is the failure
        errors.append(error)
    thread.join(timeout=30)
    assert errors == []
    assert facet_rows() == facet_rows_recounted()
    assert product_keys() == product_keys_recounted()
    assert search_rows() == search_rows_copied()


@pytest.fixture
def triggers_without_locks(monkeypatch):
    """The facet triggers without their advisory locks, for this test only."""

    def install():
        with connection.cursor() as cursor:
            for sql, _params in facet_counts.forward():
                if sql.lstrip().startswith("CREATE OR REPLACE FUNCTION"):
                    cursor.execute(sql)

    monkeypatch.setattr(facet_counts, "_lock", lambda touched, **how: "")
    # The products' keys too: their rows, locked and written by the certificate
    # trigger, would order the certificate race on their own.
    monkeypatch.setattr(facet_counts, "_lock_products", lambda touched, **how: "")
    monkeypatch.setattr(facet_counts, "_product_keys", lambda keys: "")
    install()
    yield
    monkeypatch.undo()
    install()


def test_control_without_the_locks_the_counts_drift(shop, triggers_without_locks):
    race(shop)
    assert facet_rows() != facet_rows_recounted()
    # The hourly recount puts them right.
    services.listed_counts_rebuild()
    assert facet_rows() == facet_rows_recounted()
