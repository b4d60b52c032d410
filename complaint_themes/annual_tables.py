"""The tables of the annual report, from the normalised cases of one year and the year before.

Called by :func:`complaint_themes.annual.annual_figures`, which picks the years and explains
what is missing; every function here returns plain-column DataFrames of counts (Int64) and
fractions (Float64), with ``<NA>`` where a figure cannot be worked out (no previous year, or
nothing to divide by).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from .case_fields import OUTCOMES
from .workdays import working_days_between

QUARTERS = ["Q1", "Q2", "Q3", "Q4"]
STAGES = [("Stage 1", 1, False, 10), ("Stage 2", 2, False, 20),
          ("Stage 2 (children's statutory)", 2, True, 65)]
"""Timeliness rows: label, stage, children's statutory procedure, target in working days."""
ALL_SERVICES = "All services"


@dataclass
class YearCases:
    """The normalised rows received in one financial year, with ``quarter``, ``days`` (working
    days to the response) and ``target``; the fields present; the day open cases are counted."""

    rows: pd.DataFrame
    present: set[str]
    as_of: pd.Timestamp

    @property
    def complaints(self) -> pd.DataFrame:
        return self.rows[self.rows["kind"] == "complaint"]


def year_cases(frame: pd.DataFrame, start: dt.date, end: dt.date, present: set[str],
               as_of: pd.Timestamp) -> YearCases:
    """The rows of ``frame`` received from ``start`` to ``end``, with their timing."""
    inside = (frame["received"] >= pd.Timestamp(start)) & (frame["received"] <= pd.Timestamp(end))
    rows = frame[inside].copy()
    rows["quarter"] = "Q" + (((rows["received"].dt.month - 4) % 12) // 3 + 1).astype(str)
    rows["days"] = working_days_between(rows["received"], rows["responded"])
    target = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    for _label, stage, children, days in STAGES:
        target[_is_stage(rows, stage, children)] = days
    rows["target"] = target
    return YearCases(rows=rows, present=present, as_of=min(as_of, pd.Timestamp(end)))


def build_tables(this: YearCases, prior: YearCases | None, clusters_table: pd.DataFrame,
                 flagged: int | None) -> dict[str, pd.DataFrame]:
    """Every table whose columns are present, in page order (see the issue 10 spec);
    ``flagged`` is the number of flagged clusters (None when they were not looked for)."""
    have = this.present
    tables = {"summary": summary(this, prior, flagged),
              "themes_by_quarter": by_quarter(this, prior, "theme", "complaint")}
    tables["themes_by_quarter"]["change_pct"] = _fraction(
        tables["themes_by_quarter"]["change"], tables["themes_by_quarter"]["previous_total"])
    if "service" in have:
        tables["themes_by_service"] = themes_by_service(this, prior)
        tables["themes_by_service_quarter"] = themes_by_service_quarter(this, prior)
    if "directorate" in have:
        tables["top_themes_by_directorate"] = top_themes(this)
    if "responded" in have:
        tables["timeliness"] = timeliness(this, prior)
        tables["timeliness_by_quarter"] = timeliness_by_quarter(this)
    if "outcome" in have:
        tables["outcomes_by_service"] = outcomes_by_service(this)
    if "resident" in have:
        tables["repeat_complainants"] = repeat_complainants(this)
    tables["clusters"] = clusters_table
    if "type" in have:
        tables["compliments_by_service"] = by_quarter(this, prior, "service", "compliment")
    return tables


def _fraction(top: pd.Series, bottom: pd.Series) -> pd.Series:
    top, bottom = top.astype("Float64"), bottom.astype("Float64")
    return (top / bottom.where(bottom > 0)).astype("Float64")


def _rate(hits: int, out_of: int) -> float | None:
    return float(hits) / out_of if out_of else None


def _key(year: YearCases, key: str) -> pd.Series:
    if key == "service" and "service" not in year.present:
        return pd.Series(ALL_SERVICES, index=year.rows.index)
    return year.rows[key]


def _counts(year: YearCases | None, key: str, kind: str, needs: str | None) -> pd.Series | None:
    if year is None or (needs is not None and needs not in year.present):
        return None
    mask = year.rows["kind"] == kind
    return _key(year, key)[mask].value_counts()


def _with_previous(table: pd.DataFrame, key: str | list[str],
                   previous: pd.Series | None) -> pd.DataFrame:
    """Add ``previous_total`` and ``change``; keys seen only last year get zero this year.
    ``key`` names the index (a list for a two-level index)."""
    if previous is not None:
        table = table.reindex(table.index.union(previous.index), fill_value=0)
        table["previous_total"] = previous.reindex(table.index, fill_value=0).astype("Int64")
    else:
        table["previous_total"] = pd.array([pd.NA] * len(table), dtype="Int64")
    table = table.astype({c: "Int64" for c in table.columns})
    table["change"] = table["total"] - table["previous_total"]
    keys = [key] if isinstance(key, str) else list(key)
    table.index.names = keys
    table = table.reset_index()
    order = keys[:-1] + ["total", "previous_total", keys[-1]]
    ascending = [True] * (len(keys) - 1) + [False, False, True]
    return table.sort_values(order, ascending=ascending, na_position="last",
                             key=_case_blind).reset_index(drop=True)


def _case_blind(column: pd.Series) -> pd.Series:
    """Sort key: names in dictionary order whatever their case ("SEND" among the s's)."""
    numeric = pd.api.types.is_numeric_dtype(column)
    return column if numeric else column.astype(str).str.lower()


def by_quarter(this: YearCases, prior: YearCases | None, key: str, kind: str) -> pd.DataFrame:
    """Rows of ``kind`` per ``key`` and quarter, with the total and the year before's total."""
    rows = this.rows[this.rows["kind"] == kind]
    keys = _key(this, key)[rows.index]
    table = (pd.crosstab(keys, rows["quarter"]) if len(rows) else pd.DataFrame(index=keys))
    table = table.reindex(columns=QUARTERS, fill_value=0)
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    needs = "type" if kind == "compliment" else None
    return _with_previous(table, key, _counts(prior, key, kind, needs))


def themes_by_service(this: YearCases, prior: YearCases | None) -> pd.DataFrame:
    """Complaints per service (rows) and theme (columns, most common first)."""
    complaints = this.complaints
    themes = complaints["theme"].value_counts()
    order = sorted(themes.index, key=lambda t: (-themes[t], t))
    table = pd.crosstab(complaints["service"], complaints["theme"]).reindex(
        columns=order, fill_value=0) if len(complaints) else pd.DataFrame(columns=order)
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    return _with_previous(table, "service", _counts(prior, "service", "complaint", "service"))


def themes_by_service_quarter(this: YearCases, prior: YearCases | None) -> pd.DataFrame:
    """The three-way table: complaints per service, theme and quarter (one row per service
    and theme, services in name order), with the year before's total."""
    complaints = this.complaints
    index = [complaints["service"], complaints["theme"]]
    table = (pd.crosstab(index, complaints["quarter"]) if len(complaints)
             else pd.DataFrame(index=pd.MultiIndex.from_arrays([[], []])))
    table = table.reindex(columns=QUARTERS, fill_value=0)
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    previous = None
    if prior is not None and "service" in prior.present:
        previous = prior.complaints.groupby(["service", "theme"]).size()
    return _with_previous(table, ["service", "theme"], previous)


def top_themes(this: YearCases, top: int = 3) -> pd.DataFrame:
    """The ``top`` themes of each directorate with their share of its complaints."""
    c = this.complaints
    counts = c.groupby(["directorate", "theme"]).size().rename("complaints").reset_index()
    totals = c["directorate"].value_counts()
    counts["share"] = (counts["complaints"] / counts["directorate"].map(totals)).astype("Float64")
    counts["size"] = counts["directorate"].map(totals)
    counts = counts.sort_values(["size", "directorate", "complaints", "theme"],
                                ascending=[False, True, False, True])
    counts["rank"] = counts.groupby("directorate").cumcount() + 1
    counts = counts[counts["rank"] <= top]
    out = counts[["directorate", "rank", "theme", "complaints", "share"]].reset_index(drop=True)
    return out.astype({"rank": "Int64", "complaints": "Int64"})


def _is_stage(rows: pd.DataFrame, stage: int, children: bool) -> pd.Series:
    """Rows at ``stage``; at stage 2 only those in (or out of) the children's procedure."""
    mask = (rows["stage"] == stage).fillna(False)
    return mask & (rows["children"] == children) if stage == 2 else mask


def _stage_rows(year: YearCases, stage: int, children: bool) -> pd.DataFrame:
    return year.complaints[_is_stage(year.complaints, stage, children)]


def _on_time(rows: pd.DataFrame) -> tuple[int, int]:
    """(answered within target, answered) of ``rows``."""
    answered = rows["days"].notna()
    return int((rows["days"] <= rows["target"]).fillna(False).sum()), int(answered.sum())


def timeliness(this: YearCases, prior: YearCases | None) -> pd.DataFrame:
    """Answered, on time, median working days and open cases per stage."""
    records = []
    for label, stage, children, target in STAGES:
        rows = _stage_rows(this, stage, children)
        on_time, answered = _on_time(rows)
        open_ = rows[rows["days"].isna()]
        waited = working_days_between(
            open_["received"], pd.Series(this.as_of, index=open_.index))
        previous = None
        if prior is not None and "responded" in prior.present:
            previous = _rate(*_on_time(_stage_rows(prior, stage, children)))
        days = rows["days"].dropna()
        records.append({
            "stage": label, "target_working_days": target, "answered": answered,
            "on_time": on_time, "on_time_rate": _rate(on_time, answered),
            "median_working_days": float(days.median()) if len(days) else None,
            "open": len(open_), "open_overdue": int((waited > target).fillna(False).sum()),
            "previous_on_time_rate": previous,
        })
    table = pd.DataFrame.from_records(records)
    return table.astype({
        "target_working_days": "Int64", "answered": "Int64", "on_time": "Int64",
        "on_time_rate": "Float64", "median_working_days": "Float64", "open": "Int64",
        "open_overdue": "Int64", "previous_on_time_rate": "Float64"})


def timeliness_by_quarter(this: YearCases) -> pd.DataFrame:
    """On-time rate per quarter for each stage that had answered complaints in the year."""
    records = []
    for label, stage, children, _target in STAGES:
        rows = _stage_rows(this, stage, children)
        if not rows["days"].notna().any():
            continue
        for q in QUARTERS:
            on_time, answered = _on_time(rows[rows["quarter"] == q])
            records.append({"quarter": q, "stage": label, "answered": answered,
                            "on_time_rate": _rate(on_time, answered)})
    table = pd.DataFrame.from_records(
        records, columns=["quarter", "stage", "answered", "on_time_rate"])
    return table.astype({"answered": "Int64", "on_time_rate": "Float64"})


def uphold_rate(rows: pd.DataFrame) -> float | None:
    """(upheld + partly upheld) / (upheld + partly upheld + not upheld) of ``rows``."""
    counts = rows["outcome"].value_counts()
    upheld = int(counts.get("upheld", 0) + counts.get("partly_upheld", 0))
    return _rate(upheld, upheld + int(counts.get("not_upheld", 0)))


def outcomes_by_service(this: YearCases) -> pd.DataFrame:
    """Complaints per service and outcome, with the uphold rate."""
    c = this.complaints
    c = c[c["outcome"].notna()]
    keys = _key(this, "service")[c.index]
    table = (pd.crosstab(keys, c["outcome"]) if len(c) else pd.DataFrame(index=keys))
    table = table.reindex(columns=list(OUTCOMES), fill_value=0).astype("Int64")
    table.columns.name = None
    decided = table["upheld"] + table["partly_upheld"] + table["not_upheld"]
    table["uphold_rate"] = _fraction(table["upheld"] + table["partly_upheld"], decided)
    table["_decided"] = decided
    table.index.name = "service"
    table = table.reset_index().sort_values(["_decided", "service"], ascending=[False, True])
    return table.drop(columns="_decided").reset_index(drop=True)


def _per_resident(year: YearCases) -> tuple[pd.DataFrame, pd.Series]:
    """New complaints (not stage 2 escalations) with a resident, and the count per resident."""
    c = year.complaints
    c = c[c["resident"].notna() & ~(c["stage"] == 2).fillna(False)]
    return c, c["resident"].value_counts()


def repeat_complainants(this: YearCases) -> pd.DataFrame:
    """Residents with 2, 3, and 4 or more new complaints in the year; counts only."""
    complaints, per = _per_resident(this)
    records = []
    for label, low, high in (("2", 2, 2), ("3", 3, 3), ("4 or more", 4, None)):
        chosen = per[(per >= low) & ((per <= high) if high else True)]
        top_service = None
        if len(chosen) and "service" in this.present:
            services = complaints.loc[complaints["resident"].isin(chosen.index), "service"]
            counts = services.value_counts()
            top_service = min(counts.index, key=lambda s: (-counts[s], s))
        records.append({"complaints_in_year": label, "residents": len(chosen),
                        "complaints": int(chosen.sum()), "top_service": top_service})
    return pd.DataFrame.from_records(records).astype({"residents": "Int64", "complaints": "Int64"})


def summary(this: YearCases, prior: YearCases | None, flagged: int | None) -> pd.DataFrame:
    """The headline measures this year, last year, and the change (rates as fractions)."""

    def count(where: Callable[[pd.DataFrame], pd.Series], kind: str = "complaint"):
        return lambda y: int(where(y.rows[y.rows["kind"] == kind]).sum())

    def stage_on_time(stage: int):
        return lambda y: _rate(*_on_time(y.complaints[(y.complaints["stage"] == stage)
                                                      .fillna(False)]))

    measures: list[tuple[str, set[str], Callable[[YearCases], int | float | None]]] = [
        ("complaints received", set(), count(lambda r: r["kind"] == "complaint"))]
    measures += [
        ("stage 1", {"stage"}, count(lambda r: (r["stage"] == 1).fillna(False))),
        ("stage 2", {"stage"}, count(lambda r: (r["stage"] == 2).fillna(False))),
        ("compliments", {"type"}, count(lambda r: r["kind"] == "compliment", "compliment")),
        ("stage 1 answered within 10 working days (rate)", {"responded"}, stage_on_time(1)),
        ("stage 2 within target (rate)", {"responded", "stage"}, stage_on_time(2)),
        ("uphold rate", {"outcome"}, lambda y: uphold_rate(y.complaints)),
        ("residents who complained more than once", {"resident"},
         lambda y: int((_per_resident(y)[1] >= 2).sum())),
    ]
    records = []
    for name, needs, measure in measures:
        if not needs <= this.present:
            continue
        now = measure(this)
        before = measure(prior) if prior is not None and needs <= prior.present else None
        change = None if now is None or before is None else now - before
        records.append({"measure": name, "this_year": now, "previous_year": before,
                        "change": change})
    records.append({"measure": "flagged clusters", "this_year": flagged, "previous_year": None,
                    "change": None})
    return pd.DataFrame({c: pd.Series([r[c] for r in records], dtype=object)
                         for c in ("measure", "this_year", "previous_year", "change")})
