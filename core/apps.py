from django.apps import AppConfig

from core import request_memo
from core.writes import watch_writes


class CoreConfig(AppConfig):
    """Helpers every app may use; no models. When ready it watches the database's writes
    for the personal page cache (``core.writes``) and scopes ``core.request_memo`` to
    each request."""

    name = "core"

    def ready(self) -> None:
        watch_writes()
        request_memo.connect()
