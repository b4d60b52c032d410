"""Loaders for public labelled feedback used to evaluate and benchmark models.

The NHS Friends and Family Test set (pxtextmining "v6 framework", MIT, NHS England) is not
shipped: point these functions at the folder that holds ``v6framework_230831.csv``
(``$COMPLAINT_THEMES_NHS_DATA``, default ``../shared/data/nhs_fft_v6`` beside the checkout).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from .errors import InputError

NHS_FILE = "v6framework_230831.csv"
NHS_TEXT = "FFT answer"
NHS_FIRST_LABEL = 11  # the 11 metadata columns come first, then 50 one-hot label columns


def nhs_data_dir() -> Path:
    env = os.environ.get("COMPLAINT_THEMES_NHS_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "nhs_fft_v6"


def _read_nhs(folder: Path | None) -> tuple[pd.DataFrame, Path]:
    folder = Path(folder) if folder is not None else nhs_data_dir()
    path = folder / NHS_FILE
    if not path.is_file():
        raise InputError(
            f"NHS FFT data not found at {path}; set COMPLAINT_THEMES_NHS_DATA to its folder"
        )
    return pd.read_csv(path), folder


def nhs_label_columns(df: pd.DataFrame) -> list[str]:
    return list(df.columns[NHS_FIRST_LABEL:])


def load_nhs_council_themes(folder: str | Path | None = None) -> pd.DataFrame:
    """The NHS rows that map onto one council theme, per ``council_theme_map.json``.

    Negative rows (sentiment 4-5) with an answer of 3+ words, other than "did not answer" /
    "nothing", whose mapped labels give exactly one council theme (labels absent from the map,
    such as "Negative experience & dissatisfaction", are ignored). Columns: ``text``, ``theme``.
    """
    df, folder = _read_nhs(Path(folder) if folder else None)
    mapping = json.loads((folder / "council_theme_map.json").read_text(encoding="utf-8"))
    to_theme = {
        label: theme
        for theme, labels in mapping.items()
        if not theme.startswith("_")
        for label in labels
    }
    text = df[NHS_TEXT].fillna("").astype(str).str.strip()
    keep = (
        (df["Comment sentiment"] >= 4)
        & (text.str.split().str.len() >= 3)
        & ~text.str.lower().isin(["did not answer", "nothing"])
    )
    labels = df.loc[keep, list(to_theme)].fillna(0).astype(int)
    themes = labels.apply(lambda row: {to_theme[c] for c in row.index[row == 1]}, axis=1)
    single = themes[themes.map(len) == 1]
    return pd.DataFrame(
        {"text": text[single.index], "theme": single.map(lambda s: next(iter(s)))}
    ).reset_index(drop=True)


def load_nhs_multilabel(folder: str | Path | None = None, min_count: int = 25) -> pd.DataFrame:
    """All answered NHS rows with their labels that have at least ``min_count`` examples.

    Columns: ``text``, ``labels`` (list of label names; rows left with none are dropped).
    """
    df, _ = _read_nhs(Path(folder) if folder else None)
    text = df[NHS_TEXT].fillna("").astype(str).str.strip()
    answered = (text != "") & ~text.str.lower().isin(["did not answer"])
    onehot = df.loc[answered, nhs_label_columns(df)].fillna(0).astype(int)
    kept = [c for c in onehot.columns if onehot[c].sum() >= min_count]
    labels = onehot[kept].apply(lambda row: list(row.index[row == 1]), axis=1)
    has = labels.map(len) > 0
    return pd.DataFrame({"text": text[has.index[has]], "labels": labels[has]}).reset_index(
        drop=True
    )
