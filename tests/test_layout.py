"""The suite's layout: no test module imports another test module (what tests share
lives in ``tests/factories/``, ``tests/support/`` and the conftest files)."""

import ast
from pathlib import Path

from .support import ROOT


def imported_modules(path: Path, root: Path) -> list[str]:
    """Every module ``path`` imports, as dotted names from ``root`` (relative imports
    resolved; ``from . import x`` counts as importing the module ``x`` too)."""
    package = path.relative_to(root).parent.parts
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join(base + (node.module.split(".") if node.module else []))
            found.append(module)
            found += [f"{module}.{alias.name}" for alias in node.names]
    return found


def modules_importing_test_modules(root: Path) -> list[str]:
    return [
        f"{path.relative_to(root)} imports {module}"
        for path in sorted((root / "tests").rglob("test_*.py"))
        for module in imported_modules(path, root)
        if module.split(".")[0] == "tests" and module.split(".")[-1].startswith("test_")
    ]


def test_no_test_module_imports_another_test_module():
    offenders = modules_importing_test_modules(ROOT)
    assert not offenders, "\n".join(offenders)


def test_the_check_finds_every_import_form(tmp_path):
    folder = tmp_path / "tests" / "marketplace"
    folder.mkdir(parents=True)
    (folder / "test_a.py").write_text(
        "from . import test_catalogue\n"
        "from ..mentoring.test_trainings import X\n"
        "import tests.umkm.test_views\n"
        "from ..factories import BusinessFactory\n"
        "from ..support.catalogue import add_photos\n",
        encoding="utf-8",
    )
    assert modules_importing_test_modules(tmp_path) == [
        "tests/marketplace/test_a.py imports tests.marketplace.test_catalogue",
        "tests/marketplace/test_a.py imports tests.mentoring.test_trainings",
        "tests/marketplace/test_a.py imports tests.umkm.test_views",
    ]
