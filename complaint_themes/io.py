"""Read complaint tables from CSV, Excel or Parquet, and check their columns.

CSV cells are read as text exactly as written (ids keep their leading zeros); a file saved by
Excel in Windows-1252, UTF-16 or with a UTF-8 byte-order mark, separated by commas,
semicolons or tabs, or with a report title above the column names is read without being
asked (:mod:`complaint_themes.sniff`). Writing results is :mod:`complaint_themes.write`.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .errors import InputError
from .sniff import (
    HEADER_SEARCH_ROWS,
    SEPARATOR_NAMES,
    binary_kind,
    decode,
    first_long_row,
    header_line,
    looks_binary,
    sniff_separator,
)

SUFFIXES = (".csv", ".xlsx", ".parquet")


def table_suffix(path: Path) -> str:
    """The file type of ``path`` (.csv, .xlsx, .parquet); an InputError for any other."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"{path.name}: unsupported file type {suffix or '(none)'!r}; use one of "
            + ", ".join(SUFFIXES)
        )
    return suffix


_NOT_TABLE_SUFFIXES = {
    ".xls": "old Excel format: open it in Excel and save it as .xlsx",
    ".xlsm": "open it in Excel and save it as .xlsx",
    ".tsv": "rename it to .csv (tab- and semicolon-separated files are recognised)",
    ".txt": "if it is a table, rename it to .csv (tab- and semicolon-separated files are "
            "recognised)",
}


