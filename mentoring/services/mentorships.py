"""Mentorship lifecycle, logs and action items."""

__all__: list[str] = []
