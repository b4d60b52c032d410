"""Bad and awkward inputs to `complaint-themes classify` and the table readers and writers.

Every case either classifies every row (rows in == rows out) or stops with one clear line that
names the file, row or column and the fix; none ends in a traceback. The model uses the
torch-free hashing encoder, so each run takes well under a second.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from complaint_themes.clean import clean_text
from complaint_themes.cli import cli
from complaint_themes.errors import InputError, OutputError
from complaint_themes.io import duplicate_ids, read_table, text_column
from complaint_themes.write import TableWarning, check_output, write_table

THEMES = {"communication", "failure_to_provide", "staff_attitude"}
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """A saved hashing-encoder model folder, shared by the tests of this module."""
    from conftest import TEXTS
    from conftest import THEMES as LABELS

    from complaint_themes import ThemeClassifier, load_taxonomy, save_model

    fitted = ThemeClassifier(encoder="hashing", cache=False).fit(TEXTS, LABELS)
    return save_model(fitted, tmp_path_factory.mktemp("m") / "model", taxonomy=load_taxonomy(),
                      metrics={"held_out": {"n": 3, "macro_f1": 0.5, "accuracy": 0.5}})


def classify(model, input_path, output_path, *options):
    """Run `classify` in-process; fail the test on any traceback (an unexpected exception)."""
    result = CliRunner().invoke(
        cli, ["classify", str(input_path), "-o", str(output_path), "--model", str(model),
              *map(str, options)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback instead of a message:\n{result.output}") \
            from result.exception
    return result


def error_line(result) -> str:
    """The one message line of a refused run (click prints usage lines before it for exit 2)."""
    return result.output.strip().splitlines()[-1]


def write(path: Path, content: bytes | str) -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def assert_refused(result, message: str, *outputs: Path, exit_code: int = 1) -> None:
    assert result.exit_code == exit_code, result.output
    assert error_line(result) == f"Error: {message}"
    for output in outputs:
        assert not output.exists()


def classified(result, output: Path, n_rows: int) -> pd.DataFrame:
    """The output of a successful run, checked to hold ``n_rows`` rows and a theme each."""
    assert result.exit_code == 0, result.output
    out = read_table(output)
    assert len(out) == n_rows
    assert f"{n_rows} rows classified." in result.output
    assert {"theme", "theme_confidence", "needs_review", "review_reason"} <= set(out.columns)
    for theme, reason in zip(out["theme"], out["review_reason"], strict=True):
        assert (theme in THEMES) != (reason == "empty text"), (theme, reason)
    return out


# --- empty and nearly empty files ---------------------------------------------------------


def test_empty_file(model, tmp_path):
    result = classify(model, write(tmp_path / "empty.csv", b""), tmp_path / "o.csv")
    assert_refused(result, "empty.csv is empty (0 bytes); export the complaints again",
                   tmp_path / "o.csv")


def test_blank_file(model, tmp_path):
    result = classify(model, write(tmp_path / "blank.csv", "\n \r\n\n"), tmp_path / "o.csv")
    assert_refused(result, "blank.csv is blank: it has no column names and no rows",
                   tmp_path / "o.csv")


def test_empty_workbook(model, tmp_path):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    result = classify(model, path, tmp_path / "o.csv")
    assert_refused(result, "empty.xlsx has no columns: the sheet or file is empty; export the "
                   "complaints again with a header row", tmp_path / "o.csv")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_header_only_gives_an_empty_output_with_every_column(model, tmp_path, suffix):
    result = classify(model, write(tmp_path / "header.csv", "id,text,service\n"),
                      tmp_path / f"o{suffix}")
    out = classified(result, tmp_path / f"o{suffix}", 0)
    assert out.columns.tolist()[:3] == ["id", "text", "service"]
    assert "prob_communication" in out.columns
    assert "note: header.csv has column names but no rows" in result.output


def test_missing_value_markers_count_as_empty_text(model, tmp_path):
    path = write(tmp_path / "nan.csv", "id,text\n1,NaN\n2,nan\n3,NULL\n4,N/A\n5,#N/A\n6,\n"
                 "7,The bins were not collected\n")
    out = classified(classify(model, path, tmp_path / "o.csv"), tmp_path / "o.csv", 7)
    assert out["review_reason"].tolist()[:6] == ["empty text"] * 6
    assert out["theme"].tolist()[:6] == [""] * 6
    assert out["text"].tolist()[:5] == ["NaN", "nan", "NULL", "N/A", "#N/A"]  # kept as written
    assert out["theme"].iloc[6] in THEMES


def test_a_column_of_only_empty_texts(model, tmp_path):
    path = write(tmp_path / "blank_texts.csv", "id,text\nA,\nB,   \nC,\n")
    result = classify(model, path, tmp_path / "o.xlsx")
    out = classified(result, tmp_path / "o.xlsx", 3)
    assert out["review_reason"].tolist() == ["empty text"] * 3
    assert out["needs_review"].tolist() == [True] * 3
    assert "empty text: 3 rows kept and marked" in result.output


# --- awkward cell contents ----------------------------------------------------------------


def test_numbers_in_a_csv_text_column_are_text(model, tmp_path):
    path = write(tmp_path / "numbers.csv", "id,text\n1,42\n2,3.5\n3,0044 7700 900123\n")
    out = classified(classify(model, path, tmp_path / "o.csv"), tmp_path / "o.csv", 3)
    assert out["text"].tolist() == ["42", "3.5", "0044 7700 900123"]


def test_a_number_cell_in_an_excel_text_column_names_its_row(model, tmp_path):
    path = tmp_path / "numbers.xlsx"
    pd.DataFrame({"text": ["a complaint", "another", 42]}).to_excel(path, index=False)
    result = classify(model, path, tmp_path / "o.csv")
    assert_refused(result, "column 'text' of numbers.xlsx, row 4 (the header is row 1): "
                   "expected complaint text, found int 42; fix the cell or choose another "
                   "column with --text-column", tmp_path / "o.csv")


def test_a_one_megabyte_text(model, tmp_path):
    big = "The lift has been broken for months and nobody answers. " * 18_000
    assert len(big) > 1_000_000
    path = tmp_path / "big.csv"
    pd.DataFrame({"id": ["1", "2"], "text": [big, "rude staff at the desk"]}).to_csv(
        path, index=False)
    out = classified(classify(model, path, tmp_path / "o.csv"), tmp_path / "o.csv", 2)
    assert out["text"].iloc[0] == big


def test_a_text_too_long_for_excel_is_cut_with_a_warning(model, tmp_path):
    big = "x" * 40_000
    path = tmp_path / "big.csv"
    pd.DataFrame({"id": ["1", "2"], "text": ["bins missed", big]}).to_csv(path, index=False)
    result = classify(model, path, tmp_path / "o.xlsx")
    out = classified(result, tmp_path / "o.xlsx", 2)
    assert out["text"].iloc[1] == big[:32767]
    assert ("warning: o.xlsx: 1 cell(s) longer than Excel's limit of 32,767 characters were "
            "cut (the first in column 'text', row 3); write .csv or .parquet to keep whole "
            "texts") in result.output


HTML_EMAIL = """<html><head><style>p { margin: 0 } .sig { color: grey }</style></head><body>
<div dir="ltr"><p>Dear Housing Team,</p><p>The damp in my daughter&#39;s bedroom is back &amp;
the mould has spread to the ceiling.<br>Nobody has come since my call on 3&nbsp;March.</p>
<p>Kind regards,<br>Ms A Resident</p><div>Sent from my iPhone</div>
<!-- [if gte mso 9]><xml><o:OfficeDocumentSettings/></xml><![endif] -->
<div class="gmail_quote">On Mon, 3 Mar 2026 at 10:02, Housing Repairs &lt;<a
href="mailto:repairs@council.gov.uk">repairs@council.gov.uk</a>&gt; wrote:<br>
<blockquote>Thank you for contacting us. Your reference is 12345.<br>
<b>This email and any attachments are confidential.</b></blockquote></div></div></body></html>"""

OUTLOOK_REPLY = """<p>I am still waiting for the refund of my parking permit.</p><p>J Smith</p>
<div style="border-top:solid #E1E1E1 1.0pt"><p><b>From:</b> Parking &lt;parking@council.gov.uk&gt;
<br><b>Sent:</b> 01 March 2026 09:15<br><b>To:</b> J Smith</p></div>
<p>We will process your refund within 10 days.</p>"""


def test_html_email_keeps_only_the_residents_words():
    assert clean_text(HTML_EMAIL) == (
        "Dear Housing Team,\nThe damp in my daughter's bedroom is back &\nthe mould has "
        "spread to the ceiling.\nNobody has come since my call on 3 March.\nKind regards,\n"
        "Ms A Resident")
    assert clean_text(OUTLOOK_REPLY) == (
        "I am still waiting for the refund of my parking permit.\nJ Smith")


def test_html_email_is_classified_on_its_cleaned_text(model, tmp_path):
    path = tmp_path / "emails.csv"
    pd.DataFrame({"id": ["1", "2"], "text": [HTML_EMAIL, clean_text(HTML_EMAIL)]}).to_csv(
        path, index=False)
    out = classified(classify(model, path, tmp_path / "o.csv"), tmp_path / "o.csv", 2)
    assert out["text"].iloc[0] == HTML_EMAIL  # the output keeps the text as it came
    probabilities = [c for c in out.columns if c.startswith("prob_")]
    assert out.loc[0, probabilities].tolist() == out.loc[1, probabilities].tolist()


NON_ENGLISH = [
    "Mae'r biniau heb eu casglu ers tair wythnos",  # Welsh
    "Śmieci nie zostały odebrane od trzech tygodni",  # Polish
    "کوڑا تین ہفتوں سے نہیں اٹھایا گیا",  # Urdu
    "垃圾已经三周没有收走了",  # Chinese
    "Les poubelles n'ont pas été ramassées",  # French
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_non_english_text_and_emoji_are_kept_and_classified(model, tmp_path, suffix):
    texts = [*NON_ENGLISH, "Bins missed AGAIN 😡😡 🗑️", "👍", "Staff were rude 🙄 #fail"]
    path = tmp_path / "intl.csv"
    pd.DataFrame({"id": [str(i) for i in range(len(texts))], "text": texts}).to_csv(
        path, index=False)
    output = tmp_path / f"o{suffix}"
    out = classified(classify(model, path, output), output, len(texts))
    assert out["text"].tolist() == texts


def test_control_characters_and_formula_like_text_go_to_excel(model, tmp_path):
    # Word's manual line break (\x0b) used to crash the xlsx writer; "=" made a formula
    texts = ["first line\x0bsecond line", "=== URGENT === bins missed", "=1+2", "a\x00b"]
    path = tmp_path / "odd.csv"
    pd.DataFrame({"id": ["1", "2", "3", "4"], "text": texts}).to_csv(path, index=False)
    out = classified(classify(model, path, tmp_path / "o.xlsx"), tmp_path / "o.xlsx", 4)
    assert out["text"].tolist() == ["first line\nsecond line", "=== URGENT === bins missed",
                                    "=1+2", "ab"]


# --- encodings and separators -------------------------------------------------------------

TEXT = "id,text\n1,Caf\u00e9 owner says the \u00a350 fine was wrong\n2,Bins missed\n"


@pytest.mark.parametrize("encoding, note", [
    ("cp1252", "note: enc.csv was read as Windows-1252 (cp1252)"),
    ("utf-8-sig", None),
    ("utf-16", None),  # with a byte-order mark, as Excel's "Unicode text"
    ("utf-16-le", "note: enc.csv was read as UTF-16-LE (it has no byte-order mark)"),
    ("utf-16-be", "note: enc.csv was read as UTF-16-BE (it has no byte-order mark)"),
])
def test_encodings_are_recognised(model, tmp_path, encoding, note):
    path = write(tmp_path / "enc.csv", TEXT.encode(encoding))
    result = classify(model, path, tmp_path / "o.csv", "--id-column", "id")
    out = classified(result, tmp_path / "o.csv", 2)
    assert out.columns[0] == "id"  # no byte-order mark left in the first column name
    assert out["text"].iloc[0] == "Caf\u00e9 owner says the \u00a350 fine was wrong"
    notes = [line for line in result.output.splitlines() if line.startswith("note:")]
    assert notes == ([note] if note else [])


def test_excel_unicode_text_is_utf16_and_tab_separated(model, tmp_path):
    path = write(tmp_path / "unicode.csv",
                 "id\ttext\n1\tBins, again, not collected\n2\tRude\n".encode("utf-16"))
    result = classify(model, path, tmp_path / "o.csv")
    out = classified(result, tmp_path / "o.csv", 2)
    assert out["text"].tolist() == ["Bins, again, not collected", "Rude"]
    assert "note: unicode.csv is separated by tabs" in result.output


@pytest.mark.parametrize("sep, name", [(";", "semicolons"), ("\t", "tabs"), ("|", "vertical "
                                                                              "bars (|)")])
def test_other_separators_are_recognised(model, tmp_path, sep, name):
    rows = [["id", "text", "amount"], ["1", "Bins, again, missed", "3,50"],
            ["2", "Rude staff", "0,00"], ["3", "No reply to my letters, emails or calls", ""]]
    path = write(tmp_path / "sep.csv", "\n".join(sep.join(r) for r in rows) + "\n")
    result = classify(model, path, tmp_path / "o.csv")
    out = classified(result, tmp_path / "o.csv", 3)
    assert out["text"].tolist() == [r[1] for r in rows[1:]]
    assert out["amount"].tolist() == ["3,50", "0,00", ""]
    assert f"note: sep.csv is separated by {name}" in result.output


def test_an_encoding_that_does_not_fit(model, tmp_path):
    path = write(tmp_path / "latin.csv", TEXT.encode("cp1252"))
    result = classify(model, path, tmp_path / "o.csv", "--encoding", "utf-8")
    assert_refused(result, "latin.csv could not be read as utf-8; save it as CSV UTF-8 or pass "
                   "its encoding with --encoding (e.g. utf-16, latin-1)", tmp_path / "o.csv")


# --- layout: header rows, columns, ids ----------------------------------------------------


def report_workbook(path: Path) -> Path:
    """A sheet as case systems export it: a merged title, a run date, then the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "Stage 1 complaints report, Q1 2026"
    sheet.merge_cells("A1:C1")
    sheet["A2"] = "Run on 01/04/2026"
    sheet.append(["Case ref", "Complaint details", "Service"])
    sheet.append(["C1", "Bins missed three weeks running", "Waste"])
    sheet.append(["C2", "The officer was rude and shouted", None])
    sheet.append(["C3", None, "Housing"])
    book.save(path)
    return path


