"""A 1M-row CSV through `complaint-themes classify --chunk-rows`: time, memory, kill and resume.

    python benchmarks/bench_stream.py [--rows 1000000] [--speed fast] [--chunk-rows 20000]

Writes a CSV of ``rows`` complaints (corpus texts in turn, each made unique by its case
reference, so no text is a repeat) to a temporary folder, then:

1. classifies it in one run of the CLI (a subprocess): wall time, rows/s, peak RSS;
2. classifies it again, kills the process (SIGKILL) once about 40% of the chunks are
   checkpointed, starts the same command again, and checks that the resumed output is
   byte-identical to the one-run output (sha256).

Peak RSS is the child's maximum resident set (``ru_maxrss``), so a flat figure at 1M rows
means memory is bounded by the chunk, not the file. Writes ``benchmarks/results/stream.json``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))
CLI = Path(sys.executable).parent / "complaint-themes"


def write_input(path: Path, rows: int) -> None:
    from train_default import load_corpus

    corpus = load_corpus()
    texts, services = corpus.text.tolist(), corpus.service.tolist()
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["case_id", "service", "text"])
        for i in range(rows):
            j = i % len(texts)
            out.writerow([f"CMP-{i:07d}", services[j], f"{texts[j]} (our ref {i:07d})"])


def command(src: Path, dst: Path, speed: str, chunk_rows: int) -> list[str]:
    return [str(CLI), "classify", str(src), "-o", str(dst), "--speed", speed,
            "--chunk-rows", str(chunk_rows)]


def timed_run(cmd: list[str]) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(max(peak, before) / 1024)}


def killed_and_resumed(cmd: list[str], dst: Path, chunks: int) -> dict:
    checkpoint = dst.with_name(dst.name + ".checkpoint.json")
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    target = max(1, int(chunks * 0.4))
    done = 0
    while process.poll() is None:
        time.sleep(0.5)
        try:
            done = json.loads(checkpoint.read_text())["chunks"]
        except (OSError, ValueError, KeyError):
            continue
        if done >= target:
            process.send_signal(signal.SIGKILL)
            process.wait()
            break
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return {"killed_after_chunks": done, "of_chunks": chunks}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--speed", default="fast", choices=["accurate", "int8", "fast"])
    parser.add_argument("--chunk-rows", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/stream.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        src, one, two = Path(tmp, "cases.csv"), Path(tmp, "one.csv"), Path(tmp, "two.csv")
        write_input(src, args.rows)
        print(f"input: {args.rows:,} rows, {src.stat().st_size / 1e6:.0f} MB", flush=True)
        run = timed_run(command(src, one, args.speed, args.chunk_rows))
        run["rows_per_s"] = round(args.rows / run["seconds"], 1)
        print(f"one run: {run}", flush=True)
        chunks = -(-args.rows // args.chunk_rows)
        resumed = killed_and_resumed(command(src, two, args.speed, args.chunk_rows), two, chunks)
        resumed["byte_identical"] = sha256(one) == sha256(two)
        print(f"killed and resumed: {resumed}", flush=True)
        result = {"rows": args.rows, "speed": args.speed, "chunk_rows": args.chunk_rows,
                  "input_mb": round(src.stat().st_size / 1e6), "output_mb":
                  round(one.stat().st_size / 1e6), "one_run": run, "resume": resumed,
                  "cpu_count": os.cpu_count()}
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0 if result["resume"]["byte_identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
