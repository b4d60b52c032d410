"""Model folders from elsewhere are untrusted input: refuse what is wrong, never run its code.

Each attack below edits a saved folder the way an attacker who can write every file would,
including fixing the SHA-256 in meta.json, and checks that :func:`load_model` raises
:class:`ModelError` and that no code from the folder ran (a marker file the payload would
create does not exist). Each payload is first shown to be live: loaded the unsafe way it does
create the marker, so the "not created" assertions can fail.

The last tests cover gaps found this way and closed in ``persist.py``: a function under a
trusted module prefix (types are now allowed by exact name), a head that is no classifier,
word features that do not fit the head or hold NaN, a taxonomy that does not define every
class, and multi-label classes that do not match the head.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import re
import zipfile
from pathlib import Path

import pytest
import skops.io as sio

from complaint_themes import load_model
from complaint_themes.errors import ModelError
from complaint_themes.persist import WORDS_FILE

CHECKSUM_KEY = {"head.skops": "head_sha256", WORDS_FILE: "words_sha256"}
MODEL_FILES = list(CHECKSUM_KEY)
REFUSAL = {  # how load_model refuses a file that is not what it should be
    "head.skops": "is not a readable skops file",
    WORDS_FILE: "is not a valid word-features file",
}


class Marker:
    """A payload: creating its marker file stands for any code an attacker would run.

    ``__reduce__`` runs it under pickle, ``__setstate__`` under any loader that rebuilds the
    object from its state (skops' ObjectNode calls ``__setstate__``).
    """

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (Path(self.path).write_text, ("code from the model folder ran",))

    def __setstate__(self, state: dict) -> None:
        Path(state["path"]).write_text("code from the model folder ran")


def _meta(folder: Path) -> dict:
    return json.loads((folder / "meta.json").read_text(encoding="utf-8"))


def _write_meta(folder: Path, meta: dict) -> None:
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def _replace(folder: Path, name: str, data: bytes) -> None:
    """Put ``data`` in place of ``name`` and fix its checksum, as a careful attacker would."""
    (folder / name).write_bytes(data)
    meta = _meta(folder)
    meta[CHECKSUM_KEY[name]] = hashlib.sha256(data).hexdigest()
    _write_meta(folder, meta)


def _skops_bytes(schema: dict) -> bytes:
    """A skops file (a zip holding schema.json) with a hand-written schema."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("schema.json", json.dumps(schema))
    return buffer.getvalue()


@pytest.fixture
def words_dir(tmp_path, texts, themes):
    """A saved model with TF-IDF word features, so it holds head.skops and words.json."""
    from complaint_themes import ThemeClassifier, save_model

    model = ThemeClassifier(encoder="hashing", cache=False, text_features="tfidf")
    return save_model(model.fit(texts, themes), tmp_path / "words-model")


@pytest.fixture
def marker(tmp_path) -> Path:
    return tmp_path / "payload-ran.txt"


def test_the_untouched_folders_load(model_dir, words_dir, texts):
    """Control: the refusals below come from the edits, not from broken fixtures."""
    assert load_model(model_dir).predict(texts[:2]).shape == (2,)
    assert load_model(words_dir).predict(texts[:2]).shape == (2,)


# --- tampering without fixing the checksum --------------------------------------------------

TAMPERINGS = {
    "one byte appended": lambda b: b + b"x",
    "one byte flipped": lambda b: b[:100] + bytes([b[100] ^ 1]) + b[101:],
    "truncated": lambda b: b[: len(b) // 2],
    "emptied": lambda b: b"",
}


@pytest.mark.parametrize("name", MODEL_FILES)
@pytest.mark.parametrize("how", list(TAMPERINGS))
def test_a_changed_file_fails_its_checksum(words_dir, name, how):
    path = words_dir / name
    path.write_bytes(TAMPERINGS[how](path.read_bytes()))
    with pytest.raises(ModelError, match=f"{name} does not match the checksum in meta.json"):
        load_model(words_dir)


@pytest.mark.parametrize("name", MODEL_FILES)
def test_a_missing_file_is_named(words_dir, name):
    (words_dir / name).unlink()
    with pytest.raises(ModelError, match=f"not a complete model folder: {name} is missing"):
        load_model(words_dir)


def test_word_features_without_a_checksum_are_refused(words_dir):
    meta = _meta(words_dir)
    meta["words_sha256"] = None  # claims text_features but drops the checksum
    _write_meta(words_dir, meta)
    with pytest.raises(ModelError, match=f"{WORDS_FILE} does not match the checksum"):
        load_model(words_dir)


# --- pickles smuggled in with the checksum fixed -------------------------------------------


def test_the_pickle_payload_is_live(marker):
    pickle.loads(pickle.dumps(Marker(str(marker))))
    assert marker.exists()


def _joblib_bytes(obj: object) -> bytes:
    import joblib

    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    return buffer.getvalue()


def _zipped_pickle(obj: object) -> bytes:
    """A zip that looks like a skops file but carries a pickle instead of schema.json."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.pkl", pickle.dumps(obj))
    return buffer.getvalue()


SMUGGLERS = {
    "pickle": pickle.dumps,
    "pickle-protocol-0": lambda obj: pickle.dumps(obj, protocol=0),
    "joblib": _joblib_bytes,
    "zipped-pickle": _zipped_pickle,
}


@pytest.mark.parametrize("name", MODEL_FILES)
@pytest.mark.parametrize("smuggle", list(SMUGGLERS))
def test_a_pickle_in_place_of_a_model_file_is_refused_unrun(words_dir, marker, name, smuggle):
    _replace(words_dir, name, SMUGGLERS[smuggle](Marker(str(marker))))
    with pytest.raises(ModelError, match=f"{name} {REFUSAL[name]}"):
        load_model(words_dir)
    assert not marker.exists()


# --- skops files holding objects that would run code ---------------------------------------


def test_the_skops_payload_is_live(tmp_path, marker):
    path = tmp_path / "payload.skops"
    sio.dump({"head": Marker(str(marker))}, path)
    assert not marker.exists()  # dumping runs nothing
    sio.load(path, trusted=sio.get_untrusted_types(file=path))  # what a careless loader does
    assert marker.exists()


def _skops_payload(marker: Path) -> bytes:
    buffer = io.BytesIO()
    sio.dump({"vocabulary_": Marker(str(marker))}, buffer)
    return buffer.getvalue()


def test_a_skops_file_with_an_unknown_type_is_refused_unrun(words_dir, marker):
    _replace(words_dir, "head.skops", _skops_payload(marker))
    with pytest.raises(ModelError, match="head.skops contains types this library does not "
                                         "load: test_untrusted_models.Marker"):
        load_model(words_dir)
    assert not marker.exists()


def test_a_skops_file_in_place_of_the_word_features_is_refused_unrun(words_dir, marker):
    _replace(words_dir, WORDS_FILE, _skops_payload(marker))
    with pytest.raises(ModelError, match=f"{WORDS_FILE} {REFUSAL[WORDS_FILE]}"):
        load_model(words_dir)
    assert not marker.exists()


def test_a_hand_written_schema_naming_a_builtin_callable_is_refused_unrun(words_dir, marker):
    """The schema asks skops to call ``builtins.exec`` with the attacker's source."""
    source = f"open({str(marker)!r}, 'w').write('ran')"
    schema = {
        "__class__": "exec", "__module__": "builtins", "__loader__": "ConstructorFromReduceNode",
        "content": {"__class__": "tuple", "__module__": "builtins", "__loader__": "TupleNode",
                    "content": [{"__class__": "str", "__module__": "builtins",
                                 "__loader__": "JsonNode", "content": json.dumps(source),
                                 "is_json": True, "__id__": 2}],
                    "__id__": 3},
        "__id__": 1, "protocol": 2, "_skops_version": "0.16.0",
    }
    _replace(words_dir, "head.skops", _skops_bytes(schema))
    with pytest.raises(ModelError, match="head.skops contains types this library does not "
                                         "load: builtins.exec"):
        load_model(words_dir)
    assert not marker.exists()


def _runstring_schema(marker: Path) -> dict:
    """A skops schema that calls ``numpy.testing._private.utils.runstring(source, {})``, an
    ``exec`` wrapper whose name starts with the trusted prefix ``numpy.``."""
    source = f"open({str(marker)!r}, 'w').write('ran')"
    return {
        "__class__": "runstring", "__module__": "numpy.testing._private.utils",
        "__loader__": "ConstructorFromReduceNode",
        "content": {"__class__": "tuple", "__module__": "builtins", "__loader__": "TupleNode",
                    "content": [
                        {"__class__": "str", "__module__": "builtins", "__loader__": "JsonNode",
                         "content": json.dumps(source), "is_json": True, "__id__": 2},
                        {"__class__": "dict", "__module__": "builtins", "__loader__": "DictNode",
                         "content": {}, "key_types": {"__class__": "list",
                                                      "__module__": "builtins",
                                                      "__loader__": "ListNode", "content": [],
                                                      "__id__": 4},
                         "__id__": 5},
                    ], "__id__": 3},
        "__id__": 1, "protocol": 2, "_skops_version": "0.16.0",
    }


def test_the_runstring_payload_is_live(tmp_path, marker):
    path = tmp_path / "payload.skops"
    path.write_bytes(_skops_bytes(_runstring_schema(marker)))
    sio.load(path, trusted=sio.get_untrusted_types(file=path))
    assert marker.exists()


def test_a_function_under_a_trusted_prefix_is_not_called(words_dir, marker):
    _replace(words_dir, "head.skops", _skops_bytes(_runstring_schema(marker)))
    try:
        with pytest.raises(ModelError, match="head.skops contains types this library does not "
                                             "load: numpy.testing._private.utils.runstring"):
            load_model(words_dir)
    finally:
        assert not marker.exists(), "code from the model folder ran during load_model"


def test_a_head_that_is_not_a_classifier_is_refused(model_dir):
    from sklearn.preprocessing import StandardScaler

    buffer = io.BytesIO()
    sio.dump(StandardScaler(), buffer)
    _replace(model_dir, "head.skops", buffer.getvalue())
    with pytest.raises(ModelError, match="head.skops"):
        load_model(model_dir)


def _words(folder: Path) -> dict:
    return json.loads((folder / WORDS_FILE).read_text(encoding="utf-8"))


def _put_words(folder: Path, data: object) -> None:
    _replace(folder, WORDS_FILE, json.dumps(data).encode("utf-8"))


@pytest.mark.parametrize("edit", [
    lambda w: [w],                                            # not an object
    lambda w: {**w, "idf": w["idf"][:-1]},                    # one weight short
    lambda w: {**w, "terms": {t: i for i, t in enumerate(w["terms"])}},  # not a list
    lambda w: {**w, "terms": [1, *w["terms"][1:]]},           # a number for a term
    lambda w: {**w, "idf": ["1.0", *w["idf"][1:]]},           # a string for a weight
    lambda w: {**w, "terms": [w["terms"][1], *w["terms"][1:]]},  # a term twice
    lambda w: {**w, "ngram_range": "ab"},
], ids=["list", "short-idf", "terms-dict", "number-term", "string-idf", "duplicate-term",
        "bad-ngram-range"])
def test_malformed_word_features_are_refused(words_dir, edit):
    _put_words(words_dir, edit(_words(words_dir)))
    with pytest.raises(ModelError, match=f"{WORDS_FILE} is not a valid word-features file"):
        load_model(words_dir)


def test_word_features_that_are_not_json_are_refused(words_dir):
    _replace(words_dir, WORDS_FILE, b"\xff\xfe not json")
    with pytest.raises(ModelError, match=f"{WORDS_FILE} is not a valid word-features file"):
        load_model(words_dir)


def test_word_features_of_another_size_than_the_head_are_refused(words_dir, texts):
    words = _words(words_dir)
    _put_words(words_dir, {**words, "terms": words["terms"][:-1], "idf": words["idf"][:-1]})
    with pytest.raises(ModelError, match=WORDS_FILE):
        load_model(words_dir).predict(texts[:1])


def test_word_features_with_nan_weights_are_refused(words_dir, texts):
    words = _words(words_dir)
    _replace(words_dir, WORDS_FILE,
             json.dumps({**words, "idf": [float("nan"), *words["idf"][1:]]}).encode())
    with pytest.raises(ModelError, match=WORDS_FILE):
        load_model(words_dir).predict(texts[:1])


# --- wrong format version ------------------------------------------------------------------


@pytest.mark.parametrize("version", [0, 2, 99, "1", None, [1]])
def test_another_format_version_is_refused(model_dir, version):
    meta = _meta(model_dir)
    meta["format_version"] = version
    _write_meta(model_dir, meta)
    found = re.escape(repr(version))
    with pytest.raises(ModelError, match=rf"has model format version {found}; .* reads "
                                         r"format version 1\. Retrain it"):
        load_model(model_dir)


def test_a_missing_format_version_is_refused(model_dir):
    meta = _meta(model_dir)
    del meta["format_version"]
    _write_meta(model_dir, meta)
    with pytest.raises(ModelError, match="has model format version None"):
        load_model(model_dir)


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", "\xff\xfe"])
def test_a_broken_meta_json_is_refused(model_dir, text):
    (model_dir / "meta.json").write_bytes(text.encode("latin-1"))
    with pytest.raises(ModelError, match="meta.json (is not valid JSON|must hold a JSON object)"):
        load_model(model_dir)


# --- classes and taxonomy that do not match the head ---------------------------------------


@pytest.mark.parametrize("edit", [
    lambda c: list(reversed(c)),                # same themes, other order: columns would swap
    lambda c: [*c[:-1], "housing_repairs"],     # one renamed
    lambda c: [*c, "housing_repairs"],          # one added
    lambda c: c[:-1],                           # one dropped
])
@pytest.mark.parametrize("folder", ["model_dir", "words_dir"])
def test_classes_that_do_not_match_the_head_are_refused(request, folder, edit):
    directory = request.getfixturevalue(folder)
    meta = _meta(directory)
    meta["classes"] = edit(meta["classes"])
    _write_meta(directory, meta)
    with pytest.raises(ModelError, match="classes in meta.json do not match head.skops"):
        load_model(directory)


@pytest.mark.parametrize("rename", ["communication", "staff_attitude"])
def test_a_taxonomy_that_does_not_define_every_class_is_refused(model_dir, rename):
    meta = _meta(model_dir)
    for theme in meta["taxonomy"]["themes"]:
        if theme["id"] == rename:
            theme["id"] = f"{rename}_v2"
    _write_meta(model_dir, meta)
    with pytest.raises(ModelError, match=f"{rename}"):
        load_model(model_dir)


def test_a_taxonomy_with_an_extra_unused_theme_still_loads(model_dir):
    """The fixture's taxonomy defines service_standard, which the model never learnt: fine."""
    meta = _meta(model_dir)
    assert set(meta["classes"]) < {t["id"] for t in meta["taxonomy"]["themes"]}
    assert list(load_model(model_dir).classes_) == meta["classes"]


@pytest.fixture
def multilabel_dir(tmp_path, texts, themes):
    from complaint_themes import ThemeClassifier, save_model

    labels = [[t] if i % 3 else [t, "communication"] for i, t in enumerate(themes)]
    model = ThemeClassifier(encoder="hashing", cache=False).fit(texts, labels)
    return save_model(model, tmp_path / "multilabel-model")


def test_multilabel_classes_that_do_not_match_the_head_are_refused(multilabel_dir, texts):
    assert load_model(multilabel_dir).predict_themes(texts[:2]).shape[0] == 2  # control
    meta = _meta(multilabel_dir)
    meta["classes"] = [*meta["classes"], "housing_repairs"]
    _write_meta(multilabel_dir, meta)
    with pytest.raises(ModelError, match="classes in meta.json do not match head.skops"):
        load_model(multilabel_dir)
