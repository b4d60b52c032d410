"""Find safeguarding and urgent-risk flags in complaint text, separately from its theme.

A complaint about a late repair can also say that a child is ill from the mould or that the
writer wants to end it all. Such a complaint must reach a person the same day whatever its
theme, so risk flags are found by their own rules and reported in their own columns
(``risk_flags``, ``risk_sentences``), never replaced by a theme.

==================== ==================================================================
kind                 what triggers it
==================== ==================================================================
self_harm            suicidal thoughts, self-harm, overdose, "can't go on", "end it all",
                     "no point any more", "better off dead" (of the writer or another)
person_at_risk       a child or vulnerable adult at risk: abuse, neglect, domestic abuse,
                     exploitation, financial abuse, someone left without care, food or
                     medication, a child left alone, a safeguarding concern
violence_or_threat   violence, assault, threats of harm, weapons, stalking, harassment
housing_hazard       damp and mould, leaks or water coming in, no heating or hot water
                     (Awaab's Law hazards), with a health impact or a vulnerable occupant
                     (baby, child, elderly or "my dad is 89", disabled, pregnant, asthma,
                     chest, hospital...) anywhere in the complaint, and not fixed or historic
==================== ==================================================================

The rules are regular expressions over sentences, written for recall first: a flag is a
prompt for a person to read the complaint, not a decision. Each trigger has guards for common
innocent uses ("the wait is killing me", "attack the backlog", "threatened with a fine",
mould on the bread or the shed, "the leak was fixed"); a guard cancels only the words it
covers, so "the queue is killing me and he said he would kill me" is still flagged. No parser
or tagger runs, so thousands of complaints are checked per second.

``semantic=True`` (:func:`flag_table`, :func:`find_flags`) adds a second pass that compares
each sentence's all-MiniLM-L6-v2 embedding with hand-written risk descriptions
(:mod:`.risk_semantic`), for risk told without the keywords ("I want it all to stop").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .errors import InputError
from .io import is_blank

# the rules and how they compile; _rx and _HAZARD_RULE are also imported from here by the
# tests and risk_semantic
from .risk_regex import _rx, _union  # noqa: F401
from .risk_rules import (  # noqa: F401
    _BETTER,
    _HAZARD_RULE,
    _ONGOING,
    _PAST,
    _RESOLVED,
    _RULES,
    _STILL,
    _Rule,
)

if TYPE_CHECKING:
    from .embed import EmbeddingCache, Encoder

DEFAULT_ENCODER = "all-MiniLM-L6-v2"  # the encoder of the semantic pass (embed.DEFAULT_ENCODER)

KINDS = ("self_harm", "person_at_risk", "violence_or_threat", "housing_hazard")
COLUMNS = ("risk_flags", "risk_sentences")


@dataclass(frozen=True)
class Flag:
    """One risk flag: its kind, the sentence that triggered it and where that sentence is.

    ``text[start:end] == sentence``; ``cue`` is the words that matched (for a flag of the
    semantic pass, ``source == "semantic"``, ``"~ "`` and the nearest risk example).
    """

    kind: str
    sentence: str
    start: int
    end: int
    cue: str
    source: str = "rules"


# Sentence ends: . ! ? (with closing quotes or brackets) before a space, or a line break.
_BOUNDARY = re.compile(r"[.!?\u2026]+[\"')\]]*(?=\s)|\n")
_ABBREVIATION = re.compile(r"(?:\b(?:mr|mrs|ms|dr|st|cllr|ref|tel|approx|e\.g|i\.e|etc|vs)"
                           r"|\b[a-z])\.$", re.IGNORECASE)
# One character for one, so offsets in the lower-cased text are offsets in the text (U+0130 is
# the only character whose lower case is two characters long). Replaced one by one, as
# str.translate looks every character of the text up in a dict (ten times slower).
_STRAIGHT = (("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("\u201c", '"'), ("\u201d", '"'),
             ("\u00a0", " "), ("\u2010", "-"), ("\u2011", "-"), ("\u0130", "i"))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of the sentences of ``text`` (whitespace trimmed, none empty)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group() != "\n" and _ABBREVIATION.search(text, max(start, m.start() - 8), m.end()):
            continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    trimmed = []
    for a, b in spans:
        piece = text[a:b]
        stripped = piece.strip()
        if stripped:
            a += len(piece) - len(piece.lstrip())
            trimmed.append((a, a + len(stripped)))
    return trimmed


def _straighten(text: str) -> str:
    """``text`` with curly quotes, no-break spaces and hyphen variants made plain."""
    for fancy, plain in _STRAIGHT:
        if fancy in text:
            text = text.replace(fancy, plain)
    return text


class _Text:
    """A complaint text with its sentences and per-sentence pattern results, computed lazily."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.norm = (text if text.isascii() else _straighten(text)).lower()
        self._spans: list[tuple[int, int]] | None = None
        self._starts: list[int] = []
        self._near: dict[tuple[int, int], bool] = {}

    @property
    def spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            self._spans = split_sentences(self.norm)
            self._starts = [a for a, _ in self._spans]
        return self._spans

    def sentence_range(self, start: int, end: int) -> tuple[int, int]:
        spans = self.spans
        lo = max(bisect_right(self._starts, start) - 1, 0)
        hi = max(bisect_right(self._starts, max(end - 1, start)) - 1, lo)
        return lo, min(hi, len(spans) - 1)

    def near(self, rule: _Rule, i: int) -> bool:
        """Whether sentence ``i`` holds an unguarded match of ``rule.near``."""
        key = (id(rule), i)
        if key not in self._near:
            a, b = self.spans[i]
            self._near[key] = any(
                not _covered(rule.near_guard, self.norm, a, b, m.start(), m.end())
                for m in rule.near.finditer(self.norm, a, b)  # type: ignore[union-attr]
            )
        return self._near[key]

    def near_any(self, rule: _Rule, lo: int, hi: int) -> bool:
        """Whether ``rule.near`` occurs within ``rule.window`` sentences of sentences lo..hi."""
        if rule.window is None:
            first, last = 0, len(self.spans)
        else:
            first, last = max(lo - rule.window, 0), min(hi + 1 + rule.window, len(self.spans))
        return any(self.near(rule, i) for i in range(first, last))

    def past_and_over(self, lo: int, hi: int) -> bool:
        """Whether sentences lo..hi tell of something past and recovered from (see _PAST)."""
        a, b = self.spans[lo][0], self.spans[hi][1]
        after = self.spans[min(hi + 1, len(self.spans) - 1)][1]
        return bool(_PAST.search(self.norm, a, b) and _BETTER.search(self.norm, a, after)
                    and not _STILL.search(self.norm, a, after))

    def resolved(self, lo: int, hi: int) -> bool:
        """Whether sentences lo..hi say a hazard is fixed or historic (and not that it is back)."""
        a, b = self.spans[lo][0], self.spans[hi][1]
        return bool(_RESOLVED.search(self.norm, a, b) and not _ONGOING.search(self.norm, a, b))


