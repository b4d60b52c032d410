"""complaint_themes: salient themes and clusters of similar complaints from complaint text.

The path a complaint takes, one module each::

    io          read CSV / Excel / Parquet, write results atomically
    clean       strip markup, quoted replies and signatures
    embed       sentence embeddings (offline MiniLM) with a per-text cache
    classify    ThemeClassifier (scikit-learn estimator) and the zero-shot model
    heads       classifier heads on embeddings, class prior
    batch       classify a whole table and summarise it
    safeguarding  urgent-risk flags (self-harm, person at risk, violence, housing hazard)
    risk_rules, risk_regex, risk_semantic   its rules, how they compile, its semantic pass
    cluster*    groups of similar complaints from different residents
    phrases     key phrases of a cluster (spaCy + c-TF-IDF)
    redact      personal data out of displayed texts (Presidio); redact_rules its UK recognisers
    train, config, evaluate, report   retraining and evaluation for analysts
    calibrate   confidence and review threshold fitted to an organisation's own coded cases
    persist, card                     model folders: save_model / load_model, model card
    taxonomy, datasets                theme definitions; public evaluation data loaders
    cli         the `complaint-themes` command

Importing the package is cheap: torch, sentence-transformers and spaCy load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "ClusterState",
    "ComplaintThemesError",
    "ThemeClassifier",
    "load_model",
    "find_clusters",
    "load_taxonomy",
    "recalibrate",
    "save_model",
    "update_clusters",
    "zero_shot_model",
    "__version__",
]

from .errors import ComplaintThemesError

if TYPE_CHECKING:
    from .calibrate import recalibrate
    from .classify import ThemeClassifier, zero_shot_model
    from .cluster import find_clusters
    from .cluster_state import ClusterState
    from .cluster_update import update_clusters
    from .persist import load_model, save_model
    from .taxonomy import load_taxonomy

_LAZY = {
    "find_clusters": "cluster",
    "update_clusters": "cluster_update",
    "ClusterState": "cluster_state",
    "ThemeClassifier": "classify",
    "zero_shot_model": "classify",
    "load_model": "persist",
    "save_model": "persist",
    "recalibrate": "calibrate",
    "load_taxonomy": "taxonomy",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
