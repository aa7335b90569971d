"""The PDF certificate of attendance (fpdf2, built in memory).

The certificate names the attendee, the business, the session, its date and host, and
carries the verification code with a QR code (segno, drawn locally) of the public page
that confirms it. The PDF's built-in fonts cover Latin-1 only, so other characters are
spelled without their accents (or replaced) rather than failing.
"""

from __future__ import annotations

import unicodedata
from io import BytesIO
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from core.formatting import format_date

from .models import Registration

_REPLACEMENTS = {
    "‘": "'",
    "’": "'",
    "‚": ",",
    "“": '"',
    "”": '"',
    "„": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "→": "->",
    "•": "-",
    "\u00a0": " ",
    "Ł": "L",
    "ł": "l",
    "Đ": "D",
    "đ": "d",
    "ı": "i",
    "Œ": "OE",
    "œ": "oe",
}
GREEN = (22, 101, 52)
INK = (31, 41, 55)
MUTED = (90, 98, 110)


def pdf_text(text: str) -> str:
    """``text`` reduced to what the built-in PDF fonts (Latin-1) can show."""
    out = []
    for char in str(text):
        if ord(char) < 256:
            out.append(char)
        elif char in _REPLACEMENTS:
            out.append(_REPLACEMENTS[char])
        else:
            base = unicodedata.normalize("NFKD", char)
            kept = "".join(c for c in base if ord(c) < 256 and not unicodedata.combining(c))
            out.append(kept or "?")
    return "".join(out)


def verify_url(code: str) -> str:
    path = reverse("mentoring:certificate-verify")
    return f"{settings.SITE_URL}{path}?{urlencode({'code': code})}"


def _qr_png(data: str) -> BytesIO:
    buffer = BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    return buffer


def certificate_pdf(registration: Registration) -> bytes:
    """The certificate of ``registration`` (which has its certificate code), as PDF bytes.

    Texts are in the active language; the date in the active time zone.
    """
    session = registration.session
    code = registration.certificate_code
    starts = timezone.localtime(session.starts_at)
    date = format_date(starts)
    host = session.host.get_full_name()

    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_title(pdf_text(_("Certificate of attendance")))
    pdf.set_author("Jembatan UMKM")
    pdf.set_creator("Jembatan UMKM")
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    width = pdf.w - 40

    pdf.set_draw_color(*GREEN)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.4)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)

    def line(text: str, *, size: float, style: str = "", colour=INK, gap: float = 4) -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.set_text_color(*colour)
        pdf.set_x(20)
        pdf.multi_cell(width, size * 0.5, pdf_text(text), align="C")
        pdf.ln(gap)

    pdf.set_y(26)
    line("Jembatan UMKM", size=14, style="B", colour=GREEN, gap=6)
    line(_("Certificate of attendance"), size=30, style="B", gap=10)
    line(_("This certifies that"), size=13, colour=MUTED)
    line(registration.attendee_name, size=26, style="B", gap=3)
    line(_("of %(business)s") % {"business": registration.business.name}, size=13, colour=MUTED)
    line(_("attended the training"), size=13, colour=MUTED)
    line(session.title, size=20, style="B", gap=3)
    line(
        _("held on %(date)s, hosted by %(host)s") % {"date": date, "host": host},
        size=13,
        colour=MUTED,
    )

    url = verify_url(code)
    pdf.image(_qr_png(url), x=pdf.w - 62, y=pdf.h - 62, w=38, h=38)
    pdf.set_xy(24, pdf.h - 52)
    pdf.set_font("Helvetica", style="B", size=12)
    pdf.set_text_color(*INK)
    pdf.cell(0, 7, pdf_text(_("Verification code: %(code)s") % {"code": code}))
    pdf.set_xy(24, pdf.h - 44)
    pdf.set_font("Helvetica", size=10)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        pdf.w - 100,
        5,
        pdf_text(
            _("Anyone can check this certificate at %(url)s")
            % {"url": f"{settings.SITE_URL}{reverse('mentoring:certificate-verify')}"}
        ),
    )
    return bytes(pdf.output())
