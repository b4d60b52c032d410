"""Reading case exports and writing results: encodings, columns, bad cells, atomic writes."""

from __future__ import annotations

import pandas as pd
import pytest

from complaint_themes.errors import InputError
from complaint_themes.io import read_table, text_column
from complaint_themes.write import write_table


def test_cp1252_and_bom_are_read(tmp_path):
    text = "id,text\n1,Caf\u00e9 owner says the \u00a350 fine was wrong\n"
    (tmp_path / "excel.csv").write_bytes(text.encode("cp1252"))
    (tmp_path / "bom.csv").write_bytes(text.encode("utf-8-sig"))
    for name, encoding in [("excel.csv", "cp1252"), ("bom.csv", "utf-8-sig")]:
        df = read_table(tmp_path / name)
        assert list(df.columns) == ["id", "text"]
        assert df.loc[0, "text"].startswith("Caf\u00e9 owner says the \u00a350")
        assert df.attrs["encoding"] == encoding


def test_unreadable_encoding_says_encoding_option(tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes("id,text\n1,hello\n".encode("utf-16"))
    with pytest.raises(InputError, match="pass its encoding with --encoding"):
        read_table(path, encoding="utf-8")


def test_csv_keeps_cells_as_written(tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("case,text\n00412,NA\n", encoding="utf-8")
    df = read_table(path)
    assert df.loc[0, "case"] == "00412" and df.loc[0, "text"] == "NA"


def test_missing_column_lists_the_columns(tmp_path):
    df = pd.DataFrame({"id": [1], "body": ["x"]})
    with pytest.raises(InputError) as info:
        text_column(df, "text", "complaints.csv")
    assert str(info.value) == (
        "column 'text' not found in complaints.csv; available: id, body (use --text-column)")


def test_non_text_cell_names_its_row():
    df = pd.DataFrame({"text": ["fine", None, 42]})
    with pytest.raises(InputError) as info:
        text_column(df, "text", "cases.xlsx")
    assert str(info.value) == (
        "column 'text' of cases.xlsx, row 4 (the header is row 1): expected complaint text, "
        "found int 42; fix the cell or choose another column with --text-column")


def test_blank_cells_become_none():
    df = pd.DataFrame({"text": ["a", "", "   ", None, float("nan")]})
    assert text_column(df, "text", "x.csv") == ["a", None, None, None, None]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_round_trip_each_format(tmp_path, suffix):
    df = pd.DataFrame({"case": ["A1", "A2"], "text": ["one", "two \u00e9"]})
    path = write_table(df, tmp_path / f"out{suffix}")
    pd.testing.assert_frame_equal(read_table(path).astype(str), df)


def test_failed_write_leaves_no_partial_file(tmp_path):
    target = tmp_path / "out.parquet"
    write_table(pd.DataFrame({"a": [1]}), target)
    before = target.read_bytes()
    bad = pd.DataFrame({"a": [1, "mixed", 2.5, object()]})  # pyarrow cannot write this
    with pytest.raises(InputError, match="could not write out.parquet: .* write .csv or .xlsx"):
        write_table(bad, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]


def test_unsupported_suffix(tmp_path):
    with pytest.raises(InputError, match="unsupported file type '.txt'"):
        read_table(tmp_path / "x.txt")


def test_written_files_get_normal_permissions(tmp_path):
    import os

    path = write_table(pd.DataFrame({"a": [1]}), tmp_path / "out.csv")
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
