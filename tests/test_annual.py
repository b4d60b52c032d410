"""annual_figures on small hand-made case logs; every expected figure is worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from complaint_themes.annual import CaseColumns, annual_figures, financial_year
from complaint_themes.case_fields import normalise_outcome, normalise_stage
from complaint_themes.errors import ComplaintThemesError

NA = pd.NA


def cases(*rows: dict, **defaults) -> pd.DataFrame:
    """A case log from row dicts; keys missing from a row take ``defaults``."""
    return pd.DataFrame([{**defaults, **r} for r in rows])


def values(table: pd.DataFrame, key: str, column: str) -> dict:
    return {k: (None if pd.isna(v) else v) for k, v in zip(table[key], table[column],
                                                           strict=True)}


def summary(figures) -> dict:
    t = figures.tables["summary"]
    return {m: (a, b, c) for m, a, b, c in t.itertuples(index=False, name=None)}


def theme_log() -> pd.DataFrame:
    r = [
        # 2024/25: Q1 = Apr-Jun 2024 ... Q4 = Jan-Mar 2025
        ("2024-04-01", "communication"), ("15/05/2024", "communication"),
        ("2024-06-30", "staff_attitude"), ("2024-07-01", "communication"),
        ("2024-12-31", "service_standard"), ("2025-01-01", "communication"),
        ("31/03/2025", "service_standard"),
        # 2023/24
        ("2023-04-01", "communication"), ("2024-03-31", "communication"),
        ("2023-10-10", "failure_to_provide"), ("2023-11-11", "service_standard"),
        # 2022/23: neither year
        ("2023-03-31", "staff_attitude"),
    ]
    df = pd.DataFrame(r, columns=["date_received", "theme"])
    df["type"] = "Complaint"
    compliment = {"date_received": "2024-05-05", "theme": "communication", "type": "Compliment"}
    return pd.concat([df, pd.DataFrame([compliment])], ignore_index=True)


def test_themes_by_quarter_and_year_on_year_from_the_same_table():
    f = annual_figures(theme_log(), year="2024/25")
    assert (f.year, f.previous_year) == ("2024/25", "2023/24")
    t = f.tables["themes_by_quarter"]
    assert list(t.columns) == ["theme", "Q1", "Q2", "Q3", "Q4", "total", "previous_total",
                               "change", "change_pct"]
    rows = [[None if pd.isna(v) else v for v in row] for row in t.values.tolist()]
    assert rows == [
        ["communication", 2, 1, 0, 1, 4, 2, 2, 1.0],
        ["service_standard", 0, 0, 1, 1, 2, 1, 1, 1.0],
        ["staff_attitude", 1, 0, 0, 0, 1, 0, 1, None],
        ["failure_to_provide", 0, 0, 0, 0, 0, 1, -1, -1.0],
    ]
    assert str(t["Q1"].dtype) == "Int64" and str(t["change_pct"].dtype) == "Float64"
    s = summary(f)
    assert s["complaints received"] == (7, 4, 3)
    assert s["compliments"] == (1, 0, 1)
    assert isinstance(s["complaints received"][0], int)
    c = f.tables["compliments_by_service"]  # no service column: one row for all services
    assert c.values.tolist() == [["All services", 1, 0, 0, 0, 1, 0, 1]]


def test_default_year_is_that_of_the_newest_received_date():
    f = annual_figures(theme_log())
    assert (f.year, f.previous_year) == ("2024/25", "2023/24")
    g = annual_figures(theme_log(), year="2023-24")
    assert (g.year, g.previous_year) == ("2023/24", "2022/23")
    assert summary(g)["complaints received"] == (4, 1, 3)
    h = annual_figures(theme_log(), year="2022/23")
    assert h.previous_year is None
    assert summary(h)["complaints received"] == (1, None, None)
    assert pd.isna(h.tables["themes_by_quarter"]["previous_total"]).all()
    assert any("no year-on-year change" in n for n in h.notes)
    assert ("12 case(s) of cases received before 01 April 2022 or after 31 March 2023 are "
            "left out") in h.notes
    assert ("1 case(s) of cases received before 01 April 2023 or after 31 March 2025 are "
            "left out") in f.notes


def test_given_previous_table_replaces_the_rows_of_the_same_table():
    previous = pd.DataFrame({"date_received": ["2023-05-01"] * 5, "theme": "communication"})
    f = annual_figures(theme_log(), year="2024/25", previous=previous)
    assert summary(f)["complaints received"] == (7, 5, 2)
    assert summary(f)["compliments"] == (1, None, None)  # no type column last year
    assert "compliments (every row is taken as a complaint): no 2023/24 figures (previous " \
        "cases has no 'type' column)" in f.notes
    assert values(f.tables["themes_by_quarter"], "theme", "previous_total") == {
        "communication": 5, "service_standard": 0, "staff_attitude": 0}
    with pytest.raises(ComplaintThemesError, match="no cases received in 2023/24"):
        annual_figures(theme_log(), year="2024/25", previous=previous.assign(
            date_received="2025-05-01"))


def timeliness_log() -> pd.DataFrame:
    """2025/26; Easter 2025 is 18-21 Apr, early May 5 May, Christmas 25-26 Dec, 1 Jan 2026."""
    rows = [
        # stage 1, 10 working days
        ("Stage 1", "2025-04-17", "2025-05-06", "Housing", "Place"),  # 10 (13 weekdays): on time
        ("1", "2025-06-02", "2025-06-17", "Housing", "Place"),  # 11: late
        (1, "2025-06-02", "2025-06-02", "Waste", "Place"),  # 0: on time
        ("stage one", "2025-10-06", "17/10/2025", "Education", "Children and Families"),  # 9
        ("S1", "2026-03-02", None, "Waste", "Place"),  # open, 21 by 31 March: overdue
        ("Stage 1", "2026-03-31", "", "Waste", "Place"),  # open, 0: not overdue
        # stage 2, 20 working days
        ("Stage 2", "2025-05-01", "2025-06-03", "Housing", "Place"),  # 21: late
        ("S2", "2025-12-15", "2026-01-14", "Waste", "Place"),  # 19 (22 weekdays): on time
        # children's statutory stage 2, 65 working days
        (2, "2025-09-01", "2025-11-14", "Children's Social Care", "People"),  # 54: on time
        ("stage two", "2025-07-01", "2025-07-30", "Fostering", "Children's Services"),  # 21
    ]
    return pd.DataFrame(rows, columns=["stage", "date_received", "date_responded", "service",
                                       "directorate"]).assign(theme="communication")


def test_timeliness_counts_working_days_without_bank_holidays():
    f = annual_figures(timeliness_log())
    assert f.year == "2025/26"
    t = f.tables["timeliness"]
    assert list(t.columns) == ["stage", "target_working_days", "answered", "on_time",
                               "on_time_rate", "median_working_days", "open", "open_overdue",
                               "previous_on_time_rate"]
    rows = [[None if pd.isna(v) else v for v in row] for row in t.values.tolist()]
    assert rows == [
        ["Stage 1", 10, 4, 3, 0.75, 9.5, 2, 1, None],
        ["Stage 2", 20, 2, 1, 0.5, 20.0, 0, 0, None],
        ["Stage 2 (children's statutory)", 65, 2, 2, 1.0, 37.5, 0, 0, None],
    ]
    q = f.tables["timeliness_by_quarter"]
    got = {(a, b): (n, None if pd.isna(r) else round(r, 4))
           for a, b, n, r in q.itertuples(index=False, name=None)}
    assert got[("Q1", "Stage 1")] == (3, round(2 / 3, 4))
    assert got[("Q2", "Stage 1")] == (0, None)
    assert got[("Q3", "Stage 1")] == (1, 1.0)
    assert got[("Q4", "Stage 1")] == (0, None)
    assert got[("Q1", "Stage 2")] == (1, 0.0) and got[("Q3", "Stage 2")] == (1, 1.0)
    assert got[("Q2", "Stage 2 (children's statutory)")] == (2, 1.0)
    assert len(q) == 12
    s = summary(f)
    assert s["stage 1"] == (6, None, None) and s["stage 2"] == (4, None, None)
    assert s["stage 1 answered within 10 working days (rate)"][0] == 0.75
    assert s["stage 2 within target (rate)"][0] == 0.75


def test_open_cases_are_counted_as_at_the_newest_date_when_before_the_year_end():
    df = timeliness_log()
    df = df[df["date_received"] != "2026-03-31"]  # newest date now 2 Mar 2026 (D received)
    t = annual_figures(df).tables["timeliness"]
    assert t.loc[0, ["open", "open_overdue"]].tolist() == [1, 0]


def test_previous_on_time_rate_and_missing_stage_means_stage_1():
    df = pd.DataFrame({
        "date_received": ["2025-04-01", "2025-04-01", "2024-04-01", "2024-04-01"],
        "date_responded": ["2025-04-15", "2025-04-16", "2024-04-15", "2024-04-30"],
        "theme": "communication",
    })
    # 2025: 1-15 Apr is 10 working days, 16 Apr is 11; 2024: 15 Apr is 10, 30 Apr is 21
    f = annual_figures(df)
    t = f.tables["timeliness"]
    assert t.loc[0, ["answered", "on_time", "on_time_rate", "previous_on_time_rate"]].tolist() \
        == [2, 1, 0.5, 0.5]
    assert t.loc[1, "answered"] == 0 and pd.isna(t.loc[1, "on_time_rate"])
    assert summary(f)["stage 1 answered within 10 working days (rate)"] == (0.5, 0.5, 0.0)
    assert "stage 1" not in summary(f) and "stage 2 within target (rate)" not in summary(f)
    assert any("every complaint is taken as stage 1" in n for n in f.notes)


def test_uphold_rates_by_service():
    outcomes = [("Housing", "Upheld"), ("Housing", "Partly upheld"), ("Housing", "Not upheld"),
                ("Housing", "Withdrawn"), ("Waste", "Partially Upheld"), ("Waste", "not-upheld"),
                ("Waste", "Not Upheld"), ("Waste", "NOT UPHELD"), ("Waste", None)]
    df = pd.DataFrame(outcomes, columns=["service", "outcome"]).assign(
        date_received="2025-05-01", theme="communication")
    f = annual_figures(df)
    t = f.tables["outcomes_by_service"]
    assert list(t.columns) == ["service", "upheld", "partly_upheld", "not_upheld", "other",
                               "uphold_rate"]
    assert t.values.tolist() == [["Waste", 0, 1, 3, 0, 0.25],
                                 ["Housing", 1, 1, 1, 1, pytest.approx(2 / 3)]]
    assert summary(f)["uphold rate"][0] == pytest.approx(3 / 7)


def test_repeat_complainants_counts_only():
    people = (["r1"] * 2 + ["r2"] * 2 + ["r3"] * 3 + ["r4"] * 5 + ["r5", None, None]
              + ["r6", "r6"])
    services = (["Housing", "Waste"] + ["Housing"] * 2 + ["Waste", "Waste", "Parks"]
                + ["Parks"] * 3 + ["Housing"] * 2 + ["Waste", "Waste", "Waste"] + ["Waste"] * 2)
    stages = ["1"] * 15 + ["Stage 1", "Stage 2"]  # r6 escalated one complaint
    df = pd.DataFrame({"resident_id": people, "service": services, "stage": stages,
                       "date_received": "2025-05-01", "theme": "communication",
                       "type": "Complaint"})
    df.loc[len(df)] = {"resident_id": "r5", "service": "Parks", "stage": None,
                       "date_received": "2025-05-02", "theme": "communication",
                       "type": "Compliment"}
    f = annual_figures(df)
    t = f.tables["repeat_complainants"]
    assert list(t.columns) == ["complaints_in_year", "residents", "complaints", "top_service"]
    assert t.values.tolist() == [["2", 2, 4, "Housing"], ["3", 1, 3, "Waste"],
                                 ["4 or more", 1, 5, "Parks"]]
    assert summary(f)["residents who complained more than once"][0] == 4
    everything = "\n".join([*(v.to_csv() for v in f.tables.values()), *f.notes])
    assert not any(r in everything for r in ("r1", "r2", "r3", "r4", "r5", "r6"))


def test_services_directorates_and_compliments_kept_apart():
    rows = [
        ("Housing", "Place", "communication", "Complaint"),
        ("Housing", "Place", "communication", "Stage 1 complaint"),
        ("Housing", "Place", "staff_attitude", "complaint"),
        ("Waste", "Place", "service_standard", "Complaint"),
        ("Waste", "Place", "failure_to_provide", "Complaint"),
        ("Adult care", "People", "staff_attitude", "Complaint"),
        ("Adult care", "People", "staff_attitude", "Compliment"),
        ("Waste", "Place", "communication", "Compliment"),
        ("Waste", "Place", "communication", "Comment"),
        ("Waste", "Place", "communication", None),
    ]
    df = pd.DataFrame(rows, columns=["service", "directorate", "theme", "type"]).assign(
        date_received="2025-08-01")
    df.loc[len(df)] = ["Housing", "Place", "communication", "complaint", "2024-08-01"]
    f = annual_figures(df)
    s = f.tables["themes_by_service"]
    assert list(s.columns) == ["service", "communication", "staff_attitude",
                               "failure_to_provide", "service_standard", "total",
                               "previous_total", "change"]
    assert s.values.tolist() == [["Housing", 2, 1, 0, 0, 3, 1, 2],
                                 ["Waste", 0, 0, 1, 1, 2, 0, 2],
                                 ["Adult care", 0, 1, 0, 0, 1, 0, 1]]
    three_way = f.tables["themes_by_service_quarter"]
    assert list(three_way.columns) == ["service", "theme", "Q1", "Q2", "Q3", "Q4", "total",
                                       "previous_total", "change"]
    assert three_way.values.tolist() == [
        ["Adult care", "staff_attitude", 0, 1, 0, 0, 1, 0, 1],
        ["Housing", "communication", 0, 2, 0, 0, 2, 1, 1],
        ["Housing", "staff_attitude", 0, 1, 0, 0, 1, 0, 1],
        ["Waste", "failure_to_provide", 0, 1, 0, 0, 1, 0, 1],
        ["Waste", "service_standard", 0, 1, 0, 0, 1, 0, 1]]
    top = f.tables["top_themes_by_directorate"]
    assert [[None if pd.isna(v) else v for v in r] for r in top.values.tolist()] == [
        ["Place", 1, "communication", 2, 0.4], ["Place", 2, "failure_to_provide", 1, 0.2],
        ["Place", 3, "service_standard", 1, 0.2], ["People", 1, "staff_attitude", 1, 1.0]]
    comp = f.tables["compliments_by_service"]
    assert comp.values.tolist() == [["Adult care", 0, 1, 0, 0, 1, 0, 1],
                                    ["Waste", 0, 1, 0, 0, 1, 0, 1]]
    assert summary(f)["complaints received"] == (6, 1, 5)
    assert any("2 case(s) whose type is neither" in n for n in f.notes)


def test_missing_default_columns_switch_sections_off():
    df = pd.DataFrame({"date_received": ["2025-05-01", "2025-06-01"], "theme": "communication"})
    f = annual_figures(df)
    assert list(f.tables) == ["summary", "themes_by_quarter", "clusters"]
    assert list(f.tables["summary"]["measure"]) == ["complaints received", "flagged clusters"]
    assert f.tables["clusters"].empty
    joined = "\n".join(f.notes)
    for column in ("date_responded", "outcome", "service", "directorate", "resident_id", "type",
                   "stage"):
        assert f"no {column!r} column" in joined
    g = annual_figures(df.assign(outcome="upheld"), columns=CaseColumns(outcome=None))
    assert "outcomes_by_service" not in g.tables


def test_explicitly_named_missing_column_is_an_error_listing_the_columns():
    df = pd.DataFrame({"date_received": ["2025-05-01"], "theme": "x", "Outcome": "Upheld"})
    with pytest.raises(ComplaintThemesError) as e:
        annual_figures(df, columns=CaseColumns(outcome="Result"))
    msg = str(e.value)
    assert "'Result'" in msg and "date_received, theme, Outcome" in msg
    assert "--outcome-column" in msg
    with pytest.raises(ComplaintThemesError, match="'date_received' not found"):
        annual_figures(df.rename(columns={"date_received": "received"}))


def test_bad_dates_name_the_row_and_column():
    df = pd.DataFrame({"date_received": ["2025-05-01", "01/06/2025", "soon"],
                       "date_responded": ["2025-05-02", None, None], "theme": "communication"})
    with pytest.raises(ComplaintThemesError, match=r"'date_received' of cases, row 4 .*'soon'"):
        annual_figures(df)
    df.loc[2, "date_received"] = "2025-06-05"
    df.loc[1, "date_responded"] = "31/05/2025"
    with pytest.raises(ComplaintThemesError, match=r"row 3: responded 2025-05-31 .*before "
                                                   r"received 2025-06-01"):
        annual_figures(df)
    df.loc[1, "date_responded"] = "2205-06-02"
    with pytest.raises(ComplaintThemesError, match=r"'date_responded' of cases, row 3 .*1995"):
        annual_figures(df)
    df.attrs["header_row"] = 3  # a title above the column names
    df.loc[1, "date_responded"] = "nope"
    with pytest.raises(ComplaintThemesError, match=r"row 5 \(the header is row 3\)"):
        annual_figures(df)


def test_dates_day_first_iso_and_spreadsheet_values():
    df = pd.DataFrame({"date_received": ["03/04/2025", "2025-04-03", dt.datetime(2025, 3, 4, 9),
                                         pd.Timestamp("2025-12-01"), "01/12/2025 14:30", "N/A"],
                       "theme": ["a", "a", "a", "b", "b", "c"]})
    f = annual_figures(df)
    q = f.tables["themes_by_quarter"].set_index("theme")
    assert q.loc["a", ["Q1", "total", "previous_total"]].tolist() == [2, 2, 1]
    assert q.loc["b", ["Q3", "total"]].tolist() == [2, 2]
    assert "c" not in q.index
    assert any("1 row(s) of cases without a received date" in n for n in f.notes)


def test_clusters_table_from_find_clusters_output():
    clusters = pd.DataFrame({
        "cluster_id": ["C0001", "C0002", "C0003"], "size": [6, 2, 4], "residents": [5, 1, 3],
        "flagged": [True, False, True], "key_phrases": ["missed bins; brown bin", "x", "lift"],
        "dominant_theme": ["failure_to_provide", "communication", "service_standard"],
        "first_date": ["2025-05-01", "2025-06-01", "2025-07-01"],
        "last_date": ["2025-06-01", "2025-06-02", "2025-09-30"],
        "services": ["Waste", "", "Housing"],
        "learning_status": ["action agreed", None, ""], "examples": ["<PERSON> said", "", ""],
        "confidence": ["high", "low", "medium"],
    })
    df = pd.DataFrame({"date_received": ["2025-05-01"], "theme": "communication"})
    f = annual_figures(df, clusters=clusters)
    t = f.tables["clusters"]
    assert list(t.columns) == ["cluster_id", "residents", "complaints", "confidence",
                               "dominant_theme", "services", "key_phrases", "first_date",
                               "last_date", "learning_status"]
    assert t["confidence"].tolist() == ["high", "medium"]
    assert t["cluster_id"].tolist() == ["C0001", "C0003"]
    assert t["complaints"].tolist() == [6, 4] and t["residents"].tolist() == [5, 3]
    assert t["learning_status"].tolist() == ["action agreed", "not recorded"]
    assert t["first_date"].tolist() == [dt.date(2025, 5, 1), dt.date(2025, 7, 1)]
    assert summary(f)["flagged clusters"] == (2, None, None)
    assert summary(annual_figures(df))["flagged clusters"] == (None, None, None)


def test_financial_years_and_value_spellings():
    assert financial_year("2024/25") == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert financial_year("1999/2000") == (dt.date(1999, 4, 1), dt.date(2000, 3, 31))
    assert financial_year(dt.date(2025, 3, 31)) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert financial_year("2025-04-01") == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    for bad in ("2024/26", "2024", "next year"):
        with pytest.raises(ComplaintThemesError, match="financial year"):
            financial_year(bad)
    with pytest.raises(ComplaintThemesError, match=r"no cases received in 2020/21.*2025-05-01"):
        annual_figures(pd.DataFrame({"date_received": ["2025-05-01"], "theme": "x"}), "2020/21")
    for one in (1, 1.0, "1", "Stage 1", "stage one", "S1", "s1", "Stage 1 - informal"):
        assert normalise_stage(one) == 1, one
    for two in (2, "2", "Stage 2", "stage two", "S2", "STAGE2"):
        assert normalise_stage(two) == 2, two
    for other in ("Stage 3", "Ombudsman", "10", None, "", True):
        assert normalise_stage(other) is None, other
    spellings = {"Upheld": "upheld", "Partly upheld": "partly_upheld",
                 "partially upheld": "partly_upheld", "Part upheld": "partly_upheld",
                 "Part-upheld": "partly_upheld", "Upheld in part": "partly_upheld",
                 "Not upheld": "not_upheld", "NOT_UPHELD": "not_upheld",
                 "Withdrawn": "other", "Resolved informally": "other", "": None}
    for text, expected in spellings.items():
        assert normalise_outcome(text) == expected, text


def test_education_services_of_a_childrens_directorate_follow_the_corporate_procedure():
    from complaint_themes.case_fields import prepare_cases

    log = cases(
        {"service": "children's social care"}, {"service": "SEND"}, {"service": "Fostering"},
        {"service": "School admissions"}, {"service": "housing", "directorate": "Housing"},
        date_received="2025-05-01", directorate="Children and Families", theme="communication")
    assert prepare_cases(log, CaseColumns(), "cases").frame["children"].tolist() == [
        True, False, True, False, False]


def test_services_are_listed_in_dictionary_order_whatever_their_case():
    df = cases({"service": "SEND"}, {"service": "adult care"}, {"service": "Waste"},
               {"service": "benefits"}, date_received="2025-05-01", theme="communication")
    tables = annual_figures(df).tables
    for name in ("themes_by_service_quarter", "themes_by_service"):
        assert tables[name]["service"].tolist() == ["adult care", "benefits", "SEND", "Waste"]
