"""Key phrases for a cluster: class-based TF-IDF over spaCy noun phrases and lemmas.

Candidate phrases come from the spaCy English pipeline, never from raw tokens:

* noun chunks without determiners, possessives and numbers, nouns lemmatised
  ("our green bins" -> "green bin");
* a noun chunk with its prepositional attachment ("black mould in bathroom");
* a past-participle or adjective with the chunk it describes ("lift is broken" ->
  "broken lift", "they missed the garden waste collection" -> "missed garden waste collection");
* single noun / adjective lemmas that are not stop words.

Chunks that contain a person's name (spaCy ``PERSON``), a date or time, an e-mail address, a
URL or a number are dropped, so a resident's name cannot become a key phrase; words about when
or found in every complaint ("yesterday", "time", "council") are never a phrase on their own.

Scoring is c-TF-IDF (as in BERTopic) on document frequencies: for a phrase *t* and cluster *c*,
``score = df(t, c) / n_c * log(1 + A / f(t))``, where ``df(t, c)`` counts the complaints of *c*
that use *t*, ``f(t)`` counts all complaints using *t* across the clusters and a background
sample of the whole input, and ``A`` is the mean number of complaints per class. A phrase must
occur in at least two complaints of the cluster. A phrase is dropped when a longer selected
phrase contains it, so "black mould in bathroom" wins over "mould".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from .errors import NotInstalledError
from .redact import SPACY_MODEL
from .redact_rules import is_street_name

MAX_CHARS = 1500
"""Characters of each complaint that are parsed (the start of a long letter states the issue)."""
_PREPOSITIONS = {"in", "on", "at", "of", "for", "from", "behind", "outside", "near", "to"}
_LIGHT_VERBS = {
    "be", "have", "do", "get", "make", "say", "tell", "go", "come", "take", "give", "know",
    "think", "want", "need", "ask", "see", "use", "try", "keep", "let", "put", "seem", "feel",
    "call", "send", "receive", "report", "write", "email", "ring", "contact", "explain",
}
_WHEN = {"DATE", "TIME"}
_GENERIC = {
    "time", "date", "day", "days", "week", "month", "year", "today", "yesterday", "tomorrow",
    "morning", "afternoon", "evening", "night", "weekend", "thing", "lot", "way", "people",
    "problem", "issue", "complaint", "council", "number", "reference", "ref", "email", "phone",
    "call", "letter", "message",
    *"jan feb mar apr may jun jul aug sep sept oct nov dec".split(),
    *"january february march april june july august september october november december".split(),
    *"monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu fri".split(),
}
"""Words in almost every complaint, or about when rather than what: never a phrase alone."""
_SKIP_POS = {"DET", "PRON", "NUM", "PUNCT", "SPACE", "SYM", "CCONJ", "PART", "X", "INTJ"}


@lru_cache(maxsize=2)
def load_nlp(model: str = SPACY_MODEL) -> Any:
    """Load the spaCy pipeline once per process."""
    try:
        import spacy

        return spacy.load(model)
    except (ImportError, OSError) as e:
        raise NotInstalledError(
            f"key phrases need spaCy and its English pipeline {model!r}: pip install spacy && "
            "pip install --no-deps -r requirements/spacy-model.txt"
        ) from e


def _word(token: Any) -> str:
    return token.lemma_.lower() if token.pos_ in ("NOUN", "PROPN") else token.lower_


def _clean_span(tokens: Sequence[Any]) -> list[str] | None:
    """Normalised words of a span, or None when it holds a name, number, e-mail or URL."""
    words = []
    for tok in tokens:
        if tok.like_email or tok.like_url or (tok.ent_type_ == "PERSON" and not _in_street(tok)):
            return None
        if tok.ent_type_ in _WHEN:
            return None  # "last friday", "11 aug": when, not what
        if tok.like_num or tok.pos_ == "NUM":
            continue
        if any(ch.isdigit() for ch in tok.text):
            return None  # postcodes, flat numbers, reference numbers
        if tok.pos_ in _SKIP_POS or not tok.text.strip():
            continue
        words.append(_word(tok))
    while words and _is_stop(words[0]):
        words.pop(0)
    while words and _is_stop(words[-1]):
        words.pop()
    if not words or len(words) > 6 or len(" ".join(words)) < 3:
        return None
    return words


def _in_street(tok: Any) -> bool:
    """A token of a PERSON entity that is really a street ("Mill Lane")."""
    ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
    return ent is not None and is_street_name(ent.text)


@lru_cache(maxsize=4096)
def _is_stop(word: str) -> bool:
    from spacy.lang.en.stop_words import STOP_WORDS

    return word in STOP_WORDS or len(word) < 2


def doc_terms(doc: Any) -> set[str]:
    """The candidate phrases of one parsed complaint (see the module docstring)."""
    terms: set[str] = set()
    for chunk in doc.noun_chunks:
        words = _clean_span(list(chunk))
        if not words:
            continue
        phrase = " ".join(words)
        # the chunk and its shorter runs of 2+ words: "annual council tax bill" also gives
        # "council tax bill" and "council tax", which other residents may use
        for size in range(2, len(words) + 1):
            for start in range(len(words) - size + 1):
                run = words[start : start + size]
                if not _is_stop(run[0]) and not _is_stop(run[-1]):
                    terms.add(" ".join(run))
        if len(words) > 1 or words[0] not in _GENERIC:
            terms.add(phrase)
        root = chunk.root
        for prep in root.children:
            if prep.dep_ == "prep" and prep.lower_ in _PREPOSITIONS:
                objects = [c for c in prep.children if c.dep_ == "pobj"]
                if objects:
                    obj = _clean_span(list(objects[0].subtree))
                    if obj and len(words) + len(obj) <= 6:
                        terms.add(f"{phrase} {prep.lower_} {' '.join(obj)}")
        head = root.head
        past = head.pos_ == "VERB" and head.tag_ in ("VBD", "VBN")
        if root.dep_ in ("dobj", "nsubjpass") and past:
            if head.lemma_.lower() not in _LIGHT_VERBS and not _is_stop(head.lower_):
                terms.add(f"{head.lower_} {phrase}")
        if root.dep_ == "nsubj" and head.lemma_ == "be":
            for comp in head.children:
                describes = comp.dep_ == "acomp" and comp.pos_ in ("ADJ", "VERB")
                if describes and not _is_stop(comp.lower_):
                    terms.add(f"{comp.lower_} {phrase}")
    for tok in doc:
        if (
            tok.pos_ in ("NOUN", "PROPN", "ADJ")
            and (tok.ent_type_ != "PERSON" or _in_street(tok))
            and tok.ent_type_ not in _WHEN
            and tok.is_alpha
            and not _is_stop(tok.lower_)
        ):
            word = _word(tok)
            if not _is_stop(word) and word not in _GENERIC:
                terms.add(word)
    return terms


def texts_terms(texts: Sequence[str], n_process: int = 1) -> list[set[str]]:
    """Parse ``texts`` with spaCy and return each text's candidate phrases."""
    nlp = load_nlp()
    clipped = [t[:MAX_CHARS] for t in texts]
    return [doc_terms(doc) for doc in nlp.pipe(clipped, batch_size=64, n_process=n_process)]


