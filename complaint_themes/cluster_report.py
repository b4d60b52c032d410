"""Write a clusters run to a folder: clusters.csv, assignments.csv, clusters.json, clusters.html.

The HTML page is for a complaints manager: flagged clusters first, each with its key phrases,
counts, a weekly timeline sparkline and redacted example complaints; the other clusters follow
in a short table. It is one self-contained file (no scripts, no external resources), and every
text is HTML-escaped. The saved state for the next run goes in ``state/``.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

from .cluster import ClusterResult
from .cluster_stats import COHESION_MEANING, CONFIDENCE_HIGH, CONFIDENCE_LOW
from .write import atomic_write, write_table


def write_cluster_report(result: ClusterResult, out_dir: str | Path, title: str = "") -> list[Path]:
    """Write the four report files and ``state/`` into ``out_dir``; return the file paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [
        write_table(result.clusters, out / "clusters.csv"),
        write_table(result.assignments, out / "assignments.csv"),
    ]
    payload = clusters_json(result)
    path = out / "clusters.json"
    atomic_write(path, lambda p: Path(p).write_text(json.dumps(payload, indent=2), "utf-8"))
    paths.append(path)
    path = out / "clusters.html"
    page = clusters_html(result, title or "Clusters of similar complaints")
    atomic_write(path, lambda p: Path(p).write_text(page, "utf-8"))
    paths.append(path)
    result.state.save(out / "state")
    return paths


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def clusters_json(result: ClusterResult) -> dict[str, Any]:
    """Settings plus one object per cluster (table columns and details), flagged first."""
    clusters = []
    for row in result.clusters.to_dict("records"):
        item = {k: _plain(v) for k, v in row.items()}
        item["key_phrases"] = result.details[row["cluster_id"]]["key_phrases"]
        item.update({k: v for k, v in result.details[row["cluster_id"]].items()
                     if k != "key_phrases"})
        clusters.append(item)
    return {"settings": result.settings, "clusters": clusters}


def sparkline(points: list[tuple[str, int]], width: int = 220, height: int = 36) -> str:
    """An inline SVG bar chart of complaints per week."""
    if not points:
        return ""
    top = max(n for _, n in points) or 1
    bar = width / len(points)
    bars = "".join(
        f'<rect x="{i * bar:.1f}" y="{height - n / top * (height - 2):.1f}" '
        f'width="{max(bar - 1, 1):.1f}" height="{n / top * (height - 2):.1f}">'
        f"<title>week of {html.escape(w)}: {n}</title></rect>"
        for i, (w, n) in enumerate(points) if n
    )
    return (f'<svg class="spark" width="{width}" height="{height}" role="img" '
            f'aria-label="complaints per week">{bars}</svg>')


def _cluster_card(row: dict[str, Any], details: dict[str, Any]) -> str:
    e = html.escape
    phrases = "".join(f"<li>{e(p)}</li>" for p in details["key_phrases"]) or "<li>-</li>"
    examples = "".join(
        f"<blockquote>{e(x['text'])}<footer>{e(x.get('date') or '')} "
        f"{e(x.get('service') or '')}</footer></blockquote>"
        for x in details["examples"]
    )
    mix = ", ".join(f"{e(t)} {s:.0%}" for t, s in details["theme_mix"].items())
    badges = '<span class="badge emerging">emerging</span>' if row["emerging"] else ""
    if row.get("confidence"):
        badges += (f'<span class="badge conf-{e(row["confidence"])}">{e(row["confidence"])} '
                   "confidence</span>")
    joined = row.get("new_residents")
    if joined:
        badges += f'<span class="badge">{int(joined)} more residents joined</span>'
    dates = ""
    if row.get("first_date"):
        dates = (f"<dt>Dates</dt><dd>{e(str(row['first_date']))} to {e(str(row['last_date']))}; "
                 f"{_plain(row['window_residents'])} residents in the latest window, "
                 f"{_plain(row['previous_window_residents'])} in the one before</dd>")
    return f"""<section class="card {e(row['status'])}" id="{e(row['cluster_id'])}">
<h2>{e(row['cluster_id'])} {badges}</h2>
<ul class="phrases">{phrases}</ul>
<dl><dt>Complaints</dt><dd>{row['size']} from {row['residents']} residents
({row['repeat_residents']} complained more than once)</dd>{dates}
{_sureness(row)}<dt>Services</dt><dd>{e(row['services'] or '-')}</dd>
<dt>Themes</dt><dd>{mix or '-'}</dd></dl>
{sparkline(details['timeline'])}
<h3>Examples (personal data removed)</h3>{examples or '<p>-</p>'}
</section>"""


