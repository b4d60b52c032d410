"""Why our corpus and real text disagree: the figures behind benchmarks/results/transfer.md.

    python benchmarks/transfer_study.py [--model models/council-themes-v1]

Uses only the development half of the mapped NHS set (``load_nhs_council_themes(part="dev")``);
the aside half is never read here. Prints and writes ``benchmarks/results/transfer_study.json``:
lengths and openings of both sets, the model's confusion on the NHS half, F1 by length, what
each NHS label is predicted as, and the most confident mistakes (ids only in the JSON).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))

from train_default import load_corpus  # noqa: E402

from complaint_themes import load_model  # noqa: E402
from complaint_themes.datasets import load_nhs_council_themes  # noqa: E402

LENGTH_BINS = [(1, 7), (8, 15), (16, 30), (31, 60), (61, 10_000)]
GREETING = re.compile(r"^\s*(dear|hi|hello|to whom|good (morning|afternoon))\b", re.I)
SIGN_OFF = re.compile(r"\b(regards|sincerely|faithfully|thanks|thank you)\W*\s*\w*\W*$", re.I)


def words(texts) -> np.ndarray:
    return np.array([len(t.split()) for t in texts])


def register(texts) -> dict:
    n = words(texts)
    first = Counter(t.split()[0].lower().strip(".,!") for t in texts if t.split())
    return {
        "n": len(texts),
        "words_quantiles_10_50_90": [int(q) for q in np.percentile(n, [10, 50, 90])],
        "share_up_to_15_words": round(float((n <= 15).mean()), 3),
        "share_over_60_words": round(float((n > 60).mean()), 3),
        "share_greeting": round(float(np.mean([bool(GREETING.search(t)) for t in texts])), 3),
        "share_sign_off": round(float(np.mean([bool(SIGN_OFF.search(t)) for t in texts])), 3),
        "share_first_person": round(
            float(np.mean([bool(re.search(r"\b(i|my|me|we|our)\b", t, re.I)) for t in texts])), 3
        ),
        "top_first_words": first.most_common(8),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/transfer_study.json")
    args = parser.parse_args(argv)
    model = load_model(args.model)
    model.set_params(progress=True)
    corpus = load_corpus()
    dev = load_nhs_council_themes(part="dev")
    present = sorted(dev.theme.unique())
    table = model.predict_themes(dev.text.tolist())
    dev = dev.assign(predicted=table.theme.to_numpy(), confidence=table.theme_confidence)
    dev["words"] = words(dev.text)
    classes = list(model.classes_)

    result: dict = {
        "model": str(args.model or "default"),
        "register": {"corpus": register(corpus.text.tolist()), "nhs_dev": register(dev.text)},
        "corpus_theme_by_length": {
            f"{lo}-{hi}": corpus[(words(corpus.text) >= lo) & (words(corpus.text) <= hi)]
            .theme.value_counts().to_dict()
            for lo, hi in LENGTH_BINS
        },
        "nhs_dev_theme_counts": dev.theme.value_counts().to_dict(),
        "macro_f1": round(float(f1_score(dev.theme, dev.predicted, labels=present,
                                         average="macro")), 4),
        "per_theme_f1": dict(zip(present, np.round(f1_score(
            dev.theme, dev.predicted, labels=present, average=None), 3).tolist(), strict=True)),
        "confusion": {
            "rows_true_cols_predicted": classes,
            "matrix": confusion_matrix(dev.theme, dev.predicted, labels=classes).tolist(),
        },
        "by_length": {},
        "by_nhs_label": {},
    }
    for lo, hi in LENGTH_BINS:
        part = dev[(dev.words >= lo) & (dev.words <= hi)]
        if len(part):
            result["by_length"][f"{lo}-{hi}"] = {
                "n": len(part),
                "accuracy": round(float((part.theme == part.predicted).mean()), 3),
                "macro_f1": round(float(f1_score(part.theme, part.predicted, labels=present,
                                                 average="macro")), 3),
            }
    for label, part in dev.groupby("nhs_labels"):
        if len(part) >= 8:
            result["by_nhs_label"][label] = {
                "n": len(part),
                "mapped_to": part.theme.iloc[0],
                "predicted": part.predicted.value_counts().to_dict(),
            }
    wrong = dev[dev.theme != dev.predicted].sort_values("confidence", ascending=False)
    result["confident_mistakes"] = [
        {"index": int(i), "true": r.theme, "nhs_labels": r.nhs_labels, "predicted": r.predicted,
         "confidence": float(r.confidence), "words": int(r.words)}
        for i, r in wrong.head(40).iterrows()
    ]
    print(json.dumps({k: v for k, v in result.items() if k != "confident_mistakes"}, indent=1))
    for r in result["confident_mistakes"][:25]:
        print(f"{r['true']:>18} -> {r['predicted']:<18} {r['confidence']:.2f}  "
              f"{dev.text[r['index']][:160]!r}")
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
