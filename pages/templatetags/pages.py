"""``{{ page.body|page_body }}``: a page's plain text as paragraphs and headings.

Everything staff typed is escaped; blocks are separated by an empty line, a block
starting with "## " is a heading, single line breaks stay, and web and email addresses
become links (Django's ``urlize``, which escapes too)."""

import re

from django import template
from django.utils.html import format_html, urlize
from django.utils.safestring import mark_safe

register = template.Library()


def _paragraph(lines: list[str]) -> str:
    linked = [urlize(line, nofollow=True, autoescape=True) for line in lines]
    # Safe: urlize(autoescape=True) escapes every line around the links it makes.
    return mark_safe(f"<p>{'<br>'.join(linked)}</p>")  # noqa: S308  # nosec B308


@register.filter
def page_body(text: str) -> str:
    parts = []
    for block in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        lines: list[str] = []
        for line in block.split("\n"):
            line = line.strip()
            if line.startswith("## "):
                if lines:
                    parts.append(_paragraph(lines))
                    lines = []
                parts.append(format_html("<h2>{}</h2>", line[3:].strip()))
            elif line:
                lines.append(line)
        if lines:
            parts.append(_paragraph(lines))
    return mark_safe("\n".join(parts))  # noqa: S308  # nosec B308
