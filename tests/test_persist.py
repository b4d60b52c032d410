"""Model folders: round trip, and refusal of wrong, tampered or unsafe folders."""

from __future__ import annotations

import json

import numpy as np
import pytest
import skops.io as sio

from complaint_themes import load_model
from complaint_themes.errors import ModelError
from complaint_themes.persist import FORMAT_VERSION, _sha256, default_model_dir


def test_round_trip_gives_the_same_predictions(model_dir, texts, themes):
    from complaint_themes import ThemeClassifier

    original = ThemeClassifier(encoder="hashing", cache=False).fit(texts, themes)
    loaded = load_model(model_dir)
    np.testing.assert_allclose(loaded.predict_proba(texts), original.predict_proba(texts))
    assert list(loaded.classes_) == sorted(set(themes))
    meta = json.loads((model_dir / "meta.json").read_text())
    assert meta["format_version"] == FORMAT_VERSION and meta["encoder"] == "hashing"
    assert [t["id"] for t in meta["taxonomy"]["themes"]][0] == "service_standard"
    card = (model_dir / "MODEL_CARD.md").read_text()
    assert "## Themes" in card and "| held_out | 3 | 0.500 |" in card


def test_saving_replaces_the_folder_whole(model_dir, texts, themes):
    from complaint_themes import ThemeClassifier, save_model

    (model_dir / "stale.txt").write_text("old")
    model = ThemeClassifier(encoder="hashing", cache=False).fit(texts, themes)
    save_model(model, model_dir)
    assert sorted(p.name for p in model_dir.iterdir()) == ["MODEL_CARD.md", "head.skops",
                                                           "meta.json"]


def test_missing_folder_and_meta(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        load_model(tmp_path / "nope")
    with pytest.raises(ModelError, match="meta.json is missing"):
        load_model(tmp_path)


def test_other_format_version_names_both(model_dir):
    meta = json.loads((model_dir / "meta.json").read_text())
    meta["format_version"] = 99
    (model_dir / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="format version 99; .* reads format version 1"):
        load_model(model_dir)


def test_tampered_head_is_refused(model_dir):
    (model_dir / "head.skops").write_bytes((model_dir / "head.skops").read_bytes() + b"x")
    with pytest.raises(ModelError, match="does not match the checksum"):
        load_model(model_dir)


class Payload:
    """Stands for an object an attacker would smuggle into a model folder."""


def test_unknown_types_are_never_loaded(model_dir):
    head = model_dir / "head.skops"
    sio.dump({"head": Payload()}, head)
    meta = json.loads((model_dir / "meta.json").read_text())
    meta["head_sha256"] = _sha256(head)  # a careful attacker also fixes the checksum
    (model_dir / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="contains types this library does not load: "
                                         "test_persist.Payload"):
        load_model(model_dir)


def test_class_prior_survives_the_round_trip(tmp_path, texts, themes):
    from complaint_themes import ThemeClassifier, save_model

    prior = {"communication": 0.2, "failure_to_provide": 0.5, "staff_attitude": 0.3}
    model = ThemeClassifier(encoder="hashing", cache=False, class_prior=prior).fit(texts, themes)
    loaded = load_model(save_model(model, tmp_path / "m"))
    assert loaded.class_prior == prior
    np.testing.assert_allclose(loaded.predict_proba(texts), model.predict_proba(texts))


@pytest.fixture
def words_model_dir(tmp_path, texts, themes):
    from complaint_themes import ThemeClassifier, save_model

    model = ThemeClassifier(encoder="hashing", cache=False, text_features="tfidf")
    return save_model(model.fit(texts, themes), tmp_path / "words-model")


def test_word_features_survive_the_round_trip(words_model_dir, texts, themes):
    from complaint_themes import ThemeClassifier

    original = ThemeClassifier(encoder="hashing", cache=False, text_features="tfidf")
    original.fit(texts, themes)
    loaded = load_model(words_model_dir)
    assert loaded.text_features == "tfidf"
    words = json.loads((words_model_dir / "words.json").read_text())
    assert "officer" in words["terms"] and len(words["terms"]) == len(words["idf"])
    np.testing.assert_allclose(loaded.predict_proba(texts), original.predict_proba(texts))


def test_tampered_or_malformed_word_features_are_refused(words_model_dir):
    words = words_model_dir / "words.json"
    words.write_text(words.read_text().replace("officer", "0fficer"))
    with pytest.raises(ModelError, match="words.json does not match the checksum"):
        load_model(words_model_dir)
    words.write_text(json.dumps({"terms": ["a", "b"], "idf": [1.0]}))
    meta = json.loads((words_model_dir / "meta.json").read_text())
    meta["words_sha256"] = _sha256(words)  # a careful attacker also fixes the checksum
    (words_model_dir / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="words.json is not a valid word-features file: "
                                         "word features must hold lists"):
        load_model(words_model_dir)


def test_saved_folder_has_normal_permissions(model_dir):
    import os
    import stat

    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(model_dir.stat().st_mode) == 0o777 & ~mask


def test_speed_modes_are_checked(model_dir):
    with pytest.raises(ModelError, match=r"speed must be one of \['accurate', 'int8', 'fast'\]"):
        load_model(model_dir, speed="turbo")
    with pytest.raises(ModelError, match="speed 'int8' quantises the bundled encoder "
                                         "'all-MiniLM-L6-v2'; .* uses 'hashing'"):
        load_model(model_dir, speed="int8")
    with pytest.raises(ModelError, match="speed 'fast' uses the bundled fast model"):
        load_model(model_dir, speed="fast")


def test_int8_loads_the_int8_model_and_a_given_folder_keeps_its_head():
    bundled = load_model(speed="int8")  # the encoder loads only when used
    assert bundled.encoder == "all-MiniLM-L6-v2:int8"
    assert bundled.meta_["encoder"] == "all-MiniLM-L6-v2:int8"  # head fitted on int8 vectors
    given = load_model(default_model_dir(), speed="int8")
    assert given.encoder == "all-MiniLM-L6-v2:int8"
    assert given.meta_["encoder"] == "all-MiniLM-L6-v2"  # its own fp32-trained head
    assert list(bundled.classes_) == list(given.classes_) == list(load_model().classes_)
