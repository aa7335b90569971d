"""Training sessions, registrations, attendance and certificates."""

__all__: list[str] = []
