"""Shared fixtures: tiny complaint sets and a fast fake encoder (no model download, no torch)."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from complaint_themes.embed import HashingEncoder

TEXTS = [
    "The bin men missed our road again, third week running, nothing collected at all",
    "Garden waste was never collected although I paid for the brown bin service",
    "Nobody has replied to my four emails about the repair and no one calls back",
    "I rang three times and was promised a call back that never came, still no update",
    "The officer was rude, shouted at me and laughed when I asked for help",
    "The woman on the phone was sarcastic and patronising and hung up on me",
    "Bulky waste collection booked for Monday never happened, the sofa is still outside",
    "Your letters contradict each other and nobody explains what is going on",
    "The caretaker swore at my son and was aggressive when we asked about the lift",
]
THEMES = [
    "failure_to_provide", "failure_to_provide", "communication", "communication",
    "staff_attitude", "staff_attitude", "failure_to_provide", "communication", "staff_attitude",
]


class CountingEncoder(HashingEncoder):
    """The hashing encoder, counting every text it is asked to encode."""

    model_id = "counting-test"

    def __init__(self) -> None:
        super().__init__(n_features=256)
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        return super().encode(texts)


@pytest.fixture
def texts() -> list[str]:
    return list(TEXTS)


@pytest.fixture
def themes() -> list[str]:
    return list(THEMES)


@pytest.fixture
def encoder() -> CountingEncoder:
    return CountingEncoder()


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own embedding cache folder, never the user's."""
    monkeypatch.setenv("COMPLAINT_THEMES_CACHE", str(tmp_path_factory.mktemp("cache")))


def unit_rows(n: int, d: int = 8, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture
def model_dir(tmp_path, texts, themes):
    """A saved model folder using the torch-free hashing encoder."""
    from complaint_themes import ThemeClassifier, load_taxonomy, save_model

    model = ThemeClassifier(encoder="hashing", cache=False).fit(texts, themes)
    return save_model(model, tmp_path / "model", taxonomy=load_taxonomy(),
                      metrics={"held_out": {"n": 3, "macro_f1": 0.5, "accuracy": 0.5}})


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection (the hub included) fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