def read_table(
    path: str | Path,
    encoding: str | None = None,
    header_row: int | None = None,
    columns: Sequence[str | None] = (),
    sep: str | None = None,
) -> pd.DataFrame:
    """Read a .csv, .xlsx or .parquet file into a DataFrame.

    Parameters
    ----------
    path : str or Path
    encoding : str or None, default=None
        CSV encoding. None: a byte-order mark decides, else UTF-8, else Windows-1252.
    header_row : int or None, default=None
        The row holding the column names (1 = the first, as a spreadsheet numbers rows); the
        rows above it are skipped. None: row 1, unless ``columns`` are not all in row 1 but
        are all in one of the first 20 rows (a report title above the header): that row.
    columns : sequence of str, default=()
        Columns the caller needs (None entries are ignored); used to find the header row and
        the separator.
    sep : str or None, default=None
        CSV separator. None: a comma, semicolon, tab or ``|``, whichever the rows fit.

    The CSV encoding used is kept in ``df.attrs["encoding"]``, the header's row in
    ``df.attrs["header_row"]`` (messages about a cell count rows from it), and what was
    worked out about the file (an encoding or separator other than the usual, skipped title
    rows, no rows at all) in ``df.attrs["notes"]``, one sentence each.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(
            f"{path} is a folder, not a file; give the path of a .csv, .xlsx or .parquet file")
    hint = _NOT_TABLE_SUFFIXES.get(path.suffix.lower())
    if hint:
        raise InputError(f"{path.name}: unsupported file type {path.suffix!r}; {hint}")
    suffix = table_suffix(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if header_row is not None and header_row < 1:
        raise InputError(f"header_row must be 1 or more (the first row is 1), not {header_row}")
    wanted = [c for c in columns if c]
    notes: list[str] = []
    try:
        if suffix == ".csv":
            df = _read_csv(path, encoding, header_row, wanted, sep, notes)
        elif suffix == ".xlsx":
            df = _read_xlsx(path, header_row, wanted, notes)
        else:
            if header_row not in (None, 1):
                raise InputError(f"{path.name}: a Parquet file has no header row to choose; "
                                 "leave out --header-row")
            df = _read_parquet(path)
    except PermissionError as e:
        raise InputError(f"{path.name} cannot be read: permission denied. Ask for read access "
                         "to it, or copy it to a folder of your own") from e
    except OSError as e:
        raise InputError(f"{path.name} cannot be read: {e.strerror or e}") from e
    if len(df.columns) == 0:
        raise InputError(f"{path.name} has no columns: the sheet or file is empty; export the "
                         "complaints again with a header row")
    if len(df) == 0:
        notes.append(f"{path.name} has column names but no rows")
    df.attrs.setdefault("header_row", header_row or 1)
    df.attrs["notes"] = notes
    return df


def _not_a(path: Path, expected: str, head: bytes) -> InputError:
    """The error for a file whose first bytes show it is not what its suffix says."""
    known = binary_kind(head)
    if known:
        kind, advice = known
    elif head.lstrip(b"\xef\xbb\xbf\xff\xfe").isascii() and b"\x00" not in head:
        kind, advice = "a text file", "if it is a CSV file, rename it to .csv"
    else:
        kind, advice = "an unknown format", "export the complaints as .csv, .xlsx or .parquet"
    return InputError(f"{path.name} is not {expected}: it looks like {kind}; {advice}")


def _read_csv(
    path: Path, encoding: str | None, header_row: int | None, columns: list[str],
    sep: str | None, notes: list[str],
) -> pd.DataFrame:
    name = path.name
    data = path.read_bytes()
    if not data:
        raise InputError(f"{name} is empty (0 bytes); export the complaints again")
    known = binary_kind(data[:16])
    if known:
        raise InputError(f"{name} is not a CSV file: it looks like {known[0]}; {known[1]}")
    try:
        text, used = decode(data, encoding)
    except LookupError as e:
        raise InputError(f"unknown encoding {encoding!r} (try utf-8, cp1252, latin-1)") from e
    except UnicodeDecodeError as e:
        if looks_binary(data):
            raise InputError(f"{name} is not a CSV file: it holds binary data, not text; "
                             "export the complaints as .csv, .xlsx or .parquet") from e
        tried = encoding or "UTF-8 or Windows-1252 (cp1252)"
        raise InputError(
            f"{name} could not be read as {tried}; "
            "save it as CSV UTF-8 or pass its encoding with --encoding (e.g. utf-16, latin-1)"
        ) from e
    if not text.strip():
        raise InputError(f"{name} is blank: it has no column names and no rows")
    if used == "cp1252":
        notes.append(f"{name} was read as Windows-1252 (cp1252)")
    elif used in ("utf-16-le", "utf-16-be") and not encoding:
        notes.append(f"{name} was read as {used.upper()} (it has no byte-order mark)")
    if sep is None:
        sep = sniff_separator(text, columns)
        if sep != ",":
            notes.append(f"{name} is separated by {SEPARATOR_NAMES[sep][1]}")
    if header_row is None and columns:
        found = header_line(text, sep, columns)
        if found and found > 1:
            header_row = found
            notes.append(_skipped_note(name, found))
    first = header_row or 1
    try:
        df = pd.read_csv(io.StringIO(text, newline=""), sep=sep, dtype=str,
                         keep_default_na=False, skiprows=first - 1)
    except pd.errors.EmptyDataError as e:
        where = f"row {first} or below" if first > 1 else "it"
        raise InputError(f"{name} has no column names in {where}") from e
    except pd.errors.ParserError as e:
        raise InputError(_parser_message(name, str(e), sep)) from e
    if not isinstance(df.index, pd.RangeIndex):  # rows longer than the header became an index
        long = first_long_row(text, sep, first)
        if long:
            raise InputError(_too_many_fields(name, sep, *long))
        raise InputError(f"{name}: some rows have more cells than the header")
    df.attrs["encoding"] = used
    df.attrs["header_row"] = first
    return df


def _skipped_note(name: str, row: int) -> str:
    above = "row 1 above it was" if row == 2 else f"rows 1-{row - 1} above it were"
    return (f"{name}: the column names are in row {row}; {above} skipped "
            "(give --header-row to choose the row)")


def _too_many_fields(name: str, sep: str, row: int, found: int, expected: int) -> str:
    message = (
        f"{name}, row {row}: {found} cells where the header has {expected}; a cell probably "
        f"holds a {SEPARATOR_NAMES.get(sep, (repr(sep),))[0]} without quotes around it. Put "
        'that cell in double quotes ("...") or save the file again from Excel as CSV'
    )
    if expected == 1:
        message += ("; if rows above the column names hold a title, give the header's row "
                    "with --header-row")
    return message


def _parser_message(name: str, error: str, sep: str) -> str:
    """A message naming the row and the fix for a pandas CSV parser error."""
    ragged = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", error)
    if ragged:
        expected, row, found = map(int, ragged.groups())
        return _too_many_fields(name, sep, row, found, expected)
    quote = re.search(r"EOF inside string starting at row (\d+)", error)
    if quote:
        return (f"{name}: the double quote (\") that opens a cell in row {int(quote[1]) + 1} is "
                "never closed; fix that cell, or save the file again from Excel as CSV")
    return f"{name} is not a well-formed CSV file: {error}"


def _read_xlsx(
    path: Path, header_row: int | None, columns: list[str], notes: list[str]
) -> pd.DataFrame:
    from zipfile import BadZipFile

    from openpyxl.utils.exceptions import InvalidFileException

    _check_magic(path, b"PK\x03\x04", "an Excel .xlsx workbook")

    def read(row: int) -> pd.DataFrame:
        try:
            return pd.read_excel(path, dtype=object, engine="openpyxl", header=row - 1,
                                 keep_default_na=False)  # as CSV: "NA" is text, blanks ""
        except ValueError as e:
            if "but only" in str(e):  # the header row is below the last row
                raise InputError(f"{path.name} has no row {row} to take column names from "
                                 "(--header-row)") from e
            raise InputError(f"{path.name} could not be read as an Excel workbook ({e}); open "
                             "it in Excel and save it again as .xlsx") from e
        except (KeyError, BadZipFile, InvalidFileException) as e:
            raise InputError(f"{path.name} could not be read as an Excel workbook ({e}); open "
                             "it in Excel and save it again as .xlsx") from e

    df = read(header_row or 1)
    if header_row is None and columns and not all(c in df.columns for c in columns):
        for position in range(min(HEADER_SEARCH_ROWS - 1, len(df))):
            cells = {str(v) for v in df.iloc[position].tolist() if not is_blank(v)}
            if all(c in cells for c in columns):
                header_row = position + 2
                notes.append(_skipped_note(path.name, header_row))
                df = read(header_row)
                break
    df.attrs["header_row"] = header_row or 1
    return df


def _check_magic(path: Path, magic: bytes, expected: str) -> None:
    """An InputError unless ``path`` starts with the bytes every ``expected`` file starts with."""
    with path.open("rb") as f:
        head = f.read(16)
    if not head:
        raise InputError(f"{path.name} is empty (0 bytes); export the complaints again")
    if not head.startswith(magic):
        raise _not_a(path, expected, head)


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow as pa

    _check_magic(path, b"PAR1", "a Parquet file")
    try:
        return pd.read_parquet(path)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        raise InputError(f"{path.name} could not be read as a Parquet file: {e}") from e


def require_columns(df: pd.DataFrame, columns: dict[str, str | None], source: str) -> None:
    """Check that each named column exists; ``columns`` maps CLI option -> column name."""
    for option, column in columns.items():
        if column is not None and column not in df.columns:
            names = [str(c) for c in df.columns]
            available = ", ".join(names[:30]) or "(none)"
            if len(names) > 30:
                available += f", ... ({len(names) - 30} more)"
            close = [n for n in names if n.strip().casefold() == str(column).strip().casefold()]
            hint = ""
            if close:
                hint = f"; did you mean {close[0]!r}?"
            elif any(n.startswith("Unnamed: ") for n in names):
                hint = ("; the rows above the column names may hold a title: delete them, or "
                        "give the header's row with --header-row")
            raise InputError(
                f"column {column!r} not found in {source}; available: {available} "
                f"(use {option}){hint}"
            )


def duplicate_ids(df: pd.DataFrame, column: str, source: str) -> str | None:
    """A warning naming the ids in ``column`` used on more than one row, or None if none are.

    Duplicated ids are not an error: every row is kept and classified.
    """
    require_columns(df, {"--id-column": column}, source)
    values = pd.Series(
        [None if is_blank(v) else str(v).strip() for v in df[column].tolist()], dtype=object)
    counts = values.dropna().value_counts()
    repeated = counts[counts > 1]
    if repeated.empty:
        return None
    first = repeated.index[0]
    header = header_row_of(df)
    rows = [header + 1 + p for p in range(len(values)) if values.iloc[p] == first]
    shown = ", ".join(map(str, rows[:5])) + (", ..." if len(rows) > 5 else "")
    return (f"column {column!r} of {source} has {len(repeated)} id(s) on more than one row "
            f"({int(repeated.sum())} rows), e.g. {first!r} on rows {shown}; every row was "
            "kept and classified")


def header_row_of(df: pd.DataFrame) -> int:
    """The spreadsheet row of ``df``'s column names (1 unless :func:`read_table` found or was
    told another); data row ``i`` (from 0) is spreadsheet row ``header + 1 + i``."""
    return int(df.attrs.get("header_row", 1))


def is_blank(value: object) -> bool:
    """True for an empty, whitespace-only or missing (None/NaN/NA) cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


