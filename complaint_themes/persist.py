"""Save and load model folders safely.

A model folder holds::

    head.skops     the fitted scikit-learn head, stored with skops (no pickle)
    words.json     the TF-IDF word features: terms and their weights, plain JSON (only models
                   with text_features="tfidf")
    meta.json      format version, encoder id, taxonomy, thresholds, training data hash,
                   metrics, library versions and the SHA-256 of head.skops and words.json
    MODEL_CARD.md  what it was trained on, how well it does, where not to use it

Loading never runs code from the folder: skops rebuilds only types on an allow-list
(scikit-learn, NumPy and this library's heads), and a file whose checksum differs from the one
in meta.json is refused. A folder from another council is untrusted input.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from .card import render_card
from .classify import ThemeClassifier
from .embed import DEFAULT_ENCODER, bundled_dir
from .errors import ComplaintThemesError, ModelError
from .heads import words_from_dict, words_to_dict
from .taxonomy import Taxonomy
from .write import current_umask

FORMAT_VERSION = 1
DEFAULT_MODEL_NAME = "council-themes-v1"
FAST_MODEL_NAME = "council-themes-fast"
INT8_MODEL_NAME = "council-themes-int8"
SPEEDS = ("accurate", "int8", "fast")
_TRUSTED_TYPES = frozenset({
    # beyond what skops trusts by default: exactly the types the heads of this library hold
    # (a prefix such as "numpy." would also admit functions that run code, e.g. runstring)
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._TemperatureScaling",
    "complaint_themes.heads.PrototypeClassifier",
    "complaint_themes.heads.SharedKernelSVC",
    "complaint_themes.heads.SplitVote",
})
WORDS_FILE = "words.json"


def default_model_dir(name: str = DEFAULT_MODEL_NAME) -> Path:
    """``$COMPLAINT_THEMES_MODEL`` if set (for the default model), else ``models/<name>`` of
    the checkout (editable install), else the copy a wheel installs under ``<prefix>/share``."""
    env = os.environ.get("COMPLAINT_THEMES_MODEL")
    if env and name == DEFAULT_MODEL_NAME:
        return Path(env)
    return bundled_dir(name)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for package in ("complaint-themes", "scikit-learn", "skops", "numpy", "sentence-transformers"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "not installed"
    return out


def save_model(
    model: ThemeClassifier,
    directory: str | Path,
    taxonomy: Taxonomy | None = None,
    metrics: dict[str, Any] | None = None,
    training: dict[str, Any] | None = None,
    card: str | None = None,
) -> Path:
    """Write ``model`` to ``directory`` (replaced as a whole; a failed save leaves the old one).

    Parameters
    ----------
    model : fitted ThemeClassifier whose encoder is a name or folder (not an object)
    taxonomy : the themes' definitions, stored for analysts and the model card
    metrics, training : free-form JSON-able records of how it was made and how well it does
    card : extra Markdown for MODEL_CARD.md (limitations, evaluation notes)
    """
    import skops.io as sio

    if not hasattr(model, "classifier_"):
        raise ModelError("save_model needs a fitted model; call fit() first")
    if not isinstance(model.encoder, str):
        raise ModelError(
            "only models whose encoder is a name or folder can be saved, "
            f"not a {type(model.encoder).__name__} object"
        )
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        sio.dump(model.classifier_, staging / "head.skops")
        words = model.text_features is not None
        if words:
            (staging / WORDS_FILE).write_text(json.dumps(words_to_dict(model.vectorizer_)),
                                              encoding="utf-8")
        meta = {
            "format_version": FORMAT_VERSION,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "encoder": model.encoder,
            "classes": [str(c) for c in model.classes_],
            "multilabel": bool(model.multilabel_),
            "review_threshold": float(model.review_threshold),
            "temperature": float(model.temperature),
            "secondary_threshold": float(model.secondary_threshold),
            "clean": bool(model.clean),
            "text_features": model.text_features,
            "class_prior": model.class_prior,
            "train_shares": (
                [float(s) for s in model.train_shares_] if model.class_prior is not None else None
            ),
            "label_thresholds": (
                None if model.label_thresholds is None
                else [float(t) for t in model.label_thresholds]
            ),
            "taxonomy": taxonomy.to_dict() if taxonomy is not None else None,
            "training": training or {},
            "metrics": metrics or {},
            "versions": _versions(),
            "head_sha256": _sha256(staging / "head.skops"),
            "words_sha256": _sha256(staging / WORDS_FILE) if words else None,
            "embedding_dim": (
                int(model.classifier_.n_features_in_) - len(model.vectorizer_.vocabulary_)
                if words else None
            ),
        }
        (staging / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        card_text = render_card(meta, notes=card or "")
        (staging / "MODEL_CARD.md").write_text(card_text, encoding="utf-8")
        os.chmod(staging, 0o777 & ~current_umask())  # mkdtemp makes it private; normal permissions
        if directory.exists():
            shutil.rmtree(directory)
        os.replace(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return directory


def read_meta(directory: str | Path) -> dict[str, Any]:
    """Read and check a model folder's meta.json (format version, required keys)."""
    directory = Path(directory)
    meta_path = directory / "meta.json"
    if not directory.is_dir():
        raise ModelError(f"model folder {directory} does not exist")
    if not meta_path.is_file():
        raise ModelError(f"{directory} is not a model folder: meta.json is missing")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ModelError(f"{meta_path} is not valid JSON: {e}") from e
    if not isinstance(meta, dict):
        raise ModelError(f"{meta_path} must hold a JSON object")
    found = meta.get("format_version")
    if found != FORMAT_VERSION:
        raise ModelError(
            f"{directory} has model format version {found!r}; this version of complaint_themes "
            f"reads format version {FORMAT_VERSION}. Retrain it with `complaint-themes train`."
        )
    missing = [k for k in ("encoder", "classes", "head_sha256") if k not in meta]
    if missing:
        raise ModelError(f"{meta_path} lacks {', '.join(missing)}")
    return meta


