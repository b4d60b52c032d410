"""Per-cluster counts: residents, windows, flags, services, theme mix and timeline.

Works on :class:`Members` (one record per clustered complaint: cluster id, pseudonymous
resident key, date, service, theme), so a fresh run and an update of saved clusters compute
their tables the same way. The rules are in :mod:`complaint_themes.cluster`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

CLUSTER_COLUMNS = [
    "cluster_id", "size", "residents", "flagged", "emerging", "confidence", "cohesion",
    "key_phrases", "dominant_theme", "first_date", "last_date", "services",
]
"""The first columns of clusters.csv, in order; more follow (see :func:`summarise`)."""

CONFIDENCE_HIGH = 0.05
"""Cohesion at least this far above the similarity threshold is "high" confidence."""
CONFIDENCE_LOW = 0.05
"""Cohesion more than this far below the similarity threshold is "low" confidence (a large
cluster is split only further below: ``cluster_split.SPLIT_MARGIN``)."""

COHESION_MEANING = (
    "Cohesion is the average similarity of two complaints in the cluster (0 to 1, the same "
    "measure as the similarity threshold): the higher, the more alike they are. On real short "
    "feedback, tighter clusters were not more often about one problem than looser ones, so "
    "read a cluster's examples before acting on it, whatever its confidence."
)
"""One line for reports saying what the cohesion figure means."""


@dataclass
class Members:
    """One entry per clustered complaint (parallel lists; ``date``/``theme`` may be None)."""

    cluster_id: list[str]
    resident: list[str]
    date: np.ndarray | None
    service: list[str | None]
    theme: list[str | None] | None

    def __len__(self) -> int:
        return len(self.cluster_id)

    def concat(self, other: Members) -> Members:
        """Both sets of members (dates/themes kept only when both have them)."""
        dates = None
        if self.date is not None and other.date is not None:
            dates = np.concatenate([self.date, other.date]).astype("datetime64[D]")
        themes = None
        if self.theme is not None or other.theme is not None:
            themes = (self.theme or [None] * len(self)) + (other.theme or [None] * len(other))
        return Members(
            self.cluster_id + other.cluster_id, self.resident + other.resident, dates,
            self.service + other.service, themes,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "cluster_id": self.cluster_id,
            "resident": self.resident,
            "date": None if self.date is None else [str(d) for d in self.date],
            "service": self.service,
            "theme": self.theme,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Members:
        dates = data["date"]
        return cls(
            list(data["cluster_id"]), list(data["resident"]),
            None if dates is None else np.array(dates, dtype="datetime64[D]"),
            list(data["service"]), data["theme"],
        )


def confidence(cohesion: float, similarity: float) -> str:
    """How sure we are that a cluster is about one thing, in plain words.

    The rule, with ``cohesion`` the mean cosine similarity over all pairs of the cluster's
    complaints (:func:`complaint_themes.cluster_split.cohesion`) and ``similarity`` the run's
    threshold:

    * ``"high"``: cohesion >= similarity + 0.05 (:data:`CONFIDENCE_HIGH`): its complaints are
      more similar to each other than each had to be to the cluster's centre;
    * ``"low"``: cohesion < similarity - 0.05 (:data:`CONFIDENCE_LOW`): its complaints are
      similar to a centre but much less to each other (a chain; read the examples first);
    * ``"medium"``: in between.

    On the development half of the NHS feedback benchmark (``benchmarks/bench_clusters.py
    nhs``), flagged clusters were purer (share of comments sharing the cluster's most common
    human label) from low to high; the measured figures are in
    ``benchmarks/results/clusters.json``.

    Parameters
    ----------
    cohesion : float
    similarity : float
        The run's similarity threshold.

    Returns
    -------
    str
        ``"high"``, ``"medium"`` or ``"low"``.
    """
    if cohesion >= similarity + CONFIDENCE_HIGH - 1e-9:
        return "high"
    if cohesion < similarity - CONFIDENCE_LOW - 1e-9:
        return "low"
    return "medium"


def peak_window(days: np.ndarray, residents: list[str], window_days: int) -> tuple[int, Any]:
    """Most distinct residents within any ``window_days``-day span, and the span's last day."""
    order = np.argsort(days, kind="stable")
    days = days[order].astype(np.int64)
    who = [residents[i] for i in order]
    inside: Counter[str] = Counter()
    best, best_end, start = 0, None, 0
    for end in range(len(days)):
        inside[who[end]] += 1
        while days[end] - days[start] >= window_days:
            inside[who[start]] -= 1
            if inside[who[start]] == 0:
                del inside[who[start]]
            start += 1
        if len(inside) > best:
            best, best_end = len(inside), days[end]
    return best, None if best_end is None else np.datetime64(int(best_end), "D")


