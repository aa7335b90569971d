"""Products to and from CSV spreadsheets (Excel, LibreOffice, Google Sheets).

One header row, one product per row. Every row is checked with ``ProductForm`` and the
price tiers with ``PriceTierFormSet``, so a spreadsheet follows exactly the rules of
the web form. An import is all or nothing: one bad row and no product is created, and
the owner gets every problem with its spreadsheet row number (header = row 1).
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.forms import NON_FIELD_ERRORS
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.csv_safety import csv_safe

from . import services
from .forms import PriceTierFormSet, ProductForm
from .models import Category, PriceTier, Product, format_hs_code, normalise_hs_code

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000

# The file's columns, in order. Only the fields the form requires must be present.
COLUMNS = [
    "name_id",
    "name_en",
    "description_id",
    "description_en",
    "category",
    "hs_code",
    "unit",
    "moq",
    "price_idr",
    "fob_usd",
    "sample_available",
    "sample_price_usd",
    "capacity_per_month",
    "lead_time_days",
    "weight_grams",
    "size",
    "shelf_life_days",
    "incoterms",
    "port_of_loading",
    "tiers",
]
EXPORT_COLUMNS = [*COLUMNS, "status"]  # the importer ignores columns it does not know

WHOLE_NUMBER_COLUMNS = {
    "moq",
    "price_idr",  # rupiah have no cents: "1.500.000" is one and a half million
    "capacity_per_month",
    "lead_time_days",
    "weight_grams",
    "shelf_life_days",
}
DOLLAR_COLUMNS = {"fob_usd", "sample_price_usd"}

YES = {"yes", "y", "true", "1", "ya", "iya", "benar", "x"}
NO = {"", "no", "n", "false", "0", "tidak", "tdk", "salah"}


EXAMPLE = {
    "name_id": "Keripik nanas",
    "name_en": "Pineapple chips",
    "description_id": "Keripik nanas renyah dari nanas Kampar, tanpa pengawet.",
    "description_en": "Crispy chips from Kampar pineapples, no preservatives.",
    "category": "",  # filled in with a real category, see template_csv()
    "hs_code": "2008.99",
    "unit": Product.Unit.PACK,
    "moq": "100",
    "price_idr": "25000",
    "fob_usd": "2.10",
    "sample_available": "yes",
    "sample_price_usd": "5.00",
    "capacity_per_month": "2000",
    "lead_time_days": "14",
    "weight_grams": "250",
    "size": "20 × 15 × 5 cm",
    "shelf_life_days": "180",
    "incoterms": "FOB;CIF",
    "port_of_loading": "Dumai",
    "tiers": "100-499:2.10;500+:1.85",
}
FALLBACK_EXAMPLE_CATEGORY = "snacks"


@dataclass
class ImportResult:
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


class CellError(Exception):
    """A cell that cannot be turned into what the form expects."""


# Writing ----------------------------------------------------------------------------


def _write(rows: list[list]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # a BOM, or Excel on Windows reads UTF-8 as cp1252
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return out.getvalue()


def template_csv() -> str:
    """The header and one example row, with a category that exists on this site."""
    category = (
        Category.objects.filter(parent__isnull=False)
        .order_by("-is_food", "position", "name_en")
        .values_list("slug", flat=True)
        .first()
    )
    example = {**EXAMPLE, "category": category or FALLBACK_EXAMPLE_CATEGORY}
    return _write([COLUMNS, [example[column] for column in COLUMNS]])


def _number_text(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return str(value)


def _tiers_text(tiers) -> str:
    parts = []
    for tier in tiers:
        upper = f"-{tier.max_quantity}" if tier.max_quantity is not None else "+"
        parts.append(f"{tier.min_quantity}{upper}:{tier.price_usd}")
    return ";".join(parts)


def export_csv(business) -> str:
    """The business's products that are not archived, as the owner last entered them.

    A listed product with edits waiting for review is exported with those edits, like
    the edit form shows it. Three queries at most, however many products.
    """
    products = list(
        business.products.exclude(status=Product.Status.ARCHIVED)
        .select_related("category")
        .prefetch_related("price_tiers")
        .order_by("created_at", "id")
    )
    pending_categories = {
        p.pending_changes["category"] for p in products if "category" in p.pending_changes
    }
    categories = Category.objects.in_bulk(pending_categories) if pending_categories else {}
    rows: list[list] = [EXPORT_COLUMNS]
    for product in products:
        values = {}
        for name, raw in product.pending_changes.items():
            model_field = Product._meta.get_field(name)
            if model_field.is_relation:
                values[name] = categories.get(raw, product.category)
            else:
                values[name] = model_field.to_python(raw)

        def get(name, product=product, values=values):
            return values[name] if name in values else getattr(product, name)

        rows.append(
            [
                get("name_id"),
                get("name_en"),
                get("description_id"),
                get("description_en"),
                get("category").slug,
                format_hs_code(get("hs_code")),
                get("unit"),
                _number_text(get("moq")),
                _number_text(get("price_idr")),
                _number_text(get("fob_usd")),
                "yes" if get("sample_available") else "no",
                _number_text(get("sample_price_usd")),
                _number_text(get("capacity_per_month")),
                _number_text(get("lead_time_days")),
                _number_text(get("weight_grams")),
                get("size"),
                _number_text(get("shelf_life_days")),
                ";".join(get("incoterms") or []),
                get("port_of_loading"),
                _tiers_text(product.price_tiers.all()),
                product.status,
            ]
        )
    return _write(rows)


# Reading: the file -------------------------------------------------------------------


def _not_csv() -> str:
    return _("The file could not be read as CSV. In Excel, choose File › Save as › CSV.")


def _decode(data: bytes) -> str:
    """UTF-8 with or without BOM; UTF-16 if it says so; else the Windows code page."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel with Indonesian settings) or tab, read off the header.

    Header names never contain a delimiter, so counting them on the first line is
    more reliable than ``csv.Sniffer`` on rows whose descriptions contain commas.
    """
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _header_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").strip().lower())


def _read_rows(upload) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-empty data rows with their spreadsheet row numbers."""
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise CellError(
            _("The file is larger than %(size)s; split it into smaller files.")
            % {"size": filesizeformat(MAX_BYTES)}
        )
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CellError(_not_csv())  # an .xlsx or another binary file
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, row in enumerate(reader, start=1):
            if header is None:
                header = row
                continue
            if not any(cell.strip() for cell in row):
                continue  # spreadsheets often end with empty rows
            if len(rows) == MAX_ROWS:
                raise CellError(
                    _("The file has more than %(max)d products; split it into smaller files.")
                    % {"max": MAX_ROWS}
                )
            rows.append((number, row))
    except csv.Error as exc:
        raise CellError(_not_csv()) from exc
    if not header or not any(cell.strip() for cell in header):
        raise CellError(_("The file is empty."))
    if not rows:
        raise CellError(_("The file has a header but no products."))
    return header, rows