def test_title_rows_above_the_header_are_found(model, tmp_path):
    path = report_workbook(tmp_path / "report.xlsx")
    result = classify(model, path, tmp_path / "o.csv", "--text-column", "Complaint details",
                      "--id-column", "Case ref")
    out = classified(result, tmp_path / "o.csv", 3)
    assert out["Case ref"].tolist() == ["C1", "C2", "C3"]
    assert ("note: report.xlsx: the column names are in row 3; rows 1-2 above it were skipped "
            "(give --header-row to choose the row)") in result.output


def test_header_row_option(model, tmp_path):
    path = report_workbook(tmp_path / "report.xlsx")
    result = classify(model, path, tmp_path / "o.csv", "--text-column", "Complaint details",
                      "--header-row", "3")
    out = classified(result, tmp_path / "o.csv", 3)
    assert "note:" not in result.output
    assert out["Service"].tolist()[0] == "Waste"


def test_header_row_counts_rows_in_messages(model, tmp_path):
    path = report_workbook(tmp_path / "report.xlsx")
    book = openpyxl.load_workbook(path)
    book.active["B6"] = 12345
    book.save(path)
    result = classify(model, path, tmp_path / "o.csv", "--text-column", "Complaint details")
    assert_refused(result, "column 'Complaint details' of report.xlsx, row 6 (the header is "
                   "row 3): expected complaint text, found int 12345; fix the cell or choose "
                   "another column with --text-column", tmp_path / "o.csv")


