"""Bank holidays against the published gov.uk England and Wales lists; working-day counts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from complaint_themes.workdays import (
    add_working_days,
    bank_holidays,
    easter_sunday,
    working_days,
    working_days_between,
)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# Copied by hand from https://www.gov.uk/bank-holidays (England and Wales), not computed.
GOV_UK = {
    2020: ["2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31",
           "2020-12-25", "2020-12-28"],
    2022: ["2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03",
           "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"],
    2023: ["2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29",
           "2023-08-28", "2023-12-25", "2023-12-26"],
    2024: ["2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26",
           "2024-12-25", "2024-12-26"],
    2025: ["2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25",
           "2025-12-25", "2025-12-26"],
    2026: ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31",
           "2026-12-25", "2026-12-28"],
    2027: ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30",
           "2027-12-27", "2027-12-28"],
}


@pytest.mark.parametrize("year", sorted(GOV_UK))
def test_full_years_match_gov_uk(year):
    assert bank_holidays(year) == [d(x) for x in GOV_UK[year]]


def test_one_offs_and_moved_days():
    assert d("1995-05-08") in bank_holidays(1995) and d("1995-05-01") not in bank_holidays(1995)
    assert d("1999-12-31") in bank_holidays(1999)
    assert d("2000-01-03") in bank_holidays(2000)  # 1 January 2000 was a Saturday
    y2002 = bank_holidays(2002)
    assert {d("2002-06-03"), d("2002-06-04")} <= set(y2002) and d("2002-05-27") not in y2002
    assert d("2011-04-29") in bank_holidays(2011)
    y2012 = bank_holidays(2012)
    assert {d("2012-06-04"), d("2012-06-05")} <= set(y2012) and d("2012-05-28") not in y2012
    assert len(bank_holidays(2021)) == 8 and len(bank_holidays(2011)) == 9


def test_every_year_has_its_holidays_on_weekdays():
    for year in range(1995, 2041):
        days = bank_holidays(year)
        assert all(x.weekday() < 5 and x.year == year for x in days), year
        assert len(days) == len(set(days)) >= 8


def test_easter_known_dates():
    assert easter_sunday(2024) == d("2024-03-31")
    assert easter_sunday(2019) == d("2019-04-21")
    assert easter_sunday(2038) == d("2038-04-25")  # the latest possible date
    assert easter_sunday(2008) == d("2008-03-23")


@pytest.mark.parametrize("year", [1994, 2041])
def test_out_of_range_names_the_range(year):
    with pytest.raises(ValueError, match="1995 to 2040"):
        bank_holidays(year)
    with pytest.raises(ValueError, match="1995 to 2040"):
        working_days(f"{year}-06-02", "2025-01-01")


def test_same_day_next_day_and_weekend():
    assert working_days("2025-06-10", "2025-06-10") == 0
    assert working_days("2025-06-10", "2025-06-11") == 1
    assert working_days("2025-06-13", "2025-06-16") == 1  # Friday -> Monday
    assert working_days("2025-06-14", "2025-06-16") == 1  # received on a Saturday
    assert working_days("2025-06-16", "2025-06-13") == -1
    assert working_days(dt.datetime(2025, 6, 10, 17, 30), pd.Timestamp("2025-06-24")) == 10


def test_count_across_easter_and_christmas():
    # Thu 17 Apr 2025 -> Thu 1 May: Good Friday 18 and Easter Monday 21 Apr are not counted
    assert working_days("2025-04-17", "2025-05-01") == 8
    # Fri 19 Dec 2025 -> Fri 9 Jan 2026: 25, 26 Dec and 1 Jan are not counted
    assert working_days("2025-12-19", "2026-01-09") == 12
    # 2026: Boxing Day falls on a Saturday, Mon 28 Dec is its substitute
    assert working_days("2026-12-24", "2026-12-29") == 1


def test_due_dates():
    assert add_working_days("2025-04-17", 8) == d("2025-05-01")
    assert add_working_days("2025-12-19", 10) == d("2026-01-07")
    assert add_working_days("2025-06-14", 1) == d("2025-06-16")  # Saturday -> Monday
    assert add_working_days("2024-03-29", 1) == d("2024-04-02")  # Good Friday -> Tuesday
    assert add_working_days("2025-06-10", 0) == d("2025-06-10")
    for start in pd.date_range("2024-12-01", "2025-01-31"):
        for n in (1, 10, 20, 65):
            due = add_working_days(start, n)
            assert working_days(start, due) == n
            assert working_days(start, due - dt.timedelta(days=1)) == n - 1
    for missing in (None, pd.NaT, float("nan")):
        with pytest.raises(ValueError, match="start is missing"):
            add_working_days(missing, 3)
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days("2025-06-10", -1)


def test_vectorised_matches_scalar_and_keeps_missing():
    start = pd.Series(["2025-04-17", None, "2025-12-19", "2025-06-14"], index=[5, 6, 7, 8])
    end = pd.Series(["2025-05-01", "2025-05-01", "2026-01-09", None], index=[5, 6, 7, 8])
    out = working_days_between(pd.to_datetime(start), pd.to_datetime(end))
    assert str(out.dtype) == "Int64"
    assert out.index.tolist() == [5, 6, 7, 8]
    assert out.tolist()[0] == 8 and out.tolist()[2] == 12
    assert out.isna().tolist() == [False, True, False, True]
    many_start = pd.Series(pd.date_range("2024-12-01", periods=90))
    many_end = many_start + pd.Timedelta(days=17)
    expected = [working_days(a, b) for a, b in zip(many_start, many_end, strict=True)]
    assert working_days_between(many_start, many_end).tolist() == expected
    empty = working_days_between(pd.Series([], dtype=object), pd.Series([], dtype=object))
    assert len(empty) == 0 and str(empty.dtype) == "Int64"
