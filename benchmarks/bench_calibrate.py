"""`recalibrate` on a labelled sample, as a council would run `complaint-themes calibrate`.

    python benchmarks/bench_calibrate.py

Recalibrates the bundled model, separately, on the development half of the mapped NHS set (448
real comments; never the aside half) and on the held-out split of our corpus (1,085; as if it
were another organisation's coded cases), and prints what `complaint-themes calibrate` would:
the temperature and review threshold before and after, the figures on the cases, and the
half-on-half estimate. Embeddings come from the cache. Writes
``benchmarks/results/calibrate.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))

from train_default import load_corpus  # noqa: E402

from complaint_themes import load_model, recalibrate  # noqa: E402
from complaint_themes.datasets import load_nhs_council_themes  # noqa: E402


def main() -> int:
    corpus = load_corpus()
    samples = {"nhs_dev": load_nhs_council_themes(part="dev"),
               "held_out": corpus[corpus.split == "test"]}
    records = {}
    for name, cases in samples.items():
        records[name] = recalibrate(load_model(), cases.text.tolist(), cases.theme.tolist())
        print(name, json.dumps(records[name], indent=1), flush=True)
    out = ROOT / "benchmarks/results/calibrate.json"
    out.write_text(json.dumps(records, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
