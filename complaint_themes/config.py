"""Training configuration: a validated dataclass read from TOML and saved in meta.json."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from .embed import DEFAULT_ENCODER
from .errors import ComplaintThemesError
from .heads import HEADS, TEXT_FEATURES


@dataclass
class TrainingConfig:
    """How a model is trained.

    Parameters
    ----------
    text_column, label_column : columns of the labelled file
    multi_label : bool, default=False
        Labels hold several themes separated by ``label_sep``.
    label_sep : str, default="|"
    encoder : str, default="all-MiniLM-L6-v2"
    head : {"svm", "logistic", "vote"}, default="svm"
        Single-label head (see :func:`complaint_themes.heads.default_head`; ``"vote"`` needs
        ``text_features``); multi-label models always use one-vs-rest logistic regression.
    C : float, default=2.0
        Inverse regularisation strength of the head.
    text_features : {None, "tfidf"}, default=None
        Let the head read each text's word n-grams beside its embedding
        (:class:`~complaint_themes.classify.ThemeClassifier`).
    class_prior : dict or None, default=None
        Expected share of each label in the texts the model will meet; probabilities are
        shifted from the training shares to it, so a corpus written with equal numbers per
        theme does not make the model treat every theme as equally common. None: the shares
        of the training labels stand. Single-label only.
    cv_folds : int, default=5
        Folds for the out-of-fold predictions that choose the review threshold.
    review_target_accuracy : float, default=0.85
        ``needs_review`` is set below the lowest confidence at which the out-of-fold accuracy
        of the texts kept is at least this.
    review_threshold : float or None, default=None
        A fixed ``needs_review`` threshold instead (e.g. one chosen on real development text).
    temperature : float, default=1.0
        Softens (> 1) or sharpens the final probabilities (see ``ThemeClassifier``).
    secondary_threshold : float, default=0.25
    min_examples : int, default=10
        Labels with fewer examples are warned about (too few to learn reliably).
    seed : int, default=0
    """

    text_column: str = "text"
    label_column: str = "theme"
    multi_label: bool = False
    label_sep: str = "|"
    encoder: str = DEFAULT_ENCODER
    head: str = "svm"
    C: float = 2.0
    text_features: str | None = None
    class_prior: dict[str, float] | None = None
    cv_folds: int = 5
    review_target_accuracy: float = 0.85
    review_threshold: float | None = None
    temperature: float = 1.0
    secondary_threshold: float = 0.25
    min_examples: int = 10
    seed: int = 0

    def __post_init__(self) -> None:
        if self.head not in HEADS:
            raise ComplaintThemesError(f"head must be one of {list(HEADS)}, got {self.head!r}")
        if self.text_features not in TEXT_FEATURES:
            raise ComplaintThemesError(
                f"text_features must be one of {list(TEXT_FEATURES)}, got {self.text_features!r}"
            )
        if self.head == "vote" and self.text_features is None:
            raise ComplaintThemesError("head 'vote' needs text_features = \"tfidf\"")
        if self.temperature <= 0:
            raise ComplaintThemesError(f"temperature must be > 0, got {self.temperature}")
        if self.review_threshold is not None and not 0 <= self.review_threshold <= 1:
            raise ComplaintThemesError(
                f"review_threshold must be between 0 and 1, got {self.review_threshold}"
            )
        if self.C <= 0:
            raise ComplaintThemesError(f"C must be > 0, got {self.C}")
        if self.cv_folds < 2:
            raise ComplaintThemesError(f"cv_folds must be at least 2, got {self.cv_folds}")
        for name in ("review_target_accuracy", "secondary_threshold"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ComplaintThemesError(f"{name} must be between 0 and 1, got {value}")
        if self.class_prior is not None:
            if self.multi_label:
                raise ComplaintThemesError("class_prior applies to single-label training only")
            if not self.class_prior or any(v <= 0 for v in self.class_prior.values()):
                raise ComplaintThemesError(
                    f"class_prior needs a positive share per label, got {self.class_prior}"
                )
        if not self.label_sep:
            raise ComplaintThemesError("label_sep must not be empty")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "config") -> TrainingConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ComplaintThemesError(
                f"{source}: unknown setting(s) {unknown}; known: {sorted(known)}"
            )
        return cls(**data)

    @classmethod
    def from_toml(cls, path: str | Path) -> TrainingConfig:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise ComplaintThemesError(f"cannot read training config {path}: {e}") from e
        return cls.from_dict(data.get("training", data), source=str(path))