def _covered(guard: re.Pattern[str] | None, text: str, lo: int, hi: int, a: int, b: int) -> bool:
    """Whether a match of ``guard`` inside text[lo:hi] overlaps text[a:b]."""
    if guard is None:
        return False
    return any(g.start() < b and a < g.end() for g in guard.finditer(text, lo, hi))


def find_flags(
    text: str | None,
    semantic: bool = False,
    encoder: str | Encoder = DEFAULT_ENCODER,
    cache: EmbeddingCache | str | Path | bool | None = None,
) -> list[Flag]:
    """Every risk flag in ``text``: at most one per kind and sentence, in reading order.

    A blank or missing text has none. ``semantic=True`` adds the flags of the semantic second
    pass (:mod:`.risk_semantic`; embeds the text's sentences with ``encoder``, cached).

    Examples
    --------
    >>> [f.kind for f in find_flags("Nobody came. I can't go on like this.")]
    ['self_harm']
    """
    if text is None or not isinstance(text, str) or not text.strip():
        return []
    if semantic:
        return _with_semantic([text], [_rule_flags(_Text(text))], encoder, cache)[0]
    return _rule_flags(_Text(text))


def _rule_flags(doc: _Text) -> list[Flag]:
    first = _any_trigger().search(doc.norm)
    if first is None:  # most complaints: no rule can flag them
        return []
    text = doc.text
    found: dict[tuple[str, int, int], Flag] = {}
    for rule in _RULES:
        # no trigger matches before the first match of any; the scan starting there sees the
        # text before it (for \b and look-behinds) as a scan from the start does
        for m in rule.trigger.finditer(doc.norm, first.start()):
            lo, hi = doc.sentence_range(m.start(), m.end())
            key = (rule.kind, lo, hi)
            if key in found:
                continue
            a, b = doc.spans[lo][0], doc.spans[hi][1]
            if _covered(rule.guard, doc.norm, a, b, m.start(), m.end()):
                continue
            if rule.cue is not None and not rule.cue.search(doc.norm, a, b):
                continue
            if rule.unless is not None and rule.unless.search(doc.norm, a, b) and not (
                rule.unless_not is not None and rule.unless_not.search(doc.norm, a, b)
            ):
                continue
            if rule.near is not None and not doc.near_any(rule, lo, hi):
                continue
            if rule.past_and_over and doc.past_and_over(lo, hi):
                continue
            found[key] = Flag(rule.kind, text[a:b], a, b, text[m.start():m.end()])
    return sorted(found.values(), key=lambda f: (f.start, KINDS.index(f.kind)))


