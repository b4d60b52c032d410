"""Train a :class:`ThemeClassifier` from labelled complaints and choose its thresholds.

Every text is embedded once; the cross-validation that picks the ``needs_review`` threshold
and the final fit reuse the same embeddings.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.preprocessing import MultiLabelBinarizer

from .classify import ThemeClassifier, is_multilabel
from .config import TrainingConfig
from .embed import EmbeddingCache
from .errors import ComplaintThemesError
from .evaluate import choose_review_threshold, score, score_multilabel, tune_label_thresholds
from .heads import default_head


class RareLabelWarning(UserWarning):
    """Some labels have too few examples to be learned reliably."""


def check_labels(y: Sequence[Any], multi_label: bool, min_examples: int) -> Counter:
    """Count labels; error on empty labels or a single class, warn about rare labels."""
    flat: list[str] = []
    for position, value in enumerate(y):
        items = value if multi_label else [value]
        if not items or any(not isinstance(v, str) or not v.strip() for v in items):
            raise ComplaintThemesError(
                f"row {position} has an empty label; label every row or drop it"
            )
        flat.extend(items)
    counts = Counter(flat)
    if len(counts) < 2:
        raise ComplaintThemesError(
            f"the labels hold a single class ({next(iter(counts), 'none')!r}); "
            "a model needs at least two"
        )
    rare = {label: n for label, n in sorted(counts.items()) if n < min_examples}
    if rare:
        listed = ", ".join(f"{label!r} ({n})" for label, n in rare.items())
        warnings.warn(
            f"labels with fewer than {min_examples} examples will be unreliable: {listed}",
            RareLabelWarning,
            stacklevel=2,
        )
    return counts


def make_classifier(config: TrainingConfig, counts: Counter, **params: Any) -> ThemeClassifier:
    """The classifier a config describes (its head, C and text features) for training data
    with label ``counts``."""
    head = default_head(config.multi_label, min(counts.values()), C=config.C, kind=config.head)
    return ThemeClassifier(
        encoder=config.encoder,
        classifier=head,
        text_features=config.text_features,
        temperature=config.temperature,
        class_prior=config.class_prior,
        secondary_threshold=config.secondary_threshold,
        **params,
    )


def out_of_fold_proba(
    model: ThemeClassifier,
    embeddings: np.ndarray,
    y: Sequence[Any],
    folds: int,
    seed: int,
    texts: Sequence[str] | None = None,
) -> np.ndarray:
    """Probabilities for every row from a copy of ``model`` that did not see it (k-fold,
    stratified for single-label targets). ``texts`` are needed for ``text_features``."""
    multilabel = is_multilabel(y)
    splitter = (KFold if multilabel else StratifiedKFold)(folds, shuffle=True, random_state=seed)
    target = np.zeros(len(y)) if multilabel else np.asarray(y)
    proba: np.ndarray | None = None
    for train_idx, test_idx in splitter.split(embeddings, target):
        fold = clone(model).fit_embeddings(embeddings[train_idx], _take(y, train_idx),
                                           texts=_take(texts, train_idx))
        part = fold.proba_from_embeddings(embeddings[test_idx], texts=_take(texts, test_idx))
        if proba is None:
            proba, classes = np.zeros((len(y), part.shape[1])), list(fold.classes_)
        if list(fold.classes_) != classes:
            raise ComplaintThemesError(
                "a cross-validation fold lacked a label; use fewer folds or more examples"
            )
        proba[test_idx] = part
    assert proba is not None
    return proba


def _take(y: Sequence[Any] | None, index: np.ndarray) -> Any:
    if y is None:
        return None
    return y[index] if isinstance(y, np.ndarray) else [y[i] for i in index]


def train_model(
    texts: Sequence[str],
    y: Sequence[Any],
    config: TrainingConfig | None = None,
    cache: EmbeddingCache | str | bool | None = None,
    progress: bool = False,
    embeddings: np.ndarray | None = None,
) -> tuple[ThemeClassifier, dict[str, Any]]:
    """Fit a model and choose its thresholds on out-of-fold predictions: the ``needs_review``
    threshold (single-label) or a threshold per label (multi-label).

    Returns the fitted model and a report with label counts and the cross-validated scores.
    ``embeddings`` of ``texts``, when already computed, skip the encoder.
    """
    config = config or TrainingConfig()
    counts = check_labels(y, config.multi_label, config.min_examples)
    folds = min(config.cv_folds, min(counts.values()))
    model = make_classifier(config, counts, cache=cache, progress=progress)
    if embeddings is None:
        embeddings = model.embed(list(texts))
    if "classifier__embedding_dim" in model.get_params():  # a SplitVote head
        model.set_params(classifier__embedding_dim=embeddings.shape[1])
    report: dict[str, Any] = {"label_counts": dict(sorted(counts.items())), "n": len(texts)}
    if folds >= 2:
        oof = out_of_fold_proba(model, embeddings, y, folds, config.seed, texts=list(texts))
        classes = sorted(counts)
        if config.multi_label:
            truth = MultiLabelBinarizer(classes=classes).fit_transform(y)
            thresholds = tune_label_thresholds(truth, oof)
            model.set_params(label_thresholds=[round(float(t), 4) for t in thresholds])
            # tuned on these same out-of-fold scores: slightly optimistic
            report["cv"] = score_multilabel(truth, oof, classes, thresholds)
        else:
            threshold = (
                choose_review_threshold(oof, y, classes, config.review_target_accuracy)
                if config.review_threshold is None
                else config.review_threshold
            )
            model.set_params(review_threshold=threshold)
            report["cv"] = score(y, oof, classes, threshold)
        report["cv_folds"] = folds
    model.fit_embeddings(embeddings, y, texts=list(texts))
    return model, report


def train_from_table(
    df: Any,
    source: str,
    out_dir: str | Path,
    config: TrainingConfig,
    taxonomy_path: str | Path | None = None,
    progress: bool = False,
) -> tuple[ThemeClassifier, dict[str, Any]]:
    """Train on a labelled table and save the model folder; return the model and report."""
    import hashlib
    import json

    from .io import label_column, text_column
    from .persist import save_model
    from .taxonomy import load_taxonomy

    texts = text_column(df, config.text_column, source)
    blank = next((i for i, t in enumerate(texts) if t is None), None)
    if blank is not None:
        raise ComplaintThemesError(
            f"column {config.text_column!r} of {source}, row {blank + 2} (the header is row 1) "
            "is empty; a training example needs its text"
        )
    y = label_column(df, config.label_column, source, config.multi_label, config.label_sep)
    found = {label for row in y for label in row} if config.multi_label else set(y)
    taxonomy = load_taxonomy(taxonomy_path) if taxonomy_path else None
    if taxonomy is not None and not found <= set(taxonomy.ids):
        raise ComplaintThemesError(
            f"labels not defined in {taxonomy_path}: {sorted(found - set(taxonomy.ids))}"
        )
    if taxonomy is None and found <= set(load_taxonomy().ids):
        taxonomy = load_taxonomy()
    model, report = train_model(texts, y, config, progress=progress)
    payload = json.dumps([texts, y], ensure_ascii=False).encode()
    training = {
        "data": source,
        "data_sha256": hashlib.sha256(payload).hexdigest(),
        "n_train": len(texts),
        "label_counts": report["label_counts"],
        "config": config.to_dict(),
        "command": "complaint-themes train",
    }
    metrics = {"cv_train": report["cv"]} if "cv" in report else {}
    save_model(model, out_dir, taxonomy=taxonomy, metrics=metrics, training=training)
    return model, report
