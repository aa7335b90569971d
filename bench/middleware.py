"""Bench-only middleware: how many SQL queries a request made, in a response header."""

from contextlib import ExitStack

from django.db import connections

HEADER = "X-Bench-Queries"


class QueryCountMiddleware:
    """Count every statement on every database connection while the request runs.

    Uses ``execute_wrapper``, so it works with ``DEBUG=False`` (``connection.queries``
    is only filled in debug mode) and costs one function call per query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counter))
            response = self.get_response(request)
        response[HEADER] = str(count)
        return response