def test_header_row_below_the_last_row(model, tmp_path):
    path = report_workbook(tmp_path / "report.xlsx")
    result = classify(model, path, tmp_path / "o.csv", "--header-row", "30")
    assert_refused(result, "report.xlsx has no row 30 to take column names from "
                   "(--header-row)", tmp_path / "o.csv")


def test_title_rows_and_a_wrong_column_name_say_how_to_fix(model, tmp_path):
    path = report_workbook(tmp_path / "report.xlsx")
    result = classify(model, path, tmp_path / "o.csv", "--text-column", "Details")
    assert_refused(result, "column 'Details' not found in report.xlsx; available: Stage 1 "
                   "complaints report, Q1 2026, Unnamed: 1, Unnamed: 2 (use --text-column); the "
                   "rows above the column names may hold a title: delete them, or give the "
                   "header's row with --header-row", tmp_path / "o.csv")


def test_title_rows_in_a_csv(model, tmp_path):
    path = write(tmp_path / "report.csv", "Complaints report\nRun 2026-04-01\n\n"
                 "ref,text,service\nC1,Bins missed,Waste\nC2,Rude staff,Housing\n")
    result = classify(model, path, tmp_path / "o.csv", "--id-column", "ref")
    out = classified(result, tmp_path / "o.csv", 2)
    assert out["ref"].tolist() == ["C1", "C2"]
    assert ("note: report.csv: the column names are in row 4; rows 1-3 above it were skipped "
            "(give --header-row to choose the row)") in result.output