def load_model(
    directory: str | Path | None = None, speed: str = "accurate", **params: Any
) -> ThemeClassifier:
    """Load a model folder (the bundled council-themes model when ``directory`` is None).

    ``speed``: ``"accurate"`` (the model as saved), ``"int8"`` (the dynamically quantised
    encoder, 1.2-1.6x faster on a 2-core CPU: for the bundled model, ``council-themes-int8``,
    its recipe with the head fitted on int8 embeddings; for a given folder, its own head) or
    ``"fast"``
    (the bundled ``council-themes-fast`` model: a static embedding distilled from MiniLM with
    its own head).
    Extra keyword arguments set :class:`ThemeClassifier` parameters such as ``cache``.
    """
    if speed not in SPEEDS:
        raise ModelError(f"speed must be one of {list(SPEEDS)}, got {speed!r}")
    if speed == "fast":
        if directory is not None:
            raise ModelError("speed 'fast' uses the bundled fast model; do not also give a model")
        directory = default_model_dir(FAST_MODEL_NAME)
    int8_dir = default_model_dir(INT8_MODEL_NAME)
    if speed == "int8" and directory is None and int8_dir.is_dir() and not os.environ.get(
            "COMPLAINT_THEMES_MODEL"):
        directory = int8_dir
    directory = Path(directory) if directory is not None else default_model_dir()
    meta = read_meta(directory)
    if speed == "int8":
        if meta["encoder"] not in (DEFAULT_ENCODER, DEFAULT_ENCODER + ":int8"):
            raise ModelError(
                f"speed 'int8' quantises the bundled encoder {DEFAULT_ENCODER!r}; "
                f"{directory} uses {meta['encoder']!r}"
            )
        params.setdefault("encoder", DEFAULT_ENCODER + ":int8")
    head = _load_checked(directory, "head.skops", meta["head_sha256"])
    text_features = meta.get("text_features")
    model = ThemeClassifier(
        encoder=meta["encoder"],
        text_features=text_features,
        review_threshold=meta.get("review_threshold", 0.5),
        temperature=meta.get("temperature", 1.0),
        secondary_threshold=meta.get("secondary_threshold", 0.25),
        clean=meta.get("clean", True),
        class_prior=meta.get("class_prior"),
        label_thresholds=meta.get("label_thresholds"),
    ).set_params(**params)
    model.classifier_ = head
    if text_features is not None:
        model.vectorizer_ = _load_words(directory, meta.get("words_sha256"))
    model.multilabel_ = bool(meta.get("multilabel", False))
    if model.class_prior is not None:
        model.train_shares_ = np.asarray(meta["train_shares"], dtype=float)
    model.classes_ = np.asarray(meta["classes"])
    _check_consistency(directory, meta, model)
    model.meta_ = meta
    return model


def _check_consistency(directory: Path, meta: dict[str, Any], model: ThemeClassifier) -> None:
    """The head, word features, classes and taxonomy of a folder must fit together."""
    head = model.classifier_
    if not (hasattr(head, "predict_proba") and hasattr(head, "classes_")):
        raise ModelError(f"{directory}: head.skops does not hold a fitted classifier "
                         f"(found {type(head).__name__})")
    classes = meta["classes"]
    learnt = list(map(str, head.classes_))
    if (len(learnt) != len(classes)) if model.multilabel_ else (learnt != classes):
        raise ModelError(f"{directory}: classes in meta.json do not match head.skops")
    defined = {t.get("id") for t in (meta.get("taxonomy") or {}).get("themes", [])}
    undefined = sorted(set(classes) - defined) if defined else []
    if undefined:
        raise ModelError(f"{directory}: the taxonomy in meta.json does not define {undefined}")
    if model.text_features is not None:
        expected = meta.get("embedding_dim", 0) + len(model.vectorizer_.vocabulary_)
        if getattr(head, "n_features_in_", expected) != expected:
            raise ModelError(f"{directory}: {WORDS_FILE} has {len(model.vectorizer_.vocabulary_)} "
                             f"terms, which does not fit head.skops")


def _checked_path(directory: Path, name: str, checksum: str | None) -> Path:
    path = directory / name
    if not path.is_file():
        raise ModelError(f"{directory} is not a complete model folder: {name} is missing")
    if _sha256(path) != checksum:
        raise ModelError(
            f"{path} does not match the checksum in meta.json: the folder was changed "
            "after it was saved. Use the original folder or retrain."
        )
    return path


def _load_words(directory: Path, checksum: str | None) -> Any:
    path = _checked_path(directory, WORDS_FILE, checksum)
    try:
        return words_from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, UnicodeDecodeError, ComplaintThemesError, TypeError,
            ValueError, AttributeError) as e:
        raise ModelError(f"{path} is not a valid word-features file: {e}") from e


def _load_checked(directory: Path, name: str, checksum: str | None) -> Any:
    """Load one skops file of a model folder: checksum first, then only allow-listed types."""
    import skops.io as sio

    path = _checked_path(directory, name, checksum)
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as e:  # skops raises many kinds on a corrupt file
        raise ModelError(f"{path} is not a readable skops file: {e}") from e
    refused = [t for t in untrusted if t not in _TRUSTED_TYPES]
    if refused:
        raise ModelError(f"{path} contains types this library does not load: {', '.join(refused)}")
    return sio.load(path, trusted=untrusted)
