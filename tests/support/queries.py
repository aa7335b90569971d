"""The one query counter of the suite."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextmanager
def captured_queries() -> Iterator[CaptureQueriesContext]:
    """The queries run inside the block: ``len(queries)``, ``queries.captured_queries``."""
    with CaptureQueriesContext(connection) as queries:
        yield queries


def count_queries(client, url: str) -> int:
    """The number of queries a GET of ``url`` takes; the page must answer 200."""
    with captured_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def count_warm_queries(client, url: str) -> int:
    """The queries of a GET of ``url`` once what the page caches for this person (the
    header's unread count) is filled: a GET, then the counted one. For comparing a
    page's cost before and after the data grew, each side in the same state."""
    assert client.get(url).status_code == 200
    return count_queries(client, url)
