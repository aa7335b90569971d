"""The WhatsApp template of every notification kind: what to submit to Meta.

Outside the 24-hour window WhatsApp delivers only templates that Meta approved in
advance. Each kind has one utility template, in English and Indonesian, derived from
the kind's own title and body (``notifications.kinds``), so the two never drift apart:
each ``%(name)s`` becomes a numbered variable ``{{n}}`` whose value is rendered when the
event happens, and a URL button opens the page on this site. Staff read the list in
the admin (WhatsApp numbers → "Templates to register").
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..kinds import KINDS, Kind

LANGUAGES = ("en", "id")
PREFIX = "jb_"
VERIFICATION_TEMPLATE = "jb_verification_code"
BRAND_LINE = "Jembatan UMKM"  # Meta refuses a body that starts with a variable
MAX_PARAM_CHARS = 300  # the body, with its values, must stay under 1,024 characters
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")

TAIL = _("Open it on Jembatan UMKM with the button below.")
BUTTON = _("Open")


@dataclass(frozen=True)
class Template:
    name: str
    kind: str
    category: str
    language: str
    body: str  # with {{1}}, {{2}}… as Meta shows them
    parameters: list[str]  # the context key of each variable, in order
    button_text: str
    button_url: str  # ends with {{1}}: the page's path

    @property
    def example(self) -> list[str]:
        return [f"<{key}>" for key in self.parameters]


def name_for(kind: str) -> str:
    return f"{PREFIX}{kind}"


def language_for(user) -> str:
    return "id" if str(getattr(user, "language", "")).startswith("id") else "en"


def _numbered(text: str, keys: list[str]) -> str:
    def number(match: re.Match) -> str:
        keys.append(match.group(1))
        return "{{" + str(len(keys)) + "}}"

    return _PLACEHOLDER.sub(number, text.replace("%%", "%"))


def template_for(kind: Kind, language: str) -> Template:
    keys: list[str] = []
    with translation.override(language):
        title = _numbered(str(kind.title), keys)
        body = _numbered(str(kind.body), keys)
        text = f"{BRAND_LINE}\n{title}\n\n{body}\n\n{TAIL}"
        button_text = str(BUTTON)
    return Template(
        name=name_for(kind.key),
        kind=kind.key,
        category="UTILITY",
        language=language,
        body=text,
        parameters=keys,
        button_text=button_text,
        button_url=f"{settings.SITE_URL}/{{{{1}}}}",
    )


def registry() -> list[Template]:
    """Every template to register with Meta: one per kind and language."""
    return [template_for(kind, language) for kind in KINDS.values() for language in LANGUAGES]


def clean_param(value) -> str:
    """A variable's value as Meta accepts it: no line breaks or tabs, no run of more than
    three spaces, not empty, not too long."""
    text = " ".join(str(value).split())
    if len(text) > MAX_PARAM_CHARS:
        text = text[: MAX_PARAM_CHARS - 1] + "…"
    return text or "-"


def params_for(kind: str, context: dict, language: str) -> list[str]:
    """The values of the kind's variables, in order, from the event's context."""
    template = template_for(KINDS[kind], language)
    with translation.override(language):
        return [clean_param(context.get(key, "")) for key in template.parameters]


def link_param(url: str) -> str:
    """The button's variable: the page's path after the site address."""
    site = settings.SITE_URL
    path = url[len(site) :] if url.startswith(site) else url
    return path.lstrip("/") or "notifications/"
