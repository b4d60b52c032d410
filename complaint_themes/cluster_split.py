"""Split large, mixed clusters, and measure how tight a cluster is (its *cohesion*).

Why
---
The leader rule (:mod:`complaint_themes.cluster_graph`) puts every neighbour of a centre into
its cluster, so each member is at least ``similarity`` similar to the centre but two members
need not be similar to each other. On short texts ("waited hours", "rude receptionist",
"no one told me") a busy centre gathers complaints about several things: the cluster *chains*.

Cohesion
--------
The cohesion of a cluster is the mean cosine similarity over all pairs of its members. For
unit-length vectors it follows from the sum ``S`` of the member vectors alone::

    cohesion = (|S|^2 - n) / (n (n - 1))

so it can be recomputed from the centroid sums saved in a cluster state, after new complaints
join, without the member vectors. A one-member cluster has cohesion 1.

The split rule
--------------
A cluster of at least ``min_size`` members whose cohesion is below ``similarity - margin`` is
clustered again, on its own members, by the same leader rule at ``similarity + step``. Each
piece is checked the same way against its own threshold, down to ``max_depth`` levels.
Members that end up in no piece are left unclustered (they were only loosely attached).
Pieces keep the order of the cluster they came from, so the same input gives the same labels.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import sparse

from .cluster_graph import leader_clusters
from .cluster_words import blended_graph

SPLIT_MIN_SIZE = 10
"""Clusters smaller than this are never split."""
SPLIT_MARGIN = 0.1
"""A cluster is mixed when its cohesion is below ``similarity - SPLIT_MARGIN``. 0.1 since
shared words count towards neighbours (:mod:`complaint_themes.cluster_words`): those clusters
are purer, and on the NHS dev half splitting them at 0.05 lost coverage for no purity."""
SPLIT_STEP = 0.05
"""How much higher the similarity is when a mixed cluster is clustered again."""
SPLIT_DEPTH = 3
"""Most times a cluster is split again (so the tightest threshold is similarity + 3 steps)."""


@dataclass(frozen=True)
class SplitRule:
    """Settings of the split rule (module docstring); the defaults are the ``SPLIT_*`` values."""

    min_size: int = SPLIT_MIN_SIZE
    margin: float = SPLIT_MARGIN
    step: float = SPLIT_STEP
    max_depth: int = SPLIT_DEPTH

    @classmethod
    def from_setting(cls, value: Any) -> SplitRule | None:
        """The rule a run's ``split`` setting names: True (defaults), False/None (no split),
        a :class:`SplitRule`, or its dict (as saved in a cluster state)."""
        if value is None or value is False:
            return None
        if value is True:
            return cls()
        if isinstance(value, SplitRule):
            return value
        if isinstance(value, dict):
            return cls(**value)
        raise TypeError(f"split must be True, False or a SplitRule, got {value!r}")

    def to_setting(self) -> dict[str, Any]:
        """The rule as a JSON-ready dict (for saved settings)."""
        return asdict(self)


def cohesion(sums: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Mean pairwise cosine similarity of each cluster from its member-vector sum.

    Parameters
    ----------
    sums : ndarray of shape (k, d)
        Sum of the unit-length member vectors of each cluster.
    sizes : ndarray of shape (k,)
        Members of each cluster.

    Returns
    -------
    ndarray of shape (k,)
        ``(|S|^2 - n) / (n (n - 1))``, clipped to [-1, 1]; 1.0 for one-member clusters.
    """
    sums = np.asarray(sums, dtype=np.float64).reshape(len(sizes), -1)
    n = np.asarray(sizes, dtype=np.float64)
    squared = np.einsum("ij,ij->i", sums, sums)
    pairs = n * (n - 1)
    out = np.where(pairs > 0, (squared - n) / np.where(pairs > 0, pairs, 1.0), 1.0)
    return np.clip(out, -1.0, 1.0)


