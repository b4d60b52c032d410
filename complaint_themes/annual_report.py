"""Render :class:`~complaint_themes.annual.AnnualFigures` as report.html and report.xlsx.

The page is for scrutiny committees and cabinet (public papers): one self-contained file
(inline CSS and SVG charts, no scripts, no external resources), every text HTML-escaped, one
section per table in the order of ``figures.tables`` with the notes on what was missing,
and print rules for A4 (each section on a new page, rows and charts never cut). The
workbook beside it holds every table as a sheet, with the notes on a last sheet. Only the
aggregates in the tables are shown: never names, resident ids or complaint text.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import annual_charts as charts
from .errors import OutputError
from .write import atomic_write, excel_text

TITLES = {
    "summary": ("The year at a glance", ""),
    "themes_by_quarter": (
        "Themes by quarter", "The salient theme of each complaint, per quarter of the "
        "financial year (Q1 April to June ... Q4 January to March), with the year before "
        "where there is one."),
    "themes_by_service": (
        "Themes by service area", "Complaints per service and theme; darker cells hold more."),
    "themes_by_service_quarter": (
        "Themes by service area and quarter", "Each service's complaints per theme and "
        "quarter, with the year before's total."),
    "top_themes_by_directorate": (
        "Top themes per directorate", "The three most common themes in each directorate."),
    "timeliness": (
        "Timeliness against the complaint handling codes", "Working days from receipt to "
        "reply, excluding weekends and England and Wales bank holidays. Targets: stage 1 "
        "10 working days, stage 2 20, children's social care statutory stage 2 65. Open "
        "cases are counted as at the end of the year."),
    "timeliness_by_quarter": ("Timeliness by quarter", ""),
    "outcomes_by_service": (
        "Outcomes by service", "Uphold rate: upheld and partly upheld as a share of the "
        "complaints decided (upheld, partly upheld, not upheld)."),
    "repeat_complainants": (
        "Residents who complained more than once", "Counts only: no resident is named."),
    "clusters": (
        "Flagged clusters of similar complaints", "Groups of similar complaints from several "
        "residents, found by the clustering, with what was learnt from them. Confidence says "
        "how alike a cluster's complaints are: high when much more alike than the "
        "clustering asks, low when only loosely alike (read those before acting). Key "
        "phrases come from complaints with personal data removed."),
    "compliments_by_service": ("Compliments by service", ""),
}
THEME_COLUMNS = {"theme", "dominant_theme"}
CSS = """
:root{--ink:#0b0c0c;--muted:#505a5f;--line:#b1b4b6;--panel:#f3f2f1;--accent:#1d70b8}
*{box-sizing:border-box}
body{font-family:Arial,"Liberation Sans",Helvetica,sans-serif;color:var(--ink);
  max-width:62rem;margin:1.5rem auto;padding:0 1.2rem;line-height:1.4;font-size:15px}
header{border-bottom:6px solid var(--accent);margin-bottom:1rem;padding-bottom:.4rem}
h1{font-size:1.8rem;margin:.2rem 0}h2{font-size:1.35rem;margin:1.6rem 0 .4rem;
  border-top:1px solid var(--line);padding-top:.8rem}
.sub{color:var(--muted);margin:.2rem 0}.lead{margin:.3rem 0 .6rem;max-width:48rem}
.notes{background:var(--panel);border-left:5px solid var(--accent);padding:.5rem 1rem;
  margin:1rem 0}.notes h2{border:0;margin:.2rem 0;padding:0;font-size:1.05rem}
.notes ul{margin:.3rem 0;padding-left:1.2rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.9rem}
th,td{border:1px solid var(--line);padding:.25rem .55rem;text-align:left;vertical-align:top}
th{background:var(--panel)}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.d{white-space:nowrap}
figure{margin:.6rem 0}svg{max-width:100%;height:auto;display:block}
.heat td.n{min-width:3.2rem}
@media print{
  @page{size:A4;margin:14mm 12mm}
  body{max-width:none;margin:0;padding:0;font-size:10.5pt}
  section{break-before:page}section.first{break-before:auto}
  h2{border-top:0;padding-top:0;break-after:avoid}
  figure,.notes,tr{break-inside:avoid}table.small{break-inside:avoid}
  thead{display:table-header-group}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""


def is_rate_column(name: str) -> bool:
    """Columns holding fractions 0-1 (shown and formatted as percentages)."""
    name = str(name)
    return name.endswith(("_rate", "_pct")) or name in ("share", "change_pct")


def is_rate_measure(measure: str) -> bool:
    """Rows of the summary table whose values are fractions 0-1."""
    text = str(measure).lower()
    return "rate" in text or "within" in text or "share" in text


def rate_cells(table: pd.DataFrame, name: str) -> list[tuple[int, str]]:
    """(row position, column) of every percentage cell of table ``name``."""
    cells = [(i, c) for c in table.columns if is_rate_column(c) for i in range(len(table))]
    if name == "summary" and "measure" in table:
        value_columns = [c for c in table.columns if c != "measure"]
        cells += [(i, c) for i, m in enumerate(table["measure"]) if is_rate_measure(m)
                  for c in value_columns]
    return cells


def _plain(value: Any) -> Any:
    """numpy scalars as Python ones (numpy dates as Timestamps)."""
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    return value.item() if isinstance(value, np.generic) else value


def _blank(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_value(value: Any, percent: bool = False, signed: bool = False) -> str:
    """A cell as text: counts with thousands separators, fractions as percentages."""
    value = _plain(value)
    if _blank(value):
        return "\u2013"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            return "\u2013"
        sign = "+" if signed and value > 0 else ""
        if percent:
            return f"{sign}{value * 100:.1f}{' pts' if signed else '%'}"
        if float(value).is_integer():
            return f"{sign}{int(value):,}"
        return f"{sign}{value:,.1f}"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def _cell(value: Any, column: str, percent: bool) -> str:
    value = _plain(value)
    text = format_value(value, percent, signed=column.startswith("change"))
    if column == "change_pct":
        text = text.replace(" pts", "%")  # a relative change, not a difference of rates
    if column in THEME_COLUMNS:
        text = text.replace("_", " ")
    if isinstance(value, int | float) and not _blank(value):
        return f'<td class="n">{html.escape(text)}</td>'
    if column.endswith("_date"):
        return f'<td class="d">{html.escape(text)}</td>'
    return f"<td>{html.escape(text)}</td>"


def html_table(table: pd.DataFrame, name: str, headers: dict[str, str] | None = None,
               heat: list[str] | None = None) -> str:
    """``table`` as an escaped HTML table; ``heat`` columns get a background by value."""
    headers = headers or {}
    percent = set(rate_cells(table, name))
    top = max([float(v) for c in heat or [] for v in table[c] if not _blank(v)] or [0]) or 1
    head = "".join(f"<th>{html.escape(headers.get(c, str(c).replace('_', ' ')))}</th>"
                   for c in table.columns)
    body = []
    for i, row in enumerate(table.itertuples(index=False, name=None)):
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            cell = _cell(value, str(column), (i, column) in percent)
            if heat and column in heat and not _blank(value):
                share = float(value) / top
                background = f"rgba(29,112,184,{0.08 + 0.85 * share:.2f})"
                colour = "#fff" if share > 0.55 else "#0b0c0c"
                cell = cell.replace("<td", f'<td style="background:{background};'
                                    f'color:{colour}"', 1)
            cells.append(cell)
        body.append(f"<tr>{''.join(cells)}</tr>")
    size = "small" if len(table) <= 25 else "long"
    return (f'<table class="{size}{" heat" if heat else ""}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def _chart(name: str, table: pd.DataFrame, year: str, previous: str | None) -> str:
    draw = {
        "themes_by_quarter": lambda: charts.themes_by_quarter(table, year, previous),
        "timeliness_by_quarter": lambda: charts.timeliness_by_quarter(table, year),
        "outcomes_by_service": lambda: charts.uphold_rate_by_service(table, year),
        "compliments_by_service": lambda: charts.compliments_by_service(table, year, previous),
    }.get(name)
    svg = draw() if draw else ""
    return f"<figure>{svg}</figure>" if svg else ""


def _section(name: str, table: pd.DataFrame, figures: Any, first: bool) -> str:
    e = html.escape
    title, lead = TITLES.get(name, (name.replace("_", " ").capitalize(), ""))
    headers = {"this_year": figures.year, "previous_year": figures.previous_year or "previous year"}
    heat = None
    if name == "themes_by_service":
        skip = {"service", "total", "previous_total", "change"}
        heat = [c for c in table.columns if c not in skip and not str(c).startswith("change")]
    if figures.previous_year is None:  # no year before: its empty columns are left off the page
        empty = [c for c in table.columns if str(c).startswith(("previous", "change"))
                 and table[c].isna().all()]
        table = table.drop(columns=empty)
    if table.empty:
        body = "<p>None this year.</p>"
    else:
        body = (_chart(name, table, figures.year, figures.previous_year)
                + html_table(table, name, headers, heat))
    lead_html = f'<p class="lead">{e(lead)}</p>' if lead else ""
    css_class = ' class="first"' if first else ""
    return (f'<section id="{e(name)}"{css_class}><h2>{e(title)}</h2>{lead_html}{body}'
            "</section>")


def annual_html(figures: Any, title: str | None = None) -> str:
    """The report page as one string (see the module docstring)."""
    e = html.escape
    title = title or f"Complaints and compliments: annual report {figures.year}"
    compared = (f"Financial year {figures.year} (1 April to 31 March), compared with "
                f"{figures.previous_year}." if figures.previous_year
                else f"Financial year {figures.year} (1 April to 31 March).")
    notes = "".join(f"<li>{e(str(n))}</li>" for n in figures.notes)
    notes_html = (f'<div class="notes"><h2>About these figures</h2><ul>{notes}</ul></div>'
                  if notes else "")
    sections = "".join(_section(name, table, figures, first=i == 0)
                       for i, (name, table) in enumerate(figures.tables.items()))
    return (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(title)}</title><style>{CSS}</style></head><body><header>"
            f"<h1>{e(title)}</h1><p class='sub'>{e(compared)} Aggregate figures only: no "
            f"names, resident ids or complaint text.</p></header>{notes_html}{sections}"
            f"</body></html>\n")


def _sheet_names(names: list[str]) -> list[str]:
    """Excel sheet names: at most 31 characters, no ``[]:*?/\\``, unique."""
    out: list[str] = []
    for name in [*names, "notes"]:
        clean = "".join("_" if ch in '[]:*?/\\' else ch for ch in str(name))[:31] or "sheet"
        candidate, k = clean, 2
        while candidate.lower() in {o.lower() for o in out}:
            candidate, k = f"{clean[:28]}_{k}", k + 1
        out.append(candidate)
    return out


def _excel_ready(table: pd.DataFrame) -> pd.DataFrame:
    """Texts as an .xlsx cell can hold them (control characters removed)."""
    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = [excel_text(v) if isinstance(v, str) else v for v in out[column]]
    return out


def _format_sheet(ws: Any, table: pd.DataFrame, name: str | None) -> None:
    """Bold frozen header, column widths, texts kept as texts, rates as percentages."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for k, column in enumerate(table.columns, start=1):
        longest = max([len(str(column))] + [len(format_value(v)) for v in table[column]])
        ws.column_dimensions[get_column_letter(k)].width = min(max(longest + 2, 8), 70)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":  # a text starting with "=" stays text, not a formula
                cell.data_type = "s"
    if name is not None:
        position = {c: k for k, c in enumerate(table.columns, start=1)}
        for i, column in rate_cells(table, name):
            ws.cell(row=i + 2, column=position[column]).number_format = "0.0%"


def write_workbook(figures: Any, path: str | Path) -> Path:
    """Write every table of ``figures`` as a sheet, then a ``notes`` sheet, atomically."""
    names = list(figures.tables)
    sheets = _sheet_names(names)
    about = [f"Financial year {figures.year} (1 April to 31 March)"
             + (f", compared with {figures.previous_year}" if figures.previous_year else "")]
    notes = pd.DataFrame({"note": about + [str(n) for n in figures.notes]})

    def write(tmp: str) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, sheet in zip([*names, None], sheets, strict=True):
                table = notes if name is None else figures.tables[name]
                _excel_ready(table).to_excel(writer, sheet_name=sheet, index=False)
                _format_sheet(writer.sheets[sheet], table, name)

    return atomic_write(Path(path), write)


def write_annual_report(figures: Any, html_path: str | Path) -> list[Path]:
    """Write ``html_path`` (the page) and the workbook beside it with the same stem.

    Parameters
    ----------
    figures : AnnualFigures
        From :func:`complaint_themes.annual.annual_figures`.
    html_path : str or Path
        The page to write, ending in ``.html`` or ``.htm``; ``report.html`` also gives
        ``report.xlsx``.

    Returns
    -------
    list of Path
        The page and the workbook. Each is written whole or not at all.
    """
    html_path = Path(html_path)
    if html_path.suffix.lower() not in (".html", ".htm"):
        raise OutputError(f"the report {html_path.name} must end in .html (the workbook is "
                          "written beside it as .xlsx)")
    page = annual_html(figures)
    workbook = write_workbook(figures, html_path.with_suffix(".xlsx"))
    atomic_write(html_path, lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))
    return [html_path, workbook]
