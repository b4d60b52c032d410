"""The `complaint-themes classify` command, run in-process."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from complaint_themes.cli import cli
from complaint_themes.io import read_table


@pytest.fixture
def cases(tmp_path, texts):
    df = pd.DataFrame({
        "case_id": [f"C{i:04d}" for i in range(len(texts) + 1)],
        "body": [*texts, ""],
        "service": ["waste"] * (len(texts) + 1),
    })
    path = tmp_path / "cases.csv"
    df.to_csv(path, index=False)
    return path


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_classify_keeps_every_row_and_column(cases, model_dir, tmp_path, suffix):
    out = tmp_path / f"themes{suffix}"
    result = run("classify", cases, "-o", out, "--model", model_dir, "--text-column", "body",
                 "--id-column", "case_id")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "10 rows classified."
    assert "empty text: 1 rows kept and marked" in result.output
    df = read_table(out)
    original = pd.read_csv(cases, dtype=str, keep_default_na=False)
    assert list(df.columns[:3]) == list(original.columns)
    assert df["case_id"].tolist() == original["case_id"].tolist()
    assert {"theme", "theme_confidence", "secondary_themes", "needs_review",
            "prob_communication", "prob_failure_to_provide", "prob_staff_attitude"} <= set(df)
    last = df.iloc[-1]
    assert last["theme"] in ("", None) or pd.isna(last["theme"])
    assert str(last["needs_review"]) == "True" and last["review_reason"] == "empty text"
    assert set(df["theme"].iloc[:-1]) <= {"communication", "failure_to_provide",
                                          "staff_attitude"}


def test_missing_text_column_message(cases, model_dir, tmp_path):
    result = run("classify", cases, "-o", tmp_path / "o.csv", "--model", model_dir)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: column 'text' not found in cases.csv; available: case_id, body, service "
        "(use --text-column)")


def test_missing_id_column_message(cases, model_dir, tmp_path):
    result = run("classify", cases, "-o", tmp_path / "o.csv", "--model", model_dir,
                 "--text-column", "body", "--id-column", "ref")
    assert result.output.strip() == (
        "Error: column 'ref' not found in cases.csv; available: case_id, body, service "
        "(use --id-column)")


def test_number_in_text_column_names_the_row(tmp_path, model_dir):
    path = tmp_path / "cases.xlsx"
    pd.DataFrame({"text": ["a complaint", 42.0]}).to_excel(path, index=False)
    result = run("classify", path, "-o", tmp_path / "o.csv", "--model", model_dir)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: column 'text' of cases.xlsx, row 3 (the header is row 1): expected complaint "
        "text, found int 42; fix the cell or choose another column with --text-column")
    assert not (tmp_path / "o.csv").exists()


def test_cp1252_file_is_read_with_a_note(tmp_path, model_dir):
    path = tmp_path / "excel.csv"
    path.write_bytes("text\nThe \u00a3120 charge for bulky waste was never collected\n"
                     .encode("cp1252"))
    result = CliRunner().invoke(cli, ["classify", str(path), "-o", str(tmp_path / "o.csv"),
                                      "--model", str(model_dir)])
    assert result.exit_code == 0, result.output
    assert "note: excel.csv was read as Windows-1252 (cp1252)" in result.output


def test_wrong_model_folder(cases, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("classify", cases, "-o", tmp_path / "o.csv", "--model", empty,
                 "--text-column", "body")
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {empty} is not a model folder: meta.json is missing"


def test_earlier_output_is_refused_not_overwritten(cases, model_dir, tmp_path):
    first = tmp_path / "first.csv"
    run("classify", cases, "-o", first, "--model", model_dir, "--text-column", "body")
    result = run("classify", first, "-o", tmp_path / "again.csv", "--model", model_dir,
                 "--text-column", "body")
    assert result.exit_code == 1
    assert "first.csv already has column(s) theme, theme_confidence" in result.output


def test_wrong_output_type_is_refused_before_classifying(cases, model_dir, tmp_path):
    result = run("classify", cases, "-o", tmp_path / "themes.txt", "--model", model_dir,
                 "--text-column", "body")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: themes.txt: unsupported file type '.txt'; use one of .csv, .xlsx, .parquet")


def test_classify_table_aligns_by_position_not_index(model_dir, texts):
    from complaint_themes import load_model
    from complaint_themes.batch import classify_table

    df = pd.DataFrame({"text": [texts[0], "", texts[4]]}, index=[7, 7, 3])
    out = classify_table(df, load_model(model_dir))
    assert list(out.index) == [7, 7, 3]
    assert out["review_reason"].tolist()[1] == "empty text"
    assert out["theme"].tolist()[1] == "" and out["theme"].tolist()[0] != ""
    assert out["needs_review"].tolist()[1]


@pytest.mark.parametrize("option, semantic", [([], True), (["--rules-only-flags"], False)])
def test_rules_only_flags_turns_the_semantic_pass_off(cases, model_dir, tmp_path, monkeypatch,
                                                      option, semantic):
    import complaint_themes.batch as batch

    seen = []
    real = batch.flag_table
    monkeypatch.setattr(batch, "uses_semantic_pass", lambda encoder: True)  # as for MiniLM
    monkeypatch.setattr(batch, "flag_table", lambda texts, semantic, **kw: (
        seen.append(semantic) or real(texts, semantic=False, **kw)))
    result = run("classify", cases, "-o", tmp_path / "o.csv", "--model", model_dir,
                 "--text-column", "body", *option)
    assert result.exit_code == 0, result.output
    assert seen == [semantic]
