"""Every dashboard table as CSV or XLSX, with the same values as the page.

Numbers stay numbers (a spreadsheet can sum them); "unknown" is an empty cell.
Text cells are guarded against formula injection: in CSV a cell starting with
``= + - @`` (or a tab or carriage return) gets a leading apostrophe, the same guard as
the product export (``umkm.csv_io``); in XLSX text cells are written as text, so no
cell is ever a formula.
"""

import csv
import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.csv_safety import csv_safe

from .periods import Period
from .tables import MONTH, Table

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def filename(table: Table, period: Period, fmt: str) -> str:
    return f"jembatan-{table.key}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"


def _value(value, kind: str):
    """The cell value: a number, a text, or None for "unknown"."""
    if value is None:
        return None
    if kind == MONTH and isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | Decimal):
        return value
    return str(value)


def csv_bytes(table: Table) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # a BOM, or Excel on Windows reads UTF-8 as cp1252
    writer = csv.writer(out)
    writer.writerow([csv_safe(header) for header in table.headers])
    kinds = [column.kind for column in table.columns]
    for row in table.rows:
        cells = []
        for value, kind in zip(row, kinds, strict=True):
            value = _value(value, kind)
            if value is None:
                cells.append("")
            elif isinstance(value, str):
                cells.append(csv_safe(value))
            else:
                cells.append(str(value))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def _text_cell(cell, value) -> None:
    cell.value = value
    cell.data_type = "s"  # never a formula, whatever the text starts with


def xlsx_bytes(table: Table) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = table.key[:31]
    bold = Font(bold=True)
    widths = [len(header) for header in table.headers]
    for col, header in enumerate(table.headers, start=1):
        cell = sheet.cell(row=1, column=col)
        _text_cell(cell, header)
        cell.font = bold
    kinds = [column.kind for column in table.columns]
    for r, row in enumerate(table.rows, start=2):
        for col, (value, kind) in enumerate(zip(row, kinds, strict=True), start=1):
            value = _value(value, kind)
            cell = sheet.cell(row=r, column=col)
            if isinstance(value, str):
                _text_cell(cell, value)
            else:
                cell.value = value
            widths[col - 1] = max(widths[col - 1], len(str(value or "")))
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(table: Table, fmt: str) -> bytes:
    return csv_bytes(table) if fmt == "csv" else xlsx_bytes(table)
