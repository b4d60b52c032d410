"""Shared words as extra evidence that two complaints are about the same thing.

Why
---
On short feedback the sentence embedding mostly captures the *setting* of a complaint ("the
ambulance", "the call handler", "the ward") and much less what is said about it, so two
complaints about one setting but different problems ("the paramedics were kind" / "the
ambulance took three hours") can still be 0.6 similar. Complaints about one concrete problem
usually also share distinctive words ("waiting", "parking", "rude"). On the development half
of the NHS feedback benchmark, of the 18,348 most similar pairs 74.5% shared a human label
when ranked by the embedding alone and 78.7% when ranked by an even blend of embedding and
word similarity; flagged clusters went from 0.785 to 0.804 purity at the same coverage
(``benchmarks/bench_clusters.py nhs``).

The rule
--------
The *word similarity* of two complaints is the cosine of their TF-IDF vectors (English stop
words removed, sublinear term frequency, IDF from the complaints being clustered; words of
two letters or more, no digits). Two complaints are neighbours when

    embedding similarity + min(WORD_WEIGHT * (word similarity - WORD_TYPICAL), WORD_MAX_BONUS)
        >= similarity

so a pair sharing about as many distinctive words as neighbours usually do (word similarity
:data:`WORD_TYPICAL`) needs the same embedding similarity as before; a pair sharing no
word needs ``WORD_WEIGHT * WORD_TYPICAL`` more; and shared words can lower the bar by at most
:data:`WORD_MAX_BONUS`. Only the neighbour graph changes: centroids, cohesion, confidence and
the assignment of later complaints (``update_clusters``) stay in embedding space, and a saved
state holds no text, so complaints clustered again in an update use the embedding alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from .cluster_graph import neighbour_graph

WORD_WEIGHT = 0.6
"""How much a difference in word similarity moves the embedding similarity needed."""
WORD_TYPICAL = 0.25
"""Word similarity at which the embedding similarity needed is unchanged."""
WORD_MAX_BONUS = 0.05
"""Most that shared words can lower the embedding similarity needed."""


def word_vectors(texts: Sequence[str]) -> sparse.csr_matrix:
    """Unit-length TF-IDF rows of ``texts`` (an all-zero row where a text has no word)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True,
                                 token_pattern=r"(?u)\b[^\W\d_]{2,}\b")
    try:
        return vectorizer.fit_transform(list(texts)).tocsr()
    except ValueError:  # no words at all (empty vocabulary)
        return sparse.csr_matrix((len(texts), 1), dtype=np.float64)


def word_similarity(words: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Cosine of the TF-IDF rows ``rows[k]`` and ``cols[k]`` for every k."""
    if len(rows) == 0:
        return np.zeros(0)
    return np.asarray(words[rows].multiply(words[cols]).sum(axis=1)).ravel()


def blended_graph(
    X: np.ndarray, words: sparse.csr_matrix | None, similarity: float
) -> sparse.csr_matrix:
    """Neighbour graph of ``X`` at ``similarity`` with shared words counted (module rule).

    Without ``words`` it is :func:`~complaint_themes.cluster_graph.neighbour_graph`. The
    values stored are the embedding similarities of the pairs kept.
    """
    if words is None:
        return neighbour_graph(X, similarity)
    graph = neighbour_graph(X, max(similarity - WORD_MAX_BONUS, 1e-6)).tocoo()
    bonus = WORD_WEIGHT * (word_similarity(words, graph.row, graph.col) - WORD_TYPICAL)
    keep = graph.data + np.minimum(bonus, WORD_MAX_BONUS) >= similarity - 1e-9
    out = sparse.csr_matrix((graph.data[keep], (graph.row[keep], graph.col[keep])),
                            shape=graph.shape)
    out.sort_indices()
    return out
