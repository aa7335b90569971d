"""Content-Security-Policy: the browser runs only the site's own files.

The pages carry no inline script and no event-handler attribute (the one ``<script>``
is JSON-LD data, which is not run), every asset is served by the app itself, and
nothing is framed. So the policy allows scripts, styles and fonts from this origin
only, pictures also from the media store (S3 when configured) and ``data:`` URLs,
forms that post back here, and no plugins, frames or ``<base>`` tricks. Inline
``style`` attributes stay allowed: the readiness meter sets its width with one.

The API's documentation page (Swagger UI, from drf-spectacular) is built with an
inline script and style and shows no user text; ``with_inline_assets`` gives it a
policy that allows them.
"""

from functools import wraps
from urllib.parse import urlsplit

HEADER = "Content-Security-Policy"


def policy(*, img_sources: tuple[str, ...] = (), inline: bool = False) -> str:
    inline_source = " 'unsafe-inline'" if inline else ""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'" + inline_source,
        "style-src": "'self'" + inline_source,
        "style-src-attr": "'unsafe-inline'",
        "img-src": " ".join(("'self'", "data:", *img_sources)),
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def media_origin() -> str | None:
    """The origin of public media when they live elsewhere (object storage)."""
    from django.core.files.storage import storages

    parts = urlsplit(storages["default"].url("probe.jpg"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        origin = media_origin()
        self.header = policy(img_sources=(origin,) if origin else ())

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = self.header
        return response


def with_inline_assets(view):
    """For a third-party page without user content that needs inline script/style."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response[HEADER] = policy(inline=True)
        return response

    return wrapped
