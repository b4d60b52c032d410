"""Read a case log's columns into one normalised table for the annual report.

Councils' exports name and spell things their own way. :func:`prepare_cases` finds the
columns named by a :class:`CaseColumns` and turns every row into plain values:

* dates (received, responded) from ISO (2025-04-03) or UK day-first (03/04/2025) text or
  spreadsheet dates; an unreadable one, one outside 1995-2040, or a response dated before its
  receipt stops with an error naming the spreadsheet row and column;
* stage 1 or 2 (``1``, ``"1"``, ``"Stage 1"``, ``"stage one"``, ``"S1"``, ...);
* outcome ``upheld`` / ``partly_upheld`` / ``not_upheld`` / ``other`` (withdrawn, ...);
* kind ``complaint`` / ``compliment`` / ``other`` from the type column (every row is a
  complaint without one);
* ``children``: the service or directorate mentions children, so stage 2 follows the
  Children Act statutory procedure (65 working days), unless the service is education
  (SEND, schools, admissions, home-to-school transport: :data:`NOT_CHILDRENS_PROCEDURE`),
  which a children's directorate often holds but which follows the corporate procedure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from .errors import InputError
from .io import header_row_of, is_missing

NOT_RECORDED = "not recorded"
"""The label of a blank service, directorate or theme cell."""

OPTIONS = {
    "received": "--date-column", "responded": "--responded-column",
    "stage": "--stage-column", "outcome": "--outcome-column", "service": "--service-column",
    "directorate": "--directorate-column", "type": "--type-column",
    "resident": "--resident-column", "theme": "--theme-column",
}
"""The command-line option that names each column (shown in error messages)."""

REQUIRED = ("received", "theme")
"""Fields the report cannot do without, even under their default names."""

OUTCOMES = ("upheld", "partly_upheld", "not_upheld", "other")


NOT_CHILDRENS_PROCEDURE = r"\bSEND\b|special educational|education|school|admission"
"""Services of a children's directorate outside the statutory children's procedure."""


@dataclass
class CaseColumns:
    """Column names of a case log. ``None`` leaves a column out.

    A name that differs from the default must exist (else :class:`InputError` listing the
    columns there are); a default name that is absent switches its report section off.
    """

    received: str | None = "date_received"
    responded: str | None = "date_responded"
    stage: str | None = "stage"
    outcome: str | None = "outcome"
    service: str | None = "service"
    directorate: str | None = "directorate"
    type: str | None = "type"
    resident: str | None = "resident_id"
    theme: str | None = "theme"


DEFAULTS = CaseColumns()


@dataclass
class Cases:
    """One normalised row per input row (``frame``), the fields found, and what was assumed."""

    frame: pd.DataFrame
    present: set[str]
    notes: list[str]


def _missing_column(df: pd.DataFrame, field: str, column: str, source: str) -> InputError:
    names = ", ".join(str(c) for c in df.columns[:40]) or "(none)"
    fix = f"use {OPTIONS[field]} to name the {field} column"
    if field == "theme":
        fix += ", or classify the complaints first"
    return InputError(f"column {column!r} not found in {source}; available: {names} ({fix})")


def resolve_columns(df: pd.DataFrame, columns: CaseColumns, source: str) -> dict[str, str]:
    """The fields whose column is in ``df``, mapped to that column; see :class:`CaseColumns`."""
    found = {}
    for f in fields(CaseColumns):
        column = getattr(columns, f.name)
        if column is None:
            if f.name in REQUIRED:
                raise InputError(f"the annual report needs the {f.name} column; name it")
            continue
        if column in df.columns:
            found[f.name] = column
        elif f.name in REQUIRED or column != getattr(DEFAULTS, f.name):
            raise _missing_column(df, f.name, column, source)
    return found


def parse_dates(df: pd.DataFrame, column: str, source: str) -> pd.Series:
    """``column`` as day-precision datetimes (NaT for blank cells).

    Raises
    ------
    InputError
        Naming the spreadsheet row and column of the first cell that is not a date or is
        outside 1995-2040 (the years whose bank holidays are known).
    """
    values = df[column].astype(object).map(lambda v: None if is_missing(v) else v)
    numeric = values.map(lambda v: isinstance(v, int | float | np.number) and not isinstance(
        v, bool))
    text = values.where(~numeric, None)
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True)
    other = parsed.isna() & text.notna()
    if other.any():
        parsed[other] = pd.to_datetime(
            text[other].astype(str), errors="coerce", dayfirst=True, format="mixed", utc=True)
    parsed = parsed.dt.tz_localize(None).dt.floor("D")
    bad = values.notna() & (parsed.isna() | (parsed.dt.year < 1995) | (parsed.dt.year > 2040))
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        row = position + header_row_of(df) + 1
        raise InputError(
            f"column {column!r} of {source}, row {row} (the header is row "
            f"{header_row_of(df)}): {df[column].iloc[position]!r} is not a date from 1995 to "
            f"2040; write dates like 2025-04-03 or 03/04/2025 ({int(bad.sum())} such row(s))"
        )
    return parsed.astype("datetime64[ns]")


_STAGE = re.compile(r"^(?:stage|stg|st|s)?\s*[-:.]?\s*(1|one|2|two)(?:\.0+)?\b")


def normalise_stage(value: object) -> int | None:
    """1 or 2 from ``1``, ``"1"``, ``"Stage 1"``, ``"stage one"``, ``"S1"``; None otherwise."""
    if is_missing(value) or isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.number):
        return int(value) if float(value) in (1.0, 2.0) else None
    match = _STAGE.match(str(value).strip().casefold())
    if not match:
        return None
    return 1 if match.group(1) in ("1", "one") else 2


def normalise_outcome(value: object) -> str | None:
    """``upheld``, ``partly_upheld``, ``not_upheld`` or ``other``; None for a blank cell."""
    if is_missing(value):
        return None
    text = re.sub(r"[\s_-]+", " ", str(value).strip().casefold())
    if re.search(r"\bnot upheld\b|\bun ?upheld\b", text):
        return "not_upheld"
    if re.search(r"\bpart(ly|ially|ial)?\b.*\bupheld\b|\bupheld in part\b", text):
        return "partly_upheld"
    if re.search(r"\bupheld\b", text):
        return "upheld"
    return "other"


def row_kind(value: object) -> str:
    """``compliment``, ``complaint`` or ``other`` from a type cell (blank is ``other``)."""
    text = "" if is_missing(value) else str(value).casefold()
    if "compliment" in text:
        return "compliment"
    return "complaint" if "complaint" in text else "other"


def _labels(df: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None:
        return pd.Series(NOT_RECORDED, index=df.index, dtype=object)
    return df[column].astype(object).map(
        lambda v: NOT_RECORDED if is_missing(v) else str(v).strip())


def prepare_cases(df: pd.DataFrame, columns: CaseColumns, source: str) -> Cases:
    """Normalise the rows of ``df`` (see the module docstring).

    Returns
    -------
    Cases
        ``frame`` has one row per input row, in order, with ``row`` (spreadsheet row),
        ``received``, ``responded`` (NaT when open), ``stage`` (Int64 1/2/NA), ``outcome``,
        ``service``, ``directorate``, ``theme``, ``resident`` (None when blank), ``kind`` and
        ``children``; ``present`` the fields found; ``notes`` what was left out or assumed.
        Without a stage column every row is stage 1.
    """
    found = resolve_columns(df, columns, source)
    notes = []
    frame = pd.DataFrame(index=pd.RangeIndex(len(df)))
    frame["row"] = np.arange(len(df)) + header_row_of(df) + 1
    frame["received"] = parse_dates(df, found["received"], source).to_numpy()
    if "responded" in found:
        frame["responded"] = parse_dates(df, found["responded"], source).to_numpy()
        early = (frame["responded"] < frame["received"]).to_numpy()
        if early.any():
            i = int(np.flatnonzero(early)[0])
            raise InputError(
                f"{source}, row {frame['row'].iloc[i]}: responded "
                f"{frame['responded'].iloc[i]:%Y-%m-%d} ({found['responded']!r}) is before "
                f"received {frame['received'].iloc[i]:%Y-%m-%d} ({found['received']!r}); "
                f"correct the dates ({int(early.sum())} such row(s))"
            )
    else:
        frame["responded"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    stage = df[found["stage"]].astype(object).map(normalise_stage) if "stage" in found else None
    frame["stage"] = pd.array(
        [1] * len(df) if stage is None else stage.tolist(), dtype="Int64")
    frame["outcome"] = (df[found["outcome"]].astype(object).map(normalise_outcome).to_numpy()
                        if "outcome" in found else None)
    for name in ("service", "directorate", "theme"):
        frame[name] = _labels(df, found.get(name)).to_numpy()
    frame["resident"] = (
        df[found["resident"]].astype(object)
        .map(lambda v: None if is_missing(v) else str(v).strip()).to_numpy()
        if "resident" in found else None)
    frame["kind"] = (df[found["type"]].astype(object).map(row_kind).to_numpy()
                     if "type" in found else "complaint")
    frame["children"] = (
        (frame["service"].str.contains("children", case=False)
         | frame["directorate"].str.contains("children", case=False))
        & ~frame["service"].str.contains(NOT_CHILDRENS_PROCEDURE, case=False))
    if "stage" in found:
        unstaged = frame["stage"].isna() & (frame["kind"] == "complaint")
        if unstaged.any():
            seen = sorted({str(v) for v in df.loc[unstaged.to_numpy(), found["stage"]]})[:5]
            notes.append(f"{int(unstaged.sum())} complaint(s) in {source} have a stage that is "
                         f"not 1 or 2 ({', '.join(seen)}): left out of the stage figures")
    elif "responded" in found:
        notes.append(f"{source} has no stage column: every complaint is taken as stage 1")
    return Cases(frame=frame, present=set(found), notes=notes)
