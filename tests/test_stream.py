"""Chunked, checkpointed classification of large CSV files."""

from __future__ import annotations

import pandas as pd
import pytest

from complaint_themes import ThemeClassifier
from complaint_themes.errors import InputError
from complaint_themes.stream import classify_csv_in_chunks


@pytest.fixture
def model(texts, themes):
    return ThemeClassifier(encoder="hashing", cache=False).fit(texts, themes)


@pytest.fixture
def big_csv(tmp_path, texts):
    rows = [{"case_id": f"{i:05d}", "text": f"{texts[i % len(texts)]} (case {i})" if i % 97
             else "", "note": "a, \"quoted\"\nmulti-line cell" if i % 50 == 0 else "x"}
            for i in range(1234)]
    path = tmp_path / "cases.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


class Dies:
    """Wraps a model and raises on the n-th call of predict_themes, as a killed run would."""

    def __init__(self, model, after):
        self.model, self.after, self.calls = model, after, 0

    def __getattr__(self, name):
        return getattr(self.model, name)

    def predict_themes(self, texts):
        self.calls += 1
        if self.calls > self.after:
            raise KeyboardInterrupt
        return self.model.predict_themes(texts)


def test_killed_run_resumes_and_ends_byte_identical(tmp_path, big_csv, model):
    whole = tmp_path / "whole.csv"
    assert classify_csv_in_chunks(big_csv, whole, model, chunk_rows=100) == 1234
    resumed = tmp_path / "resumed.csv"
    with pytest.raises(KeyboardInterrupt):
        classify_csv_in_chunks(big_csv, resumed, Dies(model, after=4), chunk_rows=100)
    assert not resumed.exists()
    assert (tmp_path / "resumed.csv.checkpoint.json").is_file()
    counting = Dies(model, after=10**6)
    assert classify_csv_in_chunks(big_csv, resumed, counting, chunk_rows=100) == 1234
    assert counting.calls == 13 - 4  # only the unfinished chunks were classified again
    assert resumed.read_bytes() == whole.read_bytes()
    assert not (tmp_path / "resumed.csv.checkpoint.json").exists()
    assert not (tmp_path / "resumed.csv.partial").exists()


def test_chunked_output_keeps_rows_and_cells_as_written(tmp_path, big_csv, model):
    out = tmp_path / "out.csv"
    classify_csv_in_chunks(big_csv, out, model, chunk_rows=64)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the accents right
    got = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    given = pd.read_csv(big_csv, dtype=str, keep_default_na=False)
    assert len(got) == len(given) and got.case_id.tolist() == given.case_id.tolist()
    assert got.note.tolist() == given.note.tolist()
    assert (got.review_reason[given.text == ""] == "empty text").all()
    assert set(got.theme[given.text != ""]) <= set(model.classes_)


def test_stale_checkpoint_is_ignored(tmp_path, big_csv, model):
    out = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt):
        classify_csv_in_chunks(big_csv, out, Dies(model, after=2), chunk_rows=100)
    big_csv.write_text(big_csv.read_text() + "99999,one more complaint about bins,x\n")
    counting = Dies(model, after=10**6)
    assert classify_csv_in_chunks(big_csv, out, counting, chunk_rows=100) == 1235
    assert counting.calls == 13  # the input changed, so every chunk was classified again


def test_missing_column_names_the_column(tmp_path, big_csv, model):
    with pytest.raises(InputError, match="'complaint'"):
        classify_csv_in_chunks(big_csv, tmp_path / "o.csv", model, text_column="complaint")


def test_cli_chunk_rows_matches_the_whole_file_run(tmp_path, big_csv, model_dir):
    from click.testing import CliRunner

    from complaint_themes.cli import cli

    runner = CliRunner()
    chunked, whole = tmp_path / "chunked.csv", tmp_path / "whole.csv"
    result = runner.invoke(cli, ["classify", str(big_csv), "-o", str(chunked), "--model",
                                 str(model_dir), "--chunk-rows", "200"])
    assert result.exit_code == 0, result.output
    assert "1234 rows classified." in result.output
    assert runner.invoke(cli, ["classify", str(big_csv), "-o", str(whole), "--model",
                               str(model_dir)]).exit_code == 0
    read = lambda p: pd.read_csv(p, dtype=str, keep_default_na=False)  # noqa: E731
    pd.testing.assert_frame_equal(read(chunked), read(whole))
    bad = runner.invoke(cli, ["classify", str(big_csv), "-o", str(tmp_path / "o.xlsx"),
                              "--model", str(model_dir), "--chunk-rows", "200"])
    assert bad.exit_code == 2 and "--chunk-rows reads and writes .csv files only" in bad.output
