"""Write an evaluation report folder an analyst can open: report.html, PNG plots,
metrics.json and mistakes.csv (the most confident mistakes, to re-check their labels; their
texts are redacted by default)."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .write import write_table

PLOT_TITLES = {
    "confusion.png": "Confusion matrix (rows: labelled, columns: predicted)",
    "calibration.png": "Reliability: is a confidence of 0.8 right 80% of the time?",
    "learning_curve.png": "Learning curve: macro-F1 against labelled examples per theme",
}


def pyplot():
    """matplotlib.pyplot on the file-only Agg backend (imported when a plot is drawn)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_confusion(matrix: list[list[int]], labels: Sequence[str], path: Path) -> None:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(1.2 * len(labels) + 2.5, 1.0 * len(labels) + 2))
    data = np.asarray(matrix)
    ax.imshow(data, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=35, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("labelled")
    for (i, j), n in np.ndenumerate(data):
        ax.text(j, i, str(n), ha="center", va="center",
                color="white" if n > data.max() / 2 else "black")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_calibration(confidence: np.ndarray, correct: np.ndarray, path: Path,
                     bins: int = 10) -> None:
    """Reliability diagram: accuracy against confidence per bin, with bin sizes."""
    plt = pyplot()
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    centres, accuracy, counts = [], [], []
    for b in range(bins):
        mask = index == b
        if mask.any():
            centres.append(confidence[mask].mean())
            accuracy.append(correct[mask].mean())
            counts.append(int(mask.sum()))
    fig, ax = plt.subplots(figsize=(4.5, 4.2))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", label="perfectly calibrated")
    ax.plot(centres, accuracy, marker="o", label="model")
    for x, y, n in zip(centres, accuracy, counts, strict=True):
        ax.annotate(str(n), (x, y), textcoords="offset points", xytext=(0, 6), fontsize=7,
                    ha="center")
    ax.set_xlabel("confidence (top probability)")
    ax.set_ylabel("share correct")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_learning_curve(curve: list[dict[str, Any]], path: Path) -> None:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5, 3.6))
    for method in sorted({row["method"] for row in curve}):
        rows = [r for r in curve if r["method"] == method]
        ax.plot([r["per_theme"] for r in rows], [r["macro_f1"] for r in rows], marker="o",
                label=method)
    ax.set_xlabel("labelled examples per theme")
    ax.set_ylabel("macro-F1 on held-out texts")
    ax.set_xscale("symlog", linthresh=1)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def confident_mistakes(texts: Sequence[str], y_true: Sequence[str], proba: np.ndarray,
                       classes: Sequence[str], n: int = 20) -> pd.DataFrame:
    """The ``n`` wrong predictions the model was surest of: often labelling slips."""
    classes = np.asarray(classes)
    predicted = classes[proba.argmax(axis=1)]
    confidence = proba.max(axis=1)
    wrong = np.flatnonzero(predicted != np.asarray(y_true))
    top = wrong[np.argsort(-confidence[wrong], kind="stable")][:n]
    return pd.DataFrame({
        "row": top + 2,  # spreadsheet row, header = row 1
        "labelled": np.asarray(y_true)[top],
        "predicted": predicted[top],
        "confidence": confidence[top].round(3),
        "text": [texts[i] for i in top],
    })


def _table(rows: dict[str, dict[str, Any]]) -> str:
    head = "<tr><th>theme</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>"
    body = "".join(
        f"<tr><td>{html.escape(t)}</td><td>{m['precision']:.3f}</td><td>{m['recall']:.3f}</td>"
        f"<td>{m['f1']:.3f}</td><td>{m['support']}</td></tr>"
        for t, m in rows.items()
    )
    return f"<table>{head}{body}</table>"