def threshold_clusters(
    X: np.ndarray, similarity: float, split: bool | SplitRule | dict[str, Any] = True,
    words: sparse.csr_matrix | None = None,
) -> np.ndarray:
    """Leader clusters of ``X`` at ``similarity``, with mixed clusters split (module rule).

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Unit-length rows.
    similarity : float
        Cosine threshold of the leader rule.
    split : bool or SplitRule, default=True
        Split large clusters of low cohesion (True: the default :class:`SplitRule`); False
        gives the plain leader clusters.
    words : sparse matrix of shape (n, v), optional
        TF-IDF rows of the texts (:func:`complaint_themes.cluster_words.word_vectors`): shared
        words count towards being neighbours, here and when a mixed cluster is split
        (:mod:`complaint_themes.cluster_words`). None: the embedding alone.

    Returns
    -------
    ndarray of shape (n,)
        Cluster label per row (-1 for none), 0..k-1 in founding order.
    """
    labels = np.full(len(X), -1, dtype=np.int64)
    if len(X) < 2:
        return labels
    labels = leader_clusters(X, blended_graph(X, words, similarity), similarity)
    rule = SplitRule.from_setting(split)
    if rule is None:
        return labels
    return split_mixed(X, labels, similarity, rule.min_size, rule.margin, rule.step,
                       rule.max_depth, words)


def split_mixed(
    X: np.ndarray,
    labels: np.ndarray,
    similarity: float,
    min_size: int = SPLIT_MIN_SIZE,
    margin: float = SPLIT_MARGIN,
    step: float = SPLIT_STEP,
    max_depth: int = SPLIT_DEPTH,
    words: sparse.csr_matrix | None = None,
) -> np.ndarray:
    """Relabel ``labels`` with every large cluster of low cohesion split (module rule).

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Unit-length rows.
    labels : ndarray of shape (n,)
        Cluster label per row, -1 for none (e.g. from
        :func:`~complaint_themes.cluster_graph.leader_clusters`).
    similarity : float
        The threshold ``labels`` were made at.
    min_size, margin, step, max_depth
        See the module docstring.
    words : sparse matrix, optional
        TF-IDF rows of the texts, counted when a cluster is clustered again (see
        :func:`threshold_clusters`).

    Returns
    -------
    ndarray of shape (n,)
        New labels 0..k-1: clusters in their old order, a split one replaced by its pieces.
    """
    out = np.full(len(labels), -1, dtype=np.int64)
    next_label = 0
    n_clusters = int(labels.max()) + 1 if len(labels) else 0
    members_of = _members(labels, n_clusters)
    for idx in members_of:
        for piece in _pieces(X, idx, similarity, min_size, margin, step, max_depth, words):
            out[piece] = next_label
            next_label += 1
    return out


def _members(labels: np.ndarray, n_clusters: int) -> list[np.ndarray]:
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(n_clusters + 1))
    return [order[bounds[k] : bounds[k + 1]] for k in range(n_clusters)]


def _pieces(
    X: np.ndarray, idx: np.ndarray, similarity: float, min_size: int, margin: float,
    step: float, depth: int, words: sparse.csr_matrix | None = None,
) -> list[np.ndarray]:
    """Row indices of the clusters that cluster ``idx`` becomes (itself when not mixed)."""
    if len(idx) < 2:
        return []
    tight = cohesion(X[idx].sum(axis=0, dtype=np.float64)[None], np.array([len(idx)]))[0]
    higher = similarity + step
    if len(idx) < min_size or tight >= similarity - margin or depth <= 0 or higher > 1:
        return [idx]
    sub_words = None if words is None else words[idx]
    sub = leader_clusters(X[idx], blended_graph(X[idx], sub_words, higher), higher)
    pieces: list[np.ndarray] = []
    for part in _members(sub, int(sub.max()) + 1):
        pieces.extend(_pieces(X, idx[part], higher, min_size, margin, step, depth - 1, words))
    return pieces
