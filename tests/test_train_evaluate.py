"""`train` and `evaluate`: round trips on tiny data with the torch-free hashing encoder."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from complaint_themes import ComplaintThemesError, load_model
from complaint_themes.cli import cli

HASHING = '[training]\nencoder = "hashing"\ncv_folds = 3\nmin_examples = 3\n'


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "hashing.toml"
    path.write_text(HASHING)
    return path


@pytest.fixture
def labelled(tmp_path, texts, themes):
    df = pd.DataFrame({"complaint": texts * 2, "code": themes * 2,
                       "codes": [f"{t}|service_standard" if i % 3 == 0 else t
                                 for i, t in enumerate(themes * 2)]})
    path = tmp_path / "labelled.csv"
    df.to_csv(path, index=False)
    return path


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_train_then_evaluate_single_label(labelled, config, tmp_path):
    model_dir, report = tmp_path / "my-model", tmp_path / "report"
    result = run("train", labelled, "-o", model_dir, "--text-column", "complaint",
                 "--label-column", "code", "--config", config)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "trained on 18 texts: communication 6, failure_to_provide 6, staff_attitude 6")
    meta = json.loads((model_dir / "meta.json").read_text())
    assert meta["training"]["config"]["label_column"] == "code"
    assert meta["training"]["config"]["encoder"] == "hashing"
    assert len(meta["training"]["data_sha256"]) == 64
    assert "cv_train" in meta["metrics"]
    assert "3-fold cross-validated macro-F1" in result.output

    result = run("evaluate", labelled, "--model", model_dir, "-o", report,
                 "--text-column", "complaint", "--label-column", "code")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("18 texts: macro-F1 ")
    files = {p.name for p in report.iterdir()}
    assert {"report.html", "metrics.json", "confusion.png", "calibration.png"} <= files
    metrics = json.loads((report / "metrics.json").read_text())
    assert set(metrics["per_theme"]) == {"communication", "failure_to_provide",
                                         "staff_attitude"}
    assert 0 <= metrics["needs_review_share"] <= 1
    assert sum(map(sum, metrics["confusion"]["matrix"])) == 18


def test_evaluate_with_cv_and_learning_curve(labelled, config, tmp_path):
    model_dir, report = tmp_path / "m", tmp_path / "r"
    run("train", labelled, "-o", model_dir, "--text-column", "complaint",
        "--label-column", "code", "--config", config)
    result = run("evaluate", labelled, "--model", model_dir, "-o", report, "--cv", 3,
                 "--learning-curve", "--text-column", "complaint", "--label-column", "code")
    assert result.exit_code == 0, result.output
    assert "(3-fold cross-validation of the model's configuration on this file)" in result.output
    metrics = json.loads((report / "metrics.json").read_text())
    methods = {row["method"] for row in metrics["learning_curve"]}
    assert methods == {"trained head", "definitions + examples"}
    assert (report / "learning_curve.png").stat().st_size > 1000


def test_multilabel_round_trip(labelled, config, tmp_path):
    model_dir, report = tmp_path / "ml", tmp_path / "mlr"
    result = run("train", labelled, "-o", model_dir, "--text-column", "complaint",
                 "--label-column", "codes", "--multi-label", "--config", config)
    assert result.exit_code == 0, result.output
    model = load_model(model_dir)
    assert model.multilabel_ and "service_standard" in model.classes_
    result = run("evaluate", labelled, "--model", model_dir, "-o", report, "--multi-label",
                 "--text-column", "complaint", "--label-column", "codes")
    assert result.exit_code == 0, result.output
    metrics = json.loads((report / "metrics.json").read_text())
    assert set(metrics["per_theme"]) == {"communication", "failure_to_provide",
                                         "service_standard", "staff_attitude"}


def test_one_class_is_an_error(tmp_path, config, texts):
    path = tmp_path / "one.csv"
    pd.DataFrame({"text": texts, "theme": ["communication"] * len(texts)}).to_csv(path,
                                                                                  index=False)
    result = run("train", path, "-o", tmp_path / "m", "--config", config)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: the labels hold a single class ('communication'); a model needs at least two")


def test_empty_label_names_the_row(tmp_path, config, texts, themes):
    path = tmp_path / "gaps.csv"
    pd.DataFrame({"text": texts, "theme": [*themes[:4], "", *themes[5:]]}).to_csv(
        path, index=False)
    result = run("train", path, "-o", tmp_path / "m", "--config", config)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: column 'theme' of gaps.csv, row 6 (the header is row 1) has no label; "
        "label every row or remove the unlabelled ones")


def test_missing_label_column(labelled, config, tmp_path):
    result = run("train", labelled, "-o", tmp_path / "m", "--text-column", "complaint",
                 "--config", config)
    assert result.output.strip() == (
        "Error: column 'theme' not found in labelled.csv; available: complaint, code, codes "
        "(use --label-column)")


def test_rare_labels_are_warned_with_counts(tmp_path, config, texts, themes):
    path = tmp_path / "rare.csv"
    rows = pd.DataFrame({"text": texts * 2 + ["Lost my library card and was charged"],
                         "theme": themes * 2 + ["libraries"]})
    rows.to_csv(path, index=False)
    result = run("train", path, "-o", tmp_path / "m", "--config", config)
    assert "warning: labels with fewer than 3 examples will be unreliable: 'libraries' (1)" \
        in result.output
    assert result.exit_code == 0, result.output


def test_labels_outside_the_taxonomy(labelled, config, tmp_path):
    taxonomy = tmp_path / "tax.toml"
    taxonomy.write_text('name = "mini"\n[[themes]]\nid = "communication"\n'
                        'definition = "Not told."\n')
    result = run("train", labelled, "-o", tmp_path / "m", "--text-column", "complaint",
                 "--label-column", "code", "--taxonomy", taxonomy, "--config", config)
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: labels not defined in {taxonomy}: ['failure_to_provide', 'staff_attitude']")


def test_class_prior_shifts_probabilities(texts, themes, encoder):
    import numpy as np

    from complaint_themes import ThemeClassifier
    from complaint_themes.errors import ComplaintThemesError
    from complaint_themes.heads import shift_prior

    shifted = shift_prior(np.array([[0.5, 0.5]]), np.array([0.5, 0.5]), np.array([0.8, 0.2]))
    np.testing.assert_allclose(shifted, [[0.8, 0.2]])
    plain = ThemeClassifier(encoder=encoder, cache=False).fit(texts, themes)
    prior = {"communication": 0.1, "failure_to_provide": 0.1, "staff_attitude": 0.8}
    tilted = ThemeClassifier(encoder=encoder, cache=False, class_prior=prior).fit(texts, themes)
    column = list(plain.classes_).index("staff_attitude")
    assert (tilted.predict_proba(texts)[:, column] > plain.predict_proba(texts)[:, column]).all()
    with pytest.raises(ComplaintThemesError, match=r"no share for label\(s\) \['staff_attitude'\]"):
        ThemeClassifier(encoder=encoder, cache=False,
                        class_prior={"communication": 1, "failure_to_provide": 1}).fit(
            texts, themes)


def test_temperature_softens_the_head_but_not_the_prior(texts, themes, encoder):
    """The prior is applied after the temperature, so it keeps its full weight: the result is
    the prior shift of the softened head probabilities, and a higher temperature pulls every
    text towards the prior, not towards equal shares."""
    import numpy as np

    from complaint_themes import ThemeClassifier
    from complaint_themes.heads import shift_prior, soften

    prior = {"communication": 0.1, "failure_to_provide": 0.1, "staff_attitude": 0.8}
    model = ThemeClassifier(encoder=encoder, cache=False, class_prior=prior).fit(texts, themes)
    raw = model.head_proba(model.embed(texts))
    shares = np.array([prior[c] for c in model.classes_])
    for t in (1.0, 2.0):
        expected = shift_prior(soften(raw, t), model.train_shares_, shares)
        np.testing.assert_allclose(model.set_params(temperature=t).predict_proba(texts),
                                   expected, atol=1e-6)
    far = model.set_params(temperature=1e6).predict_proba(texts)
    np.testing.assert_allclose(far, np.tile(shares, (len(texts), 1)), atol=1e-4)


def test_config_rejects_bad_prior(tmp_path):
    from complaint_themes.config import TrainingConfig
    from complaint_themes.errors import ComplaintThemesError

    path = tmp_path / "c.toml"
    path.write_text("[training]\nmulti_label = true\n[training.class_prior]\na = 1.0\n")
    with pytest.raises(ComplaintThemesError, match="single-label training only"):
        TrainingConfig.from_toml(path)
    path.write_text("[training]\nlabel_colum = 'x'\n")
    with pytest.raises(ComplaintThemesError, match=r"unknown setting\(s\) \['label_colum'\]"):
        TrainingConfig.from_toml(path)


def test_label_thresholds_maximise_each_labels_f1():
    import numpy as np

    from complaint_themes.evaluate import tune_label_thresholds

    Y = np.array([[1, 0], [1, 0], [0, 1], [0, 0], [0, 0]])
    scores = np.array([[0.9, 0.1], [0.3, 0.2], [0.2, 0.25], [0.1, 0.3], [0.05, 0.05]])
    thresholds = tune_label_thresholds(Y, scores)
    # label 0: cutting between 0.3 and 0.2 catches both positives and nothing else
    assert thresholds[0] == pytest.approx(0.25)
    assert ((scores >= thresholds)[:, 0] == Y[:, 0].astype(bool)).all()
    # label 1: the positive (0.25) sits below a negative (0.3); the best F1 takes both
    assert 0.2 < thresholds[1] < 0.25


def test_multilabel_training_stores_tuned_thresholds(labelled, config, tmp_path):
    result = run("train", labelled, "-o", tmp_path / "ml", "--text-column", "complaint",
                 "--label-column", "codes", "--multi-label", "--config", config)
    assert result.exit_code == 0, result.output
    model = load_model(tmp_path / "ml")
    assert len(model.label_thresholds) == len(model.classes_) == 4
    proba = model.predict_proba(["Nobody replied to my emails"])
    assert (model.predict(["Nobody replied to my emails"])
            == (proba >= model.label_thresholds).astype(int)).all()


def test_vote_head_trains_saves_and_loads(tmp_path, texts, themes):
    from complaint_themes import load_model, save_model
    from complaint_themes.config import TrainingConfig
    from complaint_themes.heads import SplitVote
    from complaint_themes.train import train_model

    many = texts * 4  # ten or more per theme, so the calibrated heads are used
    labels = themes * 4
    config = TrainingConfig(encoder="hashing", head="vote", text_features="tfidf", cv_folds=3)
    model, report = train_model(many, labels, config, cache=False)
    assert isinstance(model.classifier_, SplitVote)
    assert model.classifier_.embedding_dim == model.embed(many[:1]).shape[1]
    assert report["cv"]["macro_f1"] > 0.5
    loaded = load_model(save_model(model, tmp_path / "vote"))
    np.testing.assert_allclose(loaded.predict_proba(texts), model.predict_proba(texts))
    with pytest.raises(ComplaintThemesError, match="head 'vote' needs text_features"):
        TrainingConfig(head="vote")


def test_evaluate_averages_over_the_themes_the_file_has(labelled, config, tmp_path):
    model_dir = tmp_path / "my-model"
    run("train", labelled, "-o", model_dir, "--text-column", "complaint", "--label-column",
        "code", "--config", config)
    df = pd.read_csv(labelled)
    sample = tmp_path / "no_attitude.csv"
    df[df.code != "staff_attitude"].to_csv(sample, index=False)  # a sample with no such case
    result = run("evaluate", sample, "--model", model_dir, "-o", tmp_path / "report",
                 "--text-column", "complaint", "--label-column", "code")
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "report" / "metrics.json").read_text())
    assert set(metrics["per_theme"]) == {"communication", "failure_to_provide"}
    assert metrics["themes_not_in_file"] == ["staff_attitude"]
    assert metrics["macro_f1"] == pytest.approx(
        np.mean([t["f1"] for t in metrics["per_theme"].values()]), abs=1e-3)
    assert "no case of staff_attitude" in result.output
    assert "staff_attitude had no case in it" in (tmp_path / "report" / "report.html").read_text()
