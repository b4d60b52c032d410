"""Which classifier head on the MiniLM embeddings? Own corpus against real NHS text.

    python benchmarks/bench_heads.py

Each head is used as a ``ThemeClassifier`` would use it, with the class prior of
``training/configs/default.toml``. For each: 5-fold cross-validated macro-F1 on the corpus
training split (how a head is chosen without real data), macro-F1 on the fixed held-out split,
and macro-F1 on the NHS feedback mapped to the council themes (three themes present; see
``complaint_themes.datasets.load_nhs_council_themes``). Embeddings come from the cache, so
only the first run encodes. Writes ``benchmarks/results/heads.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.metrics import f1_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC, LinearSVC

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))

from train_default import load_corpus  # noqa: E402

from complaint_themes import ThemeClassifier  # noqa: E402
from complaint_themes.config import TrainingConfig  # noqa: E402
from complaint_themes.datasets import load_nhs_council_themes  # noqa: E402
from complaint_themes.errors import ComplaintThemesError  # noqa: E402
from complaint_themes.heads import default_head  # noqa: E402
from complaint_themes.train import out_of_fold_proba  # noqa: E402


def calibrated(scorer):
    return CalibratedClassifierCV(scorer, method="temperature", cv=5, ensemble=False)


HEADS = {
    "logistic regression C=2": default_head(False, 100, C=2, kind="logistic"),
    "RBF SVM one-vs-rest C=1": default_head(False, 100, C=1, kind="svm"),
    "RBF SVM one-vs-rest C=2 (shipped)": default_head(False, 100, C=2, kind="svm"),
    "RBF SVM one-vs-rest C=4": default_head(False, 100, C=4, kind="svm"),
    "RBF SVM one-vs-one C=2": calibrated(SVC(C=2, class_weight="balanced")),
    "linear SVM C=0.5": calibrated(LinearSVC(C=0.5, class_weight="balanced")),
    "k-NN k=25 (cosine)": KNeighborsClassifier(25, metric="cosine", weights="distance"),
    "MLP 256": MLPClassifier((256,), alpha=1e-2, max_iter=500, random_state=0),
}


def macro_f1(y_true, proba, classes, labels=None) -> float:
    predicted = np.asarray(classes)[proba.argmax(axis=1)]
    return round(float(f1_score(y_true, predicted, labels=labels, average="macro")), 4)


def main() -> int:
    config = TrainingConfig.from_toml(ROOT / "training/configs/default.toml")
    corpus = load_corpus()
    train = (corpus.split == "train").to_numpy()
    y = np.array(corpus.theme.tolist())
    reader = ThemeClassifier(encoder=config.encoder, progress=True)
    X = reader.embed(corpus.text.tolist())
    try:
        nhs = load_nhs_council_themes()
    except ComplaintThemesError as e:
        print(f"NHS figures skipped: {e}")
        nhs = None
    X_nhs = reader.embed(nhs.text.tolist()) if nhs is not None else None
    results = {}
    for name, head in HEADS.items():
        model = ThemeClassifier(encoder=config.encoder, classifier=head,
                                class_prior=config.class_prior)
        oof = out_of_fold_proba(model, X[train], list(y[train]), 5, config.seed)
        model.fit_embeddings(X[train], list(y[train]))
        classes = list(model.classes_)
        row = {
            "cv_macro_f1": macro_f1(y[train], oof, classes),
            "held_out_macro_f1": macro_f1(y[~train], model.proba_from_embeddings(X[~train]),
                                          classes),
        }
        if nhs is not None:
            row["nhs_mapped_macro_f1"] = macro_f1(
                nhs.theme, model.proba_from_embeddings(X_nhs), classes,
                labels=sorted(nhs.theme.unique()))
        results[name] = row
        print(f"{name:36} " + "  ".join(f"{k} {v}" for k, v in row.items()), flush=True)
    out = ROOT / "benchmarks" / "results" / "heads.json"
    out.write_text(json.dumps({"n_corpus": len(corpus), "class_prior": config.class_prior,
                               "heads": results}, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
