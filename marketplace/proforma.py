"""The proforma invoice of an accepted quotation (fpdf2, built in memory).

Bilingual on purpose, whatever the reader's language: every heading is written in
English and Indonesian ("Quantity / Jumlah"), as exporters' documents are, and the
payment term in both languages. The figures are the quotation's own (lines, total in
USD), the number its proforma number (``PI-<year>-<nnnn>``). Texts go through
``pdf_text`` (the built-in fonts cover Latin-1 only).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats, translation
from fpdf import FPDF

from mentoring.certificates import pdf_text

from .countries import COUNTRY_NAMES
from .models import PaymentTerm, Quotation

INK = (31, 41, 55)
MUTED = (90, 98, 110)
GREEN = (22, 101, 52)


def money(value: Decimal) -> str:
    """US$ amounts the way invoices write them: 1,234,567.89."""
    return f"{value:,.2f}"


def _both(label) -> str:
    """A choice label in English / Indonesian."""
    with translation.override("en"):
        english = str(label)
    with translation.override("id"):
        indonesian = str(label)
    return english if english == indonesian else f"{english} / {indonesian}"


def proforma_filename(quotation: Quotation) -> str:
    return f"{quotation.proforma_number}.pdf"


def proforma_pdf(quotation: Quotation) -> bytes:
    """The PDF of ``quotation`` (accepted: it has its proforma number), as bytes."""
    inquiry = quotation.inquiry
    business = quotation.business
    buyer = inquiry.buyer
    profile = getattr(buyer, "buyer_profile", None)
    lines = list(quotation.lines.all())

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(pdf_text(f"Proforma invoice {quotation.proforma_number}"))
    pdf.set_author(pdf_text(business.name))
    pdf.set_creator("Jembatan UMKM")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def text(value: str, *, size=10, style="", colour=INK, h=5.0, w=0, align="L") -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(w or width, h, pdf_text(value), align=align, new_x="LMARGIN")

    text("PROFORMA INVOICE / FAKTUR PROFORMA", size=18, style="B", colour=GREEN, h=9)
    text(f"No. / Nomor: {quotation.proforma_number}", size=12, style="B", h=7)
    accepted = quotation.answered_at or quotation.created_at
    text(f"Date / Tanggal: {formats.date_format(accepted, 'Y-m-d')}")
    text(f"Quotation round / Putaran penawaran: {quotation.round}")
    pdf.ln(3)

    seller = [business.name, business.address, f"{business.city}, Indonesia"]
    if business.nib:
        seller.append(f"NIB: {business.nib}")
    customer = [buyer.get_full_name()]
    if profile is not None:
        customer.append(profile.company)
        customer.append(str(COUNTRY_NAMES.get(profile.country, profile.country)))
    text("Seller / Penjual", style="B", colour=MUTED)
    text("\n".join(part for part in seller if part))
    pdf.ln(2)
    text("Buyer / Pembeli", style="B", colour=MUTED)
    text("\n".join(part for part in customer if part))
    pdf.ln(4)

    columns = [
        ("No.", 10, "C"),
        ("Description / Uraian", 70, "L"),
        ("Quantity / Jumlah", 28, "R"),
        ("Unit / Satuan", 22, "L"),
        ("Unit price / Harga satuan (USD)", 20, "R"),
        ("Amount / Nilai (USD)", 30, "R"),
    ]
    columns[-2] = (columns[-2][0], width - sum(c[1] for c in columns if c is not columns[-2]), "R")
    pdf.set_font("Helvetica", style="B", size=8)
    pdf.set_text_color(*INK)
    top = pdf.get_y()
    x = pdf.l_margin
    tallest = top
    for label, w, _align in columns:
        pdf.set_xy(x, top)
        pdf.multi_cell(w, 4, pdf_text(label), border=0, align="L")
        tallest = max(tallest, pdf.get_y())
        x += w
    pdf.set_y(tallest)
    pdf.line(pdf.l_margin, tallest, pdf.l_margin + width, tallest)
    pdf.set_font("Helvetica", size=9)
    for line in lines:
        cells = [
            str(line.position),
            line.description,
            f"{line.quantity:,}",
            line.unit,
            money(line.unit_price_usd),
            money(line.amount_usd),
        ]
        for (_label, w, align), value in zip(columns, cells, strict=True):
            pdf.cell(w, 6, pdf_text(value), align=align)
        pdf.ln(6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.set_font("Helvetica", style="B", size=10)
    pdf.cell(width - 30, 8, "TOTAL (USD)", align="R")
    pdf.cell(30, 8, money(quotation.total_usd), align="R")
    pdf.ln(12)

    terms = [
        ("Currency / Mata uang", quotation.currency),
        ("Incoterm (Incoterms 2020)", f"{quotation.incoterm} {quotation.port}"),
        ("Payment term / Cara pembayaran", _both(PaymentTerm(quotation.payment_term).label)),
        ("Lead time / Waktu produksi", f"{quotation.lead_time_days} days / hari"),
        ("Valid until / Berlaku sampai", quotation.valid_until.isoformat()),
    ]
    for label, value in terms:
        pdf.set_font("Helvetica", style="B", size=9)
        pdf.cell(70, 6, pdf_text(label))
        pdf.set_font("Helvetica", size=9)
        pdf.multi_cell(width - 70, 6, pdf_text(value), new_x="LMARGIN")
    if quotation.notes:
        pdf.ln(2)
        text("Notes / Catatan", style="B", colour=MUTED)
        text(quotation.notes, size=9)
    pdf.ln(6)
    text(
        "This proforma invoice is not a tax invoice. / Faktur proforma ini bukan faktur pajak.",
        size=8,
        colour=MUTED,
    )
    return bytes(pdf.output())
