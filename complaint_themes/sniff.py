"""Work out how a table file is laid out before it is parsed: its kind, encoding, separator and
header row.

Case exports arrive as whatever the case system or a colleague's Excel produced: CSV UTF-8,
Windows-1252, UTF-16 ("Unicode text", tab-separated), semicolon-separated (Excel in much of
Europe), a report title above the column names, or a file that is not a table at all. These
functions look at the first bytes or the first rows and say which; :func:`complaint_themes.io.
read_table` uses them.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Sequence

#: Separators tried for CSV files, in order of preference when they fit equally well.
SEPARATORS = (",", ";", "\t", "|")
#: (singular, plural) name of each separator, for messages.
SEPARATOR_NAMES = {",": ("comma", "commas"), ";": ("semicolon", "semicolons"),
                   "\t": ("tab", "tabs"), "|": ("vertical bar (|)", "vertical bars (|)")}
#: How many characters of a CSV file are looked at to choose its separator and header row.
SAMPLE_CHARS = 65536
#: How many rows from the top may hold a title or notes above the column names.
HEADER_SEARCH_ROWS = 20

_EXPORT = "export the complaints as .csv, .xlsx or .parquet"
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image", _EXPORT),
    (b"\xff\xd8\xff", "a JPEG image", _EXPORT),
    (b"GIF8", "a GIF image", _EXPORT),
    (b"%PDF", "a PDF document", _EXPORT),
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook is one)",
     "if it is an Excel workbook, rename it to .xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
     "an old-style Office file (an .xls workbook, or a password-protected .xlsx)",
     "open it in Excel and save it as .xlsx (without a password) or as CSV UTF-8"),
    (b"PAR1", "a Parquet file", "rename it to .parquet"),
    (b"\x1f\x8b", "a gzip-compressed file", "decompress it first"),
    (b"SQLite format 3\x00", "an SQLite database", _EXPORT),
)


def binary_kind(head: bytes) -> tuple[str, str] | None:
    """``(what it is, what to do)`` for a file starting with ``head`` in a known non-text
    format; None otherwise."""
    for magic, kind, advice in _MAGIC:
        if head.startswith(magic):
            return kind, advice
    return None


def looks_binary(data: bytes) -> bool:
    """True when over a tenth of the first 4 KB are control bytes that text never holds
    (the zero bytes of UTF-16 text aside)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or guess_utf16(data):
        return False
    head = data[:4096]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return bool(head) and controls > 0.1 * len(head)


def guess_utf16(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` for UTF-16 text without a byte-order mark, else None.

    Mostly-Latin UTF-16 has a zero byte in every other position: the odd positions for
    little-endian, the even ones for big-endian.
    """
    head = data[:4096]
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even = sum(1 for i in range(0, 2 * pairs, 2) if head[i] == 0)
    odd = sum(1 for i in range(1, 2 * pairs, 2) if head[i] == 0)
    if odd > 0.4 * pairs and even < 0.1 * pairs:
        return "utf-16-le"
    if even > 0.4 * pairs and odd < 0.1 * pairs:
        return "utf-16-be"
    return None


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding used)`` for the bytes of a CSV file.

    With ``encoding`` given, that encoding (a byte-order mark is dropped). Otherwise: a
    byte-order mark decides (UTF-8, UTF-16); UTF-16 without one is recognised by its zero
    bytes; else UTF-8, then Windows-1252 (cp1252), the encoding Excel uses for "CSV" on
    British Windows. Raises ``UnicodeDecodeError`` when none fits and ``LookupError`` for an
    unknown encoding name.
    """
    if encoding:
        return data.decode(encoding).removeprefix("\ufeff"), encoding
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    utf16 = guess_utf16(data)
    if utf16:
        return data.decode(utf16), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252"


def _records(sample: str, sep: str, limit: int) -> list[tuple[int, list[str]]]:
    """The first ``limit`` records of ``sample`` as ``(first line number, fields)``."""
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=sep)
    records: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for fields in reader:
            records.append((line, fields))
            line = reader.line_num + 1
            if len(records) >= limit:
                break
    except csv.Error:  # e.g. a NUL byte, or a field longer than csv's limit: stop there
        pass
    return records


def _sample(text: str) -> tuple[str, bool]:
    return text[:SAMPLE_CHARS], len(text) > SAMPLE_CHARS


def separator_fit(sample: str, sep: str, truncated: bool = False) -> float:
    """Share of the first 50 records that have the most common field count (at least 2)."""
    records = [fields for _, fields in _records(sample, sep, 50) if fields]
    if truncated and len(records) > 1:
        records = records[:-1]  # the last record may be cut off by the sample's end
    counts = [len(fields) for fields in records]
    several = [c for c in counts if c >= 2]
    if not several:
        return 0.0
    usual = Counter(several).most_common(1)[0][0]
    return sum(c == usual for c in counts) / len(counts)


def find_header_row(sample: str, sep: str, columns: Sequence[str]) -> int | None:
    """The line (1 = first) of the first of the top rows that holds every name in ``columns``."""
    wanted = [c for c in columns if c]
    if not wanted:
        return None
    for line, fields in _records(sample, sep, HEADER_SEARCH_ROWS):
        if all(c in fields for c in wanted):
            return line
    return None


def sniff_separator(text: str, columns: Sequence[str] = ()) -> str:
    """The separator of a CSV text: the one whose rows have the same number of fields.

    Of :data:`SEPARATORS`, the one under which most of the first rows share one field count
    (ties go to the earlier one: a comma first). When ``columns`` are given, a separator under
    which one of the top rows holds all of them is preferred.
    """
    sample, truncated = _sample(text)
    fits = {sep: separator_fit(sample, sep, truncated) for sep in SEPARATORS}
    ranked = sorted(SEPARATORS, key=lambda sep: -fits[sep])  # stable: ties keep the order
    if any(columns):
        for sep in ranked:
            if find_header_row(sample, sep, columns) is not None:
                return sep
    return ranked[0] if fits[ranked[0]] > 0 else ","


def header_line(text: str, sep: str, columns: Sequence[str]) -> int | None:
    """The line of ``text`` holding the column names ``columns`` (see :func:`find_header_row`)."""
    return find_header_row(_sample(text)[0], sep, columns)


def first_long_row(text: str, sep: str, header_row: int = 1) -> tuple[int, int, int] | None:
    """``(row, fields, header fields)`` of the first row with more fields than the header.

    Rows are counted as a spreadsheet shows them, the header (on line ``header_row``) first.
    """
    lines = io.StringIO(text, newline="")
    for _ in range(header_row - 1):
        lines.readline()
    reader = csv.reader(lines, delimiter=sep)
    try:
        header = next(reader)
        for row, fields in enumerate(reader, start=header_row + 1):
            if len(fields) > len(header):
                return row, len(fields), len(header)
    except (StopIteration, csv.Error):
        return None
    return None
