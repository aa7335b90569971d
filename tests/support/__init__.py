"""Helpers the tests share (no tests here): the repository root, the query counter, PDF
builders, forms as a browser sends them, each test's media folders, and the helpers of
the feature folders (``trainings``, ``mentorships``, ``inquiries``, ``buying_requests``)."""

from .paths import ROOT
from .queries import captured_queries, count_queries, count_warm_queries

__all__ = ["ROOT", "captured_queries", "count_queries", "count_warm_queries"]
