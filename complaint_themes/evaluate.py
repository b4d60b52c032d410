"""Measure a model's predictions against human labels.

:func:`score` turns probabilities and true themes into the figures an analyst checks:
per-theme precision / recall / F1 / support, macro and micro F1, the confusion matrix,
calibration (expected calibration error and Brier score), and how many texts the review
threshold routes to a person together with the accuracy of the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support


def expected_calibration_error(
    confidence: np.ndarray, correct: np.ndarray, bins: int = 10
) -> float:
    """Mean gap between confidence and accuracy over equal-width confidence bins."""
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    gap = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            gap += mask.mean() * abs(confidence[mask].mean() - correct[mask].mean())
    return float(gap)


def choose_review_threshold(
    proba: np.ndarray, y_true: Sequence[str], classes: Sequence[str], target_accuracy: float
) -> float:
    """Lowest confidence threshold at which the texts kept reach ``target_accuracy``.

    Computed on out-of-fold (held-out) predictions. Returns 0.0 when every text already meets
    the target and 1.0 when no threshold does.
    """
    classes = np.asarray(classes)
    confidence = proba.max(axis=1)
    correct = classes[proba.argmax(axis=1)] == np.asarray(y_true)
    for threshold in np.round(np.arange(0.0, 1.0, 0.01), 2):
        kept = confidence >= threshold
        if kept.any() and correct[kept].mean() >= target_accuracy:
            return float(threshold)
    return 1.0


def tune_label_thresholds(Y: np.ndarray, scores: np.ndarray, default: float = 0.5) -> np.ndarray:
    """Per-label thresholds that maximise each label's F1 on out-of-fold ``scores``.

    Candidates are midpoints between consecutive distinct scores; a label with no positive
    example keeps ``default``. Exact, O(n log n) per label. Rare labels usually need a cut-off
    well below 0.5, which a single fixed threshold denies them.
    """
    thresholds = np.full(Y.shape[1], float(default))
    for j in range(Y.shape[1]):
        y, s = Y[:, j], scores[:, j]
        positives = int(y.sum())
        if positives == 0:
            continue
        order = np.argsort(-s, kind="stable")
        s_sorted, y_sorted = s[order], y[order]
        f1 = 2 * np.cumsum(y_sorted) / (np.arange(1, len(y) + 1) + positives)
        last_of_run = np.r_[s_sorted[1:] != s_sorted[:-1], True]  # cut only between scores
        best = int(np.argmax(np.where(last_of_run, f1, -1.0)))
        below = s_sorted[best + 1] if best + 1 < len(s_sorted) else s_sorted[best] - 1.0
        thresholds[j] = (s_sorted[best] + below) / 2
    return thresholds


def score(
    y_true: Sequence[str],
    proba: np.ndarray,
    classes: Sequence[str],
    review_threshold: float = 0.5,
    labels: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Single-label figures for ``proba`` (columns in ``classes`` order).

    ``labels`` restricts the macro average to some themes (e.g. those present in a test set);
    predictions of other themes still count as errors.
    """
    classes = np.asarray(classes)
    y_true = np.asarray(y_true).astype(str)
    y_pred = classes[proba.argmax(axis=1)]
    labels = list(labels) if labels is not None else list(classes)
    confidence = proba.max(axis=1)
    correct = y_pred == y_true
    onehot = (y_true[:, None] == classes[None, :]).astype(float)
    p, r, f, s = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    kept = confidence >= review_threshold
    return {
        "n": int(len(y_true)),
        "accuracy": round(float(correct.mean()), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=labels, average="macro",
                                         zero_division=0)), 4),
        "micro_f1": round(float(f1_score(y_true, y_pred, labels=labels, average="micro",
                                         zero_division=0)), 4),
        "per_theme": {
            label: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                    "f1": round(float(f[i]), 4), "support": int(s[i])}
            for i, label in enumerate(labels)
        },
        "confusion": {
            "labels": list(classes),
            "matrix": confusion_matrix(y_true, y_pred, labels=list(classes)).tolist(),
        },
        "ece": round(expected_calibration_error(confidence, correct), 4),
        "brier": round(float(((proba - onehot) ** 2).sum(axis=1).mean()), 4),
        "review_threshold": review_threshold,
        "needs_review_share": round(float(1 - kept.mean()), 4),
        "accuracy_of_rest": round(float(correct[kept].mean()), 4) if kept.any() else None,
    }


