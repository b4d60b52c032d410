"""The real all-MiniLM-L6-v2 encoder and the shipped default model, fully offline."""

from __future__ import annotations

import numpy as np
import pytest

from complaint_themes import load_model
from complaint_themes.embed import embed, load_encoder

pytestmark = pytest.mark.encoder


def test_default_model_classifies_offline(no_network):
    model = load_model()
    table = model.predict_themes([
        "Our green bin has not been emptied for three weeks, nobody came at all.",
        "I have emailed four times and rung twice and nobody has ever replied to me.",
        "The housing officer was rude, shouted at me and laughed at my situation.",
        "The plumber finally came after six weeks and the leak was back the next day.",
    ])
    assert table["theme"].tolist() == [
        "failure_to_provide", "communication", "staff_attitude", "service_standard"]
    assert model.meta_["encoder"] == "all-MiniLM-L6-v2"


def test_long_text_is_windowed_not_truncated(no_network):
    encoder = load_encoder()
    head = "The lift in our block is broken and my disabled mother is stuck upstairs. " * 25
    tail = "Also the council tax bill is wrong and charged me twice for March. " * 25
    assert len(encoder.tokenizer(head + tail, verbose=False)["input_ids"]) > 600
    vectors = embed([head, tail, head + tail], encoder, cache=False)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, rtol=1e-5)
    # the end of a long letter still counts: it is as close to the tail as to the head
    to_head, to_tail = vectors[2] @ vectors[0], vectors[2] @ vectors[1]
    assert to_tail > 0.6 and abs(to_head - to_tail) < 0.25


def test_int8_speed_mode_classifies_like_fp32(no_network):
    texts = [
        "Our green bin has not been emptied for three weeks, nobody came at all.",
        "I have emailed four times and rung twice and nobody has ever replied to me.",
        "The housing officer was rude, shouted at me and laughed at my situation.",
        "The plumber finally came after six weeks and the leak was back the next day.",
    ]
    fast = load_model(speed="int8", cache=False)
    assert fast.predict(texts).tolist() == load_model(cache=False).predict(texts).tolist()
    np.testing.assert_allclose(np.linalg.norm(fast.embed(texts), axis=1), 1, rtol=1e-4)
