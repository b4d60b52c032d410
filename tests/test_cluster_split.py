"""Splitting large, mixed (chained) clusters; cohesion and confidence of each cluster."""

from __future__ import annotations

import json
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from complaint_themes.cluster import find_clusters
from complaint_themes.cluster_graph import leader_clusters, neighbour_graph
from complaint_themes.cluster_report import write_cluster_report
from complaint_themes.cluster_split import SplitRule, cohesion, split_mixed, threshold_clusters
from complaint_themes.cluster_stats import confidence
from complaint_themes.cluster_update import update_clusters


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def chained(n_group: int = 6, seed: int = 0, d: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Two tight groups A (label 0) and B (label 1) whose centres have cosine -0.2, bridged by
    three points on the arc between them (label 2) at 35%, 50% and 65% of the way.

    The middle bridge point is within 0.63 of both groups, so at similarity 0.6 it founds a
    leader cluster holding everything; A and B are not similar to each other at all."""
    rng = np.random.default_rng(seed)
    a = np.zeros(d)
    a[0] = 1.0
    b = np.zeros(d)
    b[0], b[1] = -0.2, np.sqrt(1 - 0.04)
    angle = np.arccos(-0.2)
    bridge = [(np.sin((1 - t) * angle) * a + np.sin(t * angle) * b) / np.sin(angle)
              for t in (0.35, 0.5, 0.65)]
    noise = 0.02 / np.sqrt(d)
    X = np.vstack([
        a + noise * rng.standard_normal((n_group, d)),
        b + noise * rng.standard_normal((n_group, d)),
        np.array(bridge),
    ])
    truth = np.array([0] * n_group + [1] * n_group + [2] * 3)
    return unit(X), truth


def test_chained_cluster_is_split_into_its_two_groups():
    X, truth = chained()
    plain = leader_clusters(X, neighbour_graph(X, 0.6), 0.6)
    assert len(set(plain)) == 1 and plain[0] >= 0  # the chain: one cluster of everything
    labels = threshold_clusters(X, 0.6)
    in_a, in_b = set(labels[truth == 0]), set(labels[truth == 1])
    assert len(in_a) == 1 and len(in_b) == 1
    assert in_a != in_b and -1 not in in_a | in_b
    # no piece holds members of both groups
    for lab in set(labels) - {-1}:
        assert len(set(truth[labels == lab]) - {2}) == 1


def test_tight_cluster_and_small_cluster_are_left_whole():
    rng = np.random.default_rng(1)
    tight = unit(np.eye(32)[0] + 0.05 * rng.standard_normal((15, 32)))
    assert (threshold_clusters(tight, 0.6) == 0).all()
    X, _ = chained(n_group=3)  # 9 members: smaller than the default SPLIT_MIN_SIZE (10)
    assert len(set(threshold_clusters(X, 0.6))) == 1
    assert len(set(threshold_clusters(X, 0.6, split=SplitRule(min_size=5, margin=0.05)))) > 1


def test_split_is_bounded_and_can_be_turned_off():
    X, _ = chained()
    plain = leader_clusters(X, neighbour_graph(X, 0.6), 0.6)
    assert (threshold_clusters(X, 0.6, split=False) == plain).all()
    assert (threshold_clusters(X, 0.6, split=SplitRule(max_depth=0)) == plain).all()
    # cohesion well above the bar: nothing to split
    assert (threshold_clusters(X, 0.6, split=SplitRule(margin=0.5)) == plain).all()


def test_split_labels_are_deterministic_and_numbered_in_order():
    X, _ = chained()
    far = unit(np.eye(32)[5] + 0.01 * np.random.default_rng(3).standard_normal((4, 32)))
    both = np.vstack([X, far])
    first = threshold_clusters(both, 0.6)
    assert (threshold_clusters(both.copy(), 0.6) == first).all()
    used = sorted(set(first) - {-1})
    assert used == list(range(len(used)))
    # labels of unrelated rows are not disturbed by a split elsewhere
    plain = leader_clusters(both, neighbour_graph(both, 0.6), 0.6)
    assert len(set(first[-4:])) == 1 and len(set(plain[-4:])) == 1
    relabel = split_mixed(both, plain, 0.6)
    assert (relabel == first).all()


def brute_cohesion(X: np.ndarray) -> float:
    return float(np.mean([X[i] @ X[j] for i, j in combinations(range(len(X)), 2)]))


def test_cohesion_is_the_mean_pairwise_similarity():
    X, _ = chained()
    for rows in (X, X[:6], X[:2]):
        got = cohesion(rows.sum(axis=0)[None], np.array([len(rows)]))[0]
        assert got == pytest.approx(brute_cohesion(rows), abs=1e-5)
    assert cohesion(X[:1], np.array([1]))[0] == 1.0


@pytest.mark.parametrize(("value", "expected"), [
    (0.9, "high"), (0.65, "high"), (0.649, "medium"), (0.6, "medium"), (0.55, "medium"),
    (0.549, "low"), (0.1, "low"),
])
def test_confidence_follows_the_documented_rule(value, expected):
    # high: cohesion >= similarity + 0.05; low: cohesion < similarity - 0.05; else medium
    assert confidence(value, 0.6) == expected


def chained_frame(X: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"text": [f"complaint {i}" for i in range(len(X))],
                         "resident": [f"R{i}" for i in range(len(X))]})


def test_find_clusters_splits_and_reports_cohesion_and_confidence(tmp_path):
    X, truth = chained()
    df = chained_frame(X)
    whole = find_clusters(df, resident_column="resident", embeddings=X, split=False,
                          describe="none")
    assert len(whole.clusters) == 1
    assert whole.clusters["confidence"].tolist() == ["low"]
    r = find_clusters(df, resident_column="resident", embeddings=X, describe="none")
    assert r.settings["split"] == SplitRule().to_setting()
    assert int(r.clusters["flagged"].sum()) == 2
    a = r.assignments["cluster_id"]
    for cid, row in r.clusters.set_index("cluster_id").iterrows():
        rows = X[(a == cid).to_numpy()]
        assert row["cohesion"] == pytest.approx(brute_cohesion(rows), abs=1e-3)
        assert row["confidence"] == confidence(row["cohesion"], 0.6) == "high"
    # the stored centroids are those of the pieces, not of the chained cluster
    sums = dict(zip(r.state.cluster_ids, r.state.centroid_sums, strict=True))
    for cid in r.state.cluster_ids:
        assert np.allclose(sums[cid], X[(a == cid).to_numpy()].sum(axis=0), atol=1e-5)
    # same input, same ids
    again = find_clusters(df, resident_column="resident", embeddings=X, describe="none")
    assert again.assignments["cluster_id"].tolist() == a.tolist()
    write_cluster_report(r, tmp_path)
    page = (tmp_path / "clusters.html").read_text("utf-8")
    assert "high confidence (cohesion" in page and "How sure" in page
    csv = pd.read_csv(tmp_path / "clusters.csv", encoding="utf-8-sig")
    assert {"confidence", "cohesion"} <= set(csv.columns)


def test_update_after_a_split_joins_the_pieces_and_recomputes_cohesion(tmp_path):
    X, truth = chained()
    df = chained_frame(X)
    r = find_clusters(df, resident_column="resident", embeddings=X, describe="none")
    r.state.save(tmp_path / "state")
    a = r.assignments["cluster_id"]
    id_a, id_b = a[truth == 0].iloc[0], a[truth == 1].iloc[0]
    new_X = np.vstack([X[0] * 0.999 + 0.001, X[6] * 0.999 + 0.001])
    new_X = unit(new_X)
    new = pd.DataFrame({"text": ["another A", "another B"], "resident": ["N1", "N2"]})
    u = update_clusters(tmp_path / "state", new, resident_column="resident", embeddings=new_X,
                        describe="none")
    assert u.assignments["cluster_id"].tolist() == [id_a, id_b]
    table = u.clusters.set_index("cluster_id")
    rows_a = np.vstack([X[(a == id_a).to_numpy()], new_X[:1]])
    assert table.loc[id_a, "size"] == len(rows_a)
    assert table.loc[id_a, "cohesion"] == pytest.approx(brute_cohesion(rows_a), abs=1e-3)
    assert u.state.settings["split"] == SplitRule().to_setting()


def test_state_saved_before_splitting_still_updates(tmp_path):
    X, _ = chained()
    r = find_clusters(chained_frame(X), resident_column="resident", embeddings=X,
                      split=False, describe="none")
    r.state.save(tmp_path / "state")
    meta = json.loads((tmp_path / "state" / "state.json").read_text("utf-8"))
    del meta["settings"]["split"]  # as an earlier version saved it
    (tmp_path / "state" / "state.json").write_text(json.dumps(meta), "utf-8")
    new = pd.DataFrame({"text": ["one more"], "resident": ["N1"]})
    u = update_clusters(tmp_path / "state", new, resident_column="resident", embeddings=X[:1],
                        describe="none")
    assert u.assignments["cluster_id"].tolist() == [r.assignments["cluster_id"].iloc[0]]
    assert u.clusters["confidence"].tolist() == ["low"]