def score_multilabel(
    Y_true: np.ndarray,
    proba: np.ndarray,
    classes: Sequence[str],
    threshold: float | Sequence[float] = 0.5,
) -> dict[str, Any]:
    """Multi-label figures: macro / micro F1 and per-label F1 at ``threshold`` (one, or one
    per label)."""
    Y_pred = (proba >= np.asarray(threshold, dtype=float)).astype(int)
    p, r, f, s = precision_recall_fscore_support(Y_true, Y_pred, zero_division=0)
    return {
        "n": int(len(Y_true)),
        "macro_f1": round(float(f1_score(Y_true, Y_pred, average="macro", zero_division=0)), 4),
        "micro_f1": round(float(f1_score(Y_true, Y_pred, average="micro", zero_division=0)), 4),
        "per_theme": {
            str(c): {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                     "f1": round(float(f[i]), 4), "support": int(s[i])}
            for i, c in enumerate(classes)
        },
    }


def learning_curve(
    model: Any,
    texts: Sequence[str],
    y: Sequence[str],
    sizes: Sequence[int] = (1, 2, 5, 10, 20, 50, 100),
    taxonomy: Any = None,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Macro-F1 on a fixed 30% of ``texts`` when trained on ``n`` labelled texts per theme.

    Methods: the model's own configuration retrained on ``n`` per theme ("trained head"; with
    under 10 per theme that is a plain logistic regression) and, when a taxonomy with
    definitions is given, prototypes from the definitions plus the same ``n`` examples
    ("definitions + examples"; ``n = 0`` is the zero-shot start). Embeddings are cached, so
    this re-encodes nothing.
    """
    from sklearn.base import clone
    from sklearn.model_selection import train_test_split

    from .classify import zero_shot_model

    y = np.asarray(y).astype(str)
    index = np.arange(len(y))
    train_idx, test_idx = train_test_split(index, test_size=0.3, stratify=y, random_state=seed)
    embeddings = model.embed(list(texts))
    rng = np.random.default_rng(seed)
    test_texts, test_y = [texts[i] for i in test_idx], y[test_idx]
    labels = sorted(set(y))
    curve: list[dict[str, Any]] = []

    def record(method: str, n: int, proba: np.ndarray, classes: Sequence[str]) -> None:
        f1 = score(test_y, proba, classes, labels=labels)["macro_f1"]
        curve.append({"method": method, "per_theme": n, "macro_f1": f1})

    if taxonomy is not None:
        zero = zero_shot_model(taxonomy, encoder=model.encoder, cache=model.cache)
        record("definitions + examples", 0, zero.predict_proba(test_texts), zero.classes_)
    for n in sizes:
        chosen = np.concatenate([
            rng.permutation(train_idx[y[train_idx] == label])[:n] for label in labels
        ])
        head = clone(model).fit_embeddings(embeddings[chosen], y[chosen],
                                           texts=[texts[i] for i in chosen])
        record("trained head", n, head.proba_from_embeddings(embeddings[test_idx], test_texts),
               head.classes_)
        if taxonomy is not None:
            few = zero_shot_model(taxonomy, encoder=model.encoder, cache=model.cache,
                                  examples=([texts[i] for i in chosen], y[chosen]))
            record("definitions + examples", n, few.predict_proba(test_texts), few.classes_)
        if all((y[train_idx] == label).sum() <= n for label in labels):
            break
    return curve
