"""Redaction of whole table columns: redact_column, `complaint-themes redact`,
`classify --redact`, and redacted evaluation reports."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from complaint_themes.cli import cli
from complaint_themes.errors import InputError
from complaint_themes.io import read_table
from complaint_themes.redact import Redactor, redact_column

PII_TEXTS = [
    "My name is Sarah Jones and the bins at 14 Elm Road were missed again.",
    "Nobody rang me back on 07700 900123 about the repair, no reply to my emails.",
    "The officer was rude to my son Daniel and shouted at us in the office.",
]
SECRETS = ["Sarah Jones", "14 Elm Road", "07700 900123", "Daniel"]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _cells(column: pd.Series) -> list:
    """The cells of a column, None for any kind of missing value (None, NaN, NA)."""
    return [None if pd.isna(v) else v for v in column]


class RecordingRedactor:
    """Stands in for Redactor: upper-cases texts and records what it was asked to do."""

    def __init__(self):
        self.calls = []

    def redact_many(self, texts, progress=False):
        self.calls.append((list(texts), progress))
        return [t.upper() for t in texts]


@pytest.fixture
def table():
    return pd.DataFrame({
        "ref": ["C1", "C2", "C3", "C4", "C5"],
        "body": ["call 07700 900123", "", None, "call 07700 900123", "no personal data"],
        "n": [1, 2, 3, 4, 5],
    }, index=[10, 7, 3, 99, 0])


def test_only_the_text_column_changes(table):
    fake = RecordingRedactor()
    out = redact_column(table, "body", redactor=fake)
    assert out is not table and list(out.columns) == ["ref", "body", "n"]
    assert list(out.index) == [10, 7, 3, 99, 0]
    pd.testing.assert_frame_equal(out.drop(columns="body"), table.drop(columns="body"))
    assert _cells(out["body"]) == ["CALL 07700 900123", "", None, "CALL 07700 900123",
                                   "NO PERSONAL DATA"]
    assert out["body"].dtype == table["body"].dtype
    assert table["body"].iloc[0] == "call 07700 900123"  # the input is not modified
    assert out.attrs["redacted"] == 3


def test_each_distinct_text_is_redacted_once_blank_cells_never(table):
    fake = RecordingRedactor()
    redact_column(table, "body", redactor=fake)
    assert fake.calls == [(["call 07700 900123", "call 07700 900123", "no personal data"],
                           False)]


def test_real_redactor_on_a_column(table):
    out = redact_column(table, "body")
    assert _cells(out["body"]) == ["call <PHONE>", "", None, "call <PHONE>",
                                   "no personal data"]
    assert out.attrs["redacted"] == 2


def test_redact_many_analyses_repeats_once(monkeypatch):
    redactor = Redactor()
    seen = []
    original = redactor.redact
    monkeypatch.setattr(redactor, "redact", lambda t: seen.append(t) or original(t))
    assert redactor.redact_many(["Call 07700 900123", "ok", "Call 07700 900123"]) == [
        "Call <PHONE>", "ok", "Call <PHONE>"]
    assert seen == ["Call 07700 900123", "ok"]


def test_progress_bar_on_request(capsys):
    Redactor().redact_many(["Call 07700 900123", "fine"], progress=True)
    assert "redacting" in capsys.readouterr().err
    Redactor().redact_many(["Call 07700 900123", "fine"])
    assert "redacting" not in capsys.readouterr().err


def test_string_dtype_is_kept():
    df = pd.DataFrame({"text": pd.array(["Call 07700 900123", None], dtype="string")})
    out = redact_column(df, "text")
    assert out["text"].dtype == df["text"].dtype
    assert out["text"].iloc[0] == "Call <PHONE>" and out["text"].isna().iloc[1]


def test_an_all_blank_column_loads_no_redactor(monkeypatch):
    from complaint_themes import redact as module

    def refuse():
        raise AssertionError("the redactor was loaded")

    monkeypatch.setattr(module, "_default_redactor", refuse)
    df = pd.DataFrame({"text": ["", None, "  "]})
    out = redact_column(df, "text")
    assert _cells(out["text"]) == ["", None, "  "] and out.attrs["redacted"] == 0


def test_missing_column_and_non_text_cell_are_named():
    df = pd.DataFrame({"body": ["fine", 42]})
    with pytest.raises(InputError, match=r"column 'text' not found in cases.csv; available: "
                                         r"body \(use --text-column\)"):
        redact_column(df, "text", source="cases.csv")
    with pytest.raises(InputError, match=r"column 'body' of cases.csv, row 3 \(the header is "
                                         r"row 1\): expected complaint text, found int 42"):
        redact_column(df, "body", source="cases.csv")


def test_findings_give_spans_and_types():
    text = "Please ask Sarah Jones to ring me on 07700 900123."
    found = sorted((f.entity_type, text[f.start:f.end]) for f in Redactor().findings(text))
    assert found == [("PERSON", "Sarah Jones"), ("PHONE_NUMBER", "07700 900123")]
    assert Redactor().findings("   ") == []


def test_importing_the_cli_and_report_loads_no_nlp():
    code = ("import sys, complaint_themes.cli, complaint_themes.report, "
            "complaint_themes.redact; "
            "print(sorted(m for m in ('spacy', 'presidio_analyzer', 'presidio_anonymizer') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# --- complaint-themes redact -------------------------------------------------------------


@pytest.fixture
def cases(tmp_path):
    df = pd.DataFrame({
        "case_id": ["007", "008", "009", "010"],
        "Complaint details": [*PII_TEXTS, ""],
        "service": ["waste", "repairs", "housing", "waste"],
    })
    path = tmp_path / "cases.csv"
    df.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_redact_command_keeps_every_row_and_column(cases, tmp_path, suffix):
    out = tmp_path / f"redacted{suffix}"
    result = run("redact", cases, "-o", out, "--text-column", "Complaint details")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["3 of 4 texts had personal data replaced",
                                          f"wrote {out}"]
    df, original = read_table(out), read_table(cases)
    assert list(df.columns) == list(original.columns)
    assert df["case_id"].tolist() == ["007", "008", "009", "010"]  # leading zeros kept
    assert df["service"].tolist() == original["service"].tolist()
    texts = df["Complaint details"].fillna("").tolist()
    assert texts == [
        "My name is <PERSON> and the bins at <ADDRESS> were missed again.",
        "Nobody rang me back on <PHONE> about the repair, no reply to my emails.",
        "The officer was rude to my son <PERSON> and shouted at us in the office.",
        "",
    ]


def test_redact_command_errors(cases, tmp_path):
    result = run("redact", cases, "-o", tmp_path / "out.csv")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: column 'text' not found in cases.csv; available: case_id, Complaint details, "
        "service (use --text-column)")
    result = run("redact", cases, "-o", tmp_path / "out.txt", "--text-column",
                 "Complaint details")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: out.txt: unsupported file type '.txt'; use one of .csv, .xlsx, .parquet")
    assert not (tmp_path / "out.txt").exists()
    before = cases.read_bytes()
    result = run("redact", cases, "-o", cases, "--text-column", "Complaint details")
    assert result.exit_code == 1 and "is the input file" in result.output
    assert cases.read_bytes() == before


def test_redact_command_reads_windows_1252(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("text\nThe caf\xe9 says Mrs Okafor rang 07700 900123\n".encode("cp1252"))
    result = run("redact", path, "-o", tmp_path / "out.csv")
    assert result.exit_code == 0, result.output
    assert read_table(tmp_path / "out.csv")["text"].tolist() == [
        "The caf\xe9 says <PERSON> rang <PHONE>"]


# --- classify --redact -------------------------------------------------------------------


def test_classify_redact_changes_only_the_text(cases, model_dir, tmp_path):
    plain, redacted = tmp_path / "plain.csv", tmp_path / "redacted.csv"
    common = ["--model", model_dir, "--text-column", "Complaint details"]
    assert run("classify", cases, "-o", plain, *common).exit_code == 0
    result = run("classify", cases, "-o", redacted, *common, "--redact")
    assert result.exit_code == 0, result.output
    a, b = read_table(plain), read_table(redacted)
    assert list(a.columns) == list(b.columns)
    # themes and probabilities come from the original texts: with the hashing encoder any
    # changed word would change the probabilities
    pd.testing.assert_frame_equal(a.drop(columns="Complaint details"),
                                  b.drop(columns="Complaint details"))
    assert a["Complaint details"].tolist()[:3] == PII_TEXTS
    out = " ".join(b["Complaint details"].fillna(""))
    assert not [s for s in SECRETS if s in out]
    assert out.count("<PERSON>") == 2 and "<PHONE>" in out and "<ADDRESS>" in out


# --- evaluation reports ------------------------------------------------------------------


@pytest.fixture
def mislabelled(texts, themes):
    """Texts with personal data, each labelled with a theme the model does not predict, so
    every one of them is a confident mistake shown in the report."""
    from complaint_themes import ThemeClassifier

    model = ThemeClassifier(encoder="hashing", cache=False).fit(texts, themes)
    predicted = model.predict(PII_TEXTS)
    classes = list(model.classes_)
    wrong = [classes[(classes.index(p) + 1) % len(classes)] for p in predicted]
    return model, PII_TEXTS, wrong


def _shown(report_dir):
    mistakes = pd.read_csv(report_dir / "mistakes.csv")
    return mistakes, (report_dir / "report.html").read_text(encoding="utf-8")


def test_evaluation_report_redacts_the_texts_it_shows(mislabelled, tmp_path):
    from complaint_themes.report import evaluate_to_folder

    model, texts, y = mislabelled
    metrics = evaluate_to_folder(model, texts, y, tmp_path / "r")
    mistakes, page = _shown(tmp_path / "r")
    assert len(mistakes) == 3
    for secret in SECRETS:
        assert secret not in page and not mistakes["text"].str.contains(secret).any()
    assert "&lt;PERSON&gt;" in page and "&lt;PHONE&gt;" in page
    assert mistakes["text"].str.contains("<ADDRESS>").sum() == 1
    unredacted = evaluate_to_folder(model, texts, y, tmp_path / "plain", redact=False)
    assert unredacted == metrics  # scored on the original texts either way
    mistakes, page = _shown(tmp_path / "plain")
    assert sorted(mistakes["text"]) == sorted(PII_TEXTS)
    assert all(secret in page for secret in SECRETS)


def test_evaluate_command_redacts_unless_told_not_to(mislabelled, model_dir, tmp_path):
    _, texts, y = mislabelled
    labelled = tmp_path / "coded.csv"
    pd.DataFrame({"text": texts, "theme": y}).to_csv(labelled, index=False)
    result = run("evaluate", labelled, "--model", model_dir, "-o", tmp_path / "r")
    assert result.exit_code == 0, result.output
    mistakes, page = _shown(tmp_path / "r")
    assert not [s for s in SECRETS if s in page or mistakes["text"].str.contains(s).any()]
    result = run("evaluate", labelled, "--model", model_dir, "-o", tmp_path / "plain",
                 "--no-redact")
    assert result.exit_code == 0, result.output
    mistakes, page = _shown(tmp_path / "plain")
    assert set(mistakes["text"]) <= set(texts) and len(mistakes) >= 1
    assert json.loads((tmp_path / "r" / "metrics.json").read_text())["macro_f1"] == json.loads(
        (tmp_path / "plain" / "metrics.json").read_text())["macro_f1"]


def test_report_with_no_mistakes_loads_no_redactor(monkeypatch, texts, themes, tmp_path):
    from complaint_themes import ThemeClassifier
    from complaint_themes import redact as module
    from complaint_themes.report import evaluate_to_folder

    def refuse():
        raise AssertionError("the redactor was loaded")

    monkeypatch.setattr(module, "_default_redactor", refuse)
    model = ThemeClassifier(encoder="hashing", cache=False).fit(texts, themes)
    y = list(model.predict(texts))  # every prediction right: nothing to show
    metrics = evaluate_to_folder(model, texts, y, tmp_path / "r")
    assert metrics["accuracy"] == 1.0 and not (tmp_path / "r" / "mistakes.csv").exists()
    assert np.isclose(metrics["macro_f1"], 1.0)