def test_duplicate_ids_are_reported_and_every_row_kept(model, tmp_path):
    path = write(tmp_path / "dupes.csv", "id,text\n7,Bins missed\n7,Rude staff\n8,No reply\n"
                 "9,x\n9,y\n9,z\n")
    result = classify(model, path, tmp_path / "o.csv", "--id-column", "id")
    out = classified(result, tmp_path / "o.csv", 6)
    assert out["id"].tolist() == ["7", "7", "8", "9", "9", "9"]
    assert ("warning: column 'id' of dupes.csv has 2 id(s) on more than one row (5 rows), e.g. "
            "'9' on rows 5, 6, 7; every row was kept and classified") in result.output


def test_duplicate_ids_library():
    df = pd.DataFrame({"ref": ["a", "b", None, "", None]})
    assert duplicate_ids(df, "ref", "x.csv") is None  # blanks are not ids


def test_missing_text_column(model, tmp_path):
    path = write(tmp_path / "cases.csv", "id,body\n1,Bins missed\n")
    result = classify(model, path, tmp_path / "o.csv")
    assert_refused(result, "column 'text' not found in cases.csv; available: id, body (use "
                   "--text-column)", tmp_path / "o.csv")


def test_missing_text_column_suggests_a_near_name(model, tmp_path):
    path = write(tmp_path / "cases.csv", "ID,Text \n1,Bins missed\n")
    result = classify(model, path, tmp_path / "o.csv")
    assert_refused(result, "column 'text' not found in cases.csv; available: ID, Text  (use "
                   "--text-column); did you mean 'Text '?", tmp_path / "o.csv")


