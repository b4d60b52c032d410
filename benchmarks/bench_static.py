"""Benchmark the fast encoder (minilm-static, model2vec) against fp32 all-MiniLM-L6-v2.

    python benchmarks/bench_static.py [--static DIR ...] [--repeats 3] [--n 2000]

(a) speed: encode throughput (texts/s) on ``--n`` corpus texts, the two encoders timed in
    alternation in the same run (the CPU is shared, so absolute times drift; the ratio is the
    figure to read), median of ``--repeats`` runs after a warm-up, no cache. Load time and
    folder size of the static model.
(b) agreement: share of each text's 10 nearest neighbours (cosine, among the same texts) that
    the static model shares with MiniLM.
(c) quality without the rest of the model: a logistic regression on the embedding alone,
    fitted on the training split of the corpus and scored on its held-out split (macro-F1,
    accuracy), for MiniLM, the bundled static model and each extra ``--static`` folder (e.g. a
    build with ``--vocabulary corpus``). The full model's figures come from
    ``python training/train_default.py --config training/configs/fast.toml``.

Figures are printed and written to benchmarks/results/static.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "static.json"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))

from train_default import load_corpus  # noqa: E402

from complaint_themes.embed import (  # noqa: E402
    DEFAULT_ENCODER,
    STATIC_ENCODER,
    StaticEncoder,
    bundled_dir,
    embed,
    load_encoder,
)


def throughput(encoders: dict, texts: list[str], repeats: int) -> dict[str, float]:
    """Median texts/s of each encoder, timed in alternation (warm-up first)."""
    for enc in encoders.values():
        enc.encode(texts[:64])
    times: dict[str, list[float]] = {name: [] for name in encoders}
    for _ in range(repeats):
        for name, enc in encoders.items():
            start = time.perf_counter()
            enc.encode(texts)
            times[name].append(time.perf_counter() - start)
    return {name: round(len(texts) / statistics.median(t), 1) for name, t in times.items()}


def neighbour_overlap(a: np.ndarray, b: np.ndarray, k: int = 10) -> float:
    def top(x: np.ndarray) -> np.ndarray:
        sims = x @ x.T
        np.fill_diagonal(sims, -np.inf)
        return np.argsort(-sims, axis=1)[:, :k]

    ta, tb = top(a), top(b)
    return float(np.mean([len(set(r) & set(s)) / k for r, s in zip(ta, tb, strict=True)]))


def held_out_quality(encoder, corpus) -> dict[str, float]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score

    train, test = corpus[corpus.split == "train"], corpus[corpus.split == "test"]
    x_train = embed(train.text.tolist(), encoder)
    x_test = embed(test.text.tolist(), encoder)
    head = LogisticRegression(C=2.0, max_iter=2000).fit(x_train, train.theme)
    predicted = head.predict(x_test)
    return {
        "macro_f1": round(float(f1_score(test.theme, predicted, average="macro")), 4),
        "accuracy": round(float(accuracy_score(test.theme, predicted)), 4),
        "n_test": len(test),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--static", type=Path, action="append", default=[],
                        help="another model2vec folder to score in (c)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args(argv)

    corpus = load_corpus()
    sample = corpus.sample(n=min(args.n, len(corpus)), random_state=0).text.tolist()
    folder = bundled_dir(STATIC_ENCODER)
    start = time.perf_counter()
    static = StaticEncoder(folder)
    load_seconds = time.perf_counter() - start
    minilm = load_encoder(DEFAULT_ENCODER)
    speed = throughput({STATIC_ENCODER: static, DEFAULT_ENCODER: minilm}, sample, args.repeats)
    ratio = speed[STATIC_ENCODER] / speed[DEFAULT_ENCODER]
    print(f"speed on {len(sample)} corpus texts (median of {args.repeats}): "
          f"static {speed[STATIC_ENCODER]:.0f} texts/s, MiniLM fp32 {speed[DEFAULT_ENCODER]:.1f}"
          f" texts/s, ratio {ratio:.0f}x; static load {load_seconds:.2f} s")

    overlap = neighbour_overlap(embed(sample, static), embed(sample, minilm))
    print(f"top-10 neighbour overlap with MiniLM: {overlap:.2f}")

    bundled = json.loads((folder / "build.json").read_text())
    quality = {DEFAULT_ENCODER: held_out_quality(minilm, corpus),
               f"{STATIC_ENCODER} (vocabulary {bundled['settings']['vocabulary']})":
               held_out_quality(static, corpus)}
    for extra in args.static:
        record = extra / "build.json"
        build = json.loads(record.read_text()) if record.is_file() else {}
        label = f"{extra.name} (vocabulary {build.get('settings', {}).get('vocabulary', '?')})"
        quality[label] = held_out_quality(StaticEncoder(extra, model_id=extra.name), corpus)
    for name, q in quality.items():
        print(f"held-out, logistic regression on the embedding: {name:>36}  "
              f"macro-F1 {q['macro_f1']:.3f}  accuracy {q['accuracy']:.3f}")

    size = sum(p.stat().st_size for p in folder.iterdir())
    figures = {
        "n_texts": len(sample),
        "repeats": args.repeats,
        "texts_per_second": speed,
        "speed_ratio": round(ratio, 1),
        "static_load_seconds": round(load_seconds, 3),
        "static_folder_mb": round(size / 1e6, 1),
        "static_build": bundled,
        "top10_neighbour_overlap": round(overlap, 3),
        "held_out_logistic_on_embedding": quality,
        "command": "python benchmarks/bench_static.py " + " ".join(argv or sys.argv[1:]),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
