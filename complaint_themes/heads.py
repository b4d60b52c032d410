"""Classifier heads that work on sentence embeddings.

* :func:`default_head`: logistic regression with sigmoid calibration (one-vs-rest for
  multi-label targets): the default, trained on labelled complaints.
* :class:`PrototypeClassifier`: cosine to each theme's mean embedding. Fitted on the theme
  definitions of a taxonomy it is a zero-shot model; adding a handful of labelled complaints per
  theme moves each prototype towards real complaints (few-shot).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.validation import check_is_fitted, validate_data

from .errors import ComplaintThemesError

MIN_TO_CALIBRATE = 10


def default_head(
    multilabel: bool,
    min_class_count: int,
    C: float = 4.0,
    balanced: bool = True,
) -> BaseEstimator:
    """Logistic regression with temperature-scaled probabilities (single-label), one-vs-rest
    logistic regressions (multi-label).

    ``balanced`` weighs every theme equally whatever its share of the training data; set it
    to False when the rows carry their own weights (a class prior, see :func:`prior_weights`).

    Temperature scaling (one parameter, fitted on out-of-fold predictions over up to 5
    folds, ``ensemble=False``) calibrates the probabilities without changing which theme
    wins. Below ``MIN_TO_CALIBRATE`` examples of some class there is too little held-out data
    to calibrate on, and the plain logistic regression is returned.
    """
    weight = "balanced" if balanced else None
    head: BaseEstimator = LogisticRegression(C=C, max_iter=3000, class_weight=weight)
    if multilabel:
        # per-label calibration pulls rare labels towards their base rate, so few would pass
        # any fixed cut-off; multi-label models get per-label thresholds instead
        # (:func:`complaint_themes.evaluate.tune_label_thresholds`)
        return OneVsRestClassifier(head)
    if min_class_count >= MIN_TO_CALIBRATE:
        head = CalibratedClassifierCV(head, method="temperature", cv=5, ensemble=False)
    return head


def prior_weights(prior: dict[str, float], labels: np.ndarray) -> np.ndarray:
    """Per-row weights that make ``labels`` look as if drawn with the shares in ``prior``."""
    names, counts = np.unique(labels, return_counts=True)
    missing = sorted(set(names.tolist()) - set(prior))
    if missing:
        raise ComplaintThemesError(f"class_prior gives no share for label(s) {missing}")
    shares = np.array([prior[n] for n in names]) / sum(prior[n] for n in names)
    per_label = dict(zip(names.tolist(), shares / (counts / counts.sum()), strict=True))
    return np.array([per_label[label] for label in labels])


class PrototypeClassifier(ClassifierMixin, BaseEstimator):
    """Nearest-prototype classifier on unit-length embeddings with softmax probabilities.

    Parameters
    ----------
    temperature : float, default=0.05
        Softmax temperature over cosine similarities; lower is more confident.

    Attributes
    ----------
    classes_ : ndarray of str
    prototypes_ : ndarray of shape (n_classes, n_features)
        Unit-length mean embedding of each class.
    """

    def __init__(self, temperature: float = 0.05) -> None:
        self.temperature = temperature

    def fit(self, X: np.ndarray, y: np.ndarray) -> PrototypeClassifier:
        X = validate_data(self, X)
        y = np.asarray(y)
        if self.temperature <= 0:
            raise ValueError(f"temperature must be > 0, got {self.temperature}")
        self.classes_ = np.unique(y)
        means = np.vstack([X[y == c].mean(axis=0) for c in self.classes_])
        self.prototypes_ = means / np.linalg.norm(means, axis=1, keepdims=True)
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        norms = np.linalg.norm(X, axis=1, keepdims=True)
        return (X / np.where(norms == 0, 1, norms)) @ self.prototypes_.T

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        scores = self.decision_function(X) / self.temperature
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]
