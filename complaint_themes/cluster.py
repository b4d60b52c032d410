"""Clusters of similar complaints from different residents: "isolated, or a larger problem?"

:func:`find_clusters` groups similar complaints (cosine similarity of their embeddings at
least ``similarity``, helped or hindered by the distinctive words they share; the exact rule
is in :mod:`complaint_themes.cluster_graph` and :mod:`complaint_themes.cluster_words`; large
clusters whose complaints are not similar to each other are split, by the rule in
:mod:`complaint_themes.cluster_split`, and every cluster gets a ``cohesion`` and a plain-words
``confidence``, :func:`complaint_themes.cluster_stats.confidence`) and then
counts, for every group, the *distinct residents* who complained inside a sliding window of
``window_days`` days:

* **flagged** (for proactive action): at least ``min_residents`` distinct residents inside one
  window. Without a resident column each row counts as a resident; a row with a blank resident
  id also counts as a resident of its own.
* **repeat**: all the complaints come from one resident (one person writing five times is a
  repeat, not a cluster).
* **watch**: two or more residents, but never ``min_residents`` inside one window.
* **emerging**: flagged, at least ``min_residents`` residents in the latest window (the
  ``window_days`` days up to ``as_of``, by default the newest date in the input) and more
  than in the window before it; ``growth`` is the difference.

Cluster ids (``C0001``...) are numbered by first complaint date, then row order, so the same
input gives the same ids. Use :func:`complaint_themes.cluster_state.update_clusters` to add new
complaints to an earlier run's clusters, keeping their ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .cluster_describe import Candidate, describe_clusters
from .cluster_inputs import Batch, check_settings, read_batch, row_themes
from .cluster_split import SplitRule, threshold_clusters
from .cluster_stats import Members, summarise
from .cluster_words import word_vectors
from .errors import ComplaintThemesError, InputError

DEFAULT_SIMILARITY = 0.6
"""Default cosine threshold for all-MiniLM-L6-v2 embeddings. Differently worded complaints
about one concrete problem typically score 0.55-0.7 with that encoder; unrelated complaints
rarely pass 0.45. Raise it (0.65-0.7) for tighter, more literal clusters with fewer
topic-level groups; lower it to catch looser paraphrases at the cost of mixing nearby topics.
``benchmarks/bench_clusters.py`` shows the trade-off on planted groups and NHS feedback."""


@dataclass
class ClusterResult:
    """What :func:`find_clusters` and ``update_clusters`` return.

    Attributes
    ----------
    clusters : DataFrame
        One row a cluster, flagged first (columns in :data:`CLUSTER_COLUMNS` order, then more).
    assignments : DataFrame
        Every input row and column in order, plus ``cluster_id`` (None where none) and
        ``cluster_flagged``.
    details : dict
        Per cluster id: ``key_phrases``, ``theme_mix``, ``examples`` (redacted), ``timeline``.
    state : ClusterState
        Everything needed to assign later complaints to these clusters (no complaint texts).
    settings : dict
        The parameters used.
    """

    clusters: pd.DataFrame
    assignments: pd.DataFrame
    details: dict[str, dict[str, Any]]
    state: Any
    settings: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        """A few lines for a console: counts, then one line per flagged cluster."""
        c = self.clusters
        repeats = int((c["status"] == "repeat").sum())
        lines = [
            f"{len(c)} clusters of similar complaints; {int(c['flagged'].sum())} flagged "
            f"({int(c['emerging'].sum())} emerging); {repeats} "
            f"{'repeat' if repeats == 1 else 'repeats'} (one resident complaining more than once)"
        ]
        for row in c[c["flagged"]].itertuples():
            phrases = ", ".join(self.details[row.cluster_id]["key_phrases"][:3]) or "-"
            note = " EMERGING" if row.emerging else ""
            joined = getattr(row, "new_residents", 0) or 0
            if getattr(row, "new_cluster", False):
                more = "; new since the last run"
            elif joined:
                more = f"; {joined} more resident{'s' if joined > 1 else ''} joined"
            else:
                more = ""
            lines.append(f"  {row.cluster_id}: {row.residents} residents, {row.size} complaints "
                         f"({phrases}){note}{more}")
        return "\n".join(lines)


def find_clusters(
    df: pd.DataFrame,
    text_column: str = "text",
    resident_column: str | None = None,
    date_column: str | None = None,
    service_column: str | None = None,
    min_residents: int = 3,
    window_days: int = 90,
    similarity: float = DEFAULT_SIMILARITY,
    themes: Sequence[Any] | None = None,
    model: Any = None,
    embeddings: np.ndarray | None = None,
    encoder: Any = "all-MiniLM-L6-v2",
    cache: Any = None,
    as_of: Any = None,
    describe: str = "flagged",
    redact_examples: bool = True,
    source: str = "the input",
    split: bool | SplitRule = True,
    words: bool = True,
) -> ClusterResult:
    """Find clusters of similar complaints and flag those from ``min_residents`` residents.

    Parameters
    ----------
    df : DataFrame
        One complaint a row.
    text_column : str, default="text"
    resident_column : str, optional
        Resident / household / complainant id. Without it each row counts as a resident.
    date_column : str, optional
        Date received. Without it the whole input is one window and nothing is ``emerging``.
    service_column : str, optional
        Service or department, listed per cluster.
    min_residents : int, default=3
        Distinct residents inside one window for a cluster to be flagged (at least 2).
    window_days : int, default=90
    similarity : float, default=0.6
        Cosine similarity for two complaints to count as similar (see
        :mod:`complaint_themes.cluster_graph`).
    themes : sequence, optional
        A theme per row (e.g. the ``theme`` column of ``complaint-themes classify``).
    model : ThemeClassifier, optional
        Used for themes (``predict_themes``) and embeddings when ``themes`` is not given.
    embeddings : ndarray of shape (len(df), d), optional
        Precomputed embeddings; otherwise ``model`` or ``encoder`` embeds the texts.
    encoder : str or Encoder, default="all-MiniLM-L6-v2"
    cache : EmbeddingCache, folder, True/None or False
        Embedding cache (see :func:`complaint_themes.embed.embed`).
    as_of : date-like, optional
        End of the latest window; default the newest date in the input.
    describe : {"flagged", "all", "none"}, default="flagged"
        Which clusters get key phrases and redacted examples (spaCy/Presidio take ~20 ms a
        complaint, so describing thousands of small clusters is slow).
    redact_examples : bool, default=True
    source : str
        Name of the input used in error messages.
    split : bool or SplitRule, default=True
        Split large clusters of low cohesion (chained clusters whose members are similar to
        a centre but not to each other) at a higher similarity; see
        :mod:`complaint_themes.cluster_split`. False keeps the plain leader clusters.
    words : bool, default=True
        Count shared distinctive words (TF-IDF) as well as the embedding when deciding which
        complaints are neighbours (:mod:`complaint_themes.cluster_words`): purer clusters on
        short feedback. False: the embedding alone.

    Returns
    -------
    ClusterResult
    """
    check_settings(min_residents, window_days, similarity)
    check_describe(describe)
    batch = read_batch(df, text_column, resident_column, date_column, service_column,
                       embeddings, model, encoder, cache, source)
    rule = SplitRule.from_setting(split)
    vectors = word_vectors(batch.texts) if words and len(batch.texts) > 1 else None
    labels = threshold_clusters(batch.X, similarity, split=rule or False, words=vectors)
    names = number_clusters(labels, batch.dates, start=1)
    cluster = [names.get(int(lab)) for lab in labels]
    clustered = np.flatnonzero(labels >= 0)
    themes_of = row_themes(themes, model, batch.X[clustered],
                           [batch.texts[i] for i in clustered], batch.rows[clustered],
                           batch.n_rows)
    members = batch_members(batch, cluster, themes_of)
    as_of_day = resolve_as_of(as_of, batch.dates)
    from .cluster_state import ClusterState

    state = ClusterState.from_run(
        batch, cluster,
        settings=dict(similarity=float(similarity), min_residents=int(min_residents),
                      window_days=int(window_days), encoder=batch.made_by,
                      dated=batch.dates is not None,
                      split=False if rule is None else rule.to_setting(),
                      words=bool(words)),
        members=members, as_of=as_of_day,
    )
    return finish(df, batch, cluster, state, describe, redact_examples)


def check_describe(describe: str) -> None:
    """``describe`` must be one of flagged / all / none."""
    if describe not in ("flagged", "all", "none"):
        raise ComplaintThemesError(f"describe must be 'flagged', 'all' or 'none', got {describe!r}")


def batch_members(
    batch: Batch, cluster: list[str | None], themes: list[str | None] | None
) -> Members:
    """Member records of the rows of ``batch`` in a cluster (``themes`` covers only those)."""
    inside = [i for i, c in enumerate(cluster) if c is not None]
    return Members(
        cluster_id=[cluster[i] for i in inside],  # type: ignore[misc]
        resident=[batch.residents[i] for i in inside],
        date=None if batch.dates is None else batch.dates[inside],
        service=[batch.services[i] for i in inside],
        theme=themes,
    )


def finish(
    df: pd.DataFrame, batch: Batch, cluster: list[str | None], state: Any, describe: str,
    redact_examples: bool, before: Members | None = None,
) -> ClusterResult:
    """Count, flag, describe and tabulate ``state``'s clusters after ``batch`` was assigned.

    ``before``: members prior to this batch (an update), to count ``new_residents``.
    """
    settings = state.settings
    as_of_day = None if state.as_of is None else np.datetime64(state.as_of, "D")
    table = summarise(state.members, settings["min_residents"], settings["window_days"], as_of_day,
                      sums=dict(zip(state.cluster_ids, state.centroid_sums, strict=True)),
                      similarity=settings["similarity"])
    if before is not None:
        _count_joined(table, state.members, before)
    chosen = _to_describe(table, describe)
    centroids = dict(zip(state.cluster_ids, state.centroids(), strict=True))
    candidates: dict[str, list[Candidate]] = {}
    for i, cid in enumerate(cluster):
        if cid in chosen:
            candidates.setdefault(cid, []).append(Candidate(
                text=batch.texts[i], similarity=float(batch.X[i] @ centroids[cid]),
                date=None if batch.dates is None else str(batch.dates[i]),
                service=batch.services[i], resident=batch.residents[i],
            ))
    details = describe_clusters(table, chosen, candidates, state.members, state, batch.texts,
                                redact_examples)
    table["key_phrases"] = ["; ".join(details[cid]["key_phrases"]) for cid in table["cluster_id"]]
    assignments = _assignments(df, batch.rows, cluster, table)
    run = dict(settings, as_of=state.as_of)
    return ClusterResult(table, assignments, details, state, run)


def _count_joined(table: pd.DataFrame, members: Members, before: Members) -> None:
    old: dict[str, set[str]] = {}
    for cid, who in zip(before.cluster_id, before.resident, strict=True):
        old.setdefault(cid, set()).add(who)
    new_rows: dict[str, int] = {}
    new_people: dict[str, set[str]] = {}
    for cid, who in zip(members.cluster_id[len(before):], members.resident[len(before):],
                        strict=True):
        new_rows[cid] = new_rows.get(cid, 0) + 1
        if who not in old.get(cid, set()):
            new_people.setdefault(cid, set()).add(who)
    table["new_complaints"] = [new_rows.get(c, 0) for c in table["cluster_id"]]
    table["new_residents"] = [len(new_people.get(c, ())) for c in table["cluster_id"]]
    table["new_cluster"] = [c not in old for c in table["cluster_id"]]


def number_clusters(
    labels: np.ndarray, dates: np.ndarray | None, start: int, only: np.ndarray | None = None
) -> dict[int, str]:
    """Ids ``C0001``... from ``start``, ordered by each cluster's first date, then first row.

    ``only``: a mask of rows; clusters without such a row get no id.
    """
    n = int(labels.max()) + 1 if len(labels) else 0
    big = np.iinfo(np.int64).max
    first_row, first_day = np.full(n, big), np.full(n, big)
    eligible = np.zeros(n, dtype=bool)
    days = None if dates is None else dates.astype(np.int64)
    for i, lab in enumerate(labels):
        if lab < 0:
            continue
        first_row[lab] = min(first_row[lab], i)
        if days is not None:
            first_day[lab] = min(first_day[lab], days[i])
        if only is None or only[i]:
            eligible[lab] = True
    order = [lab for lab in np.lexsort((first_row, first_day)) if eligible[lab]]
    return {int(lab): f"C{start + rank:04d}" for rank, lab in enumerate(order)}


def resolve_as_of(as_of: Any, dates: np.ndarray | None) -> np.datetime64 | None:
    """``as_of`` as a day, else the newest of ``dates`` (None when undated)."""
    if as_of is not None:
        try:
            return np.datetime64(pd.Timestamp(as_of).date(), "D")
        except (ValueError, TypeError) as e:
            raise ComplaintThemesError(
                f"as_of {as_of!r} is not a date (use e.g. 2025-03-01)"
            ) from e
    if dates is None or len(dates) == 0:
        return None
    return dates.max()


def _to_describe(table: pd.DataFrame, describe: str) -> list[str]:
    if describe == "none":
        return []
    if describe == "all":
        return table["cluster_id"].tolist()
    return table.loc[table["flagged"], "cluster_id"].tolist()


def _assignments(
    df: pd.DataFrame, rows: np.ndarray, cluster: list[str | None], table: pd.DataFrame
) -> pd.DataFrame:
    clash = [c for c in ("cluster_id", "cluster_flagged") if c in df.columns]
    if clash:
        raise InputError(
            f"the input already has column(s) {', '.join(clash)}; rename them first "
            "(is it an earlier output?)"
        )
    per_row: list[str | None] = [None] * len(df)
    for i, cid in zip(rows, cluster, strict=True):
        per_row[i] = cid
    flagged = set(table.loc[table["flagged"], "cluster_id"]) if len(table) else set()
    out = df.copy()
    out["cluster_id"] = pd.Series(per_row, index=df.index, dtype=object)
    out["cluster_flagged"] = [c in flagged for c in per_row]
    return out