def write_report(directory: str | Path, metrics: dict[str, Any],
                 mistakes: pd.DataFrame | None = None, plots: Sequence[str] = (),
                 title: str = "Evaluation report") -> Path:
    """Write metrics.json, mistakes.csv and report.html (plots already in ``directory``)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n",
                                            encoding="utf-8")
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{metrics.get('n', 0)} labelled texts; {html.escape(metrics.get('method', ''))}</p>",
        "<ul>",
        f"<li>macro-F1 <b>{metrics['macro_f1']:.3f}</b>, micro-F1 {metrics['micro_f1']:.3f}</li>",
    ]
    if metrics.get("themes_not_in_file"):
        parts.append(
            f"<li>averaged over the {len(metrics['per_theme'])} themes this file has; "
            f"{html.escape(', '.join(metrics['themes_not_in_file']))} had no case in it (texts "
            "predicted as those count as errors)</li>")
    if "needs_review_share" in metrics:
        rest = metrics["accuracy_of_rest"]
        parts.append(
            f"<li>needs_review: {metrics['needs_review_share']:.1%} of texts (confidence below "
            f"{metrics['review_threshold']}); accuracy of the rest: "
            f"{'n/a' if rest is None else f'{rest:.3f}'}</li>"
            f"<li>calibration: expected calibration error {metrics['ece']:.3f}, "
            f"Brier score {metrics['brier']:.3f}</li>")
    parts += ["</ul>", "<h2>Per theme</h2>", _table(metrics["per_theme"])]
    for plot in plots:
        parts.append(f'<h2>{html.escape(PLOT_TITLES.get(plot, Path(plot).stem))}</h2>'
                     f'<img src="{html.escape(plot)}" alt="{html.escape(plot)}">')
    if mistakes is not None and len(mistakes):
        write_table(mistakes, directory / "mistakes.csv")
        parts.append("<h2>Most confident mistakes (re-check these labels)</h2>")
        parts.append(mistakes.to_html(index=False, escape=True))
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;"
             "text-align:left;vertical-align:top}")
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{style}</style></head><body>{''.join(parts)}</body></html>")
    (directory / "report.html").write_text(page, encoding="utf-8")
    return directory / "report.html"


def evaluate_to_folder(
    model: Any,
    texts: Sequence[str],
    y: Sequence[Any],
    directory: str | Path,
    cv: int | None = None,
    seed: int = 0,
    taxonomy: Any = None,
    curve: bool = False,
    redact: bool = True,
) -> dict[str, Any]:
    """Score ``model`` on labelled ``texts`` and write the report folder; return the metrics.

    With ``cv`` the figures are cross-validated: the model's configuration is retrained on
    ``cv``-1 folds of this file and scored on the remaining one, for when there is no
    separate test file. Each text is encoded once (cached) whatever the options.
    The complaint texts shown (report.html and mistakes.csv) have their personal data
    redacted unless ``redact=False``; the scores are computed on the original texts.
    """
    from sklearn.preprocessing import MultiLabelBinarizer

    from .classify import is_multilabel
    from .evaluate import learning_curve, score, score_multilabel
    from .train import out_of_fold_proba

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    embeddings = model.embed(list(texts))
    multilabel = is_multilabel(y)
    if cv:
        proba = out_of_fold_proba(model, embeddings, y, cv, seed, texts=list(texts))
        classes = sorted({label for row in y for label in row} if multilabel else set(y))
        method = f"{cv}-fold cross-validation of the model's configuration on this file"
    else:
        proba = model.proba_from_embeddings(embeddings, texts=list(texts))
        classes = [str(c) for c in model.classes_]
        method = "the saved model, scored on this file"
    plots = ["calibration.png"]
    if multilabel:
        truth = MultiLabelBinarizer(classes=classes).fit_transform(y)
        cut = 0.5 if cv or model.label_thresholds is None else model.label_thresholds
        metrics = score_multilabel(truth, proba, classes, cut)
        plot_calibration(proba.ravel(), truth.ravel().astype(bool), directory / plots[0])
        mistakes = None
    else:
        # averaged over the themes the file has: a theme with no case in it would count as an
        # F1 of 0 (a council's sample may simply have no staff attitude complaint)
        present = sorted({str(v) for v in y})
        metrics = score(y, proba, classes, model.review_threshold, labels=present)
        metrics["themes_not_in_file"] = [c for c in classes if c not in present]
        predicted = np.asarray(classes)[proba.argmax(axis=1)]
        plot_calibration(proba.max(axis=1), predicted == np.asarray(y), directory / plots[0])
        plot_confusion(metrics["confusion"]["matrix"], classes, directory / "confusion.png")
        plots.insert(0, "confusion.png")
        mistakes = confident_mistakes(texts, y, proba, classes)
        if redact and len(mistakes):
            from .redact import redact as redact_texts

            mistakes["text"] = redact_texts(mistakes["text"].tolist())
        if curve:
            metrics["learning_curve"] = learning_curve(model, texts, y, taxonomy=taxonomy,
                                                       seed=seed)
            plot_learning_curve(metrics["learning_curve"], directory / "learning_curve.png")
            plots.append("learning_curve.png")
    metrics["method"] = method
    write_report(directory, metrics, mistakes, plots)
    return metrics
