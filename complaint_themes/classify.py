"""Classify complaints: :class:`ThemeClassifier`, a scikit-learn estimator over texts.

Text -> sentence embedding (:mod:`complaint_themes.embed`, cached), optionally beside the
text's word n-grams (``text_features="tfidf"``) -> classifier head
(:mod:`complaint_themes.heads`). It follows the scikit-learn contract, so ``clone``,
``Pipeline``, ``cross_val_score`` and ``GridSearchCV`` work as they do for any classifier.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.utils.validation import check_is_fitted

from .clean import clean_text
from .embed import DEFAULT_ENCODER, EmbeddingCache, Encoder, embed
from .errors import ComplaintThemesError
from .heads import (
    TEXT_FEATURES,
    PrototypeClassifier,
    combine_features,
    default_head,
    shift_prior,
    soften,
    word_features,
)
from .io import check_texts
from .taxonomy import Taxonomy, load_taxonomy


def is_multilabel(y: Any) -> bool:
    if isinstance(y, np.ndarray):
        return y.ndim == 2
    return any(isinstance(v, list | tuple | set | frozenset) for v in y)


class ThemeClassifier(ClassifierMixin, BaseEstimator):
    """Assign each complaint its salient theme (or themes) from its text.

    Parameters
    ----------
    encoder : str or Encoder, default="all-MiniLM-L6-v2"
        Encoder name, local sentence-transformers folder, or an object with ``model_id`` and
        ``encode(texts)`` (see :mod:`complaint_themes.embed`).
    classifier : estimator or None, default=None
        Head fitted on the embeddings; ``None`` means the default head, a calibrated RBF
        support-vector machine (:func:`complaint_themes.heads.default_head`).
    text_features : {None, "tfidf"}, default=None
        ``"tfidf"``: the head also reads the text's word unigrams and bigrams (TF-IDF fitted on
        the training texts) beside the embedding (:func:`complaint_themes.heads.word_features`).
        Methods that take embeddings then need the texts as well.
    class_prior : dict or None, default=None
        Expected share of each theme in the texts the model will meet (single-label only).
        The head learns with every theme weighted equally; probabilities are then shifted to
        these shares (:func:`complaint_themes.heads.shift_prior`). None: themes are taken as
        equally common.
    temperature : float, default=1.0
        Single-label: the head's probabilities are raised to the power ``1 / temperature`` and
        renormalised, before ``class_prior`` is applied (so the prior keeps its full weight).
        Above 1 makes the model less sure of itself; the shipped model's value is set for real
        text (``training/configs``).
    review_threshold : float, default=0.5
        A text whose top probability is below this gets ``needs_review=True``. The shipped model
        stores the value chosen on out-of-fold predictions (see ``training/train_default.py``).
    secondary_threshold : float, default=0.25
        Other themes at or above this probability are listed as ``secondary_themes``.
    label_thresholds : list of float or None, default=None
        Multi-label models: the probability at which each label (in ``classes_`` order) is
        predicted; None means 0.5 for every label. ``complaint-themes train`` tunes them.
    clean : bool, default=True
        Remove markup, quoted replies and signatures before embedding
        (:func:`complaint_themes.clean.clean_text`).
    cache : EmbeddingCache, folder, True/None (default folder) or False, default=None
    batch_size : int, default=64
    progress : bool, default=False
        Show a progress bar while encoding.

    Attributes
    ----------
    classes_ : ndarray of str
        Theme ids, in the column order of :meth:`predict_proba`.
    classifier_ : estimator
        The fitted head.
    vectorizer_ : TfidfVectorizer
        The fitted word features (only with ``text_features="tfidf"``).
    multilabel_ : bool
        Whether ``y`` held several themes per text.
    train_shares_ : ndarray
        Share of each theme in the training labels (set when ``class_prior`` is given).
    """

    def __init__(
        self,
        encoder: str | Encoder = DEFAULT_ENCODER,
        classifier: BaseEstimator | None = None,
        text_features: str | None = None,
        class_prior: dict[str, float] | None = None,
        temperature: float = 1.0,
        review_threshold: float = 0.5,
        secondary_threshold: float = 0.25,
        label_thresholds: Sequence[float] | None = None,
        clean: bool = True,
        cache: EmbeddingCache | str | Path | bool | None = None,
        batch_size: int = 64,
        progress: bool = False,
    ) -> None:
        self.encoder = encoder
        self.classifier = classifier
        self.text_features = text_features
        self.class_prior = class_prior
        self.temperature = temperature
        self.review_threshold = review_threshold
        self.secondary_threshold = secondary_threshold
        self.label_thresholds = label_thresholds
        self.clean = clean
        self.cache = cache
        self.batch_size = batch_size
        self.progress = progress

    # -- embeddings and features ------------------------------------------------------------
    def _cleaned(self, X: Sequence[str] | pd.Series) -> list[str]:
        if isinstance(X, _Cleaned):  # already cleaned by this call: not cleaned again
            return X
        texts = check_texts(X)
        return _Cleaned(clean_text(t) for t in texts) if self.clean else _Cleaned(texts)

    def embed(self, X: Sequence[str] | pd.Series) -> np.ndarray:
        """Embeddings of ``X`` with this model's encoder (cached; each text encoded once)."""
        return embed(
            self._cleaned(X), self.encoder, cache=self.cache, batch_size=self.batch_size,
            progress=self.progress,
        )

    def _features(self, embeddings: np.ndarray, texts: Any, fit: bool = False) -> Any:
        """What the head reads: the embeddings, beside the texts' word features if asked."""
        if self.text_features not in TEXT_FEATURES:
            raise ComplaintThemesError(
                f"text_features must be one of {list(TEXT_FEATURES)}, got {self.text_features!r}"
            )
        if self.text_features is None:
            return embeddings
        if texts is None:
            raise ComplaintThemesError(
                "this model also reads the words of each text (text_features='tfidf'): "
                "pass the texts along with their embeddings"
            )
        cleaned = self._cleaned(texts)
        if len(cleaned) != len(embeddings):
            raise ComplaintThemesError(
                f"got {len(cleaned)} texts for {len(embeddings)} embeddings"
            )
        if fit:
            self.vectorizer_ = word_features(cleaned)
        return combine_features(embeddings, self.vectorizer_.transform(cleaned))

    # -- fitting ----------------------------------------------------------------------------
    def fit(self, X: Sequence[str] | pd.Series, y: Any) -> ThemeClassifier:
        """Fit the head on the embeddings of ``X``.

        ``y`` holds one theme per text, or for multi-label targets a list of themes per text
        (or a 2-D 0/1 array).
        """
        texts = self._cleaned(X)
        if len(texts) != len(y):
            raise ComplaintThemesError(f"X has {len(texts)} texts but y has {len(y)} labels")
        return self.fit_embeddings(self.embed(texts), y, texts=texts)

    def fit_embeddings(
        self, embeddings: np.ndarray, y: Any, texts: Sequence[str] | None = None
    ) -> ThemeClassifier:
        """Fit on precomputed embeddings (from :meth:`embed`), e.g. to tune the head cheaply.

        ``texts`` (those embedded) are needed when ``text_features`` is set.
        """
        self.multilabel_ = is_multilabel(y)
        if self.multilabel_:
            if isinstance(y, np.ndarray):
                target = y.astype(int)
                self._binarizer_classes_ = np.arange(y.shape[1]).astype(str)
            else:
                binarizer = MultiLabelBinarizer()
                target = binarizer.fit_transform([list(v) for v in y])
                self._binarizer_classes_ = binarizer.classes_.astype(str)
            counts = target.sum(axis=0)
            min_count = int(min(counts.min(), (len(target) - counts).min()))
        else:
            target = np.asarray(y).astype(str)
            labels, counts = np.unique(target, return_counts=True)
            if len(labels) < 2:
                raise ComplaintThemesError(
                    f"need at least two themes to train; y only holds {labels.tolist()}"
                )
            min_count = int(counts.min())
        head = (
            default_head(self.multilabel_, min_count)
            if self.classifier is None
            else clone(self.classifier)
        )
        if self.class_prior is not None:
            self._check_prior(target)
        self.classifier_ = head.fit(self._features(embeddings, texts, fit=True), target)
        self.classes_ = (
            self._binarizer_classes_ if self.multilabel_ else np.asarray(self.classifier_.classes_)
        )
        return self

    def _check_prior(self, target: np.ndarray) -> None:
        """Check the class prior against the labels; keep the labels' training shares."""
        if self.multilabel_:
            raise ComplaintThemesError("class_prior applies to single-label targets only")
        labels, counts = np.unique(target, return_counts=True)
        missing = sorted(set(labels.tolist()) - set(self.class_prior))
        if missing:
            raise ComplaintThemesError(f"class_prior gives no share for label(s) {missing}")
        if any(float(self.class_prior[label]) <= 0 for label in labels):
            raise ComplaintThemesError(f"class_prior shares must be > 0, got {self.class_prior}")
        self.train_shares_ = counts / counts.sum()

    # -- prediction -------------------------------------------------------------------------
    def predict_proba(self, X: Sequence[str] | pd.Series) -> np.ndarray:
        """Probability of each theme (columns in ``classes_`` order)."""
        cleaned = self._cleaned(X)
        return self.proba_from_embeddings(self.embed(cleaned), texts=cleaned)

    def proba_from_embeddings(
        self, embeddings: np.ndarray, texts: Sequence[str] | None = None
    ) -> np.ndarray:
        """Probabilities from precomputed embeddings (and their texts, with ``text_features``)."""
        return self.adjust_proba(self.head_proba(embeddings, texts))

    def head_proba(
        self, embeddings: np.ndarray, texts: Sequence[str] | None = None
    ) -> np.ndarray:
        """The head's own probabilities, before ``temperature`` and ``class_prior``."""
        check_is_fitted(self)
        return np.asarray(self.classifier_.predict_proba(self._features(embeddings, texts)))

    def adjust_proba(self, proba: np.ndarray) -> np.ndarray:
        """Turn :meth:`head_proba` into the model's probabilities: ``temperature`` first,
        ``class_prior`` second (softening after the prior would soften the prior too, its
        ratios raised to 1 / temperature; ``benchmarks/bench_prior_order.py``)."""
        if self.temperature != 1.0 and not self.multilabel_:
            proba = soften(proba, self.temperature)
        if self.class_prior is not None:
            prior = np.array([self.class_prior[c] for c in self.classes_], dtype=float)
            proba = shift_prior(proba, self.train_shares_, prior / prior.sum())
        return proba

    def predict(self, X: Sequence[str] | pd.Series) -> np.ndarray:
        """The most likely theme per text (a 0/1 indicator matrix for multi-label models)."""
        proba = self.predict_proba(X)
        if self.multilabel_:
            cut = 0.5 if self.label_thresholds is None else np.asarray(self.label_thresholds)
            return (proba >= cut).astype(int)
        return self.classes_[np.argmax(proba, axis=1)]

    def predict_themes(
        self, X: Sequence[str] | pd.Series | None = None, embeddings: np.ndarray | None = None
    ) -> pd.DataFrame:
        """One row per text: ``theme``, ``theme_confidence``, ``secondary_themes``
        (``|``-separated), ``needs_review`` and ``prob_<theme>`` for every theme."""
        if embeddings is None:
            if X is None:
                raise ComplaintThemesError("predict_themes needs texts X or their embeddings")
            X = self._cleaned(X)
            embeddings = self.embed(X)
        proba = self.proba_from_embeddings(embeddings, texts=X)
        return themes_table(
            proba, self.classes_, self.review_threshold, self.secondary_threshold
        )


