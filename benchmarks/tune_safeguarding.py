"""Choose the thresholds of the semantic safeguarding pass on our own development examples.

    python benchmarks/tune_safeguarding.py            # sweep each kind's threshold
    python benchmarks/tune_safeguarding.py --corpus 600   # also count new flags on corpus texts

tests/data/safeguarding_dev.jsonl (written by the engineer who wrote the semantic pass, 148
complaints, many describing risk without the usual keywords) is the only labelled data read
here; the benchmark's test set is never opened. For each kind and threshold it prints the
recall and precision of rules + semantic on the development set and, with ``--corpus N``, how
many of N complaints of the training corpus (ordinary complaints, a proxy for false alarms)
gain a semantic flag of that kind. The thresholds chosen are written by hand into
complaint_themes/data/risk_prototypes.toml. Needs the real all-MiniLM-L6-v2 encoder.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEV = ROOT / "tests" / "data" / "safeguarding_dev.jsonl"
CORPUS = ROOT / "training" / "data" / "batches"
sys.path.insert(0, str(ROOT))

from complaint_themes.risk_semantic import (  # noqa: E402
    load_prototypes,
    score_sentences,
    semantic_flags,
)
from complaint_themes.safeguarding import KINDS, _rule_flags, _Text  # noqa: E402


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=int, default=0, help="corpus texts to count flags on")
    args = parser.parse_args()
    protos = load_prototypes()
    rows = read_jsonl(DEV)
    docs = [_Text(r["text"]) for r in rows]
    rules = [{f.kind for f in _rule_flags(d)} for d in docs]
    truth = [set(r["flags"]) for r in rows]
    scores = score_sentences(docs, prototypes=protos)
    corpus_docs, corpus_scores, corpus_rules = [], None, []
    if args.corpus:
        texts = [json.loads(line)["text"] for p in sorted(CORPUS.glob("*.jsonl"))
                 for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
        pick = np.random.default_rng(0).choice(len(texts), min(args.corpus, len(texts)),
                                               replace=False)
        corpus_docs = [_Text(texts[i]) for i in sorted(pick)]
        corpus_rules = [{f.kind for f in _rule_flags(d)} for d in corpus_docs]
        corpus_scores = score_sentences(corpus_docs, prototypes=protos)
    for kind in KINDS:
        support = sum(kind in t for t in truth)
        hit = sum(kind in t and kind in r for t, r in zip(truth, rules, strict=True))
        fp = sum(kind not in t and kind in r for t, r in zip(truth, rules, strict=True))
        print(f"\n{kind}: support {support}; rules only recall {hit / support:.3f}, "
              f"false alarms {fp}")
        for threshold in np.arange(0.45, 0.76, 0.025):
            flags = semantic_flags(docs, scores, protos, thresholds={
                k: (threshold if k == kind else 2.0) for k in KINDS})
            found = [r | {f.kind for f in fs} for r, fs in zip(rules, flags, strict=True)]
            tp = sum(kind in t and kind in f for t, f in zip(truth, found, strict=True))
            fp = sum(kind not in t and kind in f for t, f in zip(truth, found, strict=True))
            line = (f"  t={threshold:.3f} recall {tp / support:.3f} precision "
                    f"{tp / max(tp + fp, 1):.3f} fp {fp}")
            if corpus_scores is not None:
                extra = semantic_flags(corpus_docs, corpus_scores, protos, thresholds={
                    k: (threshold if k == kind else 2.0) for k in KINDS})
                new = sum(bool(fs) and kind not in r
                          for fs, r in zip(extra, corpus_rules, strict=True))
                line += f"  corpus: +{new}/{len(corpus_docs)} flagged"
            print(line)


if __name__ == "__main__":
    main()
