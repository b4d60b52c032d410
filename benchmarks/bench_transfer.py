"""Which head transfers to real text? Heads chosen on the NHS development half, not by CV.

    python benchmarks/bench_transfer.py          # development half only
    python benchmarks/bench_transfer.py --aside  # also the aside half (look once, at the end)
    python benchmarks/bench_transfer.py --config training/configs/fast.toml \
        --out benchmarks/results/transfer_heads_fast.json   # the same on the fast model's encoder

Every head is fitted on the corpus training split (``training/data/batches``) with the class
prior of ``training/configs/default.toml`` and scored on the corpus held-out split and on the
development half of the mapped NHS set: macro-F1, expected calibration error, and the accuracy
of the texts a 0.6 review threshold keeps. For the head configured in ``default.toml`` it then
chooses, on the development half, the temperature with the lowest calibration error and the
review threshold that keeps the accuracy of the rest at the target: the values the config
records for real text. Embeddings come from the cache. Writes
``benchmarks/results/transfer_heads.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sklearn.calibration import CalibratedClassifierCV
from sklearn.svm import SVC, LinearSVC

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))

from train_default import load_corpus  # noqa: E402

from complaint_themes import ThemeClassifier  # noqa: E402
from complaint_themes.calibrate import choose_settings  # noqa: E402
from complaint_themes.config import TrainingConfig  # noqa: E402
from complaint_themes.datasets import load_nhs_council_themes  # noqa: E402
from complaint_themes.evaluate import score  # noqa: E402
from complaint_themes.heads import PrototypeClassifier, default_head  # noqa: E402


def temperature(scorer):
    return CalibratedClassifierCV(scorer, method="temperature", cv=5, ensemble=False)


def candidate_heads() -> dict:
    """name -> (head, text_features)."""
    logistic = default_head(False, 100, C=1, kind="logistic")
    return {
        "RBF SVM one-vs-rest C=2 (v1 default)": (default_head(False, 100, C=2), None),
        "RBF SVM one-vs-rest C=0.5": (default_head(False, 100, C=0.5), None),
        "logistic regression C=1": (logistic, None),
        "RBF SVM one-vs-one C=1": (temperature(SVC(C=1, class_weight="balanced")), None),
        "prototype (nearest centroid)": (temperature(PrototypeClassifier()), None),
        "embedding + TF-IDF, logistic regression C=1": (logistic, "tfidf"),
        "embedding + TF-IDF, logistic regression C=0.5": (
            default_head(False, 100, C=0.5, kind="logistic"), "tfidf"),
        "embedding + TF-IDF, logistic regression C=2": (
            default_head(False, 100, C=2, kind="logistic"), "tfidf"),
        "embedding + TF-IDF, linear SVM C=0.1": (
            temperature(LinearSVC(C=0.1, class_weight="balanced")), "tfidf"),
        "vote: RBF SVM on embedding + logistic on embedding and TF-IDF": (
            default_head(False, 100, C=2, kind="vote"), "tfidf"),
    }


def real_text_settings(model, emb, texts, truth, target_accuracy):
    """The temperature with the lowest ECE on real development text, and the lowest review
    threshold at which the texts kept reach ``target_accuracy`` there
    (:func:`complaint_themes.calibrate.choose_settings`). ``model`` is left with both."""
    head = model.head_proba(emb, texts=texts)
    chosen = choose_settings(model, head, truth, target_accuracy)
    return {**chosen, "ece": score(truth, model.adjust_proba(head), list(model.classes_))["ece"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aside", action="store_true", help="also score the aside half")
    parser.add_argument("--settings-only", action="store_true",
                        help="skip the candidate heads; only choose the real-text settings")
    parser.add_argument("--config", type=Path, default=ROOT / "training/configs/default.toml",
                        help="training config whose encoder, prior and head are used")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/transfer_heads.json")
    args = parser.parse_args(argv)
    config = TrainingConfig.from_toml(args.config)
    corpus = load_corpus()
    train, test = corpus[corpus.split == "train"], corpus[corpus.split == "test"]
    reader = ThemeClassifier(encoder=config.encoder, progress=True)
    sets = {"held_out": (test, reader.embed(test.text.tolist()), None)}
    for part in ["dev", "aside"] if args.aside else ["dev"]:
        nhs = load_nhs_council_themes(part=part)
        sets[f"nhs_{part}"] = (nhs, reader.embed(nhs.text.tolist()), sorted(nhs.theme.unique()))
    X = reader.embed(train.text.tolist())
    y = train.theme.tolist()
    results = {}
    candidates = {} if args.settings_only else candidate_heads()
    for name, (head, text_features) in candidates.items():
        model = ThemeClassifier(encoder=config.encoder, classifier=head,
                                text_features=text_features, class_prior=config.class_prior)
        model.fit_embeddings(X, y, texts=train.text.tolist())
        classes = list(model.classes_)
        row = {}
        for set_name, (table, emb, labels) in sets.items():
            proba = model.proba_from_embeddings(emb, texts=table.text.tolist())
            m = score(table.theme, proba, classes, 0.6, labels=labels)
            row[set_name] = {k: m[k] for k in ("macro_f1", "accuracy", "ece",
                                               "needs_review_share", "accuracy_of_rest")}
        results[name] = row
        print(f"{name:40} " + "  ".join(
            f"{s}: F1 {r['macro_f1']:.3f} ece {r['ece']:.3f} rest {r['accuracy_of_rest']}"
            for s, r in row.items()), flush=True)
    # the configured head: temperature and review threshold for real text, on the dev half
    shipped = ThemeClassifier(
        encoder=config.encoder, text_features=config.text_features, class_prior=config.class_prior,
        classifier=default_head(False, 100, C=config.C, kind=config.head,
                                embedding_dim=X.shape[1]),
    ).fit_embeddings(X, y, texts=train.text.tolist())
    dev, emb, _ = sets["nhs_dev"]
    chosen = real_text_settings(shipped, emb, dev.text.tolist(), dev.theme,
                                config.review_target_accuracy)
    print(f"configured head ({config.head}, text_features={config.text_features}) on the NHS "
          f"development half: {chosen}")
    if args.settings_only and args.out.is_file():  # keep the heads of an earlier full run
        results = json.loads(args.out.read_text()).get("heads", {})
    args.out.write_text(json.dumps({"n_train": len(train), "heads": results,
                                    "real_text_settings": chosen}, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