def _columns(header: list[str], required: list[str]) -> tuple[dict[str, int], list[str]]:
    """Where each known column is; problems with the header."""
    positions: dict[str, int] = {}
    problems = []
    for index, name in enumerate(header):
        key = _header_key(name)
        if key not in COLUMNS:
            continue  # e.g. "status" from an export, or the owner's own notes
        if key in positions:
            problems.append(_("The column %(column)s appears twice.") % {"column": key})
        positions.setdefault(key, index)
    for name in required:
        if name not in positions:
            problems.append(_("The column %(column)s is missing.") % {"column": name})
    return positions, problems


# Reading: cells ----------------------------------------------------------------------


def _unescape(text: str) -> str:
    """Undo the export's formula guard, so that an export imports unchanged."""
    if text.startswith("'") and text[1:2] and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def _grouped(digits: str, separator: str) -> bool:
    """'1500' or '1.500.000' (with ``separator`` '.') — whole-number thousands."""
    if separator not in digits:
        return digits.isdigit()
    return bool(re.fullmatch(rf"[1-9]\d{{0,2}}(?:{re.escape(separator)}\d{{3}})+", digits))


def _number(text: str, *, cents: bool) -> str:
    """A spreadsheet number in the form's notation ('1500000', '2.10').

    Accepts thousand separators ('1.500.000', '1,500,000') and a decimal comma
    ('2,10'). A lone separator before three digits ('1.500') is thousands in a whole
    number column and ambiguous in a dollar column (one and a half, or 1500?), so the
    owner is asked. Anything else goes to the form unchanged and the form says why.
    """
    value = re.sub(
        r"^(rp\.?|idr|us\$|usd|\$)", "", re.sub(r"[\s\u00a0\u202f]", "", text), flags=re.I
    )
    sign = ""
    if value[:1] in ("-", "+"):
        sign, value = ("-" if value[0] == "-" else ""), value[1:]
    if not re.fullmatch(r"[\d.,]+", value) or not re.search(r"\d", value):
        return text
    if "." in value and "," in value:
        point = "." if value.rfind(".") > value.rfind(",") else ","
        thousands = "," if point == "." else "."
        whole, _sep, fraction = value.rpartition(point)
        if not _grouped(whole, thousands):
            return text
        whole = whole.replace(thousands, "")
    else:
        separator = "." if "." in value else "," if "," in value else ""
        if not separator:
            return sign + value
        if value.count(separator) > 1:
            return sign + value.replace(separator, "") if _grouped(value, separator) else text
        whole, _sep, fraction = value.partition(separator)
        if len(fraction) == 3 and whole[:1] not in ("", "0") and len(whole) <= 3:
            if cents:
                raise CellError(
                    _(
                        "“%(value)s” is ambiguous; write it without a thousands separator, "
                        "e.g. 1500 or 1.50."
                    )
                    % {"value": text}
                )
            return sign + whole + fraction
    if not fraction.strip("0"):
        return sign + (whole or "0")
    return f"{sign}{whole or '0'}.{fraction}"


