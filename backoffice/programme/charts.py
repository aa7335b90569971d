"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, printable.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that says what
it shows in words; the page puts the same numbers in a table right after it. The
drawing is 320 units wide, about a phone's width, so the 13-unit text stays readable
when the SVG is scaled to the screen (the stylesheet caps its width on large screens).
"""

import math
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .tables import COUNT, Table, format_value

WIDTH = 320
FONT = 13
BAR = "#0b6e4f"  # --green
ACCENT = "#b07d00"  # a darker gold, readable on white
INK = "#1d2b24"
MUTED = "#56655d"
LINE = "#d5ddd8"
MAX_BARS = 10  # horizontal bars: the largest nine and "Other"
PANELS = ["funnel", "monthly", "cities", "sectors", "scales", "categories", "readiness"]


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString

    def __str__(self) -> str:
        return self.svg


@dataclass
class Panel:
    """A titled group of charts and the table with their numbers."""

    key: str
    title: str
    charts: list[Chart]
    table: Table
    total_rows: int = 0  # the rows of the full table, when ``table`` shows only the first

    @property
    def cut(self) -> bool:
        return self.total_rows > len(self.table.rows)


def _svg(chart_id: str, title: str, desc: str, height: float, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" id="{id}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'role="img" aria-labelledby="{id}-title {id}-desc" '
        'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" '
        'font-size="{font}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=WIDTH,
        h=_n(height),
        font=FONT,
        title=title,
        desc=desc,
        body=body,
    )


def _n(value: float) -> str:
    """Coordinates with at most one decimal, so the markup stays short."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _describe(points: list[tuple[str, float]], kind: str) -> str:
    if not points or not any(value for _label, value in points):
        return _("No data for this period.")
    label, value = max(points, key=lambda point: point[1])
    total = sum(value for _label, value in points)
    return _("%(count)s values, %(total)s in all; the highest is %(label)s with %(value)s.") % {
        "count": len(points),
        "total": format_value(total, kind),
        "label": label,
        "value": format_value(value, kind),
    }


def column_chart(
    chart_id: str,
    title: str,
    points: list[tuple[str, float]],
    *,
    kind: str = COUNT,
    sublabels: list[str] | None = None,
    color: str = BAR,
) -> SafeString:
    """Vertical bars (a monthly series or a histogram), values on top of the bars."""
    height, top, bottom, side = 190, 20, 36, 4
    plot_h = height - top - bottom
    n = max(len(points), 1)
    slot = (WIDTH - 2 * side) / n
    bar_w = max(2.0, slot * 0.7)
    peak = max((float(value) for _label, value in points), default=0) or 1
    every = math.ceil(n / 12)  # at most twelve labels under the axis
    longest = max((len(format_value(value, kind)) for _label, value in points), default=0)
    show_values = longest * 7 <= slot  # else only the highest bar gets its value
    highest = max(range(len(points)), key=lambda i: points[i][1], default=-1)
    parts = []
    for i, (label, value) in enumerate(points):
        x = side + i * slot + (slot - bar_w) / 2
        h = plot_h * float(value) / peak
        y = top + plot_h - h
        text = format_value(value, kind)
        parts.append(
            format_html(
                '<g><title>{label}: {text}</title><rect x="{x}" y="{y}" width="{w}" '
                'height="{h}" fill="{color}" rx="2"/></g>',
                label=label,
                text=text,
                x=_n(x),
                y=_n(y),
                w=_n(bar_w),
                h=_n(max(h, 0)),
                color=color,
            )
        )
        middle = _n(x + bar_w / 2)
        if show_values or i == highest:
            parts.append(
                format_html(
                    '<text x="{x}" y="{y}" text-anchor="middle" fill="{ink}">{text}</text>',
                    x=middle,
                    y=_n(y - 4),
                    ink=INK,
                    text=text,
                )
            )
        if i % every == 0:
            parts.append(
                format_html(
                    '<text x="{x}" y="{y}" text-anchor="middle" fill="{muted}" '
                    'font-size="11">{label}</text>',
                    x=middle,
                    y=_n(top + plot_h + 15),
                    muted=MUTED,
                    label=label,
                )
            )
        if sublabels and sublabels[i]:
            parts.append(
                format_html(
                    '<text x="{x}" y="{y}" text-anchor="middle" fill="{muted}" '
                    'font-size="11">{label}</text>',
                    x=middle,
                    y=_n(top + plot_h + 30),
                    muted=MUTED,
                    label=sublabels[i],
                )
            )
    parts.append(
        format_html(
            '<line x1="0" x2="{w}" y1="{y}" y2="{y}" stroke="{line}"/>',
            w=WIDTH,
            y=_n(top + plot_h + 0.5),
            line=MUTED,
        )
    )
    return _svg(chart_id, title, _describe(points, kind), height, _join(parts))