def summarise(
    members: Members, min_residents: int, window_days: int, as_of: np.datetime64 | None,
    sums: dict[str, np.ndarray] | None = None, similarity: float | None = None,
) -> pd.DataFrame:
    """One row per cluster, flagged first; see :data:`CLUSTER_COLUMNS` and the module rules.

    ``sums`` (cluster id -> sum of its unit-length member vectors, as a cluster state holds
    them) and ``similarity`` give ``cohesion`` and ``confidence`` (:func:`confidence`); without
    them both are empty. Extra columns: ``status`` (flagged / repeat / watch),
    ``repeat_residents`` (residents with
    more than one complaint in the cluster), ``peak_window_residents``, ``peak_window_end``,
    ``window_residents`` (latest window), ``previous_window_residents``, ``growth``,
    ``theme_mix`` (``theme share%; ...``).
    """
    by_cluster: dict[str, list[int]] = {}
    for i, cid in enumerate(members.cluster_id):
        by_cluster.setdefault(cid, []).append(i)
    records = []
    for cid in sorted(by_cluster):
        idx = np.array(by_cluster[cid])
        who = [members.resident[i] for i in idx]
        per_resident = Counter(who)
        rec: dict[str, Any] = {
            "cluster_id": cid,
            "size": len(idx),
            "residents": len(per_resident),
            "repeat_residents": sum(1 for n in per_resident.values() if n > 1),
        }
        rec.update(_window_counts(members, idx, who, min_residents, window_days, as_of))
        services = Counter(s for s in (members.service[i] for i in idx) if s)
        ranked = sorted(services.items(), key=lambda p: (-p[1], p[0]))
        rec["services"] = "; ".join(s for s, _ in ranked)
        mix = theme_mix(members, idx)
        rec["dominant_theme"] = next(iter(mix), "")
        rec["theme_mix"] = "; ".join(f"{t} {share:.0%}" for t, share in mix.items())
        rec["key_phrases"] = ""
        rec["cohesion"], rec["confidence"] = _sureness(sums, similarity, cid, len(idx))
        rec["status"] = (
            "flagged" if rec["flagged"] else "repeat" if rec["residents"] == 1 else "watch"
        )
        records.append(rec)
    extra = ["status", "repeat_residents", "peak_window_residents", "peak_window_end",
             "window_residents", "previous_window_residents", "growth", "theme_mix"]
    table = pd.DataFrame.from_records(records, columns=CLUSTER_COLUMNS + extra)
    if table.empty:
        return table
    table = table.sort_values(
        ["flagged", "emerging", "window_residents", "residents", "cluster_id"],
        ascending=[False, False, False, False, True], kind="stable",
    )
    return table.reset_index(drop=True)


def _sureness(
    sums: dict[str, np.ndarray] | None, similarity: float | None, cid: str, size: int
) -> tuple[float | None, str | None]:
    if sums is None or similarity is None or cid not in sums:
        return None, None
    from .cluster_split import cohesion

    value = round(float(cohesion(sums[cid][None], np.array([size]))[0]), 3)
    return value, confidence(value, similarity)


def _window_counts(
    members: Members, idx: np.ndarray, who: list[str], min_residents: int, window_days: int,
    as_of: np.datetime64 | None,
) -> dict[str, Any]:
    if members.date is None:
        residents = len(set(who))
        return {
            "first_date": None, "last_date": None, "peak_window_residents": residents,
            "peak_window_end": None, "window_residents": residents,
            "previous_window_residents": None, "growth": None,
            "flagged": residents >= min_residents, "emerging": False,
        }
    days = members.date[idx]
    peak, peak_end = peak_window(days, who, window_days)
    age = (as_of - days).astype(np.int64) if as_of is not None else np.zeros(len(days), np.int64)
    current = {r for r, a in zip(who, age, strict=True) if 0 <= a < window_days}
    previous = {r for r, a in zip(who, age, strict=True) if window_days <= a < 2 * window_days}
    flagged = peak >= min_residents
    return {
        "first_date": str(days.min()), "last_date": str(days.max()),
        "peak_window_residents": peak, "peak_window_end": str(peak_end),
        "window_residents": len(current), "previous_window_residents": len(previous),
        "growth": len(current) - len(previous),
        "flagged": flagged,
        "emerging": bool(
            flagged and len(current) >= min_residents and len(current) > len(previous)
        ),
    }


def theme_mix(members: Members, idx: np.ndarray) -> dict[str, float]:
    """Share of each theme among the cluster's complaints, largest first (ties by name)."""
    if members.theme is None:
        return {}
    counts = Counter(t for t in (members.theme[i] for i in idx) if t)
    total = sum(counts.values())
    ranked = sorted(counts.items(), key=lambda p: (-p[1], p[0]))
    return {t: n / total for t, n in ranked}


def timeline(members: Members, idx: np.ndarray) -> list[tuple[str, int]]:
    """Complaints per week (Monday start) of members ``idx``, first to last week, zeros kept."""
    if members.date is None or len(idx) == 0:
        return []
    days = members.date[idx].astype(np.int64)
    monday = (days - 4) // 7 * 7 + 4  # day 0, 1970-01-01, was a Thursday
    weeks = (monday - monday.min()) // 7
    counts = np.bincount(weeks)
    start = int(monday.min())
    return [(str(np.datetime64(start + 7 * k, "D")), int(n)) for k, n in enumerate(counts)]
