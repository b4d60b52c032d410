"""Shared words count towards two complaints being neighbours (cluster_words rule)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_themes.cluster import find_clusters
from complaint_themes.cluster_split import threshold_clusters
from complaint_themes.cluster_words import (
    WORD_MAX_BONUS,
    WORD_TYPICAL,
    WORD_WEIGHT,
    blended_graph,
    word_vectors,
)


def pair(cos: float) -> np.ndarray:
    """Two unit vectors with cosine ``cos``."""
    return np.array([[1.0, 0.0], [cos, np.sqrt(1 - cos**2)]], dtype=np.float32)


def test_pair_without_shared_words_needs_more_embedding_similarity():
    words = word_vectors(["paramedics were kind and caring", "ambulance took three hours"])
    needed = 0.6 + WORD_WEIGHT * WORD_TYPICAL  # no shared word: word similarity 0
    assert blended_graph(pair(needed - 0.02), words, 0.6).nnz == 0
    assert blended_graph(pair(needed + 0.02), words, 0.6).nnz == 2
    assert blended_graph(pair(0.62), None, 0.6).nnz == 2  # embedding alone: neighbours


def test_shared_words_lower_the_bar_by_at_most_the_cap():
    words = word_vectors(["bins not collected on time", "bins not collected on time again"])
    assert blended_graph(pair(0.6 - WORD_MAX_BONUS + 0.01), words, 0.6).nnz == 2
    assert blended_graph(pair(0.6 - WORD_MAX_BONUS - 0.02), words, 0.6).nnz == 0


def test_texts_without_words_do_not_fail():
    assert word_vectors(["12 34", "!!"]).shape[0] == 2


def test_same_setting_different_problem_is_not_clustered_with_words():
    """Six complaints per problem, every pair of embeddings 0.64 similar (one setting); the
    words tell the two problems apart, so with words there are two clusters, without one."""
    X = np.hstack([np.full((12, 1), 0.8), 0.6 * np.eye(12)]).astype(np.float32)
    texts = [f"paramedics rude unhelpful visit {i}" for i in "abcdef"] + \
            [f"ambulance late waited hours call {i}" for i in "abcdef"]
    sims = X @ X.T
    assert np.allclose(sims[np.triu_indices(12, 1)], 0.64)
    plain = threshold_clusters(X, 0.6, split=False)
    assert len(set(plain)) == 1
    mixed = threshold_clusters(X, 0.6, split=False, words=word_vectors(texts))
    assert set(mixed[:6]).isdisjoint(set(mixed[6:]))
    df = pd.DataFrame({"text": texts})
    on = find_clusters(df, embeddings=X, min_residents=3, describe="none")
    off = find_clusters(df, embeddings=X, min_residents=3, describe="none", words=False)
    assert int(on.clusters["flagged"].sum()) == 2 and int(off.clusters["flagged"].sum()) == 1
    assert on.settings["words"] is True
