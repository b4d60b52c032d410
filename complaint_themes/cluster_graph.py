"""Similarity graph and threshold ("leader") clustering of unit-length embeddings.

The rule a user can check by hand
---------------------------------
Two complaints are *neighbours* when the cosine similarity of their embeddings is at least
``similarity``. Clusters are formed greedily, most-connected complaint first:

1. The complaint with the most neighbours founds a cluster (its *centre*) and takes every
   neighbour not already in a cluster. So every founding member is at least ``similarity``
   similar to the centre.
2. The next complaint, by number of neighbours, that is still free does the same, and so on.
   A complaint whose neighbours are all taken does not found a one-member cluster.
3. A free complaint left over joins the cluster of one of its neighbours if its similarity to
   that cluster's *centroid* (the normalised mean of the members) is at least ``similarity``.

Ties are broken by row order, so the same input always gives the same clusters.

Finding neighbours without an N x N matrix
------------------------------------------
Up to ``exact_limit`` rows, neighbours are exact (blocked matrix products). Above it, rows are
first split into buckets by k-means on the unit sphere (about ``bucket_size`` rows each; a
bucket far larger than that is split again). Each row is compared exactly with the rows of its
own bucket and of the ``n_probe - 1`` next-nearest buckets, so a pair of near-duplicates on a
bucket border is still found. Pairs in buckets that are never probed together are missed;
:mod:`benchmarks.bench_clusters` measures how many neighbour pairs this loses against the exact
search (at ``similarity`` >= 0.5, almost none: such pairs are close together on the sphere).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

EXACT_LIMIT = 6000
"""Rows up to which neighbours are found exactly."""


def neighbour_graph(
    X: np.ndarray,
    similarity: float,
    exact_limit: int = EXACT_LIMIT,
    bucket_size: int = 250,
    n_probe: int = 3,
    seed: int = 0,
) -> sparse.csr_matrix:
    """Symmetric sparse matrix of cosine similarities >= ``similarity`` (diagonal excluded).

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Unit-length rows (float32).
    similarity : float
        Cosine similarity threshold, in (0, 1].
    exact_limit : int, default=6000
        Exact all-pairs search up to this many rows; bucketed search above.
    bucket_size : int, default=250
        Target rows per k-means bucket.
    n_probe : int, default=3
        Buckets each row is compared with (its own and the next-nearest ones).
    seed : int, default=0
        k-means seed (the result is deterministic for a given seed).

    Returns
    -------
    scipy.sparse.csr_matrix of shape (n, n), float32
    """
    X = np.ascontiguousarray(X, dtype=np.float32)
    n = X.shape[0]
    if n <= exact_limit:
        everyone = np.arange(n)
        rows, cols, sims = _unique_pairs(*_exact_pairs(X, everyone, everyone, similarity), n)
    else:
        rows, cols, sims = _bucketed_pairs(X, similarity, bucket_size, n_probe, seed)
    keep = rows != cols
    rows, cols, sims = rows[keep], cols[keep], sims[keep]
    graph = sparse.coo_matrix(
        (np.concatenate([sims, sims]),
         (np.concatenate([rows, cols]), np.concatenate([cols, rows]))),
        shape=(n, n),
    ).tocsr()
    graph.sort_indices()
    return graph


def _exact_pairs(
    X: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    similarity: float,
    max_neighbours: int = 100,
    chunk: int = 1024,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs (min(i, j), max(i, j), sim), i in ``left``, j in ``right``, i != j, with
    sim >= ``similarity``; when ``left`` and ``right`` overlap a pair may appear twice.

    A row of ``left`` with more than ``max_neighbours`` neighbours keeps its most similar ones
    only, so memory stays bounded where thousands of complaints are near-identical."""
    out_r, out_c, out_s = [], [], []
    right_vecs = X[right]
    for start in range(0, len(left), chunk):
        ids = left[start : start + chunk]
        sims = X[ids] @ right_vecs.T
        mask = sims >= similarity
        crowded = np.flatnonzero(mask.sum(axis=1) > max_neighbours + 1)
        if len(crowded):
            # keep only the max_neighbours most similar (plus the row itself)
            kth = -np.partition(-sims[crowded], max_neighbours, axis=1)[:, max_neighbours]
            mask[crowded] &= sims[crowded] >= kth[:, None]
        r, c = np.nonzero(mask)
        gi, gj = ids[r], right[c]
        keep = gi != gj
        out_r.append(np.minimum(gi, gj)[keep])
        out_c.append(np.maximum(gi, gj)[keep])
        out_s.append(sims[r[keep], c[keep]])
    if not out_r:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    return np.concatenate(out_r), np.concatenate(out_c), np.concatenate(out_s)


