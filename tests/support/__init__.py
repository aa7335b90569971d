"""Helpers the tests share (no tests here): the repository root, the query counter, PDF
builders and forms as a browser sends them."""

from .paths import ROOT
from .queries import captured_queries, count_queries

__all__ = ["ROOT", "captured_queries", "count_queries"]
