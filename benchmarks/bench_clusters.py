"""Benchmark complaint clusters: planted groups, NHS label purity, and 10k -> 100k scale.

    python benchmarks/bench_clusters.py            # all three parts
    python benchmarks/bench_clusters.py planted    # or: nhs, scale

(a) planted: benchmarks/data/planted_clusters.jsonl holds hand-written groups of 4-7
    differently worded complaints about one concrete problem from different residents (one
    block's broken lift, one street's missed garden waste...), one resident writing five times
    about a dripping tap (must come out as a repeat, not flagged), and background complaints,
    including near misses (one lift breakdown elsewhere, one missed bin). The training corpus
    (training/data/batches/*.jsonl) is added as more background when present. A planted group
    is *recovered* when one flagged cluster holds at least 3 of its complaints and they are
    at least half of that cluster. A flagged cluster in which no planted group is the
    majority is a *false flag* (it may still be a genuine group of similar background
    complaints: read them in the report). Shown for the default similarity and a sweep.
(b) nhs: real NHS Friends and Family Test feedback with human labels, read from
    /work/shared/data/nhs_fft_v6/ (never copied into the project). Purity: the share of
    clustered comments that carry their cluster's most common label (multi-label), against the
    same figure for random clusters of the same sizes; coverage: flagged comments / all
    comments. Each fixed half (complaint_themes.datasets.nhs_part, by Comment ID) is clustered
    on its own, before (plain leader clusters) and after (mixed clusters split). The split
    rule and confidence bands were tuned on the dev half only (sweep and split-rule grid); the
    aside half is scored once, at the defaults, as the honest figure.
(c) scale: synthetic embeddings (mixture of Gaussians on the unit sphere: topics with loose
    background complaints plus tight groups) at 10k and 100k rows, each run in a fresh process
    for its peak memory; plus how many neighbour pairs the bucketed search loses against the
    exact one at 20k.

Figures are printed and written to benchmarks/results/clusters.json (each part updates its
own key). Embeddings of real texts are cached (complaint_themes.embed cache).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "clusters.json"
NHS_CSV = Path("/work/shared/data/nhs_fft_v6/v6framework_230831.csv")
SWEEP = (0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
sys.path.insert(0, str(ROOT))


def save(part: str, figures: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data[part] = figures
    RESULTS.write_text(json.dumps(data, indent=2) + "\n")


def planted_corpus(with_training: bool = True) -> pd.DataFrame:
    df = pd.read_json(HERE / "data" / "planted_clusters.jsonl", lines=True, dtype=False)
    if not with_training:
        return df
    extra = []
    rng = np.random.default_rng(0)
    for path in sorted((ROOT / "training" / "data" / "batches").glob("*.jsonl")):
        for k, line in enumerate(path.read_text("utf-8").splitlines()):
            if line.strip():
                row = json.loads(line)
                day = np.datetime64("2025-01-01") + int(rng.integers(0, 365))
                extra.append({"id": f"T-{path.stem}-{k}", "text": row["text"],
                              "resident": f"T-{path.stem}-{k}", "date": str(day),
                              "service": row.get("service", ""), "group": ""})
    return pd.concat([df, pd.DataFrame(extra)], ignore_index=True) if extra else df


def score_planted(df: pd.DataFrame, result) -> dict:
    flagged = result.clusters[result.clusters["flagged"]]
    assigned = result.assignments["cluster_id"]
    groups = sorted(g for g in df["group"].unique() if g and g != "repeat_tap")
    recovered, member_recall = [], []
    for g in groups:
        in_g = df["group"] == g
        counts = Counter(c for c in assigned[in_g] if c in set(flagged["cluster_id"]))
        if not counts:
            member_recall.append(0.0)
            continue
        best, n = counts.most_common(1)[0]
        size = int((assigned == best).sum())
        member_recall.append(n / in_g.sum())
        if n >= 3 and n / size >= 0.5:
            recovered.append(g)
    false_flags = []
    for cid in flagged["cluster_id"]:
        top, n = Counter(df["group"][assigned == cid]).most_common(1)[0]
        if not top or top == "repeat_tap" or n / (assigned == cid).sum() < 0.5:
            false_flags.append(cid)
    tap = assigned[df["group"] == "repeat_tap"].dropna()
    tap_status = sorted(set(result.clusters.set_index("cluster_id").loc[list(set(tap)), "status"]))
    return {
        "groups": len(groups), "recovered": len(recovered),
        "group_recall": round(len(recovered) / len(groups), 3),
        "mean_member_recall": round(float(np.mean(member_recall)), 3),
        "flagged_clusters": len(flagged), "false_flags": len(false_flags),
        "missed": sorted(set(groups) - set(recovered)),
        "repeat_resident_status": tap_status or ["unclustered"],
    }


def run_planted() -> dict:
    figures = {}
    for name, with_training in (("handwritten_background", False), ("with_training_corpus", True)):
        figures[name] = planted_figures(planted_corpus(with_training))
    save("planted", figures)
    return figures


def planted_figures(df: pd.DataFrame) -> dict:
    from complaint_themes.cluster import DEFAULT_SIMILARITY, find_clusters
    from complaint_themes.embed import embed

    X = embed(df["text"].tolist(), cache=True, progress=True)
    cols = dict(text_column="text", resident_column="resident", date_column="date",
                service_column="service", embeddings=X)
    t = time.perf_counter()
    result = find_clusters(df, **cols)
    seconds = time.perf_counter() - t
    figures = {"rows": len(df), "similarity": DEFAULT_SIMILARITY,
               **score_planted(df, result), "seconds_incl_phrases_and_redaction": round(seconds, 1)}
    sweep = {}
    for s in SWEEP:
        r = find_clusters(df, similarity=s, describe="none", **cols)
        sweep[str(s)] = {k: v for k, v in score_planted(df, r).items() if k != "missed"}
    figures["sweep"] = sweep
    print(f"planted ({len(df)} complaints): {figures['recovered']}/{figures['groups']} groups "
          f"recovered, {figures['false_flags']} false flags of {figures['flagged_clusters']} "
          f"flagged, repeat resident -> {figures['repeat_resident_status']}, "
          f"missed {figures['missed']}, {seconds:.1f} s with phrases and redaction")
    for s, f in sweep.items():
        print(f"  similarity {s}: recall {f['group_recall']}, false flags {f['false_flags']}/"
              f"{f['flagged_clusters']}, member recall {f['mean_member_recall']}")
    return figures


def nhs_rows() -> tuple[pd.DataFrame, list[set[str]]]:
    """Answered NHS comments with a specific label; ``part`` is the fixed half (dev / aside)
    of :func:`complaint_themes.datasets.nhs_part`, by Comment ID."""
    from complaint_themes.datasets import nhs_part

    df = pd.read_csv(NHS_CSV)
    labels = list(df.columns[11:])
    generic = {"Labelling not possible", "Not assigned", "Positive experience & gratitude",
               "Negative experience & dissatisfaction"}
    useful = [c for c in labels if c not in generic]
    text = df["FFT answer"].fillna("").astype(str)
    ok = (text.str.split().str.len() >= 3) & ~text.str.strip().str.lower().isin(
        ["did not answer", "nothing", "nothing."])
    has = df[useful].fillna(0).to_numpy() > 0
    keep = ok.to_numpy() & has.any(axis=1)
    sets = [{useful[j] for j in np.flatnonzero(row)} for row in has[keep]]
    out = df[keep].reset_index(drop=True)
    out["part"] = out["Comment ID"].map(nhs_part)
    return out, sets


def purity(assigned: pd.Series, sets: list[set[str]]) -> tuple[float, int]:
    hits = total = 0
    for cid in assigned.dropna().unique():
        idx = np.flatnonzero((assigned == cid).to_numpy())
        top = Counter(label for i in idx for label in sets[i]).most_common(1)[0][0]
        hits += sum(top in sets[i] for i in idx)
        total += len(idx)
    return (hits / total if total else float("nan")), total


NHS_TARGET = {"flagged_purity": 0.75, "flagged_coverage": 0.30}
SPLIT_GRID = {"min_size": (5, 10, 15, 20), "margin": (0.0, 0.05, 0.1), "step": (0.05, 0.1)}


def nhs_figures(df: pd.DataFrame, sets: list[set[str]], X: np.ndarray, similarity: float,
                split: bool | dict, seed: int = 0) -> dict:
    """Purity and coverage of all and of flagged clusters of ``df`` (``split``: True/False,
    or a dict of split-rule settings, for tuning)."""
    from complaint_themes.cluster import find_clusters
    from complaint_themes.cluster_split import SplitRule

    r = find_clusters(
        df, text_column="FFT answer", resident_column="Respondent ID", date_column="Date",
        service_column="Service type 1", embeddings=X, similarity=similarity,
        describe="none", split=SplitRule.from_setting(split) or False)
    a = r.assignments["cluster_id"]
    p, n = purity(a, sets)
    base, _ = purity(pd.Series(np.random.default_rng(seed).permutation(a.to_numpy())), sets)
    flagged = a.where(r.assignments["cluster_flagged"])
    pf, nf = purity(flagged, sets)
    pr, _ = purity(pd.Series(np.random.default_rng(seed).permutation(flagged.to_numpy())), sets)
    by_conf = {}
    table = r.clusters[r.clusters["flagged"]]
    for level in ("high", "medium", "low"):
        ids = set(table.loc[table["confidence"] == level, "cluster_id"])
        pc, nc = purity(a.where(a.isin(ids)), sets)
        by_conf[level] = {"clusters": len(ids), "rows": nc,
                          "purity": None if not nc else round(pc, 3)}
    return {"rows": len(df), "clusters": len(r.clusters), "clustered_rows": n,
            "purity": round(p, 3), "random_purity": round(base, 3),
            "flagged": int(r.clusters["flagged"].sum()), "flagged_rows": nf,
            "flagged_purity": round(pf, 3), "flagged_random_purity": round(pr, 3),
            "flagged_coverage": round(nf / len(df), 3),
            "flagged_by_confidence": by_conf}


def _line(name: str, f: dict) -> str:
    conf = ", ".join(f"{k} {v['clusters']} ({v['purity']})"
                     for k, v in f["flagged_by_confidence"].items() if v["clusters"])
    return (f"  {name}: {f['clusters']} clusters over {f['clustered_rows']} of {f['rows']}, "
            f"purity {f['purity']} (random {f['random_purity']}); {f['flagged']} flagged, "
            f"purity {f['flagged_purity']} (random {f['flagged_random_purity']}), "
            f"coverage {f['flagged_coverage']}; "
            f"by confidence {conf}")


def run_nhs() -> dict:
    """Before (plain leader clusters) and after (mixed clusters split), at the default
    similarity and a sweep, on the dev half; the aside half once, at the defaults."""
    if not NHS_CSV.exists():
        print(f"nhs: skipped, {NHS_CSV} not found (the NHS FFT data is read in place, not copied)")
        return {"skipped": f"{NHS_CSV} not found"}
    from complaint_themes.cluster import DEFAULT_SIMILARITY
    from complaint_themes.embed import embed

    df, sets = nhs_rows()
    X = embed(df["FFT answer"].astype(str).tolist(), cache=True, progress=True)
    halves = {}
    for part in ("dev", "aside"):
        idx = np.flatnonzero((df["part"] == part).to_numpy())
        halves[part] = (df.iloc[idx].reset_index(drop=True), [sets[i] for i in idx], X[idx])
    figures: dict = {"rows": len(df), "dev_rows": len(halves["dev"][0]),
                     "aside_rows": len(halves["aside"][0]), "similarity": DEFAULT_SIMILARITY,
                     "target": NHS_TARGET,
                     "note": "purity: share of clustered comments carrying their cluster's "
                             "most common label; coverage: flagged rows / all rows of the half"}
    for stage, split in (("before", False), ("after", True)):
        print(f"nhs {stage} ({'mixed clusters split' if split else 'plain leader clusters'}):")
        dev = {}
        for s in SWEEP:
            dev[str(s)] = nhs_figures(*halves["dev"], similarity=s, split=split)
            print(_line(f"dev, similarity {s}", dev[str(s)]))
        figures[stage] = {"dev": dev}
    grid = {}
    for size in SPLIT_GRID["min_size"]:
        for margin in SPLIT_GRID["margin"]:
            for step in SPLIT_GRID["step"]:
                rule = {"min_size": size, "margin": margin, "step": step}
                f = nhs_figures(*halves["dev"], similarity=DEFAULT_SIMILARITY, split=rule)
                grid[f"min_size={size} margin={margin} step={step}"] = {
                    k: f[k] for k in ("flagged", "flagged_purity", "flagged_coverage")}
    figures["split_grid_dev"] = grid
    print("  split rule grid (dev, similarity default):")
    for k, f in grid.items():
        print(f"    {k}: {f}")
    for stage, split in (("before", False), ("after", True)):  # the honest figure, once
        f = nhs_figures(*halves["aside"], similarity=DEFAULT_SIMILARITY, split=split)
        figures[stage]["aside"] = {str(DEFAULT_SIMILARITY): f}
        print(_line(f"aside {stage}, similarity {DEFAULT_SIMILARITY}", f))
    for stage, split in (("before", False), ("after", True)):  # both halves together
        f = nhs_figures(df, sets, X, similarity=DEFAULT_SIMILARITY, split=split)
        figures[stage]["all"] = {str(DEFAULT_SIMILARITY): f}
        print(_line(f"all rows {stage}, similarity {DEFAULT_SIMILARITY}", f))
    save("nhs", figures)
    return figures


def synthetic(n: int, d: int = 384, n_topics: int = 80, seed: int = 0):
    """Unit vectors: loose topic background (cosine ~0.4 within a topic) plus tight groups
    of 3-11 (cosine ~0.75 within a group) making about 15% of rows; labels -1 = background."""
    rng = np.random.default_rng(seed)
    topics = rng.standard_normal((n_topics, d)).astype(np.float32)
    topics /= np.linalg.norm(topics, axis=1, keepdims=True)
    sizes = rng.integers(3, 12, size=n // 30)
    sizes = sizes[np.cumsum(sizes) <= int(0.15 * n)]
    labels = np.concatenate([np.full(n - sizes.sum(), -1), np.repeat(np.arange(len(sizes)), sizes)])
    X = np.empty((n, d), dtype=np.float32)
    bg = labels < 0
    X[bg] = topics[rng.integers(0, n_topics, bg.sum())]
    X[bg] += 1.25 / np.sqrt(d) * rng.standard_normal((bg.sum(), d), dtype=np.float32)
    centres = topics[rng.integers(0, n_topics, len(sizes))]
    centres += rng.standard_normal(centres.shape, dtype=np.float32) / np.sqrt(d)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    X[~bg] = centres[labels[~bg]]
    X[~bg] += 0.55 / np.sqrt(d) * rng.standard_normal(((~bg).sum(), d), dtype=np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X, labels


def scale_one(n: int) -> dict:
    """One timed find_clusters call on n synthetic rows (run in its own process)."""
    from sklearn.metrics import adjusted_rand_score

    from complaint_themes.cluster import find_clusters

    X, labels = synthetic(n)
    rng = np.random.default_rng(1)
    days = np.datetime64("2024-01-01") + rng.integers(0, 365, n)
    # eight made-up words each (TF-IDF is built and read as for real texts); the members of a
    # planted group also share three words of their own, as complaints about one problem do
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocabulary = np.array(["".join(rng.choice(letters, 7)) for _ in range(5000)])
    own = rng.choice(vocabulary, (labels.max() + 1, 3))
    texts = [" ".join([*rng.choice(vocabulary, 8), *(own[g] if g >= 0 else [])])
             for g in labels]
    df = pd.DataFrame({"text": texts,
                       "resident": [f"R{i}" for i in rng.integers(0, n, n)],
                       "date": days.astype(str),
                       "service": rng.choice(["housing", "waste", "roads", "tax"], n)})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    r = find_clusters(df, resident_column="resident", date_column="date",
                      service_column="service", embeddings=X, describe="none")
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found = r.assignments["cluster_id"].fillna("-").to_numpy()
    return {"rows": n, "seconds": round(seconds, 2), "peak_rss_mb": round(peak),
            "rss_before_mb": round(before), "clusters": len(r.clusters),
            "flagged": int(r.clusters["flagged"].sum()),
            "ari_vs_planted": round(adjusted_rand_score(labels, found), 3)}


def edge_recall(n: int = 20000, similarity: float = 0.55) -> dict:
    from complaint_themes.cluster_graph import neighbour_graph

    X, _ = synthetic(n, seed=3)
    exact = neighbour_graph(X, similarity, exact_limit=n)
    approx = neighbour_graph(X, similarity, exact_limit=0)
    found = exact.multiply(approx > 0).nnz
    return {"rows": n, "similarity": similarity, "exact_pairs": exact.nnz // 2,
            "bucketed_pairs": approx.nnz // 2, "recall": round(found / max(exact.nnz, 1), 4)}


def run_scale() -> dict:
    runs = []
    for n in (10_000, 100_000):
        out = subprocess.run([sys.executable, __file__, "--scale-one", str(n)], check=True,
                             capture_output=True, text=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        r = runs[-1]
        print(f"scale {n:>7,} rows: {r['seconds']} s, peak RSS {r['peak_rss_mb']} MB "
              f"(data alone {r['rss_before_mb']} MB), {r['clusters']} clusters, "
              f"ARI vs planted groups {r['ari_vs_planted']}")
    ratio = runs[1]["seconds"] / runs[0]["seconds"]
    print(f"scale: 100k / 10k time ratio {ratio:.1f} (10x the rows)")
    edges = edge_recall()
    print(f"bucketed neighbour search at {edges['rows']:,} rows finds {edges['recall']:.1%} of "
          f"the exact search's {edges['exact_pairs']:,} pairs")
    figures = {"runs": runs, "time_ratio_100k_10k": round(ratio, 2), "edge_recall": edges}
    save("scale", figures)
    return figures


if __name__ == "__main__":
    if sys.argv[1:2] == ["--scale-one"]:
        print(json.dumps(scale_one(int(sys.argv[2]))))
        sys.exit(0)
    parts = sys.argv[1:] or ["planted", "nhs", "scale"]
    for part in parts:
        {"planted": run_planted, "nhs": run_nhs, "scale": run_scale}[part]()
