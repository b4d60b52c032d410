"""England and Wales bank holidays and working-day counts for complaint-handling targets.

The complaint codes (the Housing Ombudsman's Complaint Handling Code, the Local Government and
Social Care Ombudsman's code, the Children Act 1989 representations procedure) set response
times in *working days*: weekdays that are not England and Wales bank holidays.

* :func:`bank_holidays` gives the holidays of one year, 1995 to 2040, from the rules (Easter by
  the Gregorian computus, Monday substitutes for weekend days) plus the announced moves and
  one-off days (jubilees, the millennium, royal weddings, the 2022 state funeral, the 2023
  coronation). Later one-off days are not known in advance; check a year against
  https://www.gov.uk/bank-holidays when it matters.
* :func:`working_days` counts the working days *after* ``start`` up to and including ``end``:
  a reply on the next working day took 1 working day, a reply on the same day 0.
* :func:`working_days_between` is the same for two pandas Series, with ``<NA>`` where either
  date is missing.
* :func:`add_working_days` gives the due date: the ``n``-th working day after ``start``.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

FIRST_YEAR = 1995
LAST_YEAR = 2040

ONE_OFF_DAYS = (
    dt.date(1999, 12, 31),  # millennium
    dt.date(2002, 6, 3),  # golden jubilee
    dt.date(2011, 4, 29),  # royal wedding
    dt.date(2012, 6, 5),  # diamond jubilee
    dt.date(2022, 6, 3),  # platinum jubilee
    dt.date(2022, 9, 19),  # state funeral of Queen Elizabeth II
    dt.date(2023, 5, 8),  # coronation of King Charles III
)
"""Extra bank holidays announced for one year only."""

EARLY_MAY_MOVED = {1995: dt.date(1995, 5, 8), 2020: dt.date(2020, 5, 8)}
"""Early May bank holidays moved to VE Day (50th and 75th anniversaries)."""

SPRING_MOVED = {
    2002: dt.date(2002, 6, 4), 2012: dt.date(2012, 6, 4), 2022: dt.date(2022, 6, 2),
}
"""Spring bank holidays moved to make a long weekend for a jubilee."""


def check_year(year: int) -> None:
    """Raise ``ValueError`` for a year outside the range whose bank holidays are known."""
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise ValueError(
            f"bank holidays are known for {FIRST_YEAR} to {LAST_YEAR} only, got year {year}"
        )


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday of ``year`` in the Gregorian calendar (anonymous computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=last.weekday())


def _christmas(year: int) -> list[dt.date]:
    """Christmas Day and Boxing Day, each moved to the next free weekday when at a weekend."""
    days = []
    for day in (dt.date(year, 12, 25), dt.date(year, 12, 26)):
        while day.weekday() >= 5 or day in days:
            day += dt.timedelta(days=1)
        days.append(day)
    return days


def bank_holidays(year: int) -> list[dt.date]:
    """The England and Wales bank holidays of ``year``, in date order.

    Parameters
    ----------
    year : int
        A calendar year from 1995 to 2040.

    Returns
    -------
    list of datetime.date
        Substitute days are given in place of the weekend days they replace (New Year's Day
        on a Saturday gives Monday 3 January).

    Raises
    ------
    ValueError
        When ``year`` is outside 1995..2040.
    """
    check_year(year)
    year = int(year)
    new_year = dt.date(year, 1, 1)
    if new_year.weekday() >= 5:
        new_year += dt.timedelta(days=7 - new_year.weekday())
    easter = easter_sunday(year)
    days = [
        new_year,
        easter - dt.timedelta(days=2),
        easter + dt.timedelta(days=1),
        EARLY_MAY_MOVED.get(year, _first_monday(year, 5)),
        SPRING_MOVED.get(year, _last_monday(year, 5)),
        _last_monday(year, 8),
        *_christmas(year),
    ]
    days += [d for d in ONE_OFF_DAYS if d.year == year]
    return sorted(days)


@lru_cache(maxsize=1)
def _calendar() -> np.busdaycalendar:
    holidays = [d for y in range(FIRST_YEAR, LAST_YEAR + 1) for d in bank_holidays(y)]
    return np.busdaycalendar(weekmask="1111100", holidays=np.array(holidays, "datetime64[D]"))


def _day(value: Any, name: str) -> np.datetime64:
    if pd.api.types.is_scalar(value) and pd.isna(value):
        raise ValueError(f"{name} is missing")
    day = np.datetime64(pd.Timestamp(value).date(), "D")
    check_year(day.astype(object).year)
    return day


def working_days(start: Any, end: Any) -> int:
    """Working days after ``start`` up to and including ``end``.

    Parameters
    ----------
    start, end : date-like
        ``datetime.date``, ``datetime.datetime``, ``pandas.Timestamp``, ``numpy.datetime64`` or
        an ISO date string; times of day are ignored.

    Returns
    -------
    int
        0 for the same day, 1 for the next working day; a Friday to the Monday after is 1.
        Negative (minus the working days from ``end`` to ``start``) when ``end`` is earlier.

    Raises
    ------
    ValueError
        When a date is missing or outside 1995..2040.
    """
    a, b = _day(start, "start"), _day(end, "end")
    return int(_count(np.array([a]), np.array([b]))[0])


def _count(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Working days in (a, b] for datetime64[D] arrays; minus those in (b, a] where b < a."""
    one = np.timedelta64(1, "D")
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    counts = np.busday_count(lo + one, hi + one, busdaycal=_calendar())
    return np.where(b < a, -counts, counts)


def _datetimes(values: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(values)
    return parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed


def working_days_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Working days from each ``start`` to the ``end`` on the same row (see :func:`working_days`).

    Parameters
    ----------
    start, end : Series
        Dates or datetimes (or values ``pandas.to_datetime`` reads), aligned on the index.

    Returns
    -------
    Series of Int64
        With the index of ``start``; ``<NA>`` where either date is missing.

    Raises
    ------
    ValueError
        When a date is outside 1995..2040.
    """
    a = _datetimes(start)
    b = _datetimes(end.reindex(start.index))
    both = (a.notna() & b.notna()).to_numpy()
    out = pd.Series(pd.NA, index=start.index, dtype="Int64")
    if not both.any():
        return out
    days_a = a.to_numpy()[both].astype("datetime64[D]")
    days_b = b.to_numpy()[both].astype("datetime64[D]")
    for days in (days_a, days_b):
        check_year(days.min().astype(object).year)
        check_year(days.max().astype(object).year)
    out[both] = _count(days_a, days_b)
    return out


def add_working_days(start: Any, n: int) -> dt.date:
    """The due date ``n`` working days after ``start``: the day with ``working_days == n``.

    Parameters
    ----------
    start : date-like
        The day the complaint was received (may be a weekend or a bank holiday).
    n : int
        Working days allowed, 0 or more; 0 gives ``start`` itself.

    Returns
    -------
    datetime.date
        A working day (unless ``n`` is 0 and ``start`` is not one).

    Raises
    ------
    ValueError
        When ``n`` is negative or a date is outside 1995..2040.
    """
    if int(n) < 0:
        raise ValueError(f"n must be 0 or more working days, got {n}")
    day = _day(start, "start")
    if int(n) == 0:
        return day.astype(object)
    base = np.busday_offset(day, 0, roll="backward", busdaycal=_calendar())
    due = np.busday_offset(base, int(n), busdaycal=_calendar())
    check_year(due.astype(object).year)
    return due.astype(object)