#: Cell texts that mean "no text": what pandas, databases and Excel write for a missing value.
MISSING_TEXTS = frozenset({"nan", "null", "none", "n/a", "#n/a", "na", "<na>"})


def is_missing(value: object) -> bool:
    """:func:`is_blank`, or a text that only says "missing" (:data:`MISSING_TEXTS`)."""
    return is_blank(value) or (
        isinstance(value, str) and value.strip().casefold() in MISSING_TEXTS)


def text_column(
    df: pd.DataFrame, column: str, source: str, option: str = "--text-column"
) -> list[str | None]:
    """Return the texts of ``column``, ``None`` for blank cells.

    A cell holding only a missing-value marker (``nan``, ``NULL``, ``N/A``, ``#N/A``, ...,
    :data:`MISSING_TEXTS`) counts as blank. Raises :class:`InputError` naming the spreadsheet
    row (see :func:`header_row_of`) of the first cell that holds something other than text,
    such as a number or a date.
    """
    require_columns(df, {option: column}, source)
    header = header_row_of(df)
    texts: list[str | None] = []
    for position, value in enumerate(df[column].tolist()):
        if is_missing(value):
            texts.append(None)
        elif isinstance(value, str):
            texts.append(value)
        else:
            raise InputError(
                f"column {column!r} of {source}, row {position + header + 1} (the header is "
                f"row {header}): "
                f"expected complaint text, found {type(value).__name__} {value!r}; "
                f"fix the cell or choose another column with {option}"
            )
    return texts