def _boolean(text: str) -> bool:
    key = text.strip().lower()
    if key in YES:
        return True
    if key in NO:
        return False
    raise CellError(_("Write yes or no (ya or tidak)."))


def _hs_code(text: str) -> str:
    """Excel reads 0901.11 as a number and drops the leading zero (901.11).

    HS codes always have an even number of digits, so an odd count of 3 to 9 digits
    can only be such a code: put the zero back. Everything else goes to the form.
    """
    digits = normalise_hs_code(text)
    if digits.isdigit() and len(digits) in (3, 5, 7, 9):
        return "0" + digits
    return text


class CategoryLookup:
    """The categories the product form offers, by slug or by name in either language."""

    def __init__(self, queryset):
        self.by_slug: dict[str, int] = {}
        self.by_name: dict[str, set[int]] = {}
        for category in queryset:
            self.by_slug[category.slug.casefold()] = category.pk
            for name in (category.name_en, category.name_id):
                self.by_name.setdefault(_key(name), set()).add(category.pk)

    def pk(self, text: str) -> int | str:
        key = _key(text)
        if not key:
            return ""
        if key in self.by_slug:
            return self.by_slug[key]
        found = self.by_name.get(key, set())
        if len(found) == 1:
            return next(iter(found))
        if found:
            raise CellError(
                _("“%(value)s” matches several categories; write the category's slug instead.")
                % {"value": text}
            )
        raise CellError(
            _("“%(value)s” is not a category; write its slug, or its English or Indonesian name.")
            % {"value": text}
        )


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


TIER_PATTERN = re.compile(
    r"""^\s*(?P<low>\d[\d.,]*)\s*
    (?:(?P<plus>\+)|[-–]\s*(?P<high>\d[\d.,]*))\s*
    [:=]\s*(?P<price>.+?)\s*$""",
    re.VERBOSE,
)


def _tiers_data(text: str, prefix: str) -> dict[str, str]:
    """'100-499:2.10;500+:1.85' as the POST data of ``PriceTierFormSet``."""
    items = [item for item in re.split(r"[;|\n]", text) if item.strip()]
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(items):
        match = TIER_PATTERN.match(item)
        if not match:
            raise CellError(
                _("“%(value)s” is not a price tier; write e.g. 100-499:2.10;500+:1.85.")
                % {"value": item.strip()}
            )
        data[f"{prefix}-{index}-min_quantity"] = _number(match["low"], cents=False)
        data[f"{prefix}-{index}-max_quantity"] = (
            "" if match["plus"] else _number(match["high"], cents=False)
        )
        data[f"{prefix}-{index}-price_usd"] = _number(match["price"], cents=True)
    return data


# Reading: rows -----------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    form: ProductForm | None = None
    tiers: object = None
    errors: list[str] = field(default_factory=list)


def _label(form: ProductForm, column: str) -> str:
    tiers = column == "tiers"
    label = PriceTier._meta.verbose_name_plural if tiers else form.fields[column].label
    return f"{capfirst(label)} ({column})"