def test_missing_id_column(model, tmp_path):
    path = write(tmp_path / "cases.csv", "id,text\n1,Bins missed\n")
    result = classify(model, path, tmp_path / "o.csv", "--id-column", "case_ref")
    assert_refused(result, "column 'case_ref' not found in cases.csv; available: id, text (use "
                   "--id-column)", tmp_path / "o.csv")


def test_very_many_columns(model, tmp_path):
    columns = {f"field_{i}": [str(i), ""] for i in range(2000)}
    path = tmp_path / "wide.csv"
    pd.DataFrame({**columns, "text": ["Bins missed", "Rude staff"]}).to_csv(path, index=False)
    out = classified(classify(model, path, tmp_path / "o.parquet"), tmp_path / "o.parquet", 2)
    assert out.columns.tolist()[:2001] == [*columns, "text"]
    result = classify(model, path, tmp_path / "o2.csv", "--text-column", "body")
    assert result.exit_code == 1
    assert error_line(result).startswith("Error: column 'body' not found in wide.csv; "
                                         "available: field_0, field_1, ")
    assert error_line(result).endswith(", field_29, ... (1971 more) (use --text-column)")


# --- malformed CSV ------------------------------------------------------------------------


def test_ragged_row_with_too_many_cells_names_the_row(model, tmp_path):
    path = write(tmp_path / "ragged.csv", "id,text\n1,Bins missed\n2,Rude, very rude, staff\n")
    result = classify(model, path, tmp_path / "o.csv")
    assert_refused(result, 'ragged.csv, row 3: 4 cells where the header has 2; a cell probably '
                   'holds a comma without quotes around it. Put that cell in double quotes '
                   '("...") or save the file again from Excel as CSV', tmp_path / "o.csv")


