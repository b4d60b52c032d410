"""Property-based tests (hypothesis): clean_text on any text, and tables round-tripping any text
through the writers and the reader."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaint_themes.clean import clean_text
from complaint_themes.io import read_table
from complaint_themes.write import excel_text, write_table

# modest example counts keep the suite fast; database=None: no .hypothesis/ folder is left
FAST = settings(max_examples=100, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

# pieces of e-mail and markup that the cleaner acts on, mixed with arbitrary text below
FRAGMENTS = [
    "<", ">", "&", ";", "/", "=", "-", ":", "\n", "\r\n", "\r", " ", "\t", "\u00a0", "\x0b",
    "<b>", "</p>", "<br/>", "<div class='x'>", "<style>p {}</style>", "<!-- c -->", "<a@b.com>",
    "&amp;", "&lt;", "&gt;", "&nbsp;", "&#39;", "&amp;lt;", "amp;", "&#x3c;", "\uff1c", "\uff06",
    "> quoted", "On 2 May 2026 Ann wrote:", "-----Original Message-----", "From: a", "Sent: b",
    "Sent from my iPhone", "Get Outlook for iOS", "-- ", "This email is confidential.",
    "\ufb01", "\u00bd", "e\u0301", "\U0001f600", "\u200b", "\u2028",
]
any_text = st.text(max_size=60)
messy_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=25).map("".join)


@FAST
@given(any_text | messy_text)
def test_clean_text_never_raises_and_returns_text(text):
    assert isinstance(clean_text(text), str)


@FAST
@given(any_text | messy_text)
def test_clean_text_is_idempotent(text):
    once = clean_text(text)
    assert clean_text(once) == once


@FAST
@given(any_text | messy_text)
def test_clean_text_output_is_trimmed_and_single_spaced(text):
    cleaned = clean_text(text)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned and "\n\n" not in cleaned and "\r" not in cleaned


words = st.text(
    alphabet=st.characters(categories=["Lu", "Ll", "Nd"]), min_size=1, max_size=12)
sentence = st.tuples(
    st.lists(words, min_size=1, max_size=15),
    st.sampled_from(["", ".", "!", "?"]),
).map(lambda t: " ".join(t[0]) + t[1])


@FAST
@given(st.lists(sentence, min_size=1, max_size=4))
def test_plain_sentences_are_unchanged(sentences):
    text = "\n".join(s for s in sentences if unicodedata.normalize("NFKC", s) == s)
    if text:
        assert clean_text(text) == text


def test_plain_sentences_with_punctuation_are_unchanged():
    for text in ["I was told (twice!) that the 3rd visit would be on 12/05 - it wasn't.",
                 "Costs went from < 50 to > 200; why?", "Caf\u00e9 \u00a3120 \U0001f621 \u2013 ok"]:
        assert clean_text(text) == text


# --- tables ---------------------------------------------------------------------------------
cell = st.text(max_size=40) | st.sampled_from(
    ["", " ", "NA", "nan", "00412", "=1+2", "=== URGENT ===", 'say "hi"', "a,b", "a;b", "a\tb",
     "line one\nline two", "crlf\r\nend", "\ufeffbom", "\x00", "\u2028", "\U0001f600"])
table = st.lists(cell, min_size=1, max_size=8).map(
    lambda texts: pd.DataFrame({"id": [f"r{i}" for i in range(len(texts))], "text": texts}))


@FAST
@given(df=table)
def test_csv_round_trips_every_text_exactly(tmp_path, df):
    path = write_table(df, tmp_path / "t.csv")
    back = read_table(path)
    assert len(back) == len(df)
    assert back.columns.tolist() == ["id", "text"]
    assert back["id"].tolist() == df["id"].tolist()
    assert back["text"].tolist() == df["text"].tolist()


def xlsx_expected(text: str) -> str:
    """What an .xlsx cell gives back: the text without the control characters .xlsx cannot
    hold (excel_text), with "\n" line ends (XML turns "\r\n" and "\r" into "\n")."""
    return excel_text(text).replace("\r\n", "\n").replace("\r", "\n")


@FAST
@given(df=table)
def test_xlsx_round_trips_every_text(tmp_path, df):
    path = write_table(df, tmp_path / "t.xlsx")
    back = read_table(path)
    assert len(back) == len(df)
    assert back["id"].tolist() == df["id"].tolist()
    assert back["text"].tolist() == [xlsx_expected(t) for t in df["text"]]


def test_excel_text_keeps_line_breaks_and_drops_other_controls():
    assert excel_text("a\x0bb\x0cc\x00d\x1fe\tf\ng") == "a\nb\nc" + "de\tf\ng"
    assert excel_text("plain \U0001f600") == "plain \U0001f600"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_round_trip_keeps_commas_quotes_newlines_and_unicode(tmp_path, suffix):
    texts = ['He said "no, never", then left', "line one\nline two", "\u00e9\u00e8 \u0416 \u4e2d",
             "\U0001f621\U0001f44d", "=not a formula", "a;b\tc|d", "  padded  "]
    df = pd.DataFrame({"id": [str(i) for i in range(len(texts))], "text": texts})
    back = read_table(write_table(df, tmp_path / f"t{suffix}"))
    assert back["text"].tolist() == texts and back["id"].tolist() == df["id"].tolist()
