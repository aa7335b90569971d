"""Reading ``demo/data/``: YAML with ``yaml.safe_load``, CSV as dictionaries."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@functools.cache
def read_yaml(name: str) -> dict:
    """A data file as plain data (read once per process; do not modify the result)."""
    with (DATA_DIR / name).open(encoding="utf-8") as file:
        return yaml.safe_load(file)


@functools.cache
def read_csv(name: str) -> tuple[dict[str, str], ...]:
    """A CSV data file's rows, keyed by the header."""
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as file:
        return tuple(csv.DictReader(file))


def data_files() -> list[Path]:
    """Every data file, for the tests that check them."""
    return sorted(p for p in DATA_DIR.iterdir() if p.suffix in {".yaml", ".csv"})
