"""Write results atomically as CSV, Excel-safe .xlsx or Parquet.

Outputs are written to a temporary file beside the target and renamed into place, so a failed
run (a full disk included) never leaves half a file; CSV is written with a byte-order mark so
Excel shows accents correctly.
"""

from __future__ import annotations

import errno
import math
import os
import re
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .errors import InputError, OutputError
from .io import is_blank, table_suffix


def atomic_write(path: str | Path, write: Callable[[str], None]) -> Path:
    """Call ``write(temporary_path)`` and rename the result onto ``path``.

    The temporary file sits beside ``path`` and keeps its suffix (writers such as openpyxl
    check it), gets normal file permissions, and is removed if ``write`` fails: ``path`` is
    either the old file or the complete new one, never half a file.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}",
                                   dir=path.parent)
    except OSError as e:
        raise output_error(path, e) from e
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes it private; normal permissions
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OutputError):
            raise
        raise output_error(path, e) from e
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def output_error(path: Path, error: OSError) -> OutputError:
    """An :class:`OutputError` saying in words why ``path`` could not be written."""
    reasons = {
        errno.ENOSPC: ("the disk is full (no space left on device)",
                       "free some space or write to another disk"),
        errno.EDQUOT: ("your disk quota is used up", "free some space or write elsewhere"),
        errno.EACCES: (f"permission denied in the folder {path.parent}",
                       "choose a folder you can write to"),
        errno.EPERM: (f"permission denied in the folder {path.parent}",
                      "choose a folder you can write to"),
        errno.EROFS: (f"the folder {path.parent} is on a read-only disk",
                      "choose a folder you can write to"),
        errno.EISDIR: (f"{path} is a folder", "give a file name"),
    }
    what, fix = reasons.get(error.errno, (error.strerror or str(error), "check the path"))
    kept = f"; the existing {path.name} is unchanged" if path.is_file() else ""
    return OutputError(f"could not write {path.name}: {what}. {fix.capitalize()}{kept}")


def check_output(path: str | Path, input_path: str | Path | None = None) -> Path:
    """Refuse, before a long run, an output that cannot be written.

    Checks the file type, that ``path`` is not the input file itself, and that its folder
    (or, if that does not exist yet, the folder it would be made in) can be written to, by
    creating and removing a small temporary file there. Nothing is left behind.
    """
    path = Path(path)
    table_suffix(path)
    if input_path is not None and _same_file(path, Path(input_path)):
        raise OutputError(f"the output {path.name} is the input file; choose another output "
                          "file name (the input is never overwritten)")
    if path.is_dir():
        raise OutputError(f"the output {path} is a folder; give a file name inside it")
    folder = path.absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError(f"could not write {path.name}: {folder} is a file, not a folder. "
                          "Choose another output folder")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".probe", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise output_error(path, e) from e
    return path


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` to ``path`` (.csv, .xlsx or .parquet) atomically; return the path.

    Every row and column is written. What a format cannot hold is adapted: in .xlsx, control
    characters are removed (:func:`excel_text`) and a text longer than Excel's 32,767
    characters is cut, with a :class:`TableWarning`; in .parquet, a column mixing numbers,
    text or dates (common in spreadsheets) is written as text. Raises :class:`OutputError`
    when the file cannot be written (no permission, disk full); the old file is then kept.
    """
    path = Path(path)
    suffix = table_suffix(path)
    if suffix == ".csv":
        # "\r\n" as Excel writes it; it also makes the writer quote a cell holding a lone "\r"
        return atomic_write(path, lambda tmp: df.to_csv(tmp, index=False, encoding="utf-8-sig",
                                                        lineterminator="\r\n"))
    if suffix == ".xlsx":
        return atomic_write(path, lambda tmp: _to_xlsx(df, tmp, path.name))
    return atomic_write(path, lambda tmp: _to_parquet(df, tmp, path.name))


