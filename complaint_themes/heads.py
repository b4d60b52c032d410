"""Classifier heads that work on sentence embeddings.

* :func:`default_head`: an RBF support-vector machine with temperature-scaled probabilities
  (single-label; logistic regression when asked, or with too few examples to calibrate), or
  one-vs-rest logistic regressions (multi-label).
* :func:`word_features`: the TF-IDF word n-grams a head reads beside the embedding when a
  model has ``text_features="tfidf"``; :func:`combine_features` puts the two side by side.
* :class:`SplitVote`: the mean of two heads' probabilities, one reading only the embedding
  columns, the other every column (``head="vote"``: an RBF SVM on the embedding beside a
  logistic regression on embedding + words; the shipped model's head until its corpus grew
  to batches w-z, ``benchmarks/results/transfer.md``).
* :class:`SharedKernelSVC`: one-vs-rest RBF support-vector machines that score a text against
  all themes with one matrix product (the RBF SVM of the default head).
* :class:`PrototypeClassifier`: cosine to each theme's mean embedding. Fitted on the theme
  definitions of a taxonomy it is a zero-shot model; adding a handful of labelled complaints per
  theme moves each prototype towards real complaints (few-shot).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import repeat

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.svm import SVC
from sklearn.utils.validation import check_is_fitted, validate_data

from .errors import ComplaintThemesError

MIN_TO_CALIBRATE = 10
HEADS = ("svm", "logistic", "vote")
TEXT_FEATURES = (None, "tfidf")
EMBEDDING_WEIGHT = 0.5
"""Scale of the (unit-length) embedding beside the TF-IDF vector (also unit length). Chosen
on the development half of the real NHS set among 0.35, 0.5, 0.7 and 1
(``benchmarks/bench_transfer.py``)."""


class WordFeatures(TfidfVectorizer):
    """A :class:`~sklearn.feature_extraction.text.TfidfVectorizer` that counts a fitted
    vocabulary's word n-grams faster, with the same result.

    sklearn looks every n-gram of a text up in the vocabulary in a Python loop, which takes
    nearly half as long as a static encoder takes to embed the text. Here the n-grams of all
    texts are looked up in one pass and counted by scipy. The count matrix (and so the TF-IDF
    matrix sklearn builds from it) is the same; settings this does not cover (other analyzers,
    stop words, file input, fitting) go to sklearn's loop.
    """

    def _count_vocab(
        self, raw_documents: Iterable[str], fixed_vocab: bool
    ) -> tuple[dict[str, int], sparse.spmatrix]:
        docs = list(raw_documents)
        low, high = self.ngram_range
        if not (fixed_vocab and self.analyzer == "word" and self.stop_words is None
                and self.input == "content" and low >= 1
                and all(isinstance(d, str) for d in docs)):
            return super()._count_vocab(docs, fixed_vocab)
        preprocess, tokenize = self.build_preprocessor(), self.build_tokenizer()
        grams: list[str] = []  # the n-grams of every text, text after text
        sizes = []
        for doc in docs:
            before = len(grams)
            grams += _ngrams(tokenize(preprocess(doc)), low, high)
            sizes.append(len(grams) - before)
        ids = np.fromiter(map(self.vocabulary_.get, grams, repeat(-1)), np.int64, len(grams))
        rows = np.repeat(np.arange(len(docs)), sizes)
        known = ids >= 0  # n-grams outside the vocabulary are not counted
        matrix = sparse.csr_matrix(
            (np.ones(int(known.sum()), dtype=self.dtype), (rows[known], ids[known])),
            shape=(len(docs), len(self.vocabulary_)),
        )
        matrix.sum_duplicates()  # ones of one n-gram in one text: its count; indices sorted
        return self.vocabulary_, matrix


def _ngrams(tokens: list[str], low: int, high: int) -> list[str]:
    """The n-grams of ``tokens`` (``low`` <= n <= ``high``, words joined by a space)."""
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), high + 1):
        grams += map(" ".join, zip(*(tokens[i:] for i in range(n)), strict=False))
    return grams


def word_features(texts: list[str]) -> TfidfVectorizer:
    """Word unigrams and bigrams, sublinear TF-IDF, unit length, fitted on ``texts``. Words
    seen in only one text are dropped once there are 100 or more texts."""
    vectorizer = WordFeatures(ngram_range=(1, 2), min_df=2 if len(texts) >= 100 else 1,
                              sublinear_tf=True).fit(texts)
    vectorizer.stop_words_ = None  # the dropped n-grams: not needed, and most of the file size
    return vectorizer


def words_to_dict(vectorizer: TfidfVectorizer) -> dict:
    """A fitted :func:`word_features` as plain JSON-able data (terms in column order, idf)."""
    vocabulary = vectorizer.vocabulary_
    return {
        "ngram_range": list(vectorizer.ngram_range),
        "sublinear_tf": bool(vectorizer.sublinear_tf),
        "terms": sorted(vocabulary, key=vocabulary.__getitem__),
        "idf": [float(v) for v in vectorizer.idf_],
    }


def words_from_dict(data: dict) -> TfidfVectorizer:
    """Rebuild the word features saved by :func:`words_to_dict` (no code is loaded)."""
    terms, idf = data.get("terms"), data.get("idf")
    if (
        not isinstance(terms, list) or not isinstance(idf, list) or len(terms) != len(idf)
        or not all(isinstance(t, str) for t in terms)
        or not all(isinstance(v, int | float) and np.isfinite(v) for v in idf)
    ):
        raise ComplaintThemesError(
            "word features must hold lists 'terms' (text) and 'idf' (finite numbers) of one "
            "length"
        )
    low, high = (int(n) for n in data.get("ngram_range", (1, 2)))
    vectorizer = WordFeatures(ngram_range=(low, high), sublinear_tf=bool(data.get(
        "sublinear_tf", True)), vocabulary=terms)
    vectorizer.idf_ = np.asarray(idf, dtype=float)
    return vectorizer


def combine_features(embeddings: np.ndarray, words: sparse.spmatrix) -> sparse.csr_matrix:
    """The embedding (weighted by ``EMBEDDING_WEIGHT``) and the word features side by side."""
    dense = sparse.csr_matrix(np.asarray(embeddings) * EMBEDDING_WEIGHT)
    return sparse.hstack([dense, words], format="csr")


def default_head(
    multilabel: bool,
    min_class_count: int,
    C: float = 2.0,
    kind: str = "svm",
    embedding_dim: int = 384,
) -> BaseEstimator:
    """The head a :class:`~complaint_themes.classify.ThemeClassifier` fits by default.

    Single-label: ``kind="svm"`` is one RBF support-vector machine per theme (one-vs-rest, so
    its scores are continuous margins; :class:`SharedKernelSVC`), ``"logistic"`` a logistic
    regression (faster on tens of
    thousands of rows; 0.03 macro-F1 lower on the team corpus, ``benchmarks/bench_heads.py``).
    Either is wrapped in temperature scaling (one parameter fitted on out-of-fold scores over 5
    folds, ``ensemble=False``), which turns scores into calibrated probabilities without
    changing which theme wins. ``"vote"`` (for models with word features) averages the two:
    the SVM on the first ``embedding_dim`` columns, the logistic regression (C=1) on all of
    them (:class:`SplitVote`). Below ``MIN_TO_CALIBRATE`` examples of some theme there is too
    little held-out data to calibrate on, and a plain logistic regression is returned.

    Multi-label: one-vs-rest logistic regressions, uncalibrated: per-label calibration pulls
    rare labels towards their base rate, so multi-label models get a tuned threshold per label
    instead (:func:`complaint_themes.evaluate.tune_label_thresholds`).

    Every theme weighs the same in training whatever its share of the data (balanced class
    weights); a :class:`~complaint_themes.classify.ThemeClassifier` ``class_prior`` then says
    how common each theme really is.
    """
    if kind not in HEADS:
        raise ComplaintThemesError(f"unknown head {kind!r}; choose from {list(HEADS)}")
    logistic = LogisticRegression(C=C, max_iter=3000, class_weight="balanced")
    if multilabel:
        return OneVsRestClassifier(logistic)
    if min_class_count < MIN_TO_CALIBRATE:
        return logistic
    if kind == "vote":
        return SplitVote(default_head(False, min_class_count, C, "svm"),
                         default_head(False, min_class_count, 1.0, "logistic"), embedding_dim)
    scorer = SharedKernelSVC(C=C) if kind == "svm" else logistic
    return CalibratedClassifierCV(scorer, method="temperature", cv=5, ensemble=False)


def shift_prior(proba: np.ndarray, train_shares: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """Re-weigh probabilities learned where themes occurred at ``train_shares`` to a world
    where they occur at ``prior`` (Bayes' rule under label shift): p'(c|x) is proportional to
    p(c|x) * prior(c) / train_share(c)."""
    weighted = proba * (np.asarray(prior) / np.asarray(train_shares))
    return weighted / weighted.sum(axis=1, keepdims=True)


def soften(proba: np.ndarray, temperature: float) -> np.ndarray:
    """Probabilities raised to ``1 / temperature`` and renormalised (temperature scaling on
    log-probabilities): above 1 flattens them; the order of the themes is unchanged."""
    if temperature <= 0:
        raise ComplaintThemesError(f"temperature must be > 0, got {temperature}")
    logits = np.log(np.clip(proba, 1e-12, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


class SplitVote(ClassifierMixin, BaseEstimator):
    """Soft vote of a head on the embedding columns and a head on all columns.

    Parameters
    ----------
    embedding_head : classifier with ``predict_proba``
        Fitted on the first ``embedding_dim`` columns (as a dense array).
    full_head : classifier with ``predict_proba``
        Fitted on every column (embedding and word features, sparse).
    embedding_dim : int, default=384
        Width of the embedding at the front of the features (:func:`combine_features`).

    Attributes
    ----------
    classes_ : ndarray of str
    embedding_head_, full_head_ : the fitted heads
    """

    def __init__(
        self, embedding_head: BaseEstimator, full_head: BaseEstimator, embedding_dim: int = 384
    ) -> None:
        self.embedding_head = embedding_head
        self.full_head = full_head
        self.embedding_dim = embedding_dim

    def _front(self, X: sparse.spmatrix | np.ndarray) -> np.ndarray:
        front = X[:, : self.embedding_dim]
        return front.toarray() if sparse.issparse(front) else np.asarray(front)

    def fit(self, X: sparse.spmatrix | np.ndarray, y: np.ndarray) -> SplitVote:
        if X.shape[1] <= self.embedding_dim:
            raise ComplaintThemesError(
                f"SplitVote needs features wider than embedding_dim={self.embedding_dim}, "
                f"got {X.shape[1]} columns; use it with text_features='tfidf'"
            )
        self.embedding_head_ = clone(self.embedding_head).fit(self._front(X), y)
        self.full_head_ = clone(self.full_head).fit(X, y)
        self.classes_ = self.full_head_.classes_
        self.n_features_in_ = X.shape[1]
        return self

    def predict_proba(self, X: sparse.spmatrix | np.ndarray) -> np.ndarray:
        check_is_fitted(self)
        return (self.embedding_head_.predict_proba(self._front(X))
                + self.full_head_.predict_proba(X)) / 2

    def predict(self, X: sparse.spmatrix | np.ndarray) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class SharedKernelSVC(ClassifierMixin, BaseEstimator):
    """One RBF support-vector machine per class (one-vs-rest), scored with one shared kernel.

    Fitting is exactly ``OneVsRestClassifier(SVC(C=C, kernel="rbf", class_weight="balanced"))``.
    Only what scoring needs is kept: the union of the machines' support vectors and each
    machine's coefficients on it. :meth:`decision_function` then computes the RBF kernel
    against that union once per block of rows, with a matrix product, instead of libsvm's loop
    over each machine's own support vectors (which overlap: every machine is trained on the
    same rows). Same margins as the one-vs-rest SVMs, to float rounding, about 20x faster.

    Parameters
    ----------
    C : float, default=2.0
    block_rows : int, default=1024
        Rows scored at a time (bounds the kernel block in memory).

    Attributes
    ----------
    classes_ : ndarray
    support_vectors_ : ndarray of shape (n_support, n_features)
    dual_coef_ : ndarray of shape (n_support, n_machines)
    intercept_ : ndarray of shape (n_machines,)
    gamma_ : float
    """

    def __init__(self, C: float = 2.0, block_rows: int = 1024) -> None:
        self.C = C
        self.block_rows = block_rows

    def fit(self, X: np.ndarray, y: np.ndarray) -> SharedKernelSVC:
        X, y = validate_data(self, X, y)
        ovr = OneVsRestClassifier(SVC(C=self.C, kernel="rbf", class_weight="balanced")).fit(X, y)
        machines = ovr.estimators_
        rows = np.unique(np.concatenate([m.support_ for m in machines]))
        self.support_vectors_ = X[rows]
        self.dual_coef_ = np.zeros((len(rows), len(machines)))
        for j, machine in enumerate(machines):
            self.dual_coef_[np.searchsorted(rows, machine.support_), j] = machine.dual_coef_[0]
        self.intercept_ = np.array([m.intercept_[0] for m in machines])
        self.gamma_ = float(machines[0]._gamma)
        self.classes_ = ovr.classes_
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """One margin per class (one column for two classes, as one-vs-rest gives)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        sv = self.support_vectors_
        sv_norms = (sv**2).sum(axis=1)
        out = np.empty((len(X), self.dual_coef_.shape[1]))
        for start in range(0, len(X), self.block_rows):
            block = X[start : start + self.block_rows]
            squared = (block**2).sum(axis=1)[:, None] + sv_norms[None, :] - 2 * block @ sv.T
            kernel = np.exp(-self.gamma_ * np.maximum(squared, 0))
            out[start : start + len(block)] = kernel @ self.dual_coef_ + self.intercept_
        return out.ravel() if out.shape[1] == 1 else out

    def predict(self, X: np.ndarray) -> np.ndarray:
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]


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
