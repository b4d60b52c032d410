"""Theme taxonomies as data: the themes a model predicts, with definitions analysts code by.

The default, :data:`DEFAULT_TAXONOMY`, is ``data/council_themes.toml``: the four salient
themes councils report (service standard, failure to provide, communication, staff attitude).
A council with its own categories writes a TOML file of the same shape.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import ComplaintThemesError

DEFAULT_TAXONOMY = Path(__file__).parent / "data" / "council_themes.toml"


@dataclass(frozen=True)
class Theme:
    """One theme: a short id (used in outputs), a label and its coding rules."""

    id: str
    label: str
    definition: str
    includes: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    """A named, versioned list of themes."""

    name: str
    themes: tuple[Theme, ...]
    version: int = 1
    source: str = field(default="", compare=False)

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def __getitem__(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("source")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "taxonomy") -> Taxonomy:
        themes = data.get("themes")
        if not isinstance(themes, list) or not themes:
            raise ComplaintThemesError(f"{source}: needs a non-empty list of [[themes]]")
        parsed = []
        for n, raw in enumerate(themes, start=1):
            if not isinstance(raw, dict) or not raw.get("id") or not raw.get("definition"):
                raise ComplaintThemesError(
                    f"{source}: theme {n} needs at least an 'id' and a 'definition'"
                )
            unknown = set(raw) - {"id", "label", "definition", "includes", "excludes", "examples"}
            if unknown:
                raise ComplaintThemesError(
                    f"{source}: theme {raw['id']!r} has unknown keys {sorted(unknown)}"
                )
            parsed.append(
                Theme(
                    id=str(raw["id"]),
                    label=str(raw.get("label", raw["id"])),
                    definition=str(raw["definition"]),
                    includes=tuple(raw.get("includes", ())),
                    excludes=tuple(raw.get("excludes", ())),
                    examples=tuple(raw.get("examples", ())),
                )
            )
        ids = [t.id for t in parsed]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise ComplaintThemesError(f"{source}: theme ids appear twice: {duplicated}")
        return cls(
            name=str(data.get("name", Path(source).stem)),
            version=int(data.get("version", 1)),
            themes=tuple(parsed),
            source=source,
        )


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read a taxonomy TOML file (the default council themes when ``path`` is None)."""
    path = Path(path) if path is not None else DEFAULT_TAXONOMY
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ComplaintThemesError(f"taxonomy file {path} not found") from e
    except tomllib.TOMLDecodeError as e:
        raise ComplaintThemesError(f"taxonomy file {path} is not valid TOML: {e}") from e
    return Taxonomy.from_dict(data, source=str(path))
