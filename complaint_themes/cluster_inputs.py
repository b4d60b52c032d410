"""Read and check the inputs of a clustering run: texts, residents, dates, embeddings, themes."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import ComplaintThemesError, InputError
from .io import is_blank, require_columns, text_column


@dataclass
class Batch:
    """The non-blank rows of one input table, ready to cluster (lists parallel to ``rows``)."""

    rows: np.ndarray
    texts: list[str]
    X: np.ndarray
    made_by: str
    residents: list[str]
    dates: np.ndarray | None
    services: list[str | None]
    n_rows: int


def read_batch(
    df: pd.DataFrame, text_col: str, resident_column: str | None, date_column: str | None,
    service_column: str | None, embeddings: np.ndarray | None, model: Any, encoder: Any,
    cache: Any, source: str,
) -> Batch:
    """Check the columns and embed the non-blank texts of ``df``."""
    texts = text_column(df, text_col, source)
    require_columns(
        df,
        {"--resident-column": resident_column, "--date-column": date_column,
         "--service-column": service_column},
        source,
    )
    rows = np.array([i for i, t in enumerate(texts) if t is not None], dtype=np.int64)
    present = [texts[i] for i in rows]
    dates = parse_dates(df, date_column, source, rows)
    X, made_by = get_embeddings(present, embeddings, rows, len(df), model, encoder, cache)
    keys = resident_keys(df, resident_column, texts)
    services = df[service_column].tolist() if service_column else [None] * len(df)
    return Batch(
        rows=rows, texts=present, X=X, made_by=made_by, residents=[keys[i] for i in rows],
        dates=dates, services=[None if is_blank(services[i]) else str(services[i]) for i in rows],
        n_rows=len(df),
    )


def check_settings(min_residents: int, window_days: int, similarity: float) -> None:
    """Raise :class:`ComplaintThemesError` for parameters outside their range."""
    if not isinstance(min_residents, int | np.integer) or min_residents < 2:
        raise ComplaintThemesError(
            f"min_residents must be a whole number of at least 2, got {min_residents!r} "
            "(one resident complaining again is a repeat, not a cluster)"
        )
    if not isinstance(window_days, int | np.integer) or window_days < 1:
        raise ComplaintThemesError(f"window_days must be a whole number >= 1, got {window_days!r}")
    if not 0 < float(similarity) <= 1:
        raise ComplaintThemesError(
            f"similarity must be a cosine similarity in (0, 1], got {similarity!r}"
        )


def resident_keys(
    df: pd.DataFrame, resident_column: str | None, texts: Sequence[str | None]
) -> list[str]:
    """A pseudonymous key per row: SHA-256 of the resident id, or of the row when none."""
    keys = []
    values = df[resident_column].tolist() if resident_column else [None] * len(df)
    for i, value in enumerate(values):
        if is_blank(value):
            raw = f"row\x00{i}\x00{texts[i] or ''}"
        else:
            raw = f"resident\x00{str(value).strip()}"
        keys.append(hashlib.sha256(raw.encode()).hexdigest()[:16])
    return keys


def parse_dates(
    df: pd.DataFrame, date_column: str | None, source: str, rows: np.ndarray | None = None
) -> np.ndarray | None:
    """Dates of ``rows`` (default all) as datetime64[D]; a bad cell raises an error naming its row.

    Day-first is assumed for ambiguous dates (01/03/2025 is 1 March), as UK systems write them.
    """
    if date_column is None:
        return None
    rows = np.arange(len(df)) if rows is None else rows
    values = df[date_column].iloc[rows].map(lambda v: None if is_blank(v) else v)
    # ISO dates first (dayfirst would read 2025-12-01 as 12 January), then UK day-first ones
    parsed = pd.to_datetime(values, errors="coerce", format="ISO8601")
    other = parsed.isna() & values.notna()
    if other.any():
        parsed[other] = pd.to_datetime(
            values[other], errors="coerce", dayfirst=True, format="mixed"
        )
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if len(bad):
        i = int(rows[bad[0]])
        raise InputError(
            f"column {date_column!r} of {source}, row {i + 2} (the header is row 1): "
            f"{df[date_column].iloc[i]!r} is not a date; "
            "write dates like 2025-03-01 or 01/03/2025, "
            f"fill or drop the {len(bad)} row(s) without one, or leave out --date-column"
        )
    return parsed.dt.tz_localize(None).to_numpy().astype("datetime64[D]")


def get_embeddings(
    texts: list[str], embeddings: np.ndarray | None, rows: np.ndarray, n_rows: int,
    model: Any, encoder: Any, cache: Any,
) -> tuple[np.ndarray, str]:
    """Unit-length embeddings of the non-blank rows, and the id of what made them."""
    if embeddings is not None:
        X = np.asarray(embeddings, dtype=np.float32)
        if X.ndim != 2 or X.shape[0] != n_rows:
            raise InputError(
                f"embeddings must have one row per input row ({n_rows}), got shape {X.shape}"
            )
        X = X[rows]
        source = "given"
    elif model is not None and hasattr(model, "embed"):
        X = np.asarray(model.embed(texts), dtype=np.float32)
        encoder = model.encoder
        source = encoder if isinstance(encoder, str) else str(encoder.model_id)
    else:
        from .embed import embed, load_encoder

        enc = load_encoder(encoder)
        X = embed(texts, enc, cache=cache)
        source = enc.model_id
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return (X / np.where(norms == 0, 1.0, norms)).astype(np.float32), source


def row_themes(
    themes: Sequence[Any] | None, model: Any, X: np.ndarray, texts: list[str],
    rows: np.ndarray, n_rows: int,
) -> list[str | None] | None:
    """Theme of each of ``rows`` (whose embeddings are ``X`` and texts ``texts``) from
    ``themes`` (one per input row) or ``model.predict_themes``; None when neither is given."""
    if themes is not None:
        themes = list(themes)
        if len(themes) != n_rows:
            raise InputError(
                f"themes must have one entry per input row ({n_rows}), got {len(themes)}"
            )
        return [None if is_blank(themes[i]) else str(themes[i]) for i in rows]
    if model is not None:
        if len(X) == 0:
            return []
        predicted = model.predict_themes(texts, embeddings=X)
        return [str(t) if t else None for t in predicted["theme"].tolist()]
    return None
