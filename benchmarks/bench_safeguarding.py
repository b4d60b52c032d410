"""Benchmark the safeguarding / urgent-risk flags on a labelled, held-out test set.

    python benchmarks/bench_safeguarding.py             # figures, misses and false alarms
    python benchmarks/bench_safeguarding.py --quiet     # figures only

benchmarks/data/safeguarding_test.jsonl holds one complaint a line,
``{"id": ..., "text": ..., "flags": [kinds]}`` (``flags`` empty for none), written by a
different engineer from the one who wrote the rules and not seen while they were written.
For each kind: recall, precision and F1 of the rows flagged with it; then the same for "any
flag" (a row is flagged at all). Speed is the rate of :func:`flag_table` on the test texts and
on the training corpus (training/data/batches, when present), each repeated so that a run
takes a few seconds.

Both "rules only" (``flag_table(texts)``) and "rules + semantic" (``semantic=True``: the
all-MiniLM-L6-v2 second pass of complaint_themes.risk_semantic) are measured; the top-level
figures of the JSON are rules only, ``modes`` holds both. The semantic speed is measured with
no embedding cache (every sentence encoded), on the test texts and on 300 corpus texts.

Figures are printed and written to benchmarks/results/safeguarding.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data" / "safeguarding_test.jsonl"
CORPUS = ROOT / "training" / "data" / "batches"
RESULTS = HERE / "results" / "safeguarding.json"
sys.path.insert(0, str(ROOT))

from complaint_themes.safeguarding import KINDS, flag_table  # noqa: E402


def read_test_set(path: Path) -> list[dict]:
    if not path.is_file():
        sys.exit(f"{path} not found: the labelled test set is needed")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        unknown = set(row.get("flags", [])) - set(KINDS)
        if unknown or not isinstance(row.get("text"), str):
            sys.exit(f"{path.name} line {number}: unknown flag(s) {sorted(unknown)} or no text; "
                     f"flags must be among {', '.join(KINDS)}")
        rows.append(row)
    return rows


def scores(truth: list[bool], predicted: list[bool]) -> dict:
    tp = sum(t and p for t, p in zip(truth, predicted, strict=True))
    fp = sum(p and not t for t, p in zip(truth, predicted, strict=True))
    fn = sum(t and not p for t, p in zip(truth, predicted, strict=True))
    recall = tp / (tp + fn) if tp + fn else None
    precision = tp / (tp + fp) if tp + fp else None
    f1 = (2 * recall * precision / (recall + precision)
          if recall is not None and precision is not None and recall + precision else None)
    return {"support": tp + fn, "flagged": tp + fp, "tp": tp, "fp": fp, "fn": fn,
            "recall": recall, "precision": precision, "f1": f1}


def rate(texts: list[str], min_seconds: float = 2.0) -> float:
    """Texts per second of flag_table on ``texts`` (repeated to run at least ``min_seconds``)."""
    done, start = 0, time.perf_counter()
    while True:
        flag_table(texts)
        done += len(texts)
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return done / elapsed


def fmt(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:5.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quiet", action="store_true", help="do not list misses/false alarms")
    args = parser.parse_args()

    rows = read_test_set(DATA)
    texts = [r["text"] for r in rows]
    modes = {}
    for mode, semantic in (("rules+semantic", True), ("rules", False)):
        print(f"\n== {mode} ==")
        modes[mode] = measure(rows, texts, flag_table(texts, semantic=semantic, cache=False),
                              args.quiet)
    results = dict(modes["rules"])
    results["modes"] = modes

    speed = {"test_set_texts_per_second": round(rate(texts))}
    corpus = [json.loads(line)["text"] for p in sorted(CORPUS.glob("*.jsonl"))
              for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    if corpus:
        speed["corpus_texts"] = len(corpus)
        speed["corpus_mean_chars"] = round(sum(map(len, corpus)) / len(corpus))
        speed["corpus_texts_per_second"] = round(rate(corpus))
    start = time.perf_counter()
    flag_table(texts, semantic=True, cache=False)
    speed["semantic_test_set_texts_per_second"] = round(len(texts) / (time.perf_counter() - start),
                                                        1)
    if corpus:
        sample = corpus[:: max(len(corpus) // 300, 1)][:300]
        start = time.perf_counter()
        flag_table(sample, semantic=True, cache=False)
        speed["semantic_corpus_sample_texts"] = len(sample)
        speed["semantic_corpus_texts_per_second"] = round(
            len(sample) / (time.perf_counter() - start), 1)
    results["speed"] = speed
    print("speed: " + ", ".join(f"{k} {v}" for k, v in speed.items()))

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


def measure(rows: list[dict], texts: list[str], table, quiet: bool) -> dict:
    """Per-kind and any-flag scores of one ``flag_table`` result (printed), with error ids."""
    found = [set(filter(None, cell.split("|"))) for cell in table["risk_flags"]]
    labelled = [set(r.get("flags", [])) for r in rows]

    results: dict = {"n": len(rows), "n_with_any_flag": sum(bool(s) for s in labelled),
                     "kinds": {}}
    print(f"{len(rows)} complaints, {results['n_with_any_flag']} with at least one flag "
          f"({DATA.relative_to(ROOT)})")
    print(f"{'kind':<20} {'support':>7} {'flagged':>7} {'recall':>6} {'precision':>9} {'F1':>6}")
    for kind in (*KINDS, "any"):
        if kind == "any":
            s = scores([bool(x) for x in labelled], [bool(x) for x in found])
            results["any_flag"] = s
        else:
            s = scores([kind in x for x in labelled], [kind in x for x in found])
            results["kinds"][kind] = s
        print(f"{kind:<20} {s['support']:>7} {s['flagged']:>7} {fmt(s['recall']):>6} "
              f"{fmt(s['precision']):>9} {fmt(s['f1']):>6}")
    results["exact_match"] = sum(a == b for a, b in zip(labelled, found, strict=True)) / len(rows)
    print(f"rows whose flags are exactly right: {results['exact_match']:.3f}")

    errors: dict = {}
    for kind in KINDS:
        misses = [r["id"] for r, a, b in zip(rows, labelled, found, strict=True)
                  if kind in a and kind not in b]
        alarms = [r["id"] for r, a, b in zip(rows, labelled, found, strict=True)
                  if kind in b and kind not in a]
        errors[kind] = {"missed_ids": misses, "false_alarm_ids": alarms}
        if not quiet:
            for label, ids in (("missed", misses), ("false alarm", alarms)):
                for i in ids:
                    row = next(r for r in rows if r["id"] == i)
                    sentence = table["risk_sentences"].iloc[rows.index(row)]
                    where = f"\n      flagged on: {sentence[:160]!r}" if label != "missed" else ""
                    print(f"  {kind} {label} [{i}] {row['text'][:220]!r}{where}")
    results["errors"] = errors
    return results


if __name__ == "__main__":
    main()