def buckets(
    X: np.ndarray, bucket_size: int, n_probe: int, seed: int
) -> np.ndarray:
    """Each row's ``n_probe`` nearest k-means buckets, nearest first: int array (n, n_probe)."""
    from sklearn.cluster import MiniBatchKMeans

    n = X.shape[0]
    k = max(2, int(round(n / bucket_size)))
    fit_rows = X if n <= 20 * k * 10 else X[np.linspace(0, n - 1, 20 * k * 10).astype(int)]
    km = MiniBatchKMeans(
        n_clusters=k, init="random", random_state=seed, n_init=1, batch_size=4096, max_iter=20,
        compute_labels=False,
    ).fit(fit_rows)
    centres = km.cluster_centers_.astype(np.float32)
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    n_probe = min(n_probe, k)
    probes = np.empty((n, n_probe), dtype=np.int64)
    for start in range(0, n, 8192):
        sims = X[start : start + 8192] @ centres.T
        top = np.argpartition(-sims, n_probe - 1, axis=1)[:, :n_probe]
        order = np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1, kind="stable")
        probes[start : start + 8192] = np.take_along_axis(top, order, axis=1)
    return probes


def _bucketed_pairs(
    X: np.ndarray, similarity: float, bucket_size: int, n_probe: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Neighbour pairs of rows that share a bucket or sit in each other's probed buckets."""
    n = X.shape[0]
    probes = buckets(X, bucket_size, n_probe, seed)
    primary = probes[:, 0]
    k = int(probes.max()) + 1
    # rows whose probe list names bucket b, for every b
    flat_b = probes.ravel()
    flat_row = np.repeat(np.arange(n), probes.shape[1])
    by_bucket = np.argsort(flat_b, kind="stable")
    bounds = np.searchsorted(flat_b[by_bucket], np.arange(k + 1))
    member_order = np.argsort(primary, kind="stable")
    member_bounds = np.searchsorted(primary[member_order], np.arange(k + 1))
    parts_r, parts_c, parts_s = [], [], []
    for b in range(k):
        members = member_order[member_bounds[b] : member_bounds[b + 1]]
        if len(members) == 0:
            continue
        visitors = flat_row[by_bucket[bounds[b] : bounds[b + 1]]]
        if len(members) > 8 * bucket_size and bucket_size > 20:
            # an overfull bucket: split it again rather than compare all its rows
            sub = _bucketed_pairs(X[members], similarity, bucket_size, n_probe, seed)
            parts_r.append(members[sub[0]])
            parts_c.append(members[sub[1]])
            parts_s.append(sub[2])
            visitors = visitors[primary[visitors] != b]
        r, c, s = _exact_pairs(X, members, np.sort(visitors), similarity)
        parts_r.append(r)
        parts_c.append(c)
        parts_s.append(s)
    return _unique_pairs(
        np.concatenate(parts_r), np.concatenate(parts_c), np.concatenate(parts_s), n
    )


def _unique_pairs(
    rows: np.ndarray, cols: np.ndarray, sims: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drop repeated (row, col) pairs, keeping the first."""
    key = np.unique(rows.astype(np.int64) * n + cols, return_index=True)[1]
    return rows[key], cols[key], sims[key]


def leader_clusters(X: np.ndarray, graph: sparse.csr_matrix, similarity: float) -> np.ndarray:
    """Cluster label per row (-1 for none) by the rule in the module docstring.

    Labels are numbered in the order clusters were founded.
    """
    n = graph.shape[0]
    indptr, indices = graph.indptr, graph.indices
    degree = np.diff(indptr)
    order = np.lexsort((np.arange(n), -degree))
    labels = np.full(n, -1, dtype=np.int64)
    next_label = 0
    for i in order:
        if degree[i] == 0:
            break
        if labels[i] != -1:
            continue
        neighbours = indices[indptr[i] : indptr[i + 1]]
        free = neighbours[labels[neighbours] == -1]
        if len(free) == 0:
            continue
        labels[i] = next_label
        labels[free] = next_label
        next_label += 1
    if next_label == 0:
        return labels
    centroids = cluster_centroids(X, labels, next_label)
    left = np.flatnonzero((labels == -1) & (degree > 0))
    joins = {}
    for i in left:
        neighbours = indices[indptr[i] : indptr[i + 1]]
        candidates = np.unique(labels[neighbours])
        candidates = candidates[candidates >= 0]
        if len(candidates) == 0:
            continue
        sims = centroids[candidates] @ X[i]
        best = int(np.argmax(sims))
        if sims[best] >= similarity:
            joins[i] = candidates[best]
    for i, label in joins.items():
        labels[i] = label
    return labels


def cluster_centroids(X: np.ndarray, labels: np.ndarray, n_clusters: int) -> np.ndarray:
    """Normalised mean embedding of each cluster label 0..n_clusters-1."""
    sums = np.zeros((n_clusters, X.shape[1]), dtype=np.float64)
    mask = labels >= 0
    np.add.at(sums, labels[mask], X[mask])
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.where(norms == 0, 1.0, norms)).astype(np.float32)
