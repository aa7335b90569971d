import zoneinfo

from django.conf import settings
from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """Show a signed-in person the site in their language and time zone.

    Anonymous visitors keep what LocaleMiddleware chose (language cookie, then the
    browser's Accept-Language).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        asked = request.GET.get("lang", "")
        if asked in dict(settings.LANGUAGES):
            # An explicit ?lang= (hreflang alternates, shared links) wins for this page.
            translation.activate(asked)
            request.LANGUAGE_CODE = asked
        elif user is not None and user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
