"""The semantic second pass of the safeguarding flags: risk told without the usual keywords.

The rules of :mod:`.safeguarding` are precise but miss "I want it all to stop", "he controls
her money and phone" or "there is black stuff all over the wall". This pass embeds every
sentence of a complaint with the sentence encoder (all-MiniLM-L6-v2, cached like every other
embedding) and flags a sentence with a kind when its cosine to the nearest of that kind's
hand-written examples (``data/risk_prototypes.toml``) reaches the kind's threshold and beats
the nearest negative anchor by the file's ``margin``. It only adds flags: what the rules find
stays. A ``housing_hazard`` sentence also needs a health or vulnerability clue somewhere in
the complaint and must not say the problem is fixed; a ``self_harm`` sentence told as past and
recovered from is not flagged, as for the rules.

Each flag names the nearest example in its ``cue`` (``"~ I want it all to stop."``) and has
``source == "semantic"``. The cost is the encoder's: a few hundred sentences a second on a
laptop CPU the first time, nothing for sentences already in the embedding cache.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ComplaintThemesError

if TYPE_CHECKING:
    from .embed import EmbeddingCache, Encoder
    from .safeguarding import Flag, _Text

PROTOTYPES = Path(__file__).resolve().parent / "data" / "risk_prototypes.toml"
SEMANTIC_ENCODER_PREFIX = "all-MiniLM-L6-v2"
MIN_WORDS = 3  # shorter sentences ("Yes.", "Thank you.") are not embedded


@dataclass(frozen=True)
class Prototypes:
    """The examples and thresholds of a prototypes file (see ``data/risk_prototypes.toml``)."""

    examples: dict[str, list[str]]
    negatives: dict[str, list[str]]
    thresholds: dict[str, float]
    margin: float
    source: str


def load_prototypes(path: str | Path | None = None) -> Prototypes:
    """Read and check a prototypes file (default: the bundled ``risk_prototypes.toml``)."""
    from .safeguarding import KINDS

    path = Path(path) if path is not None else PROTOTYPES
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ComplaintThemesError(f"cannot read risk prototypes {path}: {e}") from e
    shared = _strings(data.get("negative", {}).get("examples", []), path, "negative.examples")
    examples, negatives, thresholds = {}, {}, {}
    for kind in KINDS:
        table = data.get(kind)
        if not isinstance(table, dict):
            raise ComplaintThemesError(f"{path}: no [{kind}] table; every kind in "
                                       f"{', '.join(KINDS)} needs examples and a threshold")
        examples[kind] = _strings(table.get("examples"), path, f"{kind}.examples")
        if not examples[kind]:
            raise ComplaintThemesError(f"{path}: [{kind}] examples is empty; add a few sentences")
        negatives[kind] = _strings(table.get("negatives", []), path, f"{kind}.negatives") + shared
        thresholds[kind] = _unit(table.get("threshold"), path, f"{kind}.threshold")
    margin = _unit(data.get("margin", 0.0), path, "margin")
    return Prototypes(examples, negatives, thresholds, margin, str(path))


def _strings(value: Any, path: Path, key: str) -> list[str]:
    if value is None or not isinstance(value, list) or not all(
            isinstance(v, str) and v.strip() for v in value):
        raise ComplaintThemesError(f"{path}: {key} must be a list of non-empty strings")
    return list(value)


def _unit(value: Any, path: Path, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ComplaintThemesError(f"{path}: {key} must be a number between 0 and 1, "
                                   f"got {value!r}")
    return float(value)


def uses_semantic_pass(encoder: object) -> bool:
    """Whether an encoder (name or object) is the MiniLM family the prototypes were tuned on.

    Never true for the ``"hashing"`` test encoder or the static model: their cosines mean
    something else, so the thresholds would not hold.
    """
    name = encoder if isinstance(encoder, str) else getattr(encoder, "model_id", "")
    return isinstance(name, str) and name.startswith(SEMANTIC_ENCODER_PREFIX)


@dataclass
class SentenceScores:
    """For each text, its embedded sentences and their cosines to each kind's prototypes.

    ``sentences[t]`` lists the sentence indices of text ``t`` that were embedded;
    ``positive[kind][t]`` and ``negative[kind][t]`` are arrays aligned with them (nearest
    example, nearest anchor) and ``nearest[kind][t]`` the index of the nearest example.
    """

    sentences: list[list[int]]
    positive: dict[str, list[np.ndarray]]
    negative: dict[str, list[np.ndarray]]
    nearest: dict[str, list[np.ndarray]]


_PROTOTYPE_VECTORS: dict[tuple[str, str], dict[str, np.ndarray]] = {}


def _prototype_vectors(protos: Prototypes, encoder: str | Encoder,
                       cache: EmbeddingCache | str | Path | bool | None) -> dict[str, np.ndarray]:
    from .embed import embed, load_encoder

    enc = load_encoder(encoder)
    key = (enc.model_id, repr((protos.examples, protos.negatives)))
    if key not in _PROTOTYPE_VECTORS:
        out = {}
        for kind, texts in protos.examples.items():
            out[kind] = embed(texts, enc, cache=cache)
            out["not-" + kind] = embed(protos.negatives[kind], enc, cache=cache)
        _PROTOTYPE_VECTORS[key] = out
    return _PROTOTYPE_VECTORS[key]


def score_sentences(
    docs: Sequence[_Text],
    encoder: str | Encoder = SEMANTIC_ENCODER_PREFIX,
    cache: EmbeddingCache | str | Path | bool | None = None,
    prototypes: Prototypes | None = None,
    batch_size: int = 64,
) -> SentenceScores:
    """Embed the sentences of ``docs`` (each distinct sentence once) and score them."""
    from .embed import embed

    protos = prototypes if prototypes is not None else load_prototypes()
    vectors = _prototype_vectors(protos, encoder, cache)
    chosen: list[list[int]] = []
    texts: list[str] = []
    for doc in docs:
        picked = []
        for i, (a, b) in enumerate(doc.spans):
            sentence = " ".join(doc.text[a:b].split())
            if len(sentence.split()) >= MIN_WORDS:
                picked.append(i)
                texts.append(sentence)
        chosen.append(picked)
    unique = list(dict.fromkeys(texts))
    matrix = (embed(unique, encoder, cache=cache, batch_size=batch_size) if unique
              else np.zeros((0, 1), dtype=np.float32))
    row = {t: i for i, t in enumerate(unique)}
    rows = np.array([row[t] for t in texts], dtype=np.int64)
    bounds = np.cumsum([0, *(len(p) for p in chosen)])
    positive, negative, nearest = {}, {}, {}
    for kind in protos.examples:
        if len(unique):
            pos = matrix @ vectors[kind].T
            neg = (matrix @ vectors["not-" + kind].T).max(axis=1)
            best, arg = pos.max(axis=1)[rows], pos.argmax(axis=1)[rows]
            worst = neg[rows]
        else:
            best = worst = np.zeros(0, dtype=np.float32)
            arg = np.zeros(0, dtype=np.int64)
        split = list(zip(bounds[:-1], bounds[1:], strict=True))
        positive[kind] = [best[a:b] for a, b in split]
        negative[kind] = [worst[a:b] for a, b in split]
        nearest[kind] = [arg[a:b] for a, b in split]
    return SentenceScores(chosen, positive, negative, nearest)


def semantic_flags(
    docs: Sequence[_Text],
    scores: SentenceScores,
    prototypes: Prototypes | None = None,
    thresholds: dict[str, float] | None = None,
    margin: float | None = None,
) -> list[list[Flag]]:
    """The flags the scores give for each text (thresholds and margin from the file unless
    given), after the same company rules as the regex pass (see the module docstring)."""
    from .safeguarding import _HAZARD_RULE, Flag

    protos = prototypes if prototypes is not None else load_prototypes()
    limits = {**protos.thresholds, **(thresholds or {})}
    gap = protos.margin if margin is None else margin
    out: list[list[Flag]] = []
    for t, doc in enumerate(docs):
        flags = []
        for kind, limit in limits.items():
            pos, neg = scores.positive[kind][t], scores.negative[kind][t]
            for j in np.flatnonzero((pos >= limit) & (pos >= neg + gap)):
                i = scores.sentences[t][j]
                if kind == "housing_hazard" and (
                        doc.resolved(i, i) or not doc.near_any(_HAZARD_RULE, i, i)):
                    continue
                if kind == "self_harm" and doc.past_and_over(i, i):
                    continue
                a, b = doc.spans[i]
                example = protos.examples[kind][int(scores.nearest[kind][t][j])]
                flags.append(Flag(kind, doc.text[a:b], a, b, f"~ {example}", "semantic"))
        out.append(flags)
    return out
