"""`complaint-themes clusters` in-process, and the report files it writes."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from complaint_themes.cli import cli
from complaint_themes.cluster_stats import CLUSTER_COLUMNS
from complaint_themes.io import read_table

MOULD = [
    "Black mould in the bathroom at Ashdown Court, call me on 07700 900123",
    "Ashdown Court bathroom has black mould again since the new windows",
    "There is black mould in the bathroom of our Ashdown Court flat",
    "black mould in the bathroom, Ashdown Court, same as the neighbours",
]
OTHER = [
    "The council tax bill charged the wrong band this year",
    "Parking warden was rude to my son outside the school",
]


@pytest.fixture
def cases(tmp_path):
    df = pd.DataFrame({
        "ref": [f"R{i}" for i in range(7)],
        "body": MOULD + OTHER + [""],
        "who": ["Sarah Jones", "Tom", "Ann", "Sarah Jones", "Bo", "Cy", "Di"],
        "received": ["2025-03-01", "2025-03-04", "2025-03-09", "2025-03-10", "2025-03-02",
                     "2025-03-05", "2025-03-06"],
        "service": ["Housing repairs"] * 4 + ["Council tax", "Parking", "Parking"],
    })
    path = tmp_path / "cases.csv"
    df.to_csv(path, index=False)
    return path


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def args(cases, out, model_dir, *more):
    return ("clusters", cases, "-o", out, "--model", model_dir, "--text-column", "body",
            "--resident-column", "who", "--date-column", "received", "--service-column",
            "service", "--similarity", "0.4", *more)


def test_writes_the_four_files_and_state(cases, tmp_path, model_dir):
    out = tmp_path / "out"
    result = run(*args(cases, out, model_dir))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ("1 clusters of similar complaints; 1 flagged (1 emerging); "
                        "0 repeats (one resident complaining more than once)")
    assert lines[1].startswith("  C0001: 3 residents, 4 complaints (")
    assert lines[-1] == f"wrote {out}"
    clusters = read_table(out / "clusters.csv")
    assert list(clusters.columns[: len(CLUSTER_COLUMNS)]) == CLUSTER_COLUMNS
    assert clusters[["cluster_id", "size", "residents", "flagged", "first_date", "last_date",
                     "services"]].values.tolist() == [
        ["C0001", "4", "3", "True", "2025-03-01", "2025-03-10", "Housing repairs"]]
    assert "black mould" in clusters["key_phrases"][0]
    assignments = read_table(out / "assignments.csv")
    assert list(assignments.columns) == ["ref", "body", "who", "received", "service",
                                         "cluster_id", "cluster_flagged"]
    assert assignments["cluster_id"].tolist() == ["C0001"] * 4 + ["", "", ""]
    assert assignments["cluster_flagged"].tolist() == ["True"] * 4 + ["False"] * 3
    data = json.loads((out / "clusters.json").read_text())
    assert data["settings"]["min_residents"] == 3
    (c,) = data["clusters"]
    assert c["cluster_id"] == "C0001" and len(c["examples"]) == 3
    assert c["dominant_theme"] in {"communication", "failure_to_provide", "staff_attitude"}
    assert c["timeline"] == [["2025-02-24", 1], ["2025-03-03", 2], ["2025-03-10", 1]]
    page = (out / "clusters.html").read_text()
    assert page.index("C0001") < page.index("Examples (personal data removed)")
    assert "07700 900123" not in page and "Sarah Jones" not in page
    assert "<svg" in page
    assert (out / "state" / "state.json").is_file()


def test_previous_state_keeps_ids(cases, tmp_path, model_dir):
    out = tmp_path / "week1"
    assert run(*args(cases, out, model_dir)).exit_code == 0
    new = pd.DataFrame({"body": ["More black mould in the bathroom at Ashdown Court"],
                        "who": ["Zed"], "received": ["2025-03-20"], "service": ["Housing"]})
    new_path = tmp_path / "week2.csv"
    new.to_csv(new_path, index=False)
    result = run("clusters", new_path, "-o", tmp_path / "week2", "--model", model_dir,
                 "--text-column", "body", "--resident-column", "who", "--date-column",
                 "received", "--previous", out / "state")
    assert result.exit_code == 0, result.output
    assert "C0001: 4 residents, 5 complaints" in result.output
    assert "; 1 more resident joined" in result.output
    assignments = read_table(tmp_path / "week2" / "assignments.csv")
    assert assignments["cluster_id"].tolist() == ["C0001"]


def test_missing_column_message(cases, tmp_path, model_dir):
    result = run("clusters", cases, "-o", tmp_path / "o", "--model", model_dir,
                 "--text-column", "body", "--resident-column", "resident")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: column 'resident' not found in cases.csv; available: ref, body, who, received, "
        "service (use --resident-column)")


def test_bad_date_message(tmp_path, model_dir):
    path = tmp_path / "d.csv"
    pd.DataFrame({"text": ["a", "b"], "date": ["2025-01-01", "last week"]}).to_csv(path,
                                                                                index=False)
    result = run("clusters", path, "-o", tmp_path / "o", "--model", model_dir,
                 "--date-column", "date")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: column 'date' of d.csv, row 3 (the header is row 1): 'last week' is not a date; "
        "write dates like 2025-03-01 or 01/03/2025, fill or drop the 1 row(s) without one, or "
        "leave out --date-column")


def test_min_residents_below_two_is_refused(cases, tmp_path, model_dir):
    result = run(*args(cases, tmp_path / "o", model_dir, "--min-residents", "1"))
    assert result.exit_code == 2
    assert "Invalid value for '--min-residents': 1 is not in the range x>=2." in result.output


def test_previous_must_be_a_state_folder(cases, tmp_path, model_dir):
    (tmp_path / "empty").mkdir()
    result = run("clusters", cases, "-o", tmp_path / "o", "--model", model_dir,
                 "--text-column", "body", "--previous", tmp_path / "empty")
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {tmp_path / 'empty'} is not a saved cluster state (state.json and arrays.npz "
        "expected); pass the state folder written by an earlier clusters run")


def test_no_split_is_recorded_in_the_settings(cases, tmp_path, model_dir):
    out = tmp_path / "out"
    assert run(*args(cases, out, model_dir, "--no-split")).exit_code == 0
    assert not json.loads((out / "clusters.json").read_text())["settings"]["split"]
    assert run(*args(cases, tmp_path / "split", model_dir)).exit_code == 0
    assert json.loads((tmp_path / "split" / "clusters.json").read_text())["settings"]["split"]


def test_no_words_is_recorded_in_the_settings(cases, tmp_path, model_dir):
    out = tmp_path / "out"
    assert run(*args(cases, out, model_dir, "--no-words")).exit_code == 0
    assert json.loads((out / "clusters.json").read_text())["settings"]["words"] is False
    assert run(*args(cases, tmp_path / "words", model_dir)).exit_code == 0
    assert json.loads((tmp_path / "words" / "clusters.json").read_text())["settings"]["words"]
