"""Helpers the tests share (no tests here): the repository root, the query counter, PDF
builders and forms as a browser sends them."""

from .paths import ROOT
from .queries import count_queries

__all__ = ["ROOT", "count_queries"]
