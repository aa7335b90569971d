"""A write that could not get SQLite's lock in time: "please try again", never a 500.

SQLite lets one connection write at a time. The settings make every connection wait up
to ``OPTIONS["timeout"]`` seconds for the write lock; if a burst of writes lasts
longer, the write fails with ``OperationalError: database is locked`` and its
transaction rolls back. The person then gets HTTP 503 with ``Retry-After``:

- on the site, a page in the site's layout that says nothing was saved and offers to
  send the same entries again: a form with the posted fields as hidden inputs and a
  fresh CSRF token. Passwords are never written into the page (the form asks for them
  again), and files cannot be carried over, so after an upload the page asks the person
  to go back (the browser keeps what they typed) and choose the file again, instead of
  offering a resend that would silently drop the file;
- under ``/api/``, JSON in the API's error shape ``{"detail": "…", "errors": {}}``.

Only exceptions raised by a view reach ``process_exception``; the services keep their
write transactions short, so the wait is rarely needed at all.
"""

import logging

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.http import JsonResponse
from django.http.request import RawPostDataException
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
API_PREFIX = "/api/"
# sqlite3's messages for SQLITE_BUSY and SQLITE_LOCKED.
LOCK_MESSAGES = ("database is locked", "database table is locked", "database schema is locked")
NOT_ECHOED = ("csrfmiddlewaretoken",)
MSG_API_BUSY = _(
    "The site is busy: many people are saving at the same moment, and this request was "
    "not saved. Please send it again in a few seconds."
)


def is_lock_timeout(exception: BaseException) -> bool:
    """SQLite gave up waiting for a lock (only SQLite: PostgreSQL waits for row locks)."""
    return (
        isinstance(exception, OperationalError)
        and connections[DEFAULT_DB_ALIAS].vendor == "sqlite"
        and any(text in str(exception).lower() for text in LOCK_MESSAGES)
    )


def _posted(request) -> tuple[list[tuple[str, str]], bool, bool]:
    """The posted (name, value) pairs to send again, whether passwords were left out,
    and whether files were uploaded."""
    try:
        posted, uploaded = request.POST, bool(request.FILES)
    except RawPostDataException:  # the view read the body as a stream
        return [], False, False
    fields, passwords = [], False
    for name, values in posted.lists():
        if name in NOT_ECHOED:
            continue
        if "password" in name.lower():
            passwords = True
            continue
        fields.extend((name, value) for value in values)
    return fields, passwords, uploaded


class DatabaseBusyMiddleware:
    """Turns a view's "database is locked" into a 503 page or JSON (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_lock_timeout(exception):
            return None
        logger.warning(
            "Database busy: %s %s answered 503 (%s)", request.method, request.path, exception
        )
        if request.path.startswith(API_PREFIX):
            response = JsonResponse(
                {"detail": str(MSG_API_BUSY), "errors": {}},
                status=503,
            )
        else:
            is_post = request.method == "POST"
            fields, passwords, uploaded = _posted(request) if is_post else ([], False, False)
            response = render(
                request,
                "503.html",
                {
                    "action": request.get_full_path(),
                    "resend": is_post and not uploaded,
                    "uploaded": uploaded,
                    "fields": fields,
                    "passwords_left_out": passwords,
                },
                status=503,
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
