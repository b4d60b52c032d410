"""The figures of the annual feedback report: pure pandas tables, no rendering, no model.

:func:`annual_figures` turns a case log (one row a complaint or compliment, with its theme)
into the tables a scrutiny committee reads, for one financial year (April to March) against
the year before: themes by quarter and service, top themes per directorate, timeliness
against the complaint codes (stage 1: 10 working days, stage 2: 20, children's statutory
stage 2: 65; see :mod:`complaint_themes.workdays`), uphold rates, repeat complainants,
flagged clusters and compliments. Only counts and rates leave this module: no names,
resident ids or complaint texts. Column reading and value spellings are in
:mod:`complaint_themes.case_fields`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .annual_tables import YearCases, build_tables, year_cases
from .case_fields import DEFAULTS, NOT_RECORDED, CaseColumns, prepare_cases
from .errors import ComplaintThemesError

__all__ = ["AnnualFigures", "CaseColumns", "annual_figures", "financial_year", "year_label"]

CLUSTER_COLUMNS = ["cluster_id", "residents", "complaints", "confidence", "dominant_theme",
                   "services", "key_phrases", "first_date", "last_date", "learning_status"]
MISSING = {
    "responded": "timeliness against the complaint codes", "stage": "stage 1 and stage 2 counts",
    "outcome": "uphold rates", "service": "themes by service",
    "directorate": "top themes by directorate", "resident": "repeat complainants",
    "type": "compliments (every row is taken as a complaint)",
}


@dataclass
class AnnualFigures:
    """Every figure of the annual report.

    Attributes
    ----------
    year, previous_year : str
        Financial years like ``"2024/25"``; ``previous_year`` is None without earlier cases.
    tables : dict of str to DataFrame
        In page order; each becomes one section and one workbook sheet. Plain columns, counts
        as integers, rates as fractions 0-1, ``<NA>`` where a figure cannot be worked out.
    notes : list of str
        What was not in the export and what was assumed, for the page.
    """

    year: str
    previous_year: str | None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def financial_year(label_or_date: Any) -> tuple[dt.date, dt.date]:
    """First and last day of a financial year: ``"2024/25"`` -> (2024-04-01, 2025-03-31).

    A date (or date text) gives the financial year it falls in.
    """
    text = str(label_or_date).strip()
    match = re.fullmatch(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})", text)
    if match:
        first, second = int(match.group(1)), int(match.group(2))
        if second not in ((first + 1) % 100, first + 1):
            raise ComplaintThemesError(
                f"year {text!r} is not a financial year: write it like {first}/"
                f"{(first + 1) % 100:02d}")
    else:
        try:
            day = pd.Timestamp(label_or_date)
        except (ValueError, TypeError):
            day = pd.NaT
        if pd.isna(day) or re.fullmatch(r"\d{1,4}", text):
            raise ComplaintThemesError(
                f"year {text!r} is not a financial year: write it like 2024/25") from None
        first = day.year if day.month >= 4 else day.year - 1
    return dt.date(first, 4, 1), dt.date(first + 1, 3, 31)


def year_label(start: dt.date) -> str:
    """``"2024/25"`` for the financial year that starts in April of ``start.year``."""
    return f"{start.year}/{(start.year + 1) % 100:02d}"


def annual_figures(
    cases: pd.DataFrame,
    year: str | None = None,
    previous: pd.DataFrame | None = None,
    columns: CaseColumns = DEFAULTS,
    clusters: pd.DataFrame | None = None,
    *,
    source: str = "cases",
    previous_source: str = "previous cases",
) -> AnnualFigures:
    """Work out the annual report's tables for ``year`` (default: that of the newest case).

    Parameters
    ----------
    cases : DataFrame
        One row a case, with the columns named by ``columns``.
    year : str, optional
        A financial year like ``"2024/25"``.
    previous : DataFrame, optional
        Cases of the year before; by default the rows of ``cases`` received then.
    columns : CaseColumns
        Column names; a default one that is absent switches its section off (see notes).
    clusters : DataFrame, optional
        Clusters of the year's complaints (``find_clusters(...).clusters``, with a
        ``learning_status`` column where recorded); only flagged ones are shown.
    source, previous_source : str
        How errors and notes name the two tables (e.g. their file names).

    Raises
    ------
    ComplaintThemesError
        A column named in ``columns`` is absent, a date cannot be read, a response is dated
        before its receipt, or there are no cases in the year.
    """
    now = prepare_cases(cases, columns, source)
    notes = list(now.notes)
    received = now.frame["received"]
    if received.isna().all():
        raise ComplaintThemesError(f"{source} has no received dates ({columns.received!r})")
    start, end = financial_year(received.max() if year is None else year)
    label = year_label(start)
    this = year_cases(now.frame, start, end, now.present, _as_of(now.frame, end))
    if this.rows.empty:
        raise ComplaintThemesError(
            f"{source} has no cases received in {label}; its received dates run from "
            f"{received.min():%Y-%m-%d} to {received.max():%Y-%m-%d}")
    before = (dt.date(start.year - 1, 4, 1), dt.date(start.year, 3, 31))
    if previous is None:
        rows, present, as_of, where = now.frame, now.present, this.as_of, "the same table"
    else:
        prev = prepare_cases(previous, columns, previous_source)
        notes += prev.notes
        rows, present, where = prev.frame, prev.present, previous_source
        as_of = _as_of(rows, pd.Timestamp(before[1]))
    last = year_cases(rows, *before, present, as_of)
    if last.rows.empty and previous is not None:
        raise ComplaintThemesError(
            f"{previous_source} has no cases received in {year_label(before[0])}, "
            f"the year before {label}")
    prior = None if last.rows.empty else last
    previous_year = None if prior is None else year_label(before[0])
    notes += _notes(now.frame, this, prior, columns, label, previous_year, where, source)
    first = before[0] if previous is None and prior is not None else start
    received = now.frame["received"]
    outside = int(((received < pd.Timestamp(first)) | (received > pd.Timestamp(end))).sum())
    if outside:
        notes.append(f"{outside} case(s) of {source} received before {first:%d %B %Y} or "
                     f"after {end:%d %B %Y} are left out")
    table = cluster_table(clusters)
    tables = build_tables(this, prior, table, None if clusters is None else len(table))
    if clusters is None:
        notes.append("clusters of similar complaints were not looked for")
    return AnnualFigures(year=label, previous_year=previous_year, tables=tables, notes=notes)


def cluster_table(clusters: pd.DataFrame | None) -> pd.DataFrame:
    """The flagged clusters with their learning status ("not recorded" when blank)."""
    if clusters is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CLUSTER_COLUMNS})
    if "cluster_id" not in clusters.columns:
        raise ComplaintThemesError(
            "the clusters table has no cluster_id column; pass find_clusters(...).clusters")
    t = clusters
    if "flagged" in t.columns:
        t = t[t["flagged"].fillna(False).astype(bool)]
    t = t.rename(columns={"size": "complaints"} if "complaints" not in t.columns else {})
    out = pd.DataFrame({c: (t[c] if c in t.columns else None) for c in CLUSTER_COLUMNS},
                       index=t.index).reset_index(drop=True)
    status = out["learning_status"].astype(object)
    out["learning_status"] = status.where(status.notna() & (status.astype(str).str.strip() != ""),
                                          NOT_RECORDED)
    for c in ("first_date", "last_date"):
        days = pd.to_datetime(out[c], errors="coerce")
        out[c] = [None if pd.isna(d) else d.date() for d in days]
    return out.astype({"residents": "Int64", "complaints": "Int64"})


def _as_of(frame: pd.DataFrame, end: dt.date | pd.Timestamp) -> pd.Timestamp:
    newest = pd.concat([frame["received"], frame["responded"]]).max()
    return min(pd.Timestamp(end), newest)


def _notes(frame: pd.DataFrame, this: YearCases, prior: YearCases | None, columns: CaseColumns,
           label: str, previous_year: str | None, where: str, source: str) -> list[str]:
    notes = []
    for name, what in MISSING.items():
        if name not in this.present:
            column = getattr(columns, name)
            notes.append(f"{what}: not in this export (no {column!r} column)" if column
                         else f"{what}: not used")
        elif prior is not None and name not in prior.present and where != "the same table":
            notes.append(f"{what}: no {previous_year} figures ({where} has no "
                         f"{getattr(columns, name)!r} column)")
    if previous_year is None:
        notes.append(f"no cases from the year before {label}: no year-on-year change")
    else:
        notes.append(f"previous year {previous_year} from {where}")
    undated = int(frame["received"].isna().sum())
    if undated:
        notes.append(f"{undated} row(s) of {source} without a received date are left out")
    others = int((this.rows["kind"] == "other").sum())
    if others:
        notes.append(f"{others} case(s) whose type is neither complaint nor compliment are "
                     "left out")
    if "responded" in this.present:
        notes.append(
            "working days exclude weekends and England and Wales bank holidays; timeliness "
            "counts the complaints received in the year, whenever answered; cases without a "
            f"response date are open as at {this.as_of:%d %B %Y}")
    if "resident" in this.present and "stage" in this.present:
        notes.append("repeat complainants count new (stage 1) complaints; a stage 2 escalation "
                     "is the same complaint")
    return notes