def check_texts(texts: Sequence[object] | pd.Series, name: str = "X") -> list[str]:
    """Library-side check: every item must be a non-empty string; name the first bad row."""
    if isinstance(texts, str):
        raise InputError(f"{name} must be a list of texts, not a single string; wrap it in [...]")
    items = texts.tolist() if isinstance(texts, pd.Series) else list(texts)
    for position, value in enumerate(items):
        if not isinstance(value, str):
            raise InputError(
                f"{name} must contain only strings; row {position} is "
                f"{type(value).__name__} ({value!r}). Drop or fill empty complaints first."
            )
    return items  # type: ignore[return-value]


def label_column(
    df: pd.DataFrame,
    column: str,
    source: str,
    multi_label: bool = False,
    sep: str = "|",
    option: str = "--label-column",
) -> list[str] | list[list[str]]:
    """Return the labels of ``column``; a list of labels per row when ``multi_label``.

    Raises :class:`InputError` naming the spreadsheet row of the first empty label.
    """
    require_columns(df, {option: column}, source)
    header = header_row_of(df)
    labels: list = []
    for position, value in enumerate(df[column].tolist()):
        text = "" if is_blank(value) else str(value).strip()
        items = [p.strip() for p in text.split(sep) if p.strip()] if multi_label else [text]
        if not items or not items[0]:
            raise InputError(
                f"column {column!r} of {source}, row {position + header + 1} (the header is "
                f"row {header}) has no label; label every row or remove the unlabelled ones"
            )
        labels.append(items if multi_label else items[0])
    return labels