def test_every_row_one_cell_too_long_is_not_read_as_an_index(model, tmp_path):
    # pandas would silently take the first cell of each row as an index and drop it
    path = write(tmp_path / "ragged.csv", "text\nBins, missed\nStaff, rude\n")
    result = classify(model, path, tmp_path / "o.csv")
    assert_refused(result, 'ragged.csv, row 2: 2 cells where the header has 1; a cell probably '
                   'holds a comma without quotes around it. Put that cell in double quotes '
                   '("...") or save the file again from Excel as CSV; if rows above the column '
                   "names hold a title, give the header's row with --header-row",
                   tmp_path / "o.csv")


def test_short_rows_are_kept_with_blank_cells(model, tmp_path):
    path = write(tmp_path / "short.csv", "id,text,service\n1,Bins missed,waste\n2,Rude\n3\n")
    out = classified(classify(model, path, tmp_path / "o.csv"), tmp_path / "o.csv", 3)
    assert out["service"].tolist() == ["waste", "", ""]
    assert out["review_reason"].iloc[2] == "empty text"


def test_unclosed_quote_names_the_row(model, tmp_path):
    path = write(tmp_path / "quote.csv", 'id,text\n1,Bins missed\n2,"Rude staff\n3,No reply\n')
    result = classify(model, path, tmp_path / "o.csv")
    assert_refused(result, 'quote.csv: the double quote (") that opens a cell in row 3 is never '
                   "closed; fix that cell, or save the file again from Excel as CSV",
                   tmp_path / "o.csv")


def test_quoted_newlines_inside_cells(model, tmp_path):
    path = write(tmp_path / "multiline.csv",
                 'id,text\n1,"Dear Sir,\r\n\r\nThe bins, again.\nRegards"\n2,"He said ""no"""\n')
    out = classified(classify(model, path, tmp_path / "o.csv"), tmp_path / "o.csv", 2)
    assert out["text"].tolist() == ['Dear Sir,\r\n\r\nThe bins, again.\nRegards', 'He said "no"']


# --- files that are not tables ------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


@pytest.mark.parametrize("name, content, message", [
    ("picture.csv", PNG, "picture.csv is not a CSV file: it looks like a PNG image; export the "
                         "complaints as .csv, .xlsx or .parquet"),
    ("picture.xlsx", PNG, "picture.xlsx is not an Excel .xlsx workbook: it looks like a PNG "
                          "image; export the complaints as .csv, .xlsx or .parquet"),
    ("picture.parquet", PNG, "picture.parquet is not a Parquet file: it looks like a PNG image; "
                             "export the complaints as .csv, .xlsx or .parquet"),
    ("book.csv", b"PK\x03\x04" + bytes(60), "book.csv is not a CSV file: it looks like a zip "
                                           "archive (an .xlsx workbook is one); if it is an "
                                           "Excel workbook, rename it to .xlsx"),
    ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(60),
     "old.xlsx is not an Excel .xlsx workbook: it looks like an old-style Office file (an .xls "
     "workbook, or a password-protected .xlsx); open it in Excel and save it as .xlsx "
     "(without a password) or as CSV UTF-8"),
    ("text.xlsx", b"id,text\n1,bins\n", "text.xlsx is not an Excel .xlsx workbook: it looks "
                                       "like a text file; if it is a CSV file, rename it to .csv"),
    ("noise.csv", bytes(range(256)) * 4, "noise.csv is not a CSV file: it holds binary data, "
                                         "not text; export the complaints as .csv, .xlsx or "
                                         ".parquet"),
])
def test_files_that_are_not_tables(model, tmp_path, name, content, message):
    result = classify(model, write(tmp_path / name, content), tmp_path / "o.csv")
    assert_refused(result, message, tmp_path / "o.csv")