def bar_chart(
    chart_id: str,
    title: str,
    rows: list[tuple[str, float]],
    *,
    kind: str = COUNT,
    color: str = BAR,
    top_rows: int = MAX_BARS,
) -> SafeString:
    """Horizontal bars, each with its label above it and its value at its end."""
    rows = list(rows)
    if len(rows) > top_rows:
        rest = rows[top_rows - 1 :]
        rows = [*rows[: top_rows - 1], (_("Other"), sum(value for _label, value in rest))]
    row_h, side, value_room = 34, 2, 48
    peak = max((float(value) for _label, value in rows), default=0) or 1
    parts = []
    for i, (label, value) in enumerate(rows):
        y = 4 + i * row_h
        w = (WIDTH - side - value_room) * float(value) / peak
        text = format_value(value, kind)
        parts.append(
            format_html(
                "<g><title>{label}: {text}</title>"
                '<text x="{side}" y="{ty}" fill="{ink}">{label}</text>'
                '<rect x="{side}" y="{by}" width="{w}" height="12" fill="{color}" rx="2"/>'
                '<text x="{vx}" y="{vy}" fill="{ink}" font-weight="700">{text}</text></g>',
                label=label,
                text=text,
                side=side,
                ty=_n(y + 12),
                by=_n(y + 17),
                w=_n(max(w, 1 if value else 0)),
                color=color,
                vx=_n(side + w + 5),
                vy=_n(y + 28),
                ink=INK,
            )
        )
    if not rows:
        parts.append(
            format_html(
                '<text x="{x}" y="20" fill="{muted}">{text}</text>',
                x=side,
                muted=MUTED,
                text=_("No data for this period."),
            )
        )
    height = max(len(rows), 1) * row_h + 8
    return _svg(
        chart_id,
        title,
        _describe(rows, kind),
        height,
        _join(parts),
    )


def _join(parts: list[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def first_rows(table: Table, rows: int | None) -> Table:
    """The table with its first ``rows`` rows only (all of them when ``rows`` is None)."""
    if rows is None or len(table.rows) <= rows:
        return table
    return Table(table.key, table.title, table.columns, table.rows[:rows])


def programme_panels(
    programme, *, prefix: str = "chart", only=None, rows_shown: int | None = None
) -> dict[str, Panel]:
    """The dashboard's charts with their tables, by table key (``only`` some of them).
    The bar charts' tables keep their first ``rows_shown`` rows (the largest ones): a
    table as long as the number of cities would make the page grow with the data."""
    from django.utils import formats

    wanted = set(PANELS if only is None else only)
    panels = {}
    if "monthly" in wanted:
        monthly = programme.table("monthly")
        labels = [formats.date_format(row[0], "M") for row in monthly.rows]
        # The year under each January, and under the first month unless a January
        # follows right after (the two labels would overlap).
        years = [
            str(row[0].year) if row[0].month == 1 or (i == 0 and row[0].month < 11) else ""
            for i, row in enumerate(monthly.rows)
        ]
        series = [
            (1, _("New businesses per month"), BAR),
            (2, _("Products listed per month"), ACCENT),
            (3, _("Inquiries received per month"), "#1c3f8c"),
        ]
        charts = []
        for column, title, color in series:
            points = [(label, row[column]) for label, row in zip(labels, monthly.rows, strict=True)]
            svg = column_chart(
                f"{prefix}-monthly-{column}", title, points, sublabels=years, color=color
            )
            charts.append(Chart(title, svg))
        panels["monthly"] = Panel("monthly", str(monthly.title), charts, monthly)
    for key in ("funnel", "cities", "sectors", "scales", "categories"):
        if key not in wanted:
            continue
        table = programme.table(key)
        title = str(table.title)
        svg = bar_chart(f"{prefix}-{key}", title, [(row[0], row[1]) for row in table.rows])
        shown = first_rows(table, rows_shown)
        panels[key] = Panel(key, title, [Chart(title, svg)], shown, len(table.rows))
    if "readiness" in wanted:
        table = programme.table("readiness")
        title = str(table.title)
        svg = column_chart(
            f"{prefix}-readiness", title, [(row[0], row[1]) for row in table.rows], color=ACCENT
        )
        panels["readiness"] = Panel("readiness", title, [Chart(title, svg)], table)
    return panels
