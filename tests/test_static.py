"""The fast encoder: minilm-static (model2vec static embeddings of all-MiniLM-L6-v2), offline."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import TEXTS, THEMES

from complaint_themes import ThemeClassifier
from complaint_themes.embed import (
    STATIC_ENCODER,
    EmbeddingCache,
    StaticEncoder,
    bundled_dir,
    embed,
    load_encoder,
)
from complaint_themes.errors import ComplaintThemesError
from complaint_themes.persist import FAST_MODEL_NAME, default_model_dir, load_model

FOLDER = bundled_dir(STATIC_ENCODER)
needs_static = pytest.mark.skipif(
    not (FOLDER / "model.safetensors").is_file(),
    reason=f"{FOLDER} is not built: run python training/build_static.py",
)
needs_fast_model = pytest.mark.skipif(
    not (default_model_dir(FAST_MODEL_NAME) / "meta.json").is_file(),
    reason="models/council-themes-fast is not built: run python training/train_default.py "
           "--config training/configs/fast.toml --out models/council-themes-fast",
)


def test_missing_folder_names_the_build_command(tmp_path):
    with pytest.raises(ComplaintThemesError, match=r"no static model in .*"
                                                   r"build it with `python training/build_static"):
        StaticEncoder(tmp_path / "absent")


def test_unknown_name_lists_the_static_encoder():
    with pytest.raises(ComplaintThemesError, match="'minilm-static'"):
        load_encoder("minilm-fast")


@needs_static
def test_loads_offline_from_the_folder(no_network):
    encoder = StaticEncoder(FOLDER)  # a fresh load, not the per-process one
    vectors = encoder.encode(TEXTS)
    assert vectors.shape == (len(TEXTS), 256)
    assert vectors.dtype == np.float32


@needs_static
def test_is_registered_under_its_name(no_network):
    encoder = load_encoder(STATIC_ENCODER)
    assert isinstance(encoder, StaticEncoder)
    assert encoder.model_id.startswith("minilm-static@")
    assert load_encoder(STATIC_ENCODER) is encoder  # loaded once per process
    by_path = load_encoder(str(FOLDER))  # a model2vec folder is recognised by its config
    assert isinstance(by_path, StaticEncoder)
    np.testing.assert_array_equal(by_path.encode(TEXTS[:2]), encoder.encode(TEXTS[:2]))


@needs_static
def test_unit_length_and_deterministic():
    encoder = load_encoder(STATIC_ENCODER)
    first = encoder.encode(TEXTS)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(first, encoder.encode(TEXTS))
    np.testing.assert_array_equal(first, StaticEncoder(FOLDER).encode(TEXTS))
    # a text's vector does not depend on the batch it came in
    np.testing.assert_array_equal(first[3], encoder.encode([TEXTS[5], TEXTS[3]])[1])


@needs_static
def test_similar_complaints_are_closer():
    encoder = load_encoder(STATIC_ENCODER)
    bins, bins_again, rude = encoder.encode([
        "The bin men missed our road again and nothing was collected",
        "Our bins were not emptied this week, the collection never came",
        "The officer was rude and shouted at me on the phone",
    ])
    assert bins @ bins_again > bins @ rude


@needs_static
def test_long_text_is_read_to_the_end():
    encoder = load_encoder(STATIC_ENCODER)
    head = "The lift in our block is broken and my disabled mother is stuck upstairs. " * 40
    tail = "Also the council tax bill is wrong and charged me twice for March. " * 40
    assert len((head + tail).split()) > 1000  # far past MiniLM's 256 and model2vec's 512
    whole, only_head, only_tail = encoder.encode([head + tail, head, tail])
    assert whole @ only_tail > 0.6 and abs(whole @ only_head - whole @ only_tail) < 0.25


@needs_static
def test_text_without_tokens_gets_the_zero_vector():
    vectors = load_encoder(STATIC_ENCODER).encode(["", "The repair never happened"])
    assert not vectors[0].any()
    assert np.linalg.norm(vectors[1]) == pytest.approx(1, rel=1e-5)
    assert load_encoder(STATIC_ENCODER).encode([]).shape == (0, 256)


@needs_static
def test_cache_is_keyed_by_its_own_model_id(tmp_path):
    encoder = load_encoder(STATIC_ENCODER)
    vectors = embed(TEXTS[:3], STATIC_ENCODER, cache=tmp_path)
    cache = EmbeddingCache(tmp_path)
    stored = cache.get([EmbeddingCache.key(encoder.model_id, t) for t in TEXTS[:3]])
    assert len(stored) == 3
    np.testing.assert_array_equal(
        stored[EmbeddingCache.key(encoder.model_id, TEXTS[1])], vectors[1])
    assert not cache.get([EmbeddingCache.key("all-MiniLM-L6-v2", TEXTS[1])])


@needs_static
def test_default_cache_is_skipped_for_the_static_encoder(tmp_path, monkeypatch):
    # encoding is faster than the cache: only an explicit cache stores static embeddings
    monkeypatch.setenv("COMPLAINT_THEMES_CACHE", str(tmp_path / "default"))
    encoder = load_encoder(STATIC_ENCODER)
    embed(TEXTS[:3], STATIC_ENCODER)
    assert not EmbeddingCache(tmp_path / "default").get(
        [EmbeddingCache.key(encoder.model_id, t) for t in TEXTS[:3]])
    embed(TEXTS[:3], STATIC_ENCODER, cache=True)
    assert len(EmbeddingCache(tmp_path / "default").get(
        [EmbeddingCache.key(encoder.model_id, t) for t in TEXTS[:3]])) == 3


@needs_static
def test_theme_classifier_with_the_static_encoder(tmp_path, no_network):
    model = ThemeClassifier(encoder=STATIC_ENCODER, cache=tmp_path).fit(TEXTS, THEMES)
    probabilities = model.predict_proba(TEXTS)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-6)
    assert (model.predict(TEXTS) == np.asarray(THEMES)).mean() >= 0.8
    table = model.predict_themes(["Nobody came to collect the bulky waste I booked"])
    assert table["theme"].iloc[0] in set(THEMES)


@needs_fast_model
@needs_static
def test_bundled_fast_model_classifies_offline(no_network):
    model = load_model(speed="fast", cache=False)
    assert model.meta_["encoder"] == STATIC_ENCODER
    table = model.predict_themes([
        "Our green bin has not been emptied for three weeks, nobody came at all.",
        "I have emailed four times and rung twice and nobody has ever replied to me.",
        "The housing officer was rude, shouted at me and laughed at my situation.",
    ])
    assert table["theme"].tolist() == ["failure_to_provide", "communication", "staff_attitude"]
