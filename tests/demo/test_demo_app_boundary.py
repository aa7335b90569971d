"""The demo app is development-only: the production apps never import it, and a
production configuration does not install it."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..support import ROOT

# Every package of the site but the demo, the tests and the benchmark.
# Every top-level package but the demo itself, the tests and the benchmark.
PRODUCTION_PACKAGES = sorted(
    p.parent.name
    for p in ROOT.glob("*/__init__.py")
    if p.parent.name not in {"demo", "tests", "bench"}
)


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif (  # importlib.import_module("demo…") and __import__("demo…")
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", ""))
            in {
                "import_module",
                "__import__",
            }
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def test_the_production_packages_are_found():
    assert {"accounts", "config", "marketplace", "mentoring", "notifications", "umkm"} <= set(
        PRODUCTION_PACKAGES
    )


def test_no_production_module_imports_the_demo_app():
    offenders = []
    for package in PRODUCTION_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for module in _imported_modules(path):
                if module == "demo" or module.startswith("demo."):
                    offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_the_import_check_finds_a_planted_demo_import(tmp_path):
    planted = tmp_path / "views.py"
    planted.write_text(
        "import importlib\n"
        "from demo.loaders.umkm import seed_businesses\n"
        "def f():\n"
        "    import demo.loaders.bulk\n"
        "    return importlib.import_module('demo.loaders.photos')\n"
    )
    assert {"demo.loaders.umkm", "demo.loaders.bulk", "demo.loaders.photos"} <= (
        _imported_modules(planted)
    )


def test_the_demo_app_imports_the_production_apps_not_the_reverse():
    imported = set()
    for path in (ROOT / "demo").rglob("*.py"):
        imported |= {m.split(".")[0] for m in _imported_modules(path)}
    assert {"umkm", "mentoring", "marketplace", "accounts"} <= imported


def _installed_apps(**env: str) -> list[str]:
    names = {"DJANGO_DEBUG", "DJANGO_DEMO_APP", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    clean = {k: v for k, v in os.environ.items() if k not in names}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings; "
            "print(json.dumps(settings.INSTALLED_APPS))",
        ],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "a-long-enough-secret-key-for-this-check-only-0123456789",
            "ALLOWED_HOSTS": "jembatan.example.id",
            "SITE_URL": "https://jembatan.example.id",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("env", "installed"),
    [
        ({"DJANGO_DEBUG": "False"}, False),  # production (docker-compose.yml)
        ({"DJANGO_DEBUG": "True"}, True),  # make run
        ({"DJANGO_DEBUG": "False", "DJANGO_DEMO_APP": "True"}, True),  # a demo server
        ({"DJANGO_DEBUG": "True", "DJANGO_DEMO_APP": "False"}, False),
    ],
)
def test_the_demo_app_is_installed_only_where_asked(env, installed):
    assert ("demo" in _installed_apps(**env)) is installed
