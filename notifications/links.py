from django.conf import settings


def absolute_url(path: str) -> str:
    """A path on this site as a full address, for messages read outside the site."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"
