"""Saved clusters, and adding new complaints to them with stable ids.

A weekly run: ``result = update_clusters(ClusterState.load("clusters/state"), new_df, ...)``
assigns each new complaint to the earlier cluster whose centroid it is most similar to (if at
least the saved ``similarity``), forms new clusters (ids continuing after the last one) from
the rest together with the recent unclustered complaints kept in the state, and recounts
residents, windows and flags. ``result.clusters["new_residents"]`` says how many residents
joined each cluster ("3 more residents joined C0007").

The state folder holds ``state.json`` (settings, cluster members as pseudonymous resident keys
with dates, services and themes, phrase counts, redacted examples) and ``arrays.npz``
(centroid sums and the vectors of recent unclustered complaints), loaded with
``allow_pickle=False``. It holds no complaint text apart from redacted examples.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .cluster_stats import Members
from .errors import ModelError
from .write import atomic_write

FORMAT_VERSION = 1
PENDING_LIMIT = 50_000
"""Most recent unclustered complaints kept (undated input) for later runs to cluster with."""


@dataclass
class ClusterState:
    """Everything a later run needs to extend these clusters (see the module docstring)."""

    settings: dict[str, Any]
    cluster_ids: list[str]
    centroid_sums: np.ndarray
    members: Members
    pending_vectors: np.ndarray
    pending: dict[str, list[Any]]
    as_of: str | None = None
    next_id: int = 1
    terms: dict[str, dict[str, Any]] = field(default_factory=dict)
    background: dict[str, Any] = field(default_factory=dict)
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    phrases: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_run(
        cls, batch: Any, cluster: list[str | None], settings: dict[str, Any], members: Members,
        as_of: np.datetime64 | None,
    ) -> ClusterState:
        """State after :func:`~complaint_themes.cluster.find_clusters` on ``batch``."""
        ids = sorted({c for c in cluster if c is not None})
        position = {cid: k for k, cid in enumerate(ids)}
        sums = np.zeros((len(ids), batch.X.shape[1]), dtype=np.float64)
        inside = [i for i, c in enumerate(cluster) if c is not None]
        np.add.at(sums, [position[cluster[i]] for i in inside], batch.X[inside])
        state = cls(
            settings=settings, cluster_ids=ids, centroid_sums=sums.astype(np.float32),
            members=members, pending_vectors=np.zeros((0, batch.X.shape[1]), np.float32),
            pending={}, as_of=None if as_of is None else str(as_of), next_id=len(ids) + 1,
        )
        free = np.array([i for i, c in enumerate(cluster) if c is None], dtype=np.int64)
        state.set_pending(
            batch.X[free], [batch.residents[i] for i in free],
            None if batch.dates is None else batch.dates[free],
            [batch.services[i] for i in free], None,
        )
        return state

    def centroids(self) -> np.ndarray:
        """Unit-length centroid of each cluster, in ``cluster_ids`` order."""
        norms = np.linalg.norm(self.centroid_sums, axis=1, keepdims=True)
        return (self.centroid_sums / np.where(norms == 0, 1.0, norms)).astype(np.float32)

    def set_pending(
        self, vectors: np.ndarray, residents: list[str], dates: np.ndarray | None,
        services: list[str | None], themes: list[str | None] | None,
    ) -> None:
        """Keep the unclustered complaints of the last two windows (or the newest ones)."""
        keep = np.arange(len(vectors))
        if dates is not None and self.as_of is not None and len(dates):
            age = (np.datetime64(self.as_of, "D") - dates).astype(np.int64)
            keep = np.flatnonzero(age < 2 * self.settings["window_days"])
        keep = keep[-PENDING_LIMIT:]
        self.pending_vectors = np.ascontiguousarray(vectors[keep], dtype=np.float32)
        self.pending = {
            "resident": [residents[i] for i in keep],
            "date": None if dates is None else [str(dates[i]) for i in keep],
            "service": [services[i] for i in keep],
            "theme": [None if themes is None else themes[i] for i in keep],
        }

    def save(self, folder: str | Path) -> Path:
        """Write ``state.json`` and ``arrays.npz`` into ``folder`` (each atomically)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        meta = {
            "format_version": FORMAT_VERSION, "settings": self.settings,
            "cluster_ids": self.cluster_ids, "as_of": self.as_of, "next_id": self.next_id,
            "members": self.members.to_json(), "pending": self.pending, "terms": self.terms,
            "background": self.background, "examples": self.examples, "phrases": self.phrases,
        }
        atomic_write(folder / "state.json", lambda p: Path(p).write_text(json.dumps(meta), "utf-8"))
        atomic_write(folder / "arrays.npz", self._write_arrays)
        return folder

    def _write_arrays(self, path: str) -> None:
        with open(path, "wb") as f:
            np.savez(f, centroid_sums=self.centroid_sums, pending_vectors=self.pending_vectors)

    @classmethod
    def load(cls, folder: str | Path) -> ClusterState:
        """Read a state folder written by :meth:`save`."""
        folder = Path(folder)
        if not (folder / "state.json").is_file() or not (folder / "arrays.npz").is_file():
            raise ModelError(
                f"{folder} is not a saved cluster state (state.json and arrays.npz expected); "
                "pass the state folder written by an earlier clusters run"
            )
        meta = json.loads((folder / "state.json").read_text("utf-8"))
        if meta.get("format_version") != FORMAT_VERSION:
            raise ModelError(
                f"{folder} has cluster state format {meta.get('format_version')!r}; this version "
                f"of complaint_themes reads format {FORMAT_VERSION}: re-run clusters from scratch"
            )
        with np.load(folder / "arrays.npz", allow_pickle=False) as arrays:
            sums, pending_vectors = arrays["centroid_sums"], arrays["pending_vectors"]
        return cls(
            settings=meta["settings"], cluster_ids=meta["cluster_ids"], centroid_sums=sums,
            members=Members.from_json(meta["members"]), pending_vectors=pending_vectors,
            pending=meta["pending"], as_of=meta["as_of"], next_id=meta["next_id"],
            terms=meta["terms"], background=meta["background"], examples=meta["examples"],
            phrases=meta["phrases"],
        )
