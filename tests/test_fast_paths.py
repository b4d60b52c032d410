"""Shortcuts taken for speed give exactly what the plain steps give: the cleaner's, the word
features' counting, the safeguarding rules' first scan and the encoder's windows."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from complaint_themes import clean
from complaint_themes.clean import clean_text
from complaint_themes.heads import WordFeatures, word_features
from complaint_themes.safeguarding import _RULES, _any_trigger, _Text, find_flags

FRAGMENTS = [
    "<", ">", "&", "\n", "\r\n", " ", "  ", "\t", "\u00a0", "\u3000", "&nbsp;", "&#9;", "<br>",
    "> quoted", "On 2 May 2026 Ann wrote:", "-----Original Message-----", "From: a Sent: b",
    "Sent from my iPhone", "Get Outlook for iOS", "-- ", "This email is confidential.", "\u2028",
    "the bin", "x",
]
messy_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=6), max_size=20).map("".join)

TEXTS = [
    "The bins were not emptied. The bins were not emptied again!",
    "", "a", "Nobody replied to my e-mails about the damp and mould in my son's bedroom.",
    "Ünïcödé wörds, straße, 1 22 333 a1 b_2", "word " * 300,
]


def _plain_clean(text: str) -> str:
    """clean_text without its shortcuts (every step on every text)."""
    for _ in range(10):
        step = clean._decode(text.replace("\r\n", "\n").replace("\r", "\n"))
        step = clean._TAG.sub(" ", clean._BREAK.sub("\n", clean._HIDDEN.sub("\n", step)))
        step = clean._SPACE.sub(" ", step)
        quoted = clean._QUOTED_START.search(step)
        if quoted and quoted.start() > 0:
            step = step[: quoted.start()]
        step = clean._BLANK_LINES.sub("\n", clean._NOISE_LINE.sub("", step)).strip()
        if step == text:
            break
        text = step
    return text


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(max_size=40) | messy_text)
def test_clean_text_is_the_plain_steps(text):
    assert clean_text(text) == _plain_clean(text)


@pytest.mark.parametrize("settings_", [
    {"ngram_range": (1, 2), "sublinear_tf": True}, {"ngram_range": (1, 1)},
    {"ngram_range": (2, 3)}, {"ngram_range": (1, 2), "lowercase": False},
    {"ngram_range": (1, 2), "stop_words": "english"}, {"analyzer": "char_wb"},
])
def test_word_features_count_like_sklearn(settings_):
    stock = TfidfVectorizer(**settings_).fit(TEXTS[:4])
    terms = sorted(stock.vocabulary_, key=stock.vocabulary_.__getitem__)
    fast = WordFeatures(vocabulary=terms, **settings_)
    fast.idf_ = stock.idf_
    for texts in (TEXTS, [""], ["zzz qqq"]):
        a, b = stock.transform(texts), fast.transform(texts)
        assert type(a) is type(b) and a.shape == b.shape and a.dtype == b.dtype
        for part in ("indptr", "indices", "data"):
            x, y = getattr(a, part), getattr(b, part)
            assert x.dtype == y.dtype and np.array_equal(x, y)


def test_fitted_word_features_are_the_fast_kind():
    assert isinstance(word_features(TEXTS), WordFeatures)


def test_any_trigger_matches_wherever_a_rule_does():
    texts = [*TEXTS, "He said he would kill me and hit my son.", "I can't go on, I want to end it",
             "Black mould in the baby's room and she has asthma.", "My dad is 89 and was scammed"]
    for text in texts:
        norm = _Text(text).norm
        for rule in _RULES:
            for m in rule.trigger.finditer(norm):
                assert _any_trigger().match(norm, m.start())
    assert find_flags("He said he would kill me.")  # the scan lets a flagged text through


@pytest.mark.encoder
def test_windows_of_a_batch_are_those_of_each_text(no_network):
    from complaint_themes.embed import load_encoder

    encoder = load_encoder()
    texts = ["A short complaint.", "", "The lift is broken again and nobody came. " * 60]
    one_by_one = []
    for text in texts:
        ids = encoder.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]
        step = encoder.max_tokens
        one_by_one.append([text] if len(ids) <= step else [
            encoder.tokenizer.decode(ids[i : i + step]) for i in range(0, len(ids), step)])
    assert encoder._windows(texts) == one_by_one
    assert len(one_by_one[2]) > 1


def test_union_matches_what_each_pattern_does_also_when_not_made_by_rx():
    import re

    from complaint_themes.risk_regex import _rx, _union

    made, plain = _rx(r"\bbins?\b", r"\bfly[- ]?tipp(?:ing|ed)\b"), re.compile(r"ref \d+")
    for union in (_union([made]), _union([made, plain])):
        assert union.search("the bins again") and union.search("more fly-tipping")
        assert not union.search("nothing here")
    assert _union([made, plain]).search("ref 1234")
    assert not _union([made]).search("ref 1234")
