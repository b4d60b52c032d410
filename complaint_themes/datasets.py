"""Loaders for public labelled feedback used to evaluate and benchmark models.

The NHS Friends and Family Test set (pxtextmining "v6 framework", MIT, NHS England) is not
shipped: point these functions at the folder that holds ``v6framework_230831.csv``
(``$COMPLAINT_THEMES_NHS_DATA``, default ``../shared/data/nhs_fft_v6`` beside the checkout).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd

from .errors import InputError

NHS_FILE = "v6framework_230831.csv"
NHS_TEXT = "FFT answer"
NHS_FIRST_LABEL = 11  # the 11 metadata columns come first, then 50 one-hot label columns
NHS_PARTS = ("all", "dev", "aside")
ASIDE_SHARE = 2  # one comment in 2 is set aside, chosen by the hash of its Comment ID


def nhs_part(comment_id: object) -> str:
    """``"aside"`` or ``"dev"``: the fixed half of the NHS set a comment belongs to.

    The development half is used to choose models and corpus changes; the aside half is
    scored once, at the end, as the honest estimate of transfer to real text.
    """
    digest = hashlib.sha256(str(comment_id).encode()).hexdigest()
    return "aside" if int(digest, 16) % ASIDE_SHARE == 0 else "dev"


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


def load_nhs_council_themes(folder: str | Path | None = None, part: str = "all") -> pd.DataFrame:
    """The NHS rows that map onto one council theme, per ``council_theme_map.json``.

    Negative rows (sentiment 4-5) with an answer of 3+ words, other than "did not answer" /
    "nothing", whose mapped labels give exactly one council theme (labels absent from the map,
    such as "Negative experience & dissatisfaction", are ignored). Columns: ``text``, ``theme``,
    ``nhs_labels`` (the mapped NHS labels, ``|``-separated) and ``part``; ``part="dev"`` or
    ``"aside"`` keeps one fixed half (:func:`nhs_part`).
    """
    if part not in NHS_PARTS:
        raise InputError(f"part must be one of {list(NHS_PARTS)}, got {part!r}")
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
    source = labels.apply(lambda row: list(row.index[row == 1]), axis=1)
    themes = source.map(lambda names: {to_theme[name] for name in names})
    single = themes[themes.map(len) == 1]
    table = pd.DataFrame(
        {
            "text": text[single.index],
            "theme": single.map(lambda s: next(iter(s))),
            "nhs_labels": source[single.index].map("|".join),
            "part": df.loc[single.index, "Comment ID"].map(nhs_part),
        }
    )
    if part != "all":
        table = table[table.part == part]
    return table.reset_index(drop=True)


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
