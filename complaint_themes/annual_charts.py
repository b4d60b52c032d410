"""The charts of the annual report, as inline SVG text drawn by matplotlib (Agg).

Each function takes one table of :class:`~complaint_themes.annual.AnnualFigures` and returns
an ``<svg>`` element to paste into the page, or ``""`` when the table has nothing to draw.
Text stays text in the SVG (selectable, and escaped by matplotlib); element ids are prefixed
per chart so that several charts can sit in one HTML document.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .report import pyplot

QUARTERS = ["Q1", "Q2", "Q3", "Q4"]
THEME_COLOURS = {
    "service_standard": "#1d70b8", "failure_to_provide": "#d4351c",
    "communication": "#f47738", "staff_attitude": "#4c2c92", "not recorded": "#b1b4b6",
}
OTHER_COLOURS = ["#00703c", "#5694ca", "#912b88", "#b58840", "#505a5f", "#85994b"]
STAGE_COLOURS = ["#1d70b8", "#f47738", "#4c2c92", "#00703c"]
TOTAL_ROWS = {"total", "all", "all themes", "all services", "all directorates"}
_RC = {"svg.fonttype": "none", "svg.hashsalt": "complaint-themes", "font.size": 9,
       "font.family": "sans-serif", "axes.spines.top": False, "axes.spines.right": False}


def label(text: object) -> str:
    """A value as chart text: underscores as spaces, ``$`` kept literal (no mathtext)."""
    return str(text).replace("_", " ").replace("$", r"\$")


def theme_colours(themes: Sequence[str]) -> list[str]:
    """A fixed colour for each default theme, then a palette for any others."""
    others = iter(OTHER_COLOURS * (len(themes) // len(OTHER_COLOURS) + 1))
    return [THEME_COLOURS.get(t) or next(others) for t in themes]


def floats(values: object) -> np.ndarray:
    """Numbers as a float array, with NaN for missing values (``<NA>``, None)."""
    return np.array([np.nan if pd.isna(v) else float(v) for v in values], dtype=float)


def without_totals(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """``table`` without a summing row ("total", "all ...") in ``column``."""
    names = table[column].astype(str).str.strip().str.lower()
    return table[~names.isin(TOTAL_ROWS)]


def to_svg(fig: object, prefix: str) -> str:
    """The figure as an ``<svg>`` element with ids prefixed by ``prefix``; closes it."""
    plt = pyplot()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)  # creator, licence
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
    return text.replace("<svg ", '<svg role="img" ', 1)


def _percent_axis(ax: object, axis: str = "y") -> None:
    from matplotlib.ticker import PercentFormatter

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(PercentFormatter(1.0))


def themes_by_quarter(table: pd.DataFrame, year: str, previous_year: str | None) -> str:
    """Stacked bars: complaints per quarter by theme, and the whole year against the last."""
    rows = without_totals(table, "theme")
    if rows.empty or np.nansum([floats(rows[q]) for q in QUARTERS]) == 0:
        return ""
    plt = pyplot()
    compare = previous_year is not None and "previous_total" in rows
    with plt.rc_context(_RC):
        if compare:
            fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 3.4), width_ratios=[2.2, 1])
        else:
            fig, left = plt.subplots(figsize=(6.2, 3.4))
        colours = theme_colours(rows["theme"].astype(str).tolist())
        bottom_q, bottom_y = np.zeros(4), np.zeros(2)
        for (_, row), colour in zip(rows.iterrows(), colours, strict=True):
            quarters = np.nan_to_num(floats(row[QUARTERS]))
            left.bar(QUARTERS, quarters, bottom=bottom_q, color=colour, label=label(row["theme"]))
            bottom_q += quarters
            if compare:
                totals = np.nan_to_num(floats([row["previous_total"], row["total"]]))
                right.bar([previous_year, year], totals, bottom=bottom_y, color=colour)
                bottom_y += totals
        if compare:
            right.set_title("whole year")
        left.set_title(f"{year} by quarter")
        left.set_ylabel("complaints")
        left.legend(loc="upper left", bbox_to_anchor=(0, -0.1), ncol=4, frameon=False)
        return to_svg(fig, "themes-q")


def timeliness_by_quarter(table: pd.DataFrame, year: str) -> str:
    """Grouped bars: share answered within the target working days, per quarter and stage,
    under the codes' expectation (a line at 100%) that every complaint is."""
    rows = table[table["on_time_rate"].notna()]
    if rows.empty:
        return ""
    plt = pyplot()
    stages = list(dict.fromkeys(rows["stage"].astype(str)))
    quarters = [q for q in QUARTERS if q in set(rows["quarter"].astype(str))] or sorted(
        set(rows["quarter"].astype(str)))
    width = 0.8 / len(stages)
    with plt.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(8.6, 3.2))
        for k, stage in enumerate(stages):
            mine = rows[rows["stage"].astype(str) == stage].set_index(
                rows.loc[rows["stage"].astype(str) == stage, "quarter"].astype(str))
            values = floats([mine.loc[q, "on_time_rate"] if q in mine.index else np.nan
                             for q in quarters])
            x = np.arange(len(quarters)) + (k - (len(stages) - 1) / 2) * width
            ax.bar(x, np.nan_to_num(values), width=width * 0.95,
                   color=STAGE_COLOURS[k % len(STAGE_COLOURS)], label=label(stage))
        ax.axhline(1.0, color="#0b0c0c", lw=1.2, ls="--", label="target: every reply on time")
        ax.set_xticks(range(len(quarters)), quarters)
        ax.set_ylim(0, 1.12)
        _percent_axis(ax)
        ax.set_title(f"Answered within the target working days, {year}")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=len(stages) + 1,
                  frameon=False)
        return to_svg(fig, "timely")