def _check_row(number: int, cells: dict[str, str], *, business, categories: CategoryLookup) -> _Row:
    """Validate one row with the web form's own rules; collect every problem."""
    cell_errors: dict[str, str] = {}
    data: dict[str, object] = {}
    for column in COLUMNS:
        text = cells.get(column, "")
        try:
            if column == "category":
                data[column] = categories.pk(text)
            elif column == "hs_code":
                data[column] = _hs_code(text)
            elif column == "unit":
                data[column] = text.lower()
            elif column in WHOLE_NUMBER_COLUMNS:
                data[column] = _number(text, cents=False) if text else ""
            elif column in DOLLAR_COLUMNS:
                data[column] = _number(text, cents=True) if text else ""
            elif column == "sample_available":
                data[column] = _boolean(text)
            elif column == "incoterms":
                codes = [code.upper() for code in re.split(r"[;,\s/]+", text) if code]
                data[column] = list(dict.fromkeys(codes))
            elif column != "tiers":
                data[column] = text
        except CellError as exc:
            cell_errors[column] = str(exc.args[0])
            data[column] = ""
    form = ProductForm(data=data, business=business)
    row = _Row(number=number, form=form)
    form_errors = form.errors  # runs the validation
    prefix = PriceTierFormSet.get_default_prefix()
    try:
        tiers = PriceTierFormSet(data=_tiers_data(cells.get("tiers", ""), prefix))
    except CellError as exc:
        cell_errors["tiers"] = str(exc.args[0])
        tiers = None
    row.tiers = tiers

    for column in COLUMNS:
        if column in cell_errors:
            row.errors.append(f"{_label(form, column)}: {cell_errors[column]}")
        elif column in form_errors:
            row.errors.extend(f"{_label(form, column)}: {error}" for error in form_errors[column])
    row.errors.extend(str(error) for error in form_errors.get(NON_FIELD_ERRORS, []))
    if tiers is not None and not tiers.is_valid():
        label = _label(form, "tiers")
        for tier_form in tiers.forms:
            for name, errors in tier_form.errors.items():
                what = (
                    f"{capfirst(tier_form.fields[name].label)}: "
                    if name in tier_form.fields
                    else ""
                )
                row.errors.extend(f"{label}: {what}{error}" for error in errors)
        row.errors.extend(f"{label}: {error}" for error in tiers.non_form_errors())
    return row


def import_csv(*, business, upload, actor) -> ImportResult:
    """Create one draft product per row, or nothing at all if any row has a problem."""
    result = ImportResult()
    try:
        header, raw_rows = _read_rows(upload)
    except CellError as exc:
        result.errors.append((0, str(exc.args[0])))
        return result

    blank_form = ProductForm(business=business)
    required = [
        name for name in COLUMNS if name in blank_form.fields and blank_form.fields[name].required
    ]
    positions, problems = _columns(header, required)
    if problems:
        result.errors.extend((1, problem) for problem in problems)
        return result

    categories = CategoryLookup(blank_form.fields["category"].queryset)
    seen_names: dict[str, int] = {}
    checked: list[_Row] = []
    for number, raw in raw_rows:
        cells = {
            column: _unescape(raw[index].strip()) if index < len(raw) else ""
            for column, index in positions.items()
        }
        row = _check_row(number, cells, business=business, categories=categories)
        name = _key(cells.get("name_id", ""))
        if name and name in seen_names:
            row.errors.insert(
                0,
                f"{_label(row.form, 'name_id')}: "
                + _("“%(name)s” is already in row %(row)d; list each product once.")
                % {"name": cells["name_id"], "row": seen_names[name]},
            )
        elif name:
            seen_names[name] = number
        result.errors.extend((number, error) for error in row.errors)
        checked.append(row)
    if result.errors:
        return result

    fields = [name for name in ProductForm.Meta.fields if name != "certifications"]
    tiers: list[PriceTier] = []
    try:
        with transaction.atomic():
            for row in checked:
                try:
                    product = services.product_create(
                        business=business,
                        actor=actor,
                        **{name: row.form.cleaned_data[name] for name in fields},
                    )
                except ValidationError as exc:
                    raise _RowFailed(row.number, exc.messages) from exc
                tiers.extend(
                    PriceTier(
                        product=product,
                        min_quantity=tier["min_quantity"],
                        max_quantity=tier["max_quantity"],
                        price_usd=tier["price_usd"],
                    )
                    for tier in row.tiers.cleaned_data
                    if tier
                )
            PriceTier.objects.bulk_create(tiers)
    except _RowFailed as failed:  # the service's own checks; nothing is kept
        result.errors.extend((failed.number, message) for message in failed.messages)
        return result
    result.created = len(checked)
    return result


class _RowFailed(Exception):
    def __init__(self, number: int, messages: list[str]):
        super().__init__(number, messages)
        self.number, self.messages = number, messages
