"""A write touching thousands of businesses in one transaction (certificates for every
supplier, a bulk verification) holds a bounded number of the facet triggers' advisory
locks (``umkm.facet_counts.LOCK_BUCKETS``): one lock per business ran PostgreSQL out of
its shared lock table ("out of shared memory") at 25,000 businesses."""

import pytest
from django.db import connection, transaction

from accounts.models import User
from umkm.facet_counts import LOCK_BUCKETS, LOCK_SPACE
from umkm.models import Business, Certification

from ..factories import BusinessFactory, CertificationFactory, OwnerFactory
from ..support.catalogue import facet_rows, facet_rows_recounted

pytestmark = pytest.mark.django_db

BUSINESSES = LOCK_BUCKETS + 500


def advisory_locks_held() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
            "AND pid = pg_backend_pid() AND classid = %s",
            [LOCK_SPACE],
        )
        return cursor.fetchone()[0]


def test_certificates_for_many_businesses_take_at_most_one_lock_per_bucket(postgres_db):
    owners = User.objects.bulk_create(
        [OwnerFactory.build(email=f"bulk-owner-{n}@example.com") for n in range(BUSINESSES)]
    )
    businesses = Business.objects.bulk_create(
        [
            BusinessFactory.build(owner=owner, slug=f"bulk-{n}", nib=f"{8120000000000 + n}")
            for n, owner in enumerate(owners)
        ]
    )
    with transaction.atomic():
        Certification.objects.bulk_create(
            [CertificationFactory.build(business=business) for business in businesses]
        )
        assert 0 < advisory_locks_held() <= LOCK_BUCKETS
    assert facet_rows() == facet_rows_recounted()
