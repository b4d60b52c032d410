"""Saved cluster state and assigning new complaints to earlier clusters with stable ids."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from test_cluster import frame, topic_vectors

from complaint_themes.cluster import find_clusters
from complaint_themes.cluster_state import ClusterState
from complaint_themes.cluster_update import update_clusters
from complaint_themes.errors import ComplaintThemesError, ModelError


def first_run(tmp_path):
    topics = [0, 0, 0, 1, 1, 2]
    df = frame(topics, ["a", "b", "c", "d", "e", "f"],
               ["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04", "2025-01-05",
                "2025-01-06"])
    r = find_clusters(df, resident_column="resident", date_column="date",
                      embeddings=topic_vectors(topics, seed=1), describe="none")
    r.state.save(tmp_path / "state")
    return r


def second_batch(topics, residents, dates, seed=2):
    return frame(topics, residents, dates), topic_vectors(topics, seed=seed)


def test_new_complaints_join_earlier_clusters_with_the_same_ids(tmp_path):
    before = first_run(tmp_path)
    old = before.assignments.set_index("resident")["cluster_id"]
    df, X = second_batch([0, 0, 0, 1], ["a", "x", "y", "z"],
                         ["2025-01-10", "2025-01-11", "2025-01-12", "2025-01-13"])
    r = update_clusters(tmp_path / "state", df, resident_column="resident", date_column="date",
                        embeddings=X, describe="none")
    assert r.assignments["cluster_id"].tolist() == [old["a"]] * 3 + [old["d"]]
    t = r.clusters.set_index("cluster_id")
    # resident a complained before: only x and y are new residents of that cluster
    assert t.loc[old["a"], ["size", "residents", "new_complaints", "new_residents",
                            "new_cluster"]].tolist() == [6, 5, 3, 2, False]
    assert t.loc[old["d"], ["residents", "new_residents", "flagged"]].tolist() == [3, 1, True]
    assert "2 more residents joined" in r.summary()


def test_leftover_complaints_form_new_clusters_with_pending_ones(tmp_path):
    first_run(tmp_path)
    state = ClusterState.load(tmp_path / "state")
    assert state.next_id == 3  # C0001, C0002 used; topic 2 is pending (unclustered)
    df, X = second_batch([2, 2, 3], ["p", "q", "r"], ["2025-02-01", "2025-02-02", "2025-02-03"])
    r = update_clusters(state, df, resident_column="resident", date_column="date",
                        embeddings=X, describe="none")
    assert r.assignments["cluster_id"].tolist() == ["C0003", "C0003", None]
    t = r.clusters.set_index("cluster_id")
    assert t.loc["C0003", ["size", "residents", "new_residents", "new_cluster", "flagged"]
                 ].tolist() == [3, 3, 3, True, True]
    assert r.state.next_id == 4


def test_update_is_saved_and_reloaded(tmp_path):
    first_run(tmp_path)
    df, X = second_batch([0], ["n"], ["2025-03-01"])
    r = update_clusters(tmp_path / "state", df, resident_column="resident", date_column="date",
                        embeddings=X, describe="none")
    r.state.save(tmp_path / "state2")
    again = ClusterState.load(tmp_path / "state2")
    assert again.cluster_ids == r.state.cluster_ids
    np.testing.assert_allclose(again.centroid_sums, r.state.centroid_sums)
    assert len(again.members) == len(r.state.members) == 6
    assert again.as_of == "2025-03-01"


def test_state_holds_no_resident_ids_or_texts(tmp_path):
    first_run(tmp_path)
    raw = (tmp_path / "state" / "state.json").read_text()
    assert '"a"' not in raw and "complaint 0" not in raw
    assert json.loads(raw)["format_version"] == 1


def test_other_encoder_is_refused(tmp_path, encoder):
    first_run(tmp_path)
    state = ClusterState.load(tmp_path / "state")
    state.settings["encoder"] = "all-MiniLM-L6-v2"
    df = pd.DataFrame({"text": ["a new complaint"], "date": ["2025-02-01"]})
    with pytest.raises(ComplaintThemesError, match=(
            "the saved clusters were made with encoder 'all-MiniLM-L6-v2' but these complaints "
            "were embedded with 'counting-test'; use the same encoder")):
        update_clusters(state, df, date_column="date", encoder=encoder, cache=False)


def test_missing_or_other_version_state(tmp_path):
    with pytest.raises(ModelError, match="is not a saved cluster state"):
        ClusterState.load(tmp_path)
    first_run(tmp_path)
    meta = json.loads((tmp_path / "state" / "state.json").read_text())
    meta["format_version"] = 99
    (tmp_path / "state" / "state.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="has cluster state format 99; this version of "
                                         "complaint_themes reads format 1"):
        ClusterState.load(tmp_path / "state")


def test_dated_state_needs_a_date_column(tmp_path):
    first_run(tmp_path)
    df, X = second_batch([0], ["n"], ["2025-03-01"])
    with pytest.raises(ComplaintThemesError, match="the earlier run had a date column"):
        update_clusters(tmp_path / "state", df, embeddings=X)
