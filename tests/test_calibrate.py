"""Recalibrating a trained model on an organisation's own labelled cases."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import TEXTS, THEMES

from complaint_themes import ThemeClassifier, load_model, recalibrate, save_model
from complaint_themes.calibrate import MIN_CASES
from complaint_themes.cli import cli
from complaint_themes.errors import ComplaintThemesError
from complaint_themes.evaluate import score


def cases(n: int = 72, wrong_share: float = 0.0, seed: int = 0, tag: str = "case"
          ) -> tuple[list[str], list[str]]:
    """Variants of the training texts; ``wrong_share`` of them labelled with another theme,
    as real labellers disagree with a model trained elsewhere."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for i in range(n):
        k = i % len(TEXTS)
        texts.append(f"{TEXTS[k]} ({tag} {i})")
        others = sorted(set(THEMES) - {THEMES[k]})
        labels.append(str(rng.choice(others)) if rng.random() < wrong_share else THEMES[k])
    return texts, labels


@pytest.fixture
def model() -> ThemeClassifier:
    """Calibrated where it was trained (10+ texts per theme), so sure of itself there."""
    return ThemeClassifier(encoder="hashing", cache=False).fit(*cases(45, tag="training"))


def test_overconfident_model_is_softened_and_themes_are_kept(model):
    texts, labels = cases(wrong_share=0.4)
    themes_before = model.predict(texts)
    ece_before = score(labels, model.predict_proba(texts), list(model.classes_))["ece"]
    record = recalibrate(model, texts, labels)
    assert record["after"]["temperature"] > record["before"]["temperature"] == 1.0
    assert model.temperature == record["after"]["temperature"]
    ece_after = score(labels, model.predict_proba(texts), list(model.classes_))["ece"]
    assert ece_after < ece_before
    assert record["before"]["on_cases"]["ece"] == pytest.approx(ece_before, abs=1e-4)
    assert record["after"]["on_cases"]["ece"] == pytest.approx(ece_after, abs=1e-4)
    assert (model.predict(texts) == themes_before).all()  # only confidence changes


def test_review_threshold_is_the_lowest_that_reaches_the_target(model):
    texts, labels = cases(wrong_share=0.1, seed=1)
    record = recalibrate(model, texts, labels, target_accuracy=0.85)
    assert record["after"]["review_threshold"] == model.review_threshold
    proba = model.predict_proba(texts)
    correct = model.classes_[proba.argmax(axis=1)] == np.asarray(labels)

    def kept_accuracy(threshold):
        return correct[proba.max(axis=1) >= threshold].mean()

    assert kept_accuracy(model.review_threshold) >= 0.85
    if model.review_threshold > 0:
        assert kept_accuracy(model.review_threshold - 0.01) < 0.85
    assert set(record["after"]["half_split_estimate"]) == {
        "ece", "needs_review_share", "accuracy_of_rest"}


def test_unreachable_target_sends_everything_to_review(model):
    texts, labels = cases(wrong_share=0.5, seed=2)
    record = recalibrate(model, texts, labels, target_accuracy=0.95)
    assert record["after"]["review_threshold"] == 1.0
    assert record["after"]["on_cases"]["needs_review_share"] == 1.0


def test_labels_the_model_does_not_know_and_too_few_cases_are_refused(model):
    texts, labels = cases()
    with pytest.raises(ComplaintThemesError, match="'parking'"):
        recalibrate(model, texts, labels[:-1] + ["parking"])
    with pytest.raises(ComplaintThemesError, match=f"at least {MIN_CASES}"):
        recalibrate(model, texts[: MIN_CASES - 1], labels[: MIN_CASES - 1])


def test_cli_writes_a_recalibrated_copy_and_leaves_the_model(tmp_path, model):
    model_dir = save_model(model, tmp_path / "model", metrics={"held_out": {"n": 3}})
    texts, labels = cases(wrong_share=0.4)
    path = tmp_path / "ours.csv"
    pd.DataFrame({"complaint": texts, "code": labels}).to_csv(path, index=False)
    out = tmp_path / "ours-model"
    result = CliRunner().invoke(cli, ["calibrate", str(path), "--model", str(model_dir), "-o",
                                      str(out), "--text-column", "complaint",
                                      "--label-column", "code"])
    assert result.exit_code == 0, result.output
    assert "temperature 1.0 ->" in result.output
    meta = json.loads((out / "meta.json").read_text())
    record = meta["metrics"]["recalibration"]
    assert meta["temperature"] == record["after"]["temperature"] > 1.0
    assert record["file"] == "ours.csv" and record["n"] == len(texts)
    assert load_model(out).temperature == meta["temperature"]
    assert load_model(model_dir).temperature == 1.0
    assert "held_out" in meta["metrics"]  # the original figures are kept


def test_cli_names_a_missing_label_column(tmp_path, model_dir):
    path = tmp_path / "ours.csv"
    pd.DataFrame({"text": TEXTS, "theme": THEMES}).to_csv(path, index=False)
    result = CliRunner().invoke(cli, ["calibrate", str(path), "--model", str(model_dir), "-o",
                                      str(tmp_path / "m"), "--label-column", "category"])
    assert result.exit_code != 0
    assert "category" in result.output
    assert not (tmp_path / "m").exists()


def test_cli_names_the_row_of_a_label_the_model_does_not_know(tmp_path, model):
    model_dir = save_model(model, tmp_path / "model")
    texts, labels = cases()
    labels[5] = "Parking"
    path = tmp_path / "ours.csv"
    pd.DataFrame({"text": texts, "theme": labels}).to_csv(path, index=False)
    result = CliRunner().invoke(cli, ["calibrate", str(path), "--model", str(model_dir), "-o",
                                      str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "column 'theme' of ours.csv, row 7: 'Parking' is not a theme" in result.output
    assert not (tmp_path / "m").exists()
