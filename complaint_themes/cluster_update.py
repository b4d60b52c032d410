"""Assign new complaints to an earlier run's clusters (saved state), keeping cluster ids.

See :mod:`complaint_themes.cluster_state` for what is saved. The rule for a new complaint:

1. It joins the earlier cluster whose centroid it is most similar to, when that cosine
   similarity is at least the saved ``similarity``. Centroids then move to include it.
2. The new complaints left over are clustered together with the recent unclustered
   complaints kept in the state (same rule as :func:`~complaint_themes.cluster.find_clusters`,
   including the split of large, mixed clusters when the earlier run split them).
   A group that includes at least one new complaint becomes a new cluster, numbered after the
   last saved id.

Key phrases and examples of a changed cluster are recomputed from the saved phrase counts plus
the new complaints; clusters that did not change keep theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .cluster import (
    ClusterResult,
    batch_members,
    check_describe,
    finish,
    number_clusters,
    resolve_as_of,
)
from .cluster_inputs import read_batch, row_themes
from .cluster_split import threshold_clusters
from .cluster_state import ClusterState
from .cluster_stats import Members
from .errors import ComplaintThemesError


def update_clusters(
    state: ClusterState | str,
    df: pd.DataFrame,
    text_column: str = "text",
    resident_column: str | None = None,
    date_column: str | None = None,
    service_column: str | None = None,
    themes: Sequence[Any] | None = None,
    model: Any = None,
    embeddings: np.ndarray | None = None,
    encoder: Any = "all-MiniLM-L6-v2",
    cache: Any = None,
    as_of: Any = None,
    describe: str = "flagged",
    redact_examples: bool = True,
    source: str = "the input",
) -> ClusterResult:
    """Add the complaints of ``df`` to the clusters of ``state`` (a state or its folder).

    Parameters are those of :func:`~complaint_themes.cluster.find_clusters`; ``similarity``,
    ``min_residents`` and ``window_days`` come from the state. ``df`` should hold only
    complaints not seen before (a resident's earlier complaints are recognised by resident id).

    Returns
    -------
    ClusterResult
        ``clusters`` has ``new_complaints``, ``new_residents`` and ``new_cluster`` columns;
        ``state`` is the updated state (save it for next time).
    """
    if not isinstance(state, ClusterState):
        state = ClusterState.load(state)
    check_describe(describe)
    settings = state.settings
    batch = read_batch(df, text_column, resident_column, date_column, service_column,
                       embeddings, model, encoder, cache, source)
    _check_compatible(state, batch, date_column)
    sim = settings["similarity"]
    cluster: list[str | None] = [None] * len(batch.rows)
    if len(state.cluster_ids) and len(batch.rows):
        sims = batch.X @ state.centroids().T
        best = np.argmax(sims, axis=1)
        for i, k in enumerate(best):
            if sims[i, k] >= sim:
                cluster[i] = state.cluster_ids[k]
    # the rest, with the recent unclustered complaints of earlier runs
    free = [i for i, c in enumerate(cluster) if c is None]
    n_old = len(state.pending_vectors)
    pool = np.vstack([state.pending_vectors, batch.X[free]]).astype(np.float32)
    # states saved before mixed clusters were split (no "split" setting) keep the plain rule
    labels = threshold_clusters(pool, sim, split=settings.get("split") or False)
    pool_dates = None
    if batch.dates is not None and state.pending.get("date") is not None:
        pool_dates = np.concatenate([
            np.array(state.pending["date"], dtype="datetime64[D]"), batch.dates[free]
        ])
    is_new = np.arange(len(pool)) >= n_old
    names = number_clusters(labels, pool_dates, start=state.next_id, only=is_new)
    for j, i in enumerate(free):
        cluster[i] = names.get(int(labels[n_old + j]))
    joined_pending = [j for j in range(n_old) if int(labels[j]) in names]
    clustered = [i for i, c in enumerate(cluster) if c is not None]
    themes_of = row_themes(
        themes, model, batch.X[clustered], [batch.texts[i] for i in clustered],
        batch.rows[clustered], batch.n_rows,
    )
    before = state.members
    added = _pending_members(state, joined_pending, labels, names).concat(
        batch_members(batch, cluster, themes_of)
    )
    state.members = before.concat(added)
    _move_centroids(state, batch, cluster, pool, joined_pending, labels, names)
    as_of_day = resolve_as_of(as_of, _all_dates(state, batch))
    state.as_of = None if as_of_day is None else str(as_of_day)
    state.next_id += len(names)
    _keep_pending(state, batch, cluster, joined_pending)
    return finish(df, batch, cluster, state, describe, redact_examples, before=before)


def _check_compatible(state: ClusterState, batch: Any, date_column: str | None) -> None:
    made_by = state.settings["encoder"]
    if "given" not in (made_by, batch.made_by) and made_by != batch.made_by:
        raise ComplaintThemesError(
            f"the saved clusters were made with encoder {made_by!r} but these complaints were "
            f"embedded with {batch.made_by!r}; use the same encoder or start a new clusters run"
        )
    if batch.X.shape[1] != state.centroid_sums.shape[1]:
        raise ComplaintThemesError(
            f"embeddings have {batch.X.shape[1]} dimensions but the saved clusters "
            f"{state.centroid_sums.shape[1]}; use the same encoder as the earlier run"
        )
    if state.settings["dated"] != (date_column is not None):
        had = "had" if state.settings["dated"] else "had no"
        raise ComplaintThemesError(
            f"the earlier run {had} a date column; give the same columns as before "
            "(--date-column) or start a new clusters run"
        )


def _pending_members(
    state: ClusterState, joined: list[int], labels: np.ndarray, names: dict[int, str]
) -> Members:
    p = state.pending
    return Members(
        cluster_id=[names[int(labels[j])] for j in joined],
        resident=[p["resident"][j] for j in joined],
        date=None if p.get("date") is None
        else np.array([p["date"][j] for j in joined], dtype="datetime64[D]"),
        service=[p["service"][j] for j in joined],
        theme=[p["theme"][j] for j in joined],
    )


def _move_centroids(
    state: ClusterState, batch: Any, cluster: list[str | None], pool: np.ndarray,
    joined_pending: list[int], labels: np.ndarray, names: dict[int, str],
) -> None:
    new_ids = sorted(names.values())
    state.cluster_ids = state.cluster_ids + new_ids
    sums = np.vstack([state.centroid_sums, np.zeros((len(new_ids), pool.shape[1]), np.float32)])
    position = {cid: k for k, cid in enumerate(state.cluster_ids)}
    for i, cid in enumerate(cluster):
        if cid is not None:
            sums[position[cid]] += batch.X[i]
    for j in joined_pending:
        sums[position[names[int(labels[j])]]] += pool[j]
    state.centroid_sums = sums


def _all_dates(state: ClusterState, batch: Any) -> np.ndarray | None:
    if batch.dates is None:
        return None
    known = [] if state.as_of is None else [np.datetime64(state.as_of, "D")]
    return np.concatenate([np.array(known, dtype="datetime64[D]"), batch.dates])


def _keep_pending(
    state: ClusterState, batch: Any, cluster: list[str | None], joined: list[int]
) -> None:
    p, taken = state.pending, set(joined)
    old = [j for j in range(len(state.pending_vectors)) if j not in taken]
    free = [i for i, c in enumerate(cluster) if c is None]
    dates = None
    if batch.dates is not None and p.get("date") is not None:
        dates = np.concatenate([np.array([p["date"][j] for j in old], dtype="datetime64[D]"),
                                batch.dates[free]])
    state.set_pending(
        np.vstack([state.pending_vectors[old], batch.X[free]]),
        [p["resident"][j] for j in old] + [batch.residents[i] for i in free], dates,
        [p["service"][j] for j in old] + [batch.services[i] for i in free],
        [p["theme"][j] for j in old] + [None] * len(free),
    )
