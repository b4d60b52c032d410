"""Which corpus batches help transfer to real text? Batches w-z added one at a time.

    python benchmarks/bench_corpus_batches.py [--config training/configs/default.toml]

The configured recipe (head, word features, prior, temperature) is fitted on the training split
of batches a-v, of a-v plus each of the batches w, x, y, z, and of all batches, and scored on
the held-out split of a-v (comparable across variants), the held-out split of w-z, and the
development half of the mapped NHS set (never the aside half). Embeddings come from the cache.
Writes ``benchmarks/results/corpus_batches.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))

from train_default import load_corpus  # noqa: E402

from complaint_themes.config import TrainingConfig  # noqa: E402
from complaint_themes.datasets import load_nhs_council_themes  # noqa: E402
from complaint_themes.evaluate import score  # noqa: E402
from complaint_themes.train import check_labels, make_classifier  # noqa: E402

NEW = ("w", "x", "y", "z")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "training/configs/default.toml")
    args = parser.parse_args(argv)
    config = TrainingConfig.from_toml(args.config)
    corpus = load_corpus()
    batch = corpus.id.str.split("-").str[0]
    new = batch.isin(NEW)
    test = corpus.split == "test"
    sets = {"held_out_a_v": corpus[test & ~new], "held_out_w_z": corpus[test & new],
            "nhs_dev": load_nhs_council_themes(part="dev")}
    variants = {"a-v": ~new, **{f"a-v + {b}": ~new | (batch == b) for b in NEW}, "all": new | ~new}
    results = {}
    for name, keep in variants.items():
        train = corpus[keep & ~test]
        model = make_classifier(config, check_labels(train.theme.tolist(), False, 10))
        model.fit(train.text.tolist(), train.theme.tolist())
        row = {"n_train": len(train)}
        for set_name, table in sets.items():
            labels = sorted(table.theme.unique()) if set_name == "nhs_dev" else None
            m = score(table.theme, model.predict_proba(table.text.tolist()),
                      list(model.classes_), labels=labels)
            row[set_name] = {"macro_f1": m["macro_f1"], "ece": m["ece"]}
        results[name] = row
        print(name, json.dumps(row), flush=True)
    out = ROOT / "benchmarks" / "results" / "corpus_batches.json"
    out.write_text(json.dumps({"config": str(args.config.relative_to(ROOT)),
                               "variants": results}, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