@pytest.mark.parametrize("name, message", [
    ("cases.txt", "cases.txt: unsupported file type '.txt'; if it is a table, rename it to .csv "
                  "(tab- and semicolon-separated files are recognised)"),
    ("cases.xls", "cases.xls: unsupported file type '.xls'; old Excel format: open it in Excel "
                  "and save it as .xlsx"),
    ("cases.json", "cases.json: unsupported file type '.json'; use one of .csv, .xlsx, .parquet"),
    ("cases", "cases: unsupported file type '(none)'; use one of .csv, .xlsx, .parquet"),
])
def test_unsupported_extension(model, tmp_path, name, message):
    result = classify(model, write(tmp_path / name, "id,text\n1,bins\n"), tmp_path / "o.csv")
    assert_refused(result, message, tmp_path / "o.csv")


def test_a_folder_given_as_input(model, tmp_path):
    folder = tmp_path / "cases.csv"
    folder.mkdir()
    result = classify(model, folder, tmp_path / "o.csv")
    assert_refused(result, f"Invalid value for 'INPUT': File '{folder}' is a directory.",
                   tmp_path / "o.csv", exit_code=2)
    with pytest.raises(InputError, match=r"cases.csv is a folder, not a file; give the path"):
        read_table(folder)


def test_unreadable_file(model, tmp_path, monkeypatch):
    path = write(tmp_path / "locked.csv", "id,text\n1,bins\n")
    real = Path.read_bytes

    def denied(self):
        if self.name == "locked.csv":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    result = classify(model, path, tmp_path / "o.csv")
    assert_refused(result, "locked.csv cannot be read: permission denied. Ask for read access "
                   "to it, or copy it to a folder of your own", tmp_path / "o.csv")


@pytest.mark.skipif(ROOT, reason="root reads any file")
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_unreadable_file_for_real(tmp_path, suffix):
    path = write_table(pd.DataFrame({"text": ["bins"]}), tmp_path / f"locked{suffix}")
    path.chmod(0)
    try:
        with pytest.raises(InputError, match="cannot be read: permission denied"):
            read_table(path)
    finally:
        path.chmod(0o600)


# --- outputs ------------------------------------------------------------------------------


@pytest.fixture
def cases(tmp_path) -> Path:
    return write(tmp_path / "cases.csv", "id,text\n1,Bins missed\n2,Rude staff\n")


def test_output_path_equal_to_input(model, cases):
    before = cases.read_bytes()
    result = classify(model, cases, cases)
    assert_refused(result, "the output cases.csv is the input file; choose another output file "
                   "name (the input is never overwritten)")
    assert cases.read_bytes() == before


def test_output_path_equal_to_input_through_a_link(model, cases, tmp_path):
    link = tmp_path / "link.csv"
    link.symlink_to(cases)
    result = classify(model, cases, link)
    assert result.exit_code == 1
    assert "is the input file" in error_line(result)


def test_read_only_output_folder(model, cases, tmp_path, monkeypatch):
    import tempfile

    locked = tmp_path / "locked"
    locked.mkdir()
    real = tempfile.mkstemp

    def denied(*args, dir=None, **kwargs):  # noqa: A002 - the name tempfile uses
        if dir is not None and Path(dir) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(dir))
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    result = classify(model, cases, locked / "o.csv")
    assert_refused(result, f"could not write o.csv: permission denied in the folder {locked}. "
                   "Choose a folder you can write to", locked / "o.csv")