def _sureness(row: dict[str, Any]) -> str:
    """The "How sure" line of a card: confidence in words and the cohesion figure."""
    if not row.get("confidence"):
        return ""
    return (f"<dt>How sure</dt><dd>{html.escape(str(row['confidence']))} confidence "
            f"(cohesion {float(row['cohesion']):.2f})</dd>")


CSS = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1b1b1b}h1{font-size:1.6rem}.card{border:1px solid #bbb;border-radius:6px;padding:.5rem 1rem;
margin:1rem 0}.card.flagged{border-left:6px solid #b3261e}.badge{font-size:.8rem;background:#eee;
border-radius:4px;padding:.1rem .4rem;margin-left:.4rem}
.badge.emerging{background:#b3261e;color:#fff}.badge.conf-high{background:#d7f0dc}
.badge.conf-low{background:#fde2c8}
.phrases li{display:inline;background:#e8f0fe;margin-right:.4rem;padding:.1rem .4rem;
border-radius:4px}
.phrases{padding:0}dl{display:grid;grid-template-columns:8rem 1fr;gap:.2rem}dd{margin:0}
blockquote{margin:.4rem 0;padding:.3rem .8rem;background:#f6f6f6;border-left:3px solid #999}
footer{font-size:.8rem;color:#555}.spark rect{fill:#b3261e}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}"""


def clusters_html(result: ClusterResult, title: str) -> str:
    """The report page (see the module docstring)."""
    e = html.escape
    table = result.clusters
    flagged = table[table["flagged"]] if len(table) else table
    rest = table[~table["flagged"]] if len(table) else table
    s = result.settings
    intro = (f"<p>{len(table)} clusters of similar complaints; <strong>{len(flagged)} flagged"
             f"</strong> (at least {s['min_residents']} different residents within "
             f"{s['window_days']} days). Similar means cosine similarity of at least "
             f"{s['similarity']}. A repeat is one resident complaining more than once.</p>"
             f"<p>How sure: {e(COHESION_MEANING)} High confidence means cohesion at least "
             f"{CONFIDENCE_HIGH} above the threshold, low more than {CONFIDENCE_LOW} below it "
             "(complaints similar to a centre but less to each other: read the examples before "
             "acting).</p>")
    cards = "".join(_cluster_card(r, result.details[r["cluster_id"]])
                    for r in flagged.to_dict("records")) or "<p>No cluster is flagged.</p>"
    rows = "".join(
        f"<tr><td>{e(r['cluster_id'])}</td><td>{e(r['status'])}</td><td>{r['size']}</td>"
        f"<td>{r['residents']}</td><td>{e(str(r.get('confidence') or ''))}</td>"
        f"<td>{e(str(r['first_date'] or ''))}</td>"
        f"<td>{e(str(r['last_date'] or ''))}</td><td>{e(r['services'] or '')}</td></tr>"
        for r in rest.to_dict("records")
    )
    others = (
        "<h2>Other clusters (not flagged)</h2><table><tr><th>id</th><th>status</th>"
        f"<th>complaints</th><th>residents</th><th>confidence</th><th>first</th><th>last</th>"
        f"<th>services</th></tr>"
        f"{rows}</table>" if rows else ""
    )
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{e(title)}'
            f"</title><style>{CSS}</style></head><body><h1>{e(title)}</h1>{intro}{cards}"
            f"{others}</body></html>\n")