Series = tuple[str, np.ndarray, str, list[str]]
"""One set of bars: legend name, values, colour, the text at the end of each bar."""


def _service_bars(names: list[str], series: list[Series], title: str, percent: bool,
                  prefix: str) -> str:
    """Horizontal bars per service, one colour per series (the first on top), with values."""
    from matplotlib.ticker import MaxNLocator

    plt = pyplot()
    with plt.rc_context(_RC):
        height = 1.2 + 0.3 * len(names) * max(1, len(series) * 0.7)
        fig, ax = plt.subplots(figsize=(8.6, min(height, 9.5)))
        y = np.arange(len(names))
        bar = 0.8 / len(series)
        for k, (name, values, colour, texts) in enumerate(series):
            bars = ax.barh(y + (k - (len(series) - 1) / 2) * bar, np.nan_to_num(values),
                           height=bar * 0.95, color=colour, label=name)
            ax.bar_label(bars, labels=texts, padding=3, fontsize=8)
        ax.set_yticks(y, [label(n) for n in names])
        ax.invert_yaxis()
        if percent:
            ax.set_xlim(0, 1.12)
            _percent_axis(ax, "x")
        else:
            ax.set_xlim(0, max(np.nanmax(v) for _, v, _, _ in series) * 1.12 or 1)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(title)
        if len(series) > 1:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        return to_svg(fig, prefix)


def _counts(values: np.ndarray) -> list[str]:
    return ["" if np.isnan(v) or v == 0 else f"{v:,.0f}" for v in values]


def uphold_rate_by_service(table: pd.DataFrame, year: str) -> str:
    """Horizontal bars: share of decided complaints upheld or partly upheld, per service,
    each labelled with the number decided (a rate of 1 case reads differently from 40)."""
    rows = without_totals(table, "service")
    rows = rows[rows["uphold_rate"].notna()]
    if rows.empty:
        return ""
    rows = rows.sort_values("uphold_rate", ascending=False, kind="stable")
    rates = floats(rows["uphold_rate"])
    decided = sum(np.nan_to_num(floats(rows[c])) for c in ("upheld", "partly_upheld",
                                                           "not_upheld"))
    texts = [f"{r:.0%} of {d:,.0f}" for r, d in zip(rates, decided, strict=True)]
    return _service_bars(rows["service"].astype(str).tolist(),
                         [("uphold rate", rates, "#d4351c", texts)],
                         f"Upheld or partly upheld, {year} (labels: of the complaints decided)",
                         True, "uphold")


def compliments_by_service(table: pd.DataFrame, year: str, previous_year: str | None) -> str:
    """Horizontal bars: compliments per service, this year beside the previous year."""
    rows = without_totals(table, "service")
    if rows.empty or np.nansum(floats(rows["total"])) == 0:
        return ""
    rows = rows.sort_values("total", ascending=False, kind="stable")
    totals = floats(rows["total"])
    series: list[Series] = [(year, totals, "#00703c", _counts(totals))]
    if "previous_total" in rows and rows["previous_total"].notna().any():
        before = floats(rows["previous_total"])
        series.append((previous_year or "previous year", before, "#b1b4b6", _counts(before)))
    return _service_bars(rows["service"].astype(str).tolist(), series,
                         f"Compliments by service, {year}", False, "compl")
