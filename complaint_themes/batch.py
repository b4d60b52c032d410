"""Classify a whole table of complaints (a historic case export) and summarise the result."""

from __future__ import annotations

import pandas as pd

from .classify import ThemeClassifier
from .errors import InputError
from .io import text_column
from .risk_semantic import uses_semantic_pass
from .safeguarding import COLUMNS as RISK_COLUMNS
from .safeguarding import flag_table, summary_line

OUTPUT_COLUMNS = ("theme", "theme_confidence", "secondary_themes", "needs_review")


def classify_table(
    df: pd.DataFrame,
    model: ThemeClassifier,
    text_column_name: str = "text",
    source: str = "the input",
    semantic: bool | None = None,
) -> pd.DataFrame:
    """Return ``df`` (every row and column, in order) plus the theme columns.

    Every row also gets ``risk_flags`` and ``risk_sentences`` (:mod:`.safeguarding`; ``""``
    when none), found by their own rules and never replaced by the theme. ``semantic`` turns
    the semantic second pass on or off (``None``: on when the model's encoder is
    all-MiniLM-L6-v2, whose embeddings its thresholds were chosen on; never for other encoders).

    Rows whose text is blank are kept: their theme is empty, ``needs_review`` is True and
    ``review_reason`` says why. Each distinct text is encoded once.
    """
    added = [*OUTPUT_COLUMNS, *(f"prob_{c}" for c in model.classes_), "review_reason"]
    clash = [c for c in [*added, *RISK_COLUMNS] if c in df.columns]
    if clash:
        raise InputError(
            f"{source} already has column(s) {', '.join(clash)}; rename them first "
            "(is it an earlier output?)"
        )
    texts = text_column(df, text_column_name, source)
    present = [i for i, t in enumerate(texts) if t is not None]
    if present:
        predicted = model.predict_themes([texts[i] for i in present])
    else:  # nothing to classify (no rows, or every text blank): the columns alone
        predicted = pd.DataFrame(columns=added[:-1])
    predicted.index = present
    full = predicted.reindex(range(len(df)))  # blank rows become missing values
    out = df.copy()
    for column in full.columns:  # by position, whatever the index of df
        out[column] = full[column].to_numpy()
    blank = out["theme"].isna().to_numpy()
    out.loc[blank, "theme"] = ""
    out.loc[blank, "secondary_themes"] = ""
    out["needs_review"] = out["needs_review"].astype("boolean").fillna(True).astype(bool)
    out["review_reason"] = [
        "empty text" if t is None else ("low confidence" if review else "")
        for t, review in zip(texts, out["needs_review"], strict=True)
    ]
    if semantic is None:
        semantic = uses_semantic_pass(model.encoder)
    # safeguarding flags: their own columns, whatever the theme
    risk = flag_table(texts, semantic=semantic, encoder=model.encoder, cache=model.cache)
    for column in RISK_COLUMNS:
        out[column] = risk[column].to_numpy()
    return out


def summarise(classified: pd.DataFrame) -> str:
    """A few lines for the terminal: rows per theme, share needing review, blank rows."""
    total = len(classified)
    if total == 0:
        return "0 rows classified."
    lines = [f"{total} rows classified."]
    if "risk_flags" in classified and (risk := summary_line(classified["risk_flags"])):
        lines.append(risk)  # before the themes, so no theme count hides it
    counts = classified.loc[classified["theme"] != "", "theme"].value_counts()
    width = max((len(t) for t in counts.index), default=5)
    for theme, n in counts.items():
        lines.append(f"  {theme:<{width}}  {n:>6}  {n / total:6.1%}")
    review = int(classified["needs_review"].sum())
    lines.append(f"needs_review: {review} ({review / total:.1%})")
    blank = int((classified["review_reason"] == "empty text").sum())
    if blank:
        lines.append(f"empty text: {blank} rows kept and marked")
    return "\n".join(lines)
