"""The embedding cache: each text is encoded once per encoder, across calls and processes."""

from __future__ import annotations

import numpy as np
import pytest

from complaint_themes.embed import EmbeddingCache, embed, load_encoder
from complaint_themes.errors import ComplaintThemesError


def test_no_text_is_encoded_twice(tmp_path, encoder):
    cache = EmbeddingCache(tmp_path)
    first = embed(["a b", "c d", "a b"], encoder, cache=cache)
    assert encoder.seen == ["a b", "c d"]  # the duplicate is encoded once
    second = embed(["c d", "e f", "a b"], encoder, cache=EmbeddingCache(tmp_path))
    assert encoder.seen == ["a b", "c d", "e f"]  # only the new text
    np.testing.assert_array_equal(first[1], second[0])
    np.testing.assert_array_equal(first[0], second[2])


def test_cache_key_includes_the_encoder(tmp_path, encoder):
    cache = EmbeddingCache(tmp_path)
    embed(["same text"], encoder, cache=cache)
    other = type(encoder)()
    other.model_id = "another-model"
    embed(["same text"], other, cache=cache)
    assert other.seen == ["same text"]


def test_cache_false_always_encodes(encoder):
    embed(["x y"], encoder, cache=False)
    embed(["x y"], encoder, cache=False)
    assert encoder.seen == ["x y", "x y"]


def test_unknown_encoder_name():
    with pytest.raises(ComplaintThemesError, match="unknown encoder 'bert-huge'"):
        load_encoder("bert-huge")


def test_texts_are_encoded_longest_first_and_returned_in_input_order(encoder):
    texts = ["short one", "a much longer complaint about the bins " * 3, "mid length text here"]
    vectors = embed(texts, encoder, cache=False, batch_size=1)
    assert encoder.seen == [texts[1], texts[2], texts[0]]  # least padding per batch
    np.testing.assert_array_equal(vectors, type(encoder)().encode(texts))


def test_a_cheap_encoder_gets_large_calls_and_others_batch_size(encoder):
    from complaint_themes.embed import CHEAP_STEP

    sizes = []
    encode = encoder.encode
    encoder.encode = lambda batch: sizes.append(len(batch)) or encode(batch)
    texts = [f"complaint number {i}" for i in range(CHEAP_STEP + 10)]
    embed(texts, encoder, cache=False, batch_size=64)
    assert sizes == [64] * (len(texts) // 64) + [len(texts) % 64]
    sizes.clear()
    encoder.cheaper_than_cache = True  # as the static encoder is: each call costs milliseconds
    vectors = embed(texts, encoder, cache=False, batch_size=64)
    assert sizes == [CHEAP_STEP, 10]
    np.testing.assert_array_equal(vectors, type(encoder)().encode(texts))