class _Cleaned(list):
    """Texts already passed through :func:`~complaint_themes.clean.clean_text` (or not to be
    cleaned): embedding them and reading their words cleans them once, not twice."""


def themes_table(
    proba: np.ndarray, classes: Sequence[str], review_threshold: float, secondary_threshold: float
) -> pd.DataFrame:
    """Turn a probability matrix into the per-text theme columns of :meth:`predict_themes`."""
    classes = np.asarray(classes)
    order = np.argsort(-proba, axis=1, kind="stable")
    top = order[:, 0]
    confidence = proba[np.arange(len(proba)), top]
    secondary = [
        "|".join(classes[j] for j in row[1:] if proba[i, j] >= secondary_threshold)
        for i, row in enumerate(order)
    ]
    table = pd.DataFrame(
        {
            "theme": classes[top] if len(proba) else np.array([], dtype=str),
            "theme_confidence": confidence.round(4),
            "secondary_themes": secondary,
            "needs_review": confidence < review_threshold,
        }
    )
    for j, name in enumerate(classes):
        table[f"prob_{name}"] = proba[:, j].round(4)
    return table


def zero_shot_model(
    taxonomy: Taxonomy | str | Path | None = None,
    encoder: str | Encoder = DEFAULT_ENCODER,
    examples: tuple[Sequence[str], Sequence[str]] | None = None,
    **params: Any,
) -> ThemeClassifier:
    """A model that needs no labelled data: cosine to each theme's definition.

    Each theme's prototype is the mean embedding of its label + definition, its ``includes``
    and its ``examples``. Passing ``examples=(texts, themes)`` adds labelled complaints to the
    prototypes (few-shot).
    """
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
    texts: list[str] = []
    labels: list[str] = []
    for theme in tax.themes:
        pieces = [f"{theme.label}. {theme.definition.strip()}", *theme.includes, *theme.examples]
        texts += pieces
        labels += [theme.id] * len(pieces)
    if examples is not None:
        unknown = sorted(set(examples[1]) - set(tax.ids))
        if unknown:
            raise ComplaintThemesError(f"examples use themes not in the taxonomy: {unknown}")
        texts += list(examples[0])
        labels += list(examples[1])
    params.setdefault("review_threshold", 0.4)
    model = ThemeClassifier(encoder=encoder, classifier=PrototypeClassifier(), **params)
    return model.fit(texts, labels)
