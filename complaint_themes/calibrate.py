"""Fit a trained model's confidence to an organisation's own labelled cases.

A model's probabilities are calibrated where its temperature was chosen: the bundled model's
on real NHS feedback, where it is right about 0.72 of the time. On another organisation's
cases it may be right more or less often at the same confidence, and nothing in the texts
shows which (``benchmarks/results/transfer.md``, section 6). A few hundred labelled cases of
the organisation's own settle it: :func:`recalibrate` chooses, on them, the temperature with
the lowest calibration error and the lowest review threshold at which the cases kept reach the
target accuracy. The head and its themes are untouched; only how sure it says it is, and so
what ``needs_review`` routes to a person, change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .classify import ThemeClassifier
from .errors import ComplaintThemesError
from .evaluate import choose_review_threshold, score

TEMPERATURES = tuple(float(t) for t in np.round(np.arange(0.5, 3.01, 0.1), 2))
MIN_CASES = 40


def choose_settings(
    model: ThemeClassifier, head_proba: np.ndarray, y: Sequence[str], target_accuracy: float
) -> dict[str, float]:
    """The temperature with the lowest ECE on labelled texts whose head probabilities are
    ``head_proba`` (:meth:`ThemeClassifier.head_proba`), and the lowest review threshold at
    which the texts kept reach ``target_accuracy``. Sets both on ``model``."""
    classes = list(model.classes_)
    eces = [score(y, model.set_params(temperature=t).adjust_proba(head_proba), classes)["ece"]
            for t in TEMPERATURES]
    temperature = TEMPERATURES[int(np.argmin(eces))]
    proba = model.set_params(temperature=temperature).adjust_proba(head_proba)
    threshold = choose_review_threshold(proba, y, classes, target_accuracy)
    model.set_params(review_threshold=threshold)
    return {"temperature": temperature, "review_threshold": threshold}


def recalibrate(
    model: ThemeClassifier,
    texts: Sequence[str],
    y: Sequence[str],
    target_accuracy: float = 0.85,
) -> dict[str, Any]:
    """Choose ``model``'s temperature and review threshold on labelled cases; set them on it.

    Returns the settings before and after, the figures on the cases with each, and an honest
    estimate of the new settings: chosen on one half of the cases (a fixed random split) and
    scored on the other, both ways round, averaged. Settings chosen and scored on the same
    cases look better than they will be on the next ones.
    """
    if getattr(model, "multilabel_", False):
        raise ComplaintThemesError("recalibrate applies to single-label models only")
    y = np.asarray(y).astype(str)
    unknown = sorted(set(y) - set(model.classes_))
    if unknown:
        raise ComplaintThemesError(
            f"label(s) {unknown} are not themes of this model ({list(model.classes_)})"
        )
    if len(y) < MIN_CASES:
        raise ComplaintThemesError(
            f"need at least {MIN_CASES} labelled cases to recalibrate on, got {len(y)}"
        )
    cleaned = model._cleaned(texts)
    head = model.head_proba(model.embed(cleaned), texts=cleaned)
    classes, labels = list(model.classes_), sorted(set(y))
    before = {"temperature": model.temperature, "review_threshold": model.review_threshold}

    def figures(rows: np.ndarray) -> dict[str, Any]:
        m = score(y[rows], model.adjust_proba(head[rows]), classes, model.review_threshold,
                  labels=labels)
        return {k: m[k] for k in ("n", "macro_f1", "ece", "needs_review_share",
                                  "accuracy_of_rest")}

    everything = np.arange(len(y))
    on_cases_before = figures(everything)
    halves = np.array_split(np.random.default_rng(0).permutation(len(y)), 2)
    held = []
    for choose, check in (halves, halves[::-1]):
        choose_settings(model, head[choose], y[choose], target_accuracy)
        held.append(figures(check))
    after = choose_settings(model, head, y, target_accuracy)
    estimate = {k: _mean([h[k] for h in held]) for k in ("ece", "needs_review_share",
                                                        "accuracy_of_rest")}
    return {
        "n": int(len(y)),
        "target_accuracy": target_accuracy,
        "before": {**before, "on_cases": on_cases_before},
        "after": {**after, "on_cases": figures(everything), "half_split_estimate": estimate},
    }


def _mean(values: list[float | None]) -> float | None:
    """Mean of the values that exist (accuracy of the rest is None when nothing is kept)."""
    known = [v for v in values if v is not None]
    return round(float(np.mean(known)), 4) if known else None