def phrases_from_counts(
    clusters: Mapping[Hashable, tuple[int, Mapping[str, int]]],
    background: tuple[int, Mapping[str, int]] = (0, {}),
    top_n: int = 8,
    min_docs: int = 2,
) -> dict[Hashable, list[str]]:
    """Key phrases per cluster by c-TF-IDF (see the module docstring).

    Parameters
    ----------
    clusters : mapping of cluster id -> (number of complaints, {phrase: complaints using it})
    background : (number of complaints, {phrase: complaints using it})
        A sample of the whole input, used as one extra class so that phrases common
        everywhere ("council", "phone call") score low.
    top_n : int, default=8
        At most this many phrases per cluster.
    min_docs : int, default=2
        A phrase must occur in at least this many complaints of the cluster.

    Returns
    -------
    dict of cluster id -> list of str, best first
    """
    total: Counter[str] = Counter(background[1])
    for _, df in clusters.values():
        total.update(df)
    sizes = [n for n, _ in clusters.values()] + ([background[0]] if background[0] else [])
    mean_docs = sum(sizes) / max(len(sizes), 1)
    out: dict[Hashable, list[str]] = {}
    for c, (n_docs, df) in clusters.items():
        n_c = max(n_docs, 1)
        need = min(min_docs, n_c)
        scored = sorted(
            (
                (k / n_c * math.log(1 + mean_docs / total[t]) * (1 + 0.25 * t.count(" ")), t)
                for t, k in df.items()
                if k >= need
            ),
            key=lambda pair: (-pair[0], pair[1]),
        )
        out[c] = _select(scored, df, top_n)
    return out


def _select(scored: list[tuple[float, str]], df: Mapping[str, int], top_n: int) -> list[str]:
    """Best phrases, skipping any contained in (or containing, with fewer uses) a chosen one."""
    chosen: list[str] = []
    for _, term in scored:
        if len(chosen) >= top_n:
            break
        padded = f" {term} "
        if any(padded in f" {c} " for c in chosen):
            continue
        shorter = [c for c in chosen if f" {c} " in padded]
        if shorter:
            if all(df[term] * 2 >= df[s] for s in shorter):
                chosen = [c for c in chosen if c not in shorter]
            else:
                continue
        chosen.append(term)
    return chosen
