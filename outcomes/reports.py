"""The funders' report as files: PDF (fpdf2) and XLSX (openpyxl), with the same rows
and definitions as the printable page (``headline`` is the one list of figures)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Font

from mentoring.certificates import pdf_text

from .figures import DEFINITIONS, OutcomeFigures

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def headline(f: OutcomeFigures) -> list[tuple[str, object]]:
    """(label, value) of every headline figure; None is "not available"."""
    return [
        (_("New exporters"), f.new_exporters),
        (_("Businesses with a verified shipment"), f.exporters),
        (_("Verified shipments"), f.shipments),
        (_("Verified export value (US$)"), f.value_usd),
        (_("Verified export value (Rp, at monthly rates)"), f.value_idr),
        (_("Verified shipments without a rate for their month"), f.shipments_without_rate),
        (_("Destination countries"), f.country_count),
        (_("Businesses with a baseline"), f.baselines),
        (_("Businesses with a due follow-up"), f.surveyed),
        (_("Businesses that answered"), f.answered),
        (_("Response rate (%)"), f.response_rate),
        (_("Respondents with a baseline"), f.respondents),
        (_("Change in paid jobs, women"), f.jobs_women_change),
        (_("Change in paid jobs, men"), f.jobs_men_change),
        (_("Change in paid jobs, total"), f.jobs_change),
        (_("Change in unpaid workers"), f.unpaid_change),
        (_("Revenue band higher than at baseline"), f.revenue_up),
        (_("Revenue band the same"), f.revenue_same),
        (_("Revenue band lower"), f.revenue_down),
        (_("Would not have happened without the programme"), f.attribution.get("no", 0)),
        (_("Partly: would have taken longer"), f.attribution.get("partly", 0)),
        (_("Would have happened anyway"), f.attribution.get("yes", 0)),
        (_("Do not know"), f.attribution.get("unsure", 0)),
        (_("Programme budget (Rp)"), f.budget_idr),
        (_("Cost per new exporter (Rp)"), f.cost_per_new_exporter),
        (_("Cost per job (Rp)"), f.cost_per_job),
    ]


def mentor_headers() -> list[str]:
    return [
        _("Mentor"),
        _("Businesses"),
        _("New exporters"),
        _("Export value (US$)"),
        _("Respondents"),
        _("Change in paid jobs"),
        _("Budget share (Rp)"),
        _("Cost per new exporter (Rp)"),
        _("Cost per job (Rp)"),
    ]


def mentor_rows(f: OutcomeFigures) -> list[list]:
    return [
        [
            m.name,
            m.businesses,
            m.new_exporters,
            m.value_usd,
            m.respondents,
            m.jobs_change,
            m.budget_share_idr,
            m.cost_per_new_exporter,
            m.cost_per_job,
        ]
        for m in f.mentors
    ]


def country_headers() -> list[str]:
    return [_("Country"), _("Verified shipments"), _("Businesses"), _("Export value (US$)")]


def country_rows(f: OutcomeFigures) -> list[list]:
    return [[c.name, c.shipments, c.businesses, c.value_usd] for c in f.countries]


def _shown(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, Decimal):
        places = 0 if value == value.to_integral_value() else 2
        return formats.number_format(value, places, force_grouping=True)
    if isinstance(value, int):
        return formats.number_format(value, 0, force_grouping=True)
    return str(value)


def title(f: OutcomeFigures) -> str:
    return _("Programme outcomes up to %(date)s") % {"date": formats.date_format(f.as_of)}


def pdf_bytes(f: OutcomeFigures) -> bytes:
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_title(pdf_text(title(f)))
    pdf.set_author("Jembatan UMKM")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.w - 30

    def heading(text: str, size: float = 13) -> None:
        pdf.set_font("Helvetica", style="B", size=size)
        pdf.ln(3)
        pdf.multi_cell(width, size * 0.5, pdf_text(text))
        pdf.ln(1)

    def table(headers: list[str], rows: list[list], widths: list[float]) -> None:
        """fpdf2's table: long headers and names wrap inside their cells."""
        pdf.set_font("Helvetica", size=8)
        aligns = ["LEFT"] + ["RIGHT"] * (len(headers) - 1)
        with pdf.table(
            col_widths=widths,
            text_align=aligns,
            headings_style=FontFace(emphasis="BOLD", size_pt=7),
            line_height=4,
            width=sum(widths),
            align="LEFT",
        ) as grid:
            head = grid.row()
            for header in headers:
                head.cell(pdf_text(header))
            for values in rows:
                row = grid.row()
                for value in values:
                    row.cell(pdf_text(_shown(value)))

    pdf.set_margins(15, 15, 15)
    heading("Jembatan UMKM", size=10)
    heading(title(f), size=16)
    heading(_("Figures"))
    table([_("Figure"), _("Value")], [[label, value] for label, value in headline(f)], [130, 50])
    heading(_("Destination countries"))
    table(country_headers(), country_rows(f), [70, 35, 35, 40])
    heading(_("Per mentor"))
    table(mentor_headers(), mentor_rows(f), [28, 12, 14, 20, 19, 14, 25, 24, 24])
    heading(_("Definitions"))
    for term, text in DEFINITIONS:
        pdf.set_font("Helvetica", style="B", size=9)
        pdf.multi_cell(width, 4.5, pdf_text(str(term)))
        pdf.set_font("Helvetica", size=9)
        pdf.multi_cell(width, 4.5, pdf_text(str(text)))
        pdf.ln(1.5)
    return bytes(pdf.output())


def _sheet(book, name: str, headers: list[str], rows: list[list]) -> None:
    sheet = book.create_sheet(name[:31])
    bold = Font(bold=True)
    for col, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=col, value=str(header))
        cell.data_type = "s"
        cell.font = bold
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=col)
            if isinstance(value, str):
                cell.value = value
                cell.data_type = "s"  # text stays text: never a formula
            else:
                cell.value = value
    sheet.column_dimensions["A"].width = 48
    sheet.freeze_panes = "A2"


def xlsx_bytes(f: OutcomeFigures) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _sheet(
        book,
        _("Figures"),
        [title(f), _("Value")],
        [[str(label), value] for label, value in headline(f)],
    )
    _sheet(book, _("Countries"), country_headers(), country_rows(f))
    _sheet(book, _("Mentors"), mentor_headers(), mentor_rows(f))
    _sheet(
        book,
        _("Definitions"),
        [_("Term"), _("Definition")],
        [[str(t), str(d)] for t, d in DEFINITIONS],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(f: OutcomeFigures, fmt: str) -> bytes:
    return pdf_bytes(f) if fmt == "pdf" else xlsx_bytes(f)
