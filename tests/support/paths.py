"""Paths tests compute, whatever folder the test module lives in."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository (tests/support/paths.py)
