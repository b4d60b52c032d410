"""Which corpus batches help transfer to real text? New batches added one at a time.

    python benchmarks/bench_corpus_batches.py --new w x y z --leave-out pa pb
    python benchmarks/bench_corpus_batches.py --new pa pb \
        --out benchmarks/results/corpus_batches_person.json

The configured recipe (head, word features, prior, temperature) is fitted on the training split
of the other batches (the base; ``--leave-out`` batches are not used at all), of the base plus
each new batch, and of all batches, and scored on the held-out split of the base (comparable
across variants), the held-out split of the new batches, and the development half of the
mapped NHS set (never the aside half).
Embeddings come from the cache. Writes ``benchmarks/results/corpus_batches.json`` (``--out``).
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--new", nargs="+", default=["w", "x", "y", "z"],
                        help="batches to add to the others, one at a time")
    parser.add_argument("--leave-out", nargs="*", default=[], help="batches not used at all")
    parser.add_argument("--config", type=Path, default=ROOT / "training/configs/default.toml")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "benchmarks" / "results" / "corpus_batches.json")
    args = parser.parse_args(argv)
    config = TrainingConfig.from_toml(args.config)
    corpus = load_corpus()
    batch = corpus.id.str.split("-").str[0]
    corpus, batch = corpus[~batch.isin(args.leave_out)], batch[~batch.isin(args.leave_out)]
    new = batch.isin(args.new)
    test = corpus.split == "test"
    sets = {"held_out_base": corpus[test & ~new], "held_out_new": corpus[test & new],
            "nhs_dev": load_nhs_council_themes(part="dev")}
    variants = {"base": ~new, **{f"base + {b}": ~new | (batch == b) for b in args.new},
                "all": new | ~new}
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
    summary = {"config": str(args.config.relative_to(ROOT)), "new": args.new,
               "left_out": args.leave_out, "variants": results}
    args.out.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
