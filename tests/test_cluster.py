"""find_clusters: residents vs repeats, windows, ids, themes, assignments, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from complaint_themes.cluster import find_clusters
from complaint_themes.cluster_graph import leader_clusters, neighbour_graph
from complaint_themes.errors import ComplaintThemesError, InputError


def topic_vectors(topics: list[int], d: int = 32, seed: int = 0, noise: float = 0.15):
    """One unit vector per row near the direction of its topic (cosine ~0.98 within a topic)."""
    rng = np.random.default_rng(seed)
    centres = np.eye(d, dtype=np.float32)
    x = centres[topics] + noise / np.sqrt(d) * rng.standard_normal((len(topics), d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def frame(topics, residents=None, dates=None, services=None):
    df = pd.DataFrame({"text": [f"complaint {i} about topic {t}" for i, t in enumerate(topics)]})
    if residents is not None:
        df["resident"] = residents
    if dates is not None:
        df["date"] = dates
    if services is not None:
        df["service"] = services
    return df


def clusters_by_topic(result, topics):
    a = result.assignments["cluster_id"].tolist()
    return {t: {c for c, tt in zip(a, topics, strict=True) if tt == t} for t in set(topics)}


def test_different_residents_flagged_one_resident_is_a_repeat():
    topics = [0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 3]
    residents = ["a", "b", "c", "d", "e", "e", "e", "e", "e", "f", "g", "f", "h"]
    df = frame(topics, residents)
    r = find_clusters(df, resident_column="resident", embeddings=topic_vectors(topics))
    table = r.clusters.set_index("cluster_id")
    ids = clusters_by_topic(r, topics)
    (c0,), (c1,), (c2,) = ids[0], ids[1], ids[2]
    cols = ["size", "residents", "flagged", "status"]
    assert table.loc[c0, cols].tolist() == [4, 4, True, "flagged"]
    assert table.loc[c1, cols].tolist() == [5, 1, False, "repeat"]
    assert table.loc[c2, ["residents", "repeat_residents", "status"]].tolist() == [2, 1, "watch"]
    assert ids[3] == {None}
    assert r.clusters["flagged"].tolist()[0] is True or r.clusters["flagged"].iloc[0]
    assert r.assignments["cluster_flagged"].tolist() == [t == 0 for t in topics]


def test_without_resident_column_each_row_is_a_resident():
    topics = [1, 1, 1, 1, 1]
    r = find_clusters(frame(topics), embeddings=topic_vectors(topics))
    assert r.clusters[["size", "residents", "flagged"]].values.tolist() == [[5, 5, True]]


def test_blank_resident_id_counts_as_its_own_resident():
    topics = [1, 1, 1]
    r = find_clusters(frame(topics, ["a", "", None]), resident_column="resident",
                      embeddings=topic_vectors(topics))
    assert r.clusters["residents"].tolist() == [3]


@pytest.mark.parametrize("min_residents, flagged", [(3, True), (4, True), (5, False)])
def test_min_residents(min_residents, flagged):
    topics = [0] * 4
    r = find_clusters(frame(topics, list("abcd")), resident_column="resident",
                      embeddings=topic_vectors(topics), min_residents=min_residents)
    assert r.clusters["flagged"].tolist() == [flagged]


def test_residents_must_fall_inside_one_window():
    topics = [0, 0, 0, 1, 1, 1]
    dates = ["2025-01-01", "2025-04-15", "2025-08-01",      # 3 residents, >90 days apart
             "2025-07-01", "2025-07-20", "2025-08-01"]     # 3 residents inside 90 days
    r = find_clusters(frame(topics, list("abcdef"), dates), resident_column="resident",
                      date_column="date", embeddings=topic_vectors(topics))
    t = r.clusters.set_index("cluster_id")
    ids = clusters_by_topic(r, topics)
    spread, (tight,) = ids[0].pop(), ids[1]
    assert t.loc[spread, ["flagged", "status", "peak_window_residents"]].tolist() == [
        False, "watch", 1]
    assert t.loc[tight, ["flagged", "first_date", "last_date"]].tolist() == [
        True, "2025-07-01", "2025-08-01"]
    wide = find_clusters(frame(topics, list("abcdef"), dates), resident_column="resident",
                         date_column="date", embeddings=topic_vectors(topics), window_days=250)
    assert wide.clusters["flagged"].tolist() == [True, True]


def test_emerging_means_more_residents_in_the_latest_window_than_before():
    topics = [0] * 3 + [1] * 7
    dates = (["2025-05-01", "2025-05-10", "2025-05-20"]                    # new problem
             + ["2025-01-25", "2025-03-01", "2025-02-01", "2025-02-10",    # previous window: 4
                "2025-04-01", "2025-04-20", "2025-05-15"])                # latest window: 3 < 4
    r = find_clusters(frame(topics, [f"r{i}" for i in range(10)], dates),
                      resident_column="resident", date_column="date",
                      embeddings=topic_vectors(topics), window_days=60)
    t = r.clusters.set_index("cluster_id")
    (new,), (old,) = clusters_by_topic(r, topics)[0], clusters_by_topic(r, topics)[1]
    assert t.loc[new, ["emerging", "window_residents", "previous_window_residents", "growth"]
                 ].tolist() == [True, 3, 0, 3]
    assert t.loc[old, ["flagged", "emerging", "window_residents", "previous_window_residents"]
                 ].tolist() == [True, False, 3, 4]
    assert r.clusters["cluster_id"].iloc[0] == new  # emerging first among flagged


def test_same_input_same_clusters_and_ids_numbered_by_first_date():
    topics = [2, 0, 1, 0, 2, 1, 0, 2, 1]
    dates = ["2025-03-01", "2025-01-05", "2025-02-01", "2025-01-06", "2025-03-02",
             "2025-02-03", "2025-01-07", "2025-03-03", "2025-02-04"]
    df = frame(topics, [f"r{i}" for i in range(9)], dates)
    X = topic_vectors(topics)
    a = find_clusters(df, resident_column="resident", date_column="date", embeddings=X)
    b = find_clusters(df, resident_column="resident", date_column="date", embeddings=X)
    pd.testing.assert_frame_equal(a.clusters, b.clusters)
    pd.testing.assert_frame_equal(a.assignments, b.assignments)
    ids = clusters_by_topic(a, topics)
    assert (ids[0], ids[1], ids[2]) == ({"C0001"}, {"C0002"}, {"C0003"})


def test_assignments_keep_every_row_and_column_blank_text_unclustered():
    topics = [0, 0, 0, 0]
    df = frame(topics, list("abcd"))
    df["ref"] = ["x1", "x2", "x3", "x4"]
    df.loc[2, "text"] = "  "
    r = find_clusters(df, resident_column="resident", embeddings=topic_vectors(topics))
    out = r.assignments
    assert list(out.columns) == ["text", "resident", "ref", "cluster_id", "cluster_flagged"]
    assert out["ref"].tolist() == ["x1", "x2", "x3", "x4"]
    assert out["cluster_id"].isna().tolist() == [False, False, True, False]
    assert r.clusters["size"].tolist() == [3]


def test_themes_give_dominant_theme_and_mix():
    topics = [0, 0, 0, 0]
    themes = ["repairs", "repairs", "communication", "repairs"]
    r = find_clusters(frame(topics, list("abcd")), resident_column="resident",
                      embeddings=topic_vectors(topics), themes=themes, describe="none")
    assert r.clusters["dominant_theme"].tolist() == ["repairs"]
    assert r.details["C0001"]["theme_mix"] == {"repairs": 0.75, "communication": 0.25}


def test_themes_from_a_model(model_dir, texts):
    from complaint_themes import load_model

    df = pd.DataFrame({"text": [texts[0]] * 2 + [texts[0] + " again"] * 2})
    r = find_clusters(df, model=load_model(model_dir), describe="none")
    assert r.clusters["dominant_theme"].tolist() == ["failure_to_provide"]


def test_similar_texts_cluster_with_a_fake_encoder(encoder):
    df = pd.DataFrame({"text": [
        "black mould in the bathroom of my flat at Ashdown Court",
        "there is black mould in the bathroom at Ashdown Court",
        "Ashdown Court flat has black mould in the bathroom",
        "my council tax bill is wrong",
    ]})
    r = find_clusters(df, encoder=encoder, similarity=0.5, cache=False)
    assert r.assignments["cluster_id"].tolist() == ["C0001", "C0001", "C0001", None]
    assert "black mould" in r.details["C0001"]["key_phrases"]
    assert len(r.details["C0001"]["examples"]) == 3


def test_leader_rule_every_founding_member_is_similar_to_the_centre():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((400, 16)).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    graph = neighbour_graph(X, 0.5)
    labels = leader_clusters(X, graph, 0.5)
    dense = X @ X.T
    for lab in range(labels.max() + 1):
        idx = np.flatnonzero(labels == lab)
        assert len(idx) >= 2
        centre = idx[np.argmax([(dense[i, idx] >= 0.5).sum() for i in idx])]
        centroid = X[idx].sum(0) / np.linalg.norm(X[idx].sum(0))
        assert all(dense[centre, j] >= 0.5 or X[j] @ centroid >= 0.5 - 1e-6 for j in idx)


def test_bucketed_neighbours_match_exact_on_separated_groups():
    topics = [i % 40 for i in range(1200)]
    X = topic_vectors(topics, d=64, noise=0.6)
    exact = neighbour_graph(X, 0.6, exact_limit=10_000)
    bucketed = neighbour_graph(X, 0.6, exact_limit=0, bucket_size=30)
    assert exact.nnz > 0
    assert ((exact > 0) != (bucketed > 0)).nnz == 0
    np.testing.assert_allclose(exact.toarray(), bucketed.toarray(), atol=1e-5)


@pytest.mark.parametrize("kwargs, message", [
    ({"min_residents": 1}, "min_residents must be a whole number of at least 2, got 1"),
    ({"window_days": 0}, "window_days must be a whole number >= 1, got 0"),
    ({"similarity": 1.5}, r"similarity must be a cosine similarity in \(0, 1\], got 1.5"),
    ({"describe": "some"}, "describe must be 'flagged', 'all' or 'none', got 'some'"),
])
def test_bad_settings(kwargs, message):
    with pytest.raises(ComplaintThemesError, match=message):
        find_clusters(frame([0, 0]), embeddings=topic_vectors([0, 0]), **kwargs)


def test_bad_date_names_row_and_fix():
    df = frame([0, 0, 0], list("abc"), ["2025-01-01", "soon", "02/01/2025"])
    with pytest.raises(InputError, match=(
            r"column 'date' of the input, row 3 \(the header is row 1\): 'soon' is not a date; "
            r"write dates like 2025-03-01 or 01/03/2025")):
        find_clusters(df, date_column="date", embeddings=topic_vectors([0, 0, 0]))


def test_missing_resident_column_names_option():
    with pytest.raises(InputError, match=r"column 'who' not found in the input; available: "
                                         r"text \(use --resident-column\)"):
        find_clusters(frame([0, 0]), resident_column="who", embeddings=topic_vectors([0, 0]))


def test_uk_day_first_and_iso_dates():
    df = frame([0, 0, 0], list("abc"), ["01/03/2025", "2025-03-02", "3 March 2025"])
    r = find_clusters(df, date_column="date", embeddings=topic_vectors([0, 0, 0]))
    assert r.clusters[["first_date", "last_date"]].values.tolist() == [["2025-03-01",
                                                                       "2025-03-03"]]
