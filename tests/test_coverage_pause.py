"""``@pytest.mark.no_cover`` stops every tracer, also in a pytest-xdist worker (where
pytest-cov runs two coverages), and starts them again in their order."""

import sys
from pathlib import Path

import pytest
from coverage import Coverage

from .conftest import UNTRACED_MODULES, untraced_call
from .support import coverage_pause


def _coverage_on(config) -> bool:
    return config.pluginmanager.hasplugin("_cov") and not config.option.no_cov


@pytest.fixture
def measured(request):
    if not _coverage_on(request.config):
        pytest.skip("coverage is not measured in this run (make test measures it)")


@pytest.mark.no_cover
def test_a_no_cover_test_runs_with_no_tracer(measured):
    assert sys.gettrace() is None
    assert Coverage.current() is None


def test_the_other_tests_are_traced(measured):
    assert sys.gettrace() is not None
    assert Coverage.current() is not None


class _FakeCoverage:
    """Coverage's class-level stack of started instances, as ``Coverage.current`` reads it."""

    started: list = []

    def __init__(self, name):
        self.name = name

    @classmethod
    def current(cls):
        return cls.started[-1] if cls.started else None

    def start(self):
        self.started.append(self)

    def stop(self):
        self.started.remove(self)


def test_untraced_stops_every_coverage_and_restarts_them_in_their_order(monkeypatch):
    monkeypatch.setattr(coverage_pause, "Coverage", _FakeCoverage)
    monkeypatch.setattr(_FakeCoverage, "started", [])
    controller, worker = _FakeCoverage("controller"), _FakeCoverage("worker")
    controller.start()
    worker.start()

    with coverage_pause.untraced():
        assert _FakeCoverage.started == []
        worker.start()  # pytest-cov's own pause and resume, when its hook runs inside ours

    assert _FakeCoverage.started == [controller, worker]


class _Item:
    def __init__(self, nodeid, markers=(), fixturenames=()):
        self.nodeid, self.markers, self.fixturenames = nodeid, markers, fixturenames

    def get_closest_marker(self, name):
        return name if name in self.markers else None


def test_the_untraced_modules_exist_and_only_their_tests_run_untraced():
    root = Path(__file__).resolve().parents[1]
    assert all((root / path).is_file() for path in UNTRACED_MODULES)
    assert untraced_call(_Item("tests/security/test_idor.py::test_x[owner]"))
    assert untraced_call(_Item("tests/umkm/test_views.py::test_y", markers=("no_cover",)))
    assert untraced_call(_Item("tests/umkm/test_views.py::test_y", fixturenames=("no_cover",)))
    assert not untraced_call(_Item("tests/umkm/test_views.py::test_y"))
    assert not untraced_call(_Item("tests/security/test_idor.py.bak::test_x"))
