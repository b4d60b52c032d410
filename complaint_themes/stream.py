"""Classify a CSV too large for memory: in chunks, with a checkpoint, resumable.

A national backlog can hold millions of rows. :func:`classify_csv_in_chunks` reads the input
``chunk_rows`` rows at a time (every cell as text, as written), classifies each chunk with
:func:`complaint_themes.batch.classify_table` and appends it to ``OUTPUT.partial``. After every
chunk it records in ``OUTPUT.checkpoint.json`` how many chunks and bytes are done, so a run that
is killed or fails resumes at the first unfinished chunk, and the finished file is
byte-identical to one written in a single run. Only when the last chunk is written is the
partial file renamed to ``OUTPUT``. Memory holds one chunk at a time, whatever the file size.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .errors import InputError

CHECKPOINT_VERSION = 1


def _fingerprint(path: Path, model: Any, text_column: str, chunk_rows: int) -> dict[str, Any]:
    """What must match for a checkpoint to be resumed: the input file, model and settings."""
    stat = path.stat()
    encoder = model.encoder if isinstance(model.encoder, str) else model.encoder.model_id
    return {
        "version": CHECKPOINT_VERSION,
        "input": str(path.resolve()),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "encoder": str(encoder),
        "classes": [str(c) for c in model.classes_],
        "text_column": text_column,
        "chunk_rows": chunk_rows,
    }


def _data_rows(path: Path) -> int:
    """Lines after the header (a fast estimate for the progress bar; quoted newlines in cells
    make it an overestimate)."""
    with open(path, "rb") as f:
        lines = sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))
    return max(lines - 1, 0)


def classify_csv_in_chunks(
    input_path: str | Path,
    output_path: str | Path,
    model: Any,
    text_column: str = "text",
    chunk_rows: int = 10_000,
    encoding: str = "utf-8-sig",
    sep: str = ",",
    progress: bool = False,
    semantic: bool | None = None,
) -> int:
    """Classify every row of the CSV ``input_path`` into the CSV ``output_path``; return the
    number of rows written. Resumes from ``OUTPUT.checkpoint.json`` when one matches this input,
    model and settings; a stale checkpoint (another input or model) is ignored. ``semantic``
    is passed to ``classify_table`` (the safeguarding flags' semantic pass).
    """
    import pandas as pd

    from .batch import classify_table

    if chunk_rows < 1:
        raise InputError(f"chunk_rows must be at least 1, got {chunk_rows}")
    input_path, output_path = Path(input_path), Path(output_path)
    partial = output_path.with_name(output_path.name + ".partial")
    checkpoint = output_path.with_name(output_path.name + ".checkpoint.json")
    expected = _fingerprint(input_path, model, text_column, chunk_rows)
    done = {"chunks": 0, "bytes": 0, "rows": 0}
    if checkpoint.is_file() and partial.is_file():
        saved = json.loads(checkpoint.read_text(encoding="utf-8"))
        if saved.get("fingerprint") == expected and partial.stat().st_size >= saved["bytes"]:
            done = {k: int(saved[k]) for k in done}
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=_data_rows(input_path), initial=done["rows"], unit="row",
                   desc="classifying", dynamic_ncols=True)
    try:
        reader = pd.read_csv(input_path, chunksize=chunk_rows, dtype=str,
                             keep_default_na=False, encoding=encoding, sep=sep)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise InputError(f"cannot read {input_path.name} as CSV ({encoding}): {e}") from e
    with open(partial, "r+b" if done["chunks"] else "wb") as out:
        out.truncate(done["bytes"])
        out.seek(done["bytes"])
        try:
            for number, chunk in enumerate(reader):
                if number < done["chunks"]:
                    continue
                source = f"{input_path.name} (rows {number * chunk_rows + 2} onwards)"
                table = classify_table(chunk, model, text_column, source=source,
                                       semantic=semantic)
                text = table.to_csv(index=False, header=number == 0, lineterminator="\r\n")
                out.write((("\ufeff" if number == 0 else "") + text).encode("utf-8"))
                out.flush()
                os.fsync(out.fileno())
                done = {"chunks": number + 1, "bytes": out.tell(),
                        "rows": done["rows"] + len(chunk)}
                _write_checkpoint(checkpoint, {"fingerprint": expected, **done})
                if bar is not None:
                    bar.update(len(chunk))
        except (UnicodeDecodeError, pd.errors.ParserError) as e:
            raise InputError(f"cannot read {input_path.name} as CSV ({encoding}) after "
                             f"{done['rows']} rows: {e}") from e
        finally:
            if bar is not None:
                bar.close()
    os.replace(partial, output_path)
    checkpoint.unlink(missing_ok=True)
    return done["rows"]


def _write_checkpoint(path: Path, state: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state), encoding="utf-8")
    os.replace(tmp, path)
