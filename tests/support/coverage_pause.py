"""``@pytest.mark.no_cover`` that works under pytest-xdist too.

pytest-cov pauses its own coverage for such a test. In an xdist worker it has started
two (the worker's, and a controller's it starts too because the worker sees ``-n`` on
its command line); pausing the worker's resumes the other, so the test was traced at
full cost all the same. This stops every running coverage for the test's call and then
starts them again in their order, whichever of the two hooks runs first.

What these tests run is covered elsewhere (the README's "Coverage" says which); the
reported figure leaves their lines out, so it can only be lower than the truth.
"""

from __future__ import annotations

from contextlib import contextmanager

try:
    from coverage import Coverage
except ImportError:  # pragma: no cover - coverage is a dev dependency
    Coverage = None


def _stop_all() -> list:
    """Stop every running coverage; the most recently started first."""
    stopped = []
    while Coverage is not None and (current := Coverage.current()) is not None:
        if current in stopped:  # stop() left it current: nothing more to stop
            break
        current.stop()
        stopped.append(current)
    return stopped


@contextmanager
def untraced():
    stopped = _stop_all()
    try:
        yield
    finally:
        _stop_all()  # those another hook started again meanwhile
        for coverage in reversed(stopped):
            coverage.start()