@pytest.mark.skipif(ROOT, reason="root writes anywhere")
def test_read_only_output_folder_for_real(model, cases, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = classify(model, cases, locked / "o.csv")
        assert result.exit_code == 1
        assert "permission denied in the folder" in error_line(result)
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_disk_full_keeps_the_old_output(model, cases, tmp_path, monkeypatch, suffix):
    output = tmp_path / f"themes{suffix}"
    assert classify(model, cases, output).exit_code == 0
    before = output.read_bytes()

    def full(self, path, *args, **kwargs):
        Path(path).write_bytes(b"half a fi")
        raise OSError(errno.ENOSPC, "No space left on device")

    def save_then_full(self, path):  # the workbook is written whole, then the disk fills
        real_save(self, path)
        raise OSError(errno.ENOSPC, "No space left on device")

    real_save = openpyxl.Workbook.save
    for method in ("to_csv", "to_parquet"):
        monkeypatch.setattr(pd.DataFrame, method, full)
    monkeypatch.setattr(openpyxl.Workbook, "save", save_then_full)
    result = classify(model, cases, output)
    assert_refused(result, f"could not write themes{suffix}: the disk is full (no space left on "
                   "device). Free some space or write to another disk; the existing "
                   f"themes{suffix} is unchanged")
    assert output.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv", f"themes{suffix}"]


def test_disk_full_library_error_is_an_oserror(tmp_path, monkeypatch):
    def full(self, path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    with pytest.raises(OSError, match="the disk is full") as info:
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "out.csv")
    assert isinstance(info.value, OutputError)
    assert list(tmp_path.iterdir()) == []


def test_output_that_is_a_folder(tmp_path):
    (tmp_path / "out.csv").mkdir()
    with pytest.raises(OutputError, match="the output .*out.csv is a folder; give a file name"):
        check_output(tmp_path / "out.csv")


def test_mixed_type_columns_to_parquet(model, tmp_path):
    import datetime

    path = tmp_path / "mixed.xlsx"
    pd.DataFrame({
        "ref": [1001, "A-1002", 1003, None],
        "received": [datetime.datetime(2026, 3, 1), "unknown", datetime.datetime(2026, 3, 3),
                     None],
        "amount": [12.5, 3, None, 7],
        "text": ["Bins missed", "Rude staff", "No reply", None],
    }).to_excel(path, index=False)
    out = classified(classify(model, path, tmp_path / "o.parquet"), tmp_path / "o.parquet", 4)
    assert out["ref"].tolist()[:3] == ["1001", "A-1002", "1003"] and pd.isna(out["ref"][3])
    assert out["received"].tolist()[:2] == ["2026-03-01 00:00:00", "unknown"]
    assert out["amount"].tolist()[:2] == [12.5, 3] and pd.isna(out["amount"].iloc[2])


def test_text_column_rows_follow_the_header_row():
    df = pd.DataFrame({"text": ["fine", 3.5]})
    df.attrs["header_row"] = 5
    with pytest.raises(InputError, match=r"row 7 \(the header is row 5\): expected complaint "
                                         "text, found float 3.5"):
        text_column(df, "text", "cases.xlsx")


def test_write_table_warns_when_excel_cuts_a_text(tmp_path):
    df = pd.DataFrame({"text": ["short", "y" * 33_000]})
    with pytest.warns(TableWarning, match=r"1 cell\(s\) longer than Excel's limit"):
        write_table(df, tmp_path / "out.xlsx")
    assert read_table(tmp_path / "out.xlsx")["text"].str.len().tolist() == [5, 32767]


def test_output_in_a_folder_that_does_not_exist_yet(model, cases, tmp_path):
    output = tmp_path / "new" / "deeper" / "themes.csv"
    check_output(output, cases)
    assert not (tmp_path / "new").exists()  # the check leaves nothing behind
    classified(classify(model, cases, output), output, 2)
