"""``@pytest.mark.no_cover`` stops every tracer, also in a pytest-xdist worker (where
pytest-cov runs two coverages), and the tests after it are traced again."""

import sys

import pytest
from coverage import Coverage


def _coverage_on(config) -> bool:
    return config.pluginmanager.hasplugin("_cov") and not config.option.no_cov


@pytest.mark.no_cover
def test_a_no_cover_test_runs_with_no_tracer():
    assert sys.gettrace() is None
    assert Coverage.current() is None


@pytest.mark.parametrize("run", [1, 2])
def test_the_tests_around_it_are_traced(request, run):
    if not _coverage_on(request.config):
        pytest.skip("coverage is not measured in this run (make test measures it)")
    assert sys.gettrace() is not None
    assert Coverage.current() is not None
