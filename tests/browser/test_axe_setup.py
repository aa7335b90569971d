"""axe-core comes from node_modules: without it the journeys' checks skip locally with
the reason and fail under CI=true (as a missing Chromium does)."""

import pytest

from .. import conftest as root
from . import axe


def test_the_pinned_package_is_what_the_journeys_load():
    assert axe.AXE.parts[-3:] == ("node_modules", "axe-core", "axe.min.js")


def test_without_node_modules_the_checks_skip_with_the_reason(monkeypatch, tmp_path):
    monkeypatch.setattr(axe, "AXE", tmp_path / "axe.min.js")
    monkeypatch.setattr(root, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="npm ci"):
        axe.require_axe()


def test_under_ci_a_missing_axe_fails(monkeypatch, tmp_path):
    monkeypatch.setattr(axe, "AXE", tmp_path / "axe.min.js")
    monkeypatch.setattr(root, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="required under CI"):
        axe.require_axe()
