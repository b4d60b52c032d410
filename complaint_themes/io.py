"""Read complaint tables from CSV, Excel or Parquet and write results back atomically.

CSV cells are read as text exactly as written (ids keep their leading zeros); a file saved by
Excel in Windows-1252 or with a UTF-8 byte-order mark is read without being asked. Outputs are
written to a temporary file beside the target and renamed into place, so a failed run never
leaves half a file; CSV is written with a byte-order mark so Excel shows accents correctly.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from .errors import InputError

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


def read_table(path: str | Path, encoding: str | None = None) -> pd.DataFrame:
    """Read a .csv, .xlsx or .parquet file into a DataFrame.

    The encoding used for a CSV is kept in ``df.attrs["encoding"]``.
    """
    path = Path(path)
    suffix = table_suffix(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if suffix == ".xlsx":
        return pd.read_excel(path, dtype=object)
    if suffix == ".parquet":
        return pd.read_parquet(path)
    for enc in [encoding] if encoding else ["utf-8-sig", "cp1252"]:
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc)
        except UnicodeDecodeError:
            continue
        except LookupError as e:
            raise InputError(f"unknown encoding {encoding!r} (try utf-8, cp1252, latin-1)") from e
        except pd.errors.ParserError as e:
            raise InputError(f"{path.name} is not a well-formed CSV file: {e}") from e
        df.attrs["encoding"] = enc
        return df
    tried = encoding or "UTF-8 or Windows-1252 (cp1252)"
    raise InputError(
        f"{path.name} could not be read as {tried}; "
        "save it as CSV UTF-8 or pass its encoding with --encoding (e.g. utf-16, latin-1)"
    )


def atomic_write(path: str | Path, write: Callable[[str], None]) -> Path:
    """Call ``write(temporary_path)`` and rename the result onto ``path``.

    The temporary file sits beside ``path`` and keeps its suffix (writers such as openpyxl
    check it), gets normal file permissions, and is removed if ``write`` fails: ``path`` is
    either the old file or the complete new one, never half a file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}",
                               dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes it private; normal permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` to ``path`` (.csv, .xlsx or .parquet) atomically; return the path."""
    path = Path(path)
    suffix = table_suffix(path)
    if suffix == ".csv":
        return atomic_write(path, lambda tmp: df.to_csv(tmp, index=False, encoding="utf-8-sig"))
    if suffix == ".xlsx":
        return atomic_write(path, lambda tmp: df.to_excel(tmp, index=False, engine="openpyxl"))
    return atomic_write(path, lambda tmp: _to_parquet(df, tmp, path.name))


def _to_parquet(df: pd.DataFrame, tmp: str, name: str) -> None:
    import pyarrow as pa

    try:
        df.to_parquet(tmp, index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as e:
        raise InputError(
            f"could not write {name}: {e}. A column mixes kinds of values (numbers and text); "
            "write .csv or .xlsx instead"
        ) from e


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def require_columns(df: pd.DataFrame, columns: dict[str, str | None], source: str) -> None:
    """Check that each named column exists; ``columns`` maps CLI option -> column name."""
    for option, column in columns.items():
        if column is not None and column not in df.columns:
            available = ", ".join(map(str, df.columns)) or "(none)"
            raise InputError(
                f"column {column!r} not found in {source}; available: {available} "
                f"(use {option})"
            )


def is_blank(value: object) -> bool:
    """True for an empty, whitespace-only or missing (None/NaN/NA) cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def text_column(
    df: pd.DataFrame, column: str, source: str, option: str = "--text-column"
) -> list[str | None]:
    """Return the texts of ``column``, ``None`` for blank cells.

    Raises :class:`InputError` naming the spreadsheet row (header = row 1) of the first cell
    that holds something other than text, such as a number or a date.
    """
    require_columns(df, {option: column}, source)
    texts: list[str | None] = []
    for position, value in enumerate(df[column].tolist()):
        if is_blank(value):
            texts.append(None)
        elif isinstance(value, str):
            texts.append(value)
        else:
            raise InputError(
                f"column {column!r} of {source}, row {position + 2} (the header is row 1): "
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
    labels: list = []
    for position, value in enumerate(df[column].tolist()):
        text = "" if is_blank(value) else str(value).strip()
        items = [p.strip() for p in text.split(sep) if p.strip()] if multi_label else [text]
        if not items or not items[0]:
            raise InputError(
                f"column {column!r} of {source}, row {position + 2} (the header is row 1) has "
                "no label; label every row or remove the unlabelled ones"
            )
        labels.append(items if multi_label else items[0])
    return labels