class TableWarning(UserWarning):
    """Something in a table had to be adapted to the output format (e.g. a cut long text)."""


EXCEL_MAX_CHARS = 32767
_EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def excel_text(text: str) -> str:
    """``text`` as an .xlsx cell can hold it: the control characters that .xlsx cannot
    store are removed, except vertical tab and form feed (Word's manual line and page
    breaks), which become line breaks."""
    if not _EXCEL_ILLEGAL.search(text):
        return text
    return _EXCEL_ILLEGAL.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n"))


def _to_xlsx(df: pd.DataFrame, tmp: str, name: str) -> None:
    """Write ``df`` with openpyxl: every text stays text (one starting with "=" is not turned
    into a formula), blanks stay blank."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    cut: list[tuple[str, int]] = []

    def cell(value: object, column: object, row: int) -> object:
        value = _excel_value(value)
        if not isinstance(value, str):
            return value
        value = excel_text(value)
        if len(value) > EXCEL_MAX_CHARS:
            value = value[:EXCEL_MAX_CHARS]
            cut.append((str(column), row))
        if value.startswith("="):
            text_cell = WriteOnlyCell(sheet, value)
            text_cell.data_type = "s"
            return text_cell
        return value

    sheet.append([cell(c, c, 1) for c in df.columns])
    for row, values in enumerate(df.itertuples(index=False, name=None), start=2):
        sheet.append([cell(v, c, row) for v, c in zip(values, df.columns, strict=True)])
    book.save(tmp)
    if cut:
        column, row = cut[0]
        warnings.warn(
            f"{name}: {len(cut)} cell(s) longer than Excel's limit of {EXCEL_MAX_CHARS:,} "
            f"characters were cut (the first in column {column!r}, row {row}); write .csv or "
            ".parquet to keep whole texts", TableWarning, stacklevel=5)


def _excel_value(value: object) -> object:
    """A value openpyxl can store: blanks None, numpy scalars Python ones, others text."""
    import datetime
    import decimal

    import numpy as np

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return value if math.isfinite(value) else str(value)
    if isinstance(value, pd.Timestamp):
        return str(value) if value.tzinfo else value.to_pydatetime()
    if isinstance(value, pd.Timedelta):
        return value.to_pytimedelta()
    if isinstance(value, datetime.datetime) and value.tzinfo:
        return str(value)
    if isinstance(value, str | bool | int | decimal.Decimal | datetime.date | datetime.time
                  | datetime.timedelta):
        return value
    return str(value)


def _kind(value: object) -> str:
    import datetime
    import numbers

    if isinstance(value, bool):
        return "bool"
    if isinstance(value, numbers.Number):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, datetime.date | datetime.time):
        return "date"
    return type(value).__name__


def _mixed_as_text(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with each object column that mixes numbers, text, dates or booleans (as
    spreadsheets do) turned into text; Parquet needs one kind of value per column."""
    out = df
    for position in range(df.shape[1]):
        values = df.iloc[:, position]
        if values.dtype != object:
            continue
        present = [v for v in values.tolist() if not is_blank(v)]
        kinds = {_kind(v) for v in present}
        if len(kinds) > 1 and kinds <= {"bool", "number", "text", "date"}:
            new = [None if is_blank(v) else str(v) for v in values.tolist()]
        elif "text" not in kinds and len(present) < len(values):
            new = [None if is_blank(v) else v for v in values.tolist()]  # "" blanks: missing
        else:
            continue
        if out is df:
            out = df.copy()
        out.iloc[:, position] = new
    return out


def _to_parquet(df: pd.DataFrame, tmp: str, name: str) -> None:
    import pyarrow as pa

    try:
        _mixed_as_text(df).to_parquet(tmp, index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as e:
        raise InputError(
            f"could not write {name}: {e}. A column mixes kinds of values (numbers and text); "
            "write .csv or .xlsx instead"
        ) from e


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