@cache
def _any_trigger() -> re.Pattern[str]:
    """One regex that matches wherever the trigger of some rule does (one scan of a text
    instead of six)."""
    return _union(rule.trigger for rule in _RULES)


def _with_semantic(texts: list[str], rule_flags: list[list[Flag]], encoder: str | Encoder,
                   cache: EmbeddingCache | str | Path | bool | None,
                   batch_size: int = 64) -> list[list[Flag]]:
    """``rule_flags`` of each text plus the semantic flags of sentences no rule flagged."""
    from .risk_semantic import load_prototypes, score_sentences, semantic_flags

    protos = load_prototypes()
    docs = [_Text(t) for t in texts]
    scores = score_sentences(docs, encoder, cache, protos, batch_size=batch_size)
    out = []
    for flags, extra in zip(rule_flags, semantic_flags(docs, scores, protos), strict=True):
        covered = {(f.kind, f.start, f.end) for f in flags}
        spans = [(f.kind, f.start, f.end) for f in flags]
        new = [f for f in extra if (f.kind, f.start, f.end) not in covered and not any(
            k == f.kind and a <= f.start and f.end <= b for k, a, b in spans)]
        out.append(sorted([*flags, *new], key=lambda f: (f.start, KINDS.index(f.kind))))
    return out


def flag_table(
    texts: Sequence[str | None] | pd.Series,
    semantic: bool = False,
    encoder: str | Encoder = DEFAULT_ENCODER,
    cache: EmbeddingCache | str | Path | bool | None = None,
    batch_size: int = 64,
) -> pd.DataFrame:
    """``risk_flags`` and ``risk_sentences`` for each text, one row each, in order.

    ``risk_flags`` holds the kinds found, ``|``-separated in the order of :data:`KINDS`
    (``""`` when none); ``risk_sentences`` the sentences that triggered them, in reading order,
    ``" | "``-joined. Blank or missing texts get ``""``. The index is that of a Series passed in.

    ``semantic=True`` adds the semantic second pass (:mod:`.risk_semantic`): the sentences of
    all distinct texts are embedded with ``encoder`` in batches of ``batch_size`` (cached in
    ``cache``, as :func:`complaint_themes.embed.embed`) and compared with hand-written risk
    examples. Off by default: the rules alone need no encoder.
    """
    if isinstance(texts, str):
        raise InputError("texts must be a list of texts, not a single string; wrap it in [...]")
    items = texts.tolist() if isinstance(texts, pd.Series) else list(texts)
    done: dict[str, tuple[str, str]] = {}
    kinds, sentences = [], []
    for position, value in enumerate(items):
        if is_blank(value):
            row = ("", "")
        elif not isinstance(value, str):
            raise InputError(
                f"texts must contain only strings or blanks; row {position} is "
                f"{type(value).__name__} ({value!r}). Convert or drop that row first."
            )
        elif value in done:
            row = done[value]
        else:
            row = done[value] = _row(find_flags(value))
        kinds.append(row[0])
        sentences.append(row[1])
    if semantic:
        distinct = [t for t in done if t.strip()]
        flags = _with_semantic(distinct, [_rule_flags(_Text(t)) for t in distinct], encoder,
                               cache, batch_size)
        done.update(zip(distinct, map(_row, flags), strict=True))
        rows = [done.get(v, ("", "")) if isinstance(v, str) else ("", "") for v in items]
        kinds, sentences = [r[0] for r in rows], [r[1] for r in rows]
    index = texts.index if isinstance(texts, pd.Series) else None
    return pd.DataFrame({"risk_flags": kinds, "risk_sentences": sentences}, index=index)


def _row(flags: list[Flag]) -> tuple[str, str]:
    present = {f.kind for f in flags}
    sentences = list(dict.fromkeys(f.sentence.replace("\n", " ") for f in flags))
    return "|".join(k for k in KINDS if k in present), " | ".join(sentences)


def flag_counts(risk_flags: Iterable[str]) -> dict[str, int]:
    """Rows flagged per kind, from a ``risk_flags`` column."""
    counts = dict.fromkeys(KINDS, 0)
    for cell in risk_flags:
        for kind in str(cell or "").split("|"):
            if kind in counts:
                counts[kind] += 1
    return counts


def summary_line(risk_flags: Sequence[str] | pd.Series) -> str | None:
    """One line for the terminal when any row is flagged (None otherwise)."""
    flagged = sum(1 for cell in risk_flags if isinstance(cell, str) and cell)
    if not flagged:
        return None
    counts = ", ".join(f"{k} {n}" for k, n in flag_counts(risk_flags).items())
    return f"risk flags: {flagged} rows need a person to read them today ({counts})"
