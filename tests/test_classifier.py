"""ThemeClassifier follows the scikit-learn estimator contract and reports its themes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from complaint_themes import ComplaintThemesError, ThemeClassifier, zero_shot_model
from complaint_themes.errors import InputError


def make(encoder, **kw):
    return ThemeClassifier(encoder=encoder, cache=False, **kw)


def test_init_stores_params_only(encoder):
    model = make(encoder, review_threshold=0.7)
    assert model.get_params()["review_threshold"] == 0.7
    assert not hasattr(model, "classes_")
    with pytest.raises(NotFittedError, match="not fitted"):
        model.predict(["anything"])


def test_fit_predict_single_label(texts, themes, encoder):
    model = make(encoder).fit(texts, themes)
    assert list(model.classes_) == sorted(set(themes))
    proba = model.predict_proba(texts)
    assert proba.shape == (len(texts), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    assert (model.predict(texts) == np.asarray(themes)).mean() >= 0.8


def test_accepts_a_pandas_series(texts, themes, encoder):
    model = make(encoder).fit(pd.Series(texts), pd.Series(themes))
    assert model.predict(pd.Series(texts[:2])).shape == (2,)


def test_clone_pipeline_and_cross_val(texts, themes, encoder):
    model = make(encoder, classifier=LogisticRegression(C=10))
    copy = clone(model)
    assert copy.get_params()["classifier"].C == 10 and not hasattr(copy, "classifier_")
    pipe = Pipeline([("clean", FunctionTransformer(lambda xs: [x.lower() for x in xs])),
                     ("themes", model)])
    assert pipe.fit(texts, themes).predict(texts[:1]).shape == (1,)
    scores = cross_val_score(model, texts, themes, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.3
    search = GridSearchCV(model, {"classifier__C": [0.1, 10]}, cv=3).fit(texts, themes)
    assert search.best_params_["classifier__C"] in (0.1, 10)


def test_multilabel_targets(texts, themes, encoder):
    y = [[t] if i % 2 else [t, "service_standard"] for i, t in enumerate(themes)]
    model = make(encoder).fit(texts, y)
    assert model.multilabel_
    assert "service_standard" in model.classes_
    predicted = model.predict(texts)
    assert predicted.shape == (len(texts), 4) and set(np.unique(predicted)) <= {0, 1}
    assert model.predict_proba(texts).shape == (len(texts), 4)


def test_predict_themes_columns_and_review(texts, themes, encoder):
    model = make(encoder, review_threshold=0.999, secondary_threshold=0.0).fit(texts, themes)
    table = model.predict_themes(texts)
    assert list(table.columns[:4]) == ["theme", "theme_confidence", "secondary_themes",
                                       "needs_review"]
    assert [c for c in table.columns if c.startswith("prob_")] == [
        f"prob_{c}" for c in model.classes_]
    assert table["needs_review"].all()  # nothing reaches 0.999
    # with threshold 0 every other theme is secondary, most probable first
    first = table.iloc[0]
    others = first["secondary_themes"].split("|")
    assert first["theme"] not in others and len(others) == 2
    assert first[f"prob_{others[0]}"] >= first[f"prob_{others[1]}"]
    relaxed = model.set_params(review_threshold=0.0).predict_themes(texts)
    assert not relaxed["needs_review"].any()


@pytest.mark.parametrize(
    "bad, message",
    [
        (["fine text", float("nan")], r"row 1 is float \(nan\)"),
        (["fine text", None, "more"], r"row 1 is NoneType \(None\)"),
        ("one string", "not a single string"),
    ],
)
def test_bad_texts_name_the_row(bad, message, texts, themes, encoder):
    model = make(encoder).fit(texts, themes)
    with pytest.raises(InputError, match=message):
        model.predict(bad)


def test_single_class_is_refused(texts, encoder):
    with pytest.raises(ComplaintThemesError, match="at least two themes"):
        make(encoder).fit(texts, ["communication"] * len(texts))


def test_zero_shot_and_few_shot(texts, themes, encoder):
    zero = zero_shot_model(encoder=encoder, cache=False)
    assert list(zero.classes_) == ["communication", "failure_to_provide", "service_standard",
                                   "staff_attitude"]
    few = zero_shot_model(encoder=encoder, examples=(texts, themes), cache=False)
    # adding labelled complaints moves prototypes towards them
    assert (few.predict(texts) == np.asarray(themes)).mean() > (
        zero.predict(texts) == np.asarray(themes)).mean()
    with pytest.raises(ComplaintThemesError, match="not in the taxonomy: \\['noise'\\]"):
        zero_shot_model(encoder=encoder, examples=(["x"], ["noise"]), cache=False)


def test_word_features_read_words_the_encoder_cannot_see(texts, themes):
    from complaint_themes.embed import HashingEncoder

    class Blind(HashingEncoder):
        """Every text gets the same embedding: only the word features can tell them apart."""

        model_id = "blind-test"

        def encode(self, batch):
            return np.tile(super().encode(["same"]), (len(batch), 1))

    blind = make(Blind(), classifier=LogisticRegression(C=100))
    assert (blind.fit(texts, themes).predict(texts) == np.asarray(themes)).mean() < 0.5
    words = make(Blind(), classifier=LogisticRegression(C=100), text_features="tfidf")
    words.fit(texts, themes)
    assert (words.predict(texts) == np.asarray(themes)).all()
    assert "officer" in words.vectorizer_.vocabulary_
    table = words.predict_themes(texts, embeddings=words.embed(texts))
    assert table.theme.tolist() == themes
    copy = clone(words)
    assert copy.text_features == "tfidf" and not hasattr(copy, "vectorizer_")


def test_word_features_need_the_texts(texts, themes, encoder):
    model = make(encoder, text_features="tfidf").fit(texts, themes)
    with pytest.raises(ComplaintThemesError, match="also reads the words .* pass the texts"):
        model.predict_themes(embeddings=model.embed(texts))
    with pytest.raises(ComplaintThemesError, match="text_features must be one of"):
        make(encoder, text_features="bag").fit(texts, themes)


@pytest.mark.parametrize("n_classes", [2, 4])
def test_shared_kernel_svm_scores_as_one_vs_rest_svms(n_classes):
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.svm import SVC

    from complaint_themes.heads import SharedKernelSVC

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 16))
    y = np.array(list("abcd"))[rng.integers(0, n_classes, 300)]
    X[y == "a", :2] += 1.0  # something to learn
    test = rng.normal(size=(50, 16))
    reference = OneVsRestClassifier(SVC(C=2, kernel="rbf", class_weight="balanced")).fit(X, y)
    shared = SharedKernelSVC(C=2, block_rows=7).fit(X, y)  # several blocks
    np.testing.assert_allclose(shared.decision_function(test),
                               reference.decision_function(test), atol=1e-9)
    assert (shared.predict(test) == reference.predict(test)).all()
    assert list(shared.classes_) == list(reference.classes_)


def test_each_text_is_cleaned_once_when_embedded_and_read(texts, themes, encoder, monkeypatch):
    import complaint_themes.classify as classify

    model = make(encoder, text_features="tfidf").fit(texts, themes)
    seen: list[str] = []

    def counting(text):
        seen.append(text)
        return text.strip()

    monkeypatch.setattr(classify, "clean_text", counting)
    model.predict_themes(texts[:3])
    model.predict_proba(texts[:2])
    assert seen == texts[:3] + texts[:2]
