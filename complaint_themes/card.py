"""Write MODEL_CARD.md from a model's meta.json: what it was trained on, how well it does,
and where it should not be used. Every figure comes from the run that made the model."""

from __future__ import annotations

from typing import Any


def _figures_table(metrics: dict[str, Any]) -> list[str]:
    rows = [
        "| evaluation set | n | macro-F1 | micro-F1 / accuracy | ECE | needs_review "
        "| accuracy of rest |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, m in metrics.items():
        if not isinstance(m, dict) or "macro_f1" not in m:
            continue
        review = "" if m.get("needs_review_share") is None else f"{m['needs_review_share']:.1%}"
        rest = "" if m.get("accuracy_of_rest") is None else f"{m['accuracy_of_rest']:.3f}"
        ece = "" if m.get("ece") is None else f"{m['ece']:.3f}"
        rows.append(
            f"| {name} | {m.get('n', '')} | {m['macro_f1']:.3f} | "
            f"{m.get('accuracy', m.get('micro_f1', 0)):.3f} | {ece} | "
            f"{review} | {rest} |"
        )
    return rows


def render_card(meta: dict[str, Any], notes: str = "") -> str:
    """Markdown model card for ``meta`` (as written to meta.json); ``notes`` adds free text."""
    taxonomy = meta.get("taxonomy") or {}
    training = meta.get("training", {})
    metrics = meta.get("metrics", {})
    lines = [
        f"# Model card: {training.get('model_name', taxonomy.get('name', 'complaint themes'))}",
        "",
        "Assigns each complaint its salient theme from its text: a sentence embedding "
        f"(`{meta['encoder']}`)"
        + (" beside the text's TF-IDF word features (`words.json`)"
           if meta.get("text_features") else "")
        + " and a classifier head (`head.skops`).",
        "",
        "## Themes",
        "",
    ]
    for theme in taxonomy.get("themes", []):
        lines += [f"### `{theme['id']}`: {theme['label']}", "", theme["definition"].strip(), ""]
        if theme.get("includes"):
            lines += ["Includes: " + "; ".join(theme["includes"]) + ".", ""]
        if theme.get("excludes"):
            lines += ["Not: " + "; ".join(theme["excludes"]) + ".", ""]
    if not taxonomy:
        lines += [", ".join(f"`{c}`" for c in meta["classes"]), ""]
    digest = str(training.get("data_sha256", ""))[:16]
    config = training.get("config", {})
    if config.get("review_threshold") is not None:
        review = "a threshold fixed in the training config (chosen on real development text)"
    else:
        review = ("the lowest threshold at which out-of-fold accuracy of the texts kept "
                  f"reached {config.get('review_target_accuracy', 'the target')}")
    lines += [
        "## Training",
        "",
        f"- data: {training.get('data', 'not recorded')} "
        f"({training.get('n_train', '?')} texts, sha256 `{digest}`)",
        f"- label counts: {training.get('label_counts', {})}",
        f"- config: `{training.get('config', {})}`",
        f"- command: `{training.get('command', 'not recorded')}`",
        "",
        "## How well it does",
        "",
        *_figures_table(metrics),
        "",
        f"`needs_review` is set when the top probability is below {meta['review_threshold']}: "
        f"{review}. "
        f"Other themes at probability >= {meta['secondary_threshold']} are listed as secondary.",
        "",
    ]
    if notes:
        lines += [notes.strip(), ""]
    lines += [
        "## Versions",
        "",
        ", ".join(f"{k} {v}" for k, v in meta.get("versions", {}).items()),
        "",
    ]
    return "\n".join(lines)
