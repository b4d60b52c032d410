"""Speed modes side by side: throughput, overhead, peak memory, accuracy, cold start.

    python benchmarks/bench_speed.py [--n 1000]

For each of ``accurate`` (fp32 MiniLM), ``int8`` (the quantised encoder with the head of
``models/council-themes-int8``, fitted on int8 embeddings) and ``fast`` (the static-embedding
model, when ``models/council-themes-fast`` exists), a fresh process with no embedding cache
encodes ``n`` corpus texts with the raw encoder, then runs ``classify_table`` on the same texts
with rules-only risk flags (the library's overhead over the encoder), three times in turn
(medians), and records its peak RSS. Two overheads: classify against the separate raw-encoder
run (moves by 5-10 points between runs on a shared CPU), and classify against the encoder's
own time within the same classify run (the time outside ``encode``: immune to drift between
runs). Accuracy: macro-F1 on the corpus held-out split and on
the mapped NHS set (both halves). Cold start: median of 5 runs of ``complaint-themes
--help``. The CPU may be shared with other work, so compare the ratios of one run.
Writes ``benchmarks/results/speed.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3
sys.path.insert(0, str(ROOT / "training"))


def worker(mode: str, n: int) -> dict:
    """Measure one speed mode in this process (called in a subprocess per mode)."""
    import pandas as pd
    from train_default import load_corpus

    from complaint_themes import load_model
    from complaint_themes.batch import classify_table
    from complaint_themes.datasets import load_nhs_council_themes
    from complaint_themes.embed import load_encoder
    from complaint_themes.evaluate import score

    corpus = load_corpus()
    texts = corpus.text.tolist()[:n]
    model = load_model(speed=mode, cache=False)
    encoder = load_encoder(model.encoder)  # the instance classify_table uses (one per process)
    encoder.encode(texts[:32])  # warm-up
    inside = [0.0]
    encode = encoder.encode

    def timed_encode(batch):
        start = time.perf_counter()
        try:
            return encode(batch)
        finally:
            inside[0] += time.perf_counter() - start

    raws, fulls, in_run = [], [], []
    for _ in range(REPEATS):  # alternated, so a slow spell of a shared CPU hits both
        start = time.perf_counter()
        encoder.encode(texts)
        raws.append(time.perf_counter() - start)
        encoder.encode, inside[0] = timed_encode, 0.0
        start = time.perf_counter()
        # rules-only risk flags: the semantic pass encodes every sentence again (its own
        # cost, measured in benchmarks/bench_safeguarding.py)
        classify_table(pd.DataFrame({"text": texts}), model, "text", semantic=False)
        fulls.append(time.perf_counter() - start)
        in_run.append(fulls[-1] / inside[0] - 1)
        del encoder.encode  # back to the class's method
    raw, full = statistics.median(raws), statistics.median(fulls)
    result = {
        "encoder": model.encoder,
        "raw_encoder_texts_per_s": round(n / raw, 1),
        "classify_texts_per_s": round(n / full, 1),
        "classify_overhead": round(full / raw - 1, 3),
        "classify_overhead_in_run": round(statistics.median(in_run), 3),
    }
    model.set_params(cache=None)  # accuracy runs may reuse cached embeddings
    test = corpus[corpus.split == "test"]
    result["held_out_macro_f1"] = score(test.theme, model.predict_proba(test.text.tolist()),
                                        list(model.classes_))["macro_f1"]
    try:
        nhs = load_nhs_council_themes()
    except Exception as e:  # the NHS data is not part of the repository
        result["nhs_mapped_macro_f1"] = f"skipped: {e}"
    else:
        proba = model.predict_proba(nhs.text.tolist())
        result["nhs_mapped_macro_f1"] = score(nhs.theme, proba, list(model.classes_),
                                              labels=sorted(nhs.theme.unique()))["macro_f1"]
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def cold_start() -> float:
    cli = Path(sys.executable).parent / "complaint-themes"
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([str(cli), "--help"], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="texts to time per mode")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.n)))
        return 0
    from complaint_themes.persist import FAST_MODEL_NAME, default_model_dir

    modes = ["accurate", "int8"]
    if default_model_dir(FAST_MODEL_NAME).is_dir():
        modes.append("fast")
    results = {}
    for mode in modes:
        run = subprocess.run([sys.executable, __file__, "--worker", mode, "--n", str(args.n)],
                             check=True, capture_output=True, text=True)
        results[mode] = json.loads(run.stdout.strip().splitlines()[-1])
        print(mode, results[mode], flush=True)
    base = results["accurate"]
    for mode in modes[1:]:
        r = results[mode]
        r["speed_up_vs_accurate"] = round(
            r["raw_encoder_texts_per_s"] / base["raw_encoder_texts_per_s"], 2)
        for key in ("held_out_macro_f1", "nhs_mapped_macro_f1"):
            if isinstance(r[key], float) and isinstance(base[key], float):
                r[f"{key}_change"] = round(r[key] - base[key], 4)
    out = {"n": args.n, "modes": results, "help_cold_start_s": cold_start()}
    print(json.dumps(out, indent=1))
    path = ROOT / "benchmarks" / "results" / "speed.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
