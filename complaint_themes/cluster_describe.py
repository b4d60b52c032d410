"""Describe clusters for people: key phrases, redacted examples, theme mix and timeline.

Key phrases and examples cost spaCy / Presidio time (~20 ms a complaint), so they are made
only for the clusters asked for, from at most :data:`MAX_PHRASE_DOCS` of each cluster's most
central complaints. The phrase counts and the chosen (already redacted) examples are kept in
the saved state, so an update adds new complaints to them without needing the old texts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .cluster_stats import Members, theme_mix, timeline

MAX_PHRASE_DOCS = 40
"""Most central complaints of a cluster whose phrases are counted."""
BACKGROUND_DOCS = 300
"""Complaints sampled evenly from the input as the c-TF-IDF background class."""
N_EXAMPLES = 3


@dataclass
class Candidate:
    """A complaint of this run that belongs to a cluster being described."""

    text: str
    similarity: float  # to the cluster centroid
    date: str | None
    service: str | None
    resident: str


def describe_clusters(
    table: pd.DataFrame,
    chosen: list[str],
    candidates: dict[str, list[Candidate]],
    members: Members,
    state: Any,
    background_texts: list[str],
    redact_examples: bool = True,
) -> dict[str, dict[str, Any]]:
    """Details for every cluster in ``table``; phrases and examples for ``chosen`` ones.

    Updates ``state.terms``, ``state.background``, ``state.examples`` and ``state.phrases``.
    """
    need = [cid for cid in chosen if candidates.get(cid) or cid not in state.phrases]
    if need:
        _count_terms(need, candidates, state, background_texts)
        from .phrases import phrases_from_counts

        counts = {cid: (t["n"], t["df"]) for cid, t in state.terms.items()}
        back = (state.background.get("n", 0), state.background.get("df", {}))
        phrases = phrases_from_counts(counts, back)
        for cid in need:
            state.phrases[cid] = phrases.get(cid, [])
            state.examples[cid] = _examples(
                state.examples.get(cid, []), candidates.get(cid, []), redact_examples
            )
    details: dict[str, dict[str, Any]] = {}
    by_cluster: dict[str, list[int]] = {}
    for i, cid in enumerate(members.cluster_id):
        by_cluster.setdefault(cid, []).append(i)
    for cid in table["cluster_id"]:
        idx = np.array(by_cluster.get(cid, []), dtype=np.int64)
        details[cid] = {
            "key_phrases": list(state.phrases.get(cid, [])) if cid in chosen else [],
            "examples": [
                {k: e[k] for k in ("text", "date", "service")} for e in state.examples.get(cid, [])
            ] if cid in chosen else [],
            "theme_mix": {t: round(s, 3) for t, s in theme_mix(members, idx).items()},
            "timeline": timeline(members, idx),
        }
    return details


def _count_terms(
    need: list[str], candidates: dict[str, list[Candidate]], state: Any, background: list[str]
) -> None:
    from .phrases import texts_terms

    jobs: list[tuple[str, str]] = []
    for cid in need:
        ranked = sorted(candidates.get(cid, []), key=lambda c: -c.similarity)
        jobs += [(cid, c.text) for c in ranked[:MAX_PHRASE_DOCS]]
    sample: list[str] = []
    if background:
        step = max(1, len(background) // BACKGROUND_DOCS)
        sample = background[::step][:BACKGROUND_DOCS]
    parsed = texts_terms([t for _, t in jobs] + sample)
    for (cid, _), terms in zip(jobs, parsed, strict=False):
        entry = state.terms.setdefault(cid, {"n": 0, "df": {}})
        entry["n"] += 1
        counts = Counter(entry["df"])
        counts.update(terms)
        entry["df"] = dict(counts)
    back = state.background
    counts = Counter(back.get("df", {}))
    for terms in parsed[len(jobs):]:
        counts.update(terms)
    back["df"] = dict(counts)
    back["n"] = int(back.get("n", 0)) + len(sample)


def _examples(
    old: list[dict[str, Any]], new: list[Candidate], redact_examples: bool
) -> list[dict[str, Any]]:
    """The most central complaints, one per resident, redacted."""
    pool = [dict(e) for e in old] + [
        {"text": c.text, "date": c.date, "service": c.service, "resident": c.resident,
         "similarity": float(c.similarity), "redacted": False}
        for c in new
    ]
    pool.sort(key=lambda e: -e["similarity"])
    chosen, seen = [], set()
    for e in pool:
        if e["resident"] in seen:
            continue
        seen.add(e["resident"])
        chosen.append(e)
        if len(chosen) == N_EXAMPLES:
            break
    if redact_examples:
        todo = [e for e in chosen if not e["redacted"]]
        if todo:
            from .redact import redact

            for e, clean in zip(todo, redact([e["text"] for e in todo]), strict=True):
                e["text"], e["redacted"] = clean, True
    return chosen
