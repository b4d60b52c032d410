"""Should the class prior be applied before or after the real-text temperature?

    python benchmarks/bench_prior_order.py [--model models/council-themes-v1]

Until December 2026 the model shifted its calibrated probabilities to the class prior and then
softened them with the real-text temperature T, which softened the prior too: its effective
ratio was (prior / training share) ** (1 / T). Softening first and applying the prior after
(``ThemeClassifier.proba_from_embeddings`` now) keeps the prior whole. For both orders and T
from 1.6 to 2.4, this prints macro-F1 and ECE on the corpus held-out split and the NHS
development half (never the aside half), from the model's head. Embeddings come from the cache.
Writes ``benchmarks/results/prior_order.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))

from train_default import load_corpus  # noqa: E402

from complaint_themes import load_model  # noqa: E402
from complaint_themes.datasets import load_nhs_council_themes  # noqa: E402
from complaint_themes.evaluate import score  # noqa: E402
from complaint_themes.heads import shift_prior, soften  # noqa: E402

TEMPERATURES = (1.6, 1.8, 2.0, 2.2, 2.4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args(argv)
    model = load_model(args.model)
    classes = list(model.classes_)
    prior = np.array([model.class_prior[c] for c in classes], dtype=float)
    prior /= prior.sum()
    corpus = load_corpus()
    dev = load_nhs_council_themes(part="dev")
    sets = {"held_out": (corpus[corpus.split == "test"], None),
            "nhs_dev": (dev, sorted(dev.theme.unique()))}
    raw = {}
    for name, (table, _) in sets.items():  # the head's calibrated probabilities, no prior
        texts = table.text.tolist()
        raw[name] = model.head_proba(model.embed(texts), texts=texts)
    orders = {
        "prior then temperature (before)":
            lambda p, t: soften(shift_prior(p, model.train_shares_, prior), t),
        "temperature then prior (now)":
            lambda p, t: shift_prior(soften(p, t), model.train_shares_, prior),
    }
    results = {}
    for order, apply in orders.items():
        for t in TEMPERATURES:
            row = {}
            for name, (table, labels) in sets.items():
                m = score(table.theme, apply(raw[name], t), classes, labels=labels)
                row[name] = {"macro_f1": m["macro_f1"], "ece": m["ece"]}
            results[f"{order}, T={t}"] = row
            print(f"{order:34} T={t}: " + "  ".join(
                f"{k} F1 {v['macro_f1']:.3f} ECE {v['ece']:.3f}" for k, v in row.items()))
    out = ROOT / "benchmarks" / "results" / "prior_order.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
