"""The Indonesian and English catalogues are complete, compiled and current."""

import shutil
import subprocess
import sys

import polib
import pytest

from ..conftest import require_service
from ..support import ROOT

LANGUAGES = ["id", "en"]
# Every top-level Python package of the project (its apps and helpers) and the shared
# templates: a new app is extracted without being listed here.
SOURCE_DIRS = [
    *sorted(
        path.name
        for path in ROOT.iterdir()
        if (path / "__init__.py").is_file() and path.name not in {"tests", "bench"}
    ),
    "templates",
]


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    po = _catalogue(language)
    assert len(po) > 50, "the catalogue looks empty"
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [], f"untranslated in {language}: {untranslated[:10]}"
    assert fuzzy == [], f"fuzzy in {language}: {fuzzy[:10]}"


def test_indonesian_is_really_indonesian():
    """Catch a catalogue filled by copying English: most entries must differ."""
    po = _catalogue("id")
    same = [e.msgid for e in po.translated_entries() if e.msgstr == e.msgid and len(e.msgid) > 12]
    assert len(same) < len(po) * 0.1, f"too many entries left in English: {same[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    for entry in _catalogue(language).translated_entries():
        for flag in ("python-format", "python-brace-format"):
            if flag in entry.flags:
                source = sorted(polib_placeholders(entry.msgid))
                target = sorted(polib_placeholders(entry.msgstr or entry.msgstr_plural.get(0, "")))
                assert source == target, f"{language}: {entry.msgid!r} → {entry.msgstr!r}"


def polib_placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"%\(\w+\)[sd]|\{\w+\}", text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_source(language):
    po = _catalogue(language)
    mo_path = ROOT / "locale" / language / "LC_MESSAGES" / "django.mo"
    assert mo_path.exists(), f"{mo_path} missing: run `make messages`"
    mo = polib.mofile(str(mo_path))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        got = compiled.get((entry.msgctxt, entry.msgid))
        assert got is not None, f"{entry.msgid!r} is not compiled: run `make messages`"
        assert got[0] == entry.msgstr, f"{entry.msgid!r} compiled differently: run `make messages`"


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Re-extract the strings from a copy of the source; nothing new may appear."""
    require_service(shutil.which("xgettext") is not None, "needs GNU gettext (xgettext)")
    for name in [*SOURCE_DIRS, "manage.py", "locale"]:
        source = ROOT / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "id", "--no-obsolete", "--no-location"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "config.test_settings", "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    extracted = {
        (e.msgctxt, e.msgid)
        for e in polib.pofile(str(tmp_path / "locale/id/LC_MESSAGES/django.po"))
    }
    committed = {(e.msgctxt, e.msgid) for e in _catalogue("id")}
    missing = sorted(msgid for _ctx, msgid in extracted - committed)
    assert missing == [], f"strings not in locale/id (run `make messages`): {missing[:10]}"


def test_no_module_translates_at_import_time():
    """A text translated outside a function is frozen in the language active when the
    module was imported (a refusal page would always be in that language): module-level
    and class-level texts use gettext_lazy."""
    import ast

    eager_names = {"gettext", "ngettext", "pgettext"}
    found = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "tests/", "node_modules/")) or "/migrations/" in relative:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        eager = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
            for alias in node.names
            if alias.name in eager_names
        }

        def visit(node, in_function, eager=eager, relative=relative):
            for child in ast.iter_child_nodes(node):
                inside = in_function or isinstance(
                    child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
                )
                if (
                    not inside
                    and isinstance(child, ast.Call)
                    and isinstance(child.func, ast.Name)
                    and child.func.id in eager
                ):
                    found.append(f"{relative}:{child.lineno}")
                visit(child, inside)

        visit(tree, False)
    assert found == []
