"""From a case export to the annual report: what ``complaint-themes report`` runs.

:func:`build_annual_report` reads the cases (and an optional previous year's), classifies
their texts when there is no theme column, finds clusters of similar complaints among the
year's complaints, takes each cluster's learning status from a learning file, computes the
figures (:func:`complaint_themes.annual.annual_figures`) and writes report.html and
report.xlsx (:func:`complaint_themes.annual_report.write_annual_report`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from .case_fields import DEFAULTS, CaseColumns, prepare_cases, resolve_columns
from .errors import InputError, OutputError
from .io import read_table, require_columns
from .write import check_output

NOT_RECORDED = "not recorded"


@dataclass
class AnnualRun:
    """What :func:`build_annual_report` made.

    Attributes
    ----------
    figures : AnnualFigures
    paths : list of Path
        report.html and report.xlsx.
    clusters : ClusterResult or None
        The clusters of the year's complaints (None without a text column).
    messages : list of str
        Notes for the person running it (what was classified, unmatched learning rows).
    """

    figures: Any
    paths: list[Path]
    clusters: Any = None
    messages: list[str] = field(default_factory=list)


def _check_report_path(html_path: Path, inputs: list[Path]) -> None:
    if html_path.suffix.lower() not in (".html", ".htm"):
        raise OutputError(f"the report {html_path.name} must end in .html (the workbook is "
                          "written beside it as .xlsx)")
    for path in inputs:
        if path.resolve() in (html_path.resolve(), html_path.with_suffix(".xlsx").resolve()):
            raise OutputError(f"the report {html_path.name} would overwrite the input "
                              f"{path.name}; choose another name")
    check_output(html_path.with_suffix(".xlsx"))  # the folder can be written, before the run


def themed(df: pd.DataFrame, columns: CaseColumns, text_column: str, model: Any,
           source: str, messages: list[str]) -> pd.DataFrame:
    """``df`` with its theme column, classifying the texts with ``model`` when it has none."""
    name = columns.theme or DEFAULTS.theme
    if name in df.columns:
        return df
    if name != DEFAULTS.theme:
        names = ", ".join(str(c) for c in df.columns[:40])
        raise InputError(f"column {name!r} not found in {source}; available: {names} "
                         "(use --theme-column to name the theme column, or leave it out to "
                         "classify the texts)")
    from .batch import classify_table

    if text_column in df.columns:  # a wrongly named column: found before the long run
        resolve_columns(df, replace(columns, theme=text_column), source)
    # the report reads themes only: no semantic risk pass, which would encode every sentence
    out = classify_table(df, model(), text_column, source=source, semantic=False)
    messages.append(f"{source} has no {name!r} column: classified {len(df)} rows "
                    f"from {text_column!r}")
    return out


def year_complaints(df: pd.DataFrame, columns: CaseColumns, year: str | None,
                    source: str) -> tuple[pd.DataFrame, str]:
    """The complaint rows received in financial year ``year`` (default: the newest one)."""
    from .annual import financial_year, year_label

    cases = prepare_cases(df, columns, source).frame
    received = cases["received"]
    if received.isna().all():
        raise InputError(f"{source} has no received dates ({columns.received!r})")
    start, end = financial_year(received.max() if year is None else year)
    inside = ((received >= pd.Timestamp(start)) & (received <= pd.Timestamp(end))
              & (cases["kind"] == "complaint")).to_numpy()
    chosen = df.loc[inside].copy()
    chosen["_received"] = received[inside].dt.strftime("%Y-%m-%d").to_numpy()
    return chosen.reset_index(drop=True), year_label(start)


def learning_status(clusters: pd.DataFrame, learning: pd.DataFrame | None,
                    source: str = "the learning file") -> tuple[pd.DataFrame, list[str]]:
    """``clusters`` with ``learning_status`` (and ``action``) from ``learning``, matched on
    ``cluster_id``; clusters not in it are "not recorded". Also returns messages about
    learning rows whose cluster is not in this year's clusters."""
    out = clusters.copy()
    out["learning_status"] = NOT_RECORDED
    if learning is None:
        return out, []
    require_columns(learning, {"cluster_id": "cluster_id", "learning_status": "learning_status"},
                    source)
    keep = ["cluster_id", "learning_status"] + (["action"] if "action" in learning else [])
    table = learning[keep].copy()
    table["cluster_id"] = table["cluster_id"].astype(str).str.strip()
    repeated = table["cluster_id"][table["cluster_id"].duplicated()]
    if len(repeated):
        row = int(repeated.index[0]) + 2
        raise InputError(f"{source}, row {row}: cluster_id {repeated.iloc[0]!r} is listed "
                         "twice; keep one row per cluster")
    by_id = table.set_index("cluster_id")
    ids = out["cluster_id"].astype(str)
    status = ids.map(by_id["learning_status"]).astype(object)
    out["learning_status"] = [NOT_RECORDED if pd.isna(s) or not str(s).strip() else str(s)
                              for s in status]
    if "action" in by_id:
        out["action"] = ids.map(by_id["action"]).astype(object).where(lambda s: s.notna(), "")
    unknown = sorted(set(by_id.index) - set(ids))
    messages = [f"{source} lists {len(unknown)} cluster id(s) not found this year: "
                f"{', '.join(unknown[:5])}"] if unknown else []
    return out, messages


def build_annual_report(
    cases_path: str | Path,
    html_path: str | Path,
    year: str | None = None,
    previous_path: str | Path | None = None,
    columns: CaseColumns = DEFAULTS,
    text_column: str = "text",
    model_dir: str | Path | None = None,
    speed: str = "accurate",
    learning_path: str | Path | None = None,
    encoding: str | None = None,
    min_residents: int = 3,
    window_days: int = 90,
    progress: bool = False,
) -> AnnualRun:
    """Read, classify if needed, cluster, compute and write the annual report.

    Parameters
    ----------
    cases_path : str or Path
        The case export (.csv, .xlsx or .parquet), one complaint or compliment a row.
    html_path : str or Path
        The page to write; the workbook goes beside it with the same stem.
    year : str, optional
        Financial year such as ``"2024/25"``; default the year of the newest received date.
    previous_path : str or Path, optional
        The previous year's export; default the rows of ``cases_path`` from the year before.
    columns : CaseColumns
    text_column : str, default="text"
        Complaint text: classified when there is no theme column, and clustered.
    model_dir, speed
        The model (default the bundled one), loaded only when needed.
    learning_path : str or Path, optional
        A table of ``cluster_id``, ``learning_status`` (and ``action``) for the clusters.
    encoding : str, optional
        CSV encoding when not UTF-8 or cp1252.
    min_residents, window_days : int
        Clustering settings (see :func:`complaint_themes.cluster.find_clusters`).
    progress : bool, default=False

    Returns
    -------
    AnnualRun
    """
    from .annual import annual_figures
    from .annual_report import write_annual_report

    cases_path, html_path = Path(cases_path), Path(html_path)
    inputs = [Path(p) for p in (cases_path, previous_path, learning_path) if p is not None]
    _check_report_path(html_path, inputs)
    loaded: list[Any] = []

    def model() -> Any:
        if not loaded:
            from .persist import load_model

            loaded.append(load_model(model_dir, speed=speed, progress=progress))
        return loaded[0]

    messages: list[str] = []
    learning = read_table(Path(learning_path), encoding=encoding) if learning_path else None
    df = themed(read_table(cases_path, encoding=encoding), columns, text_column, model,
                cases_path.name, messages)
    previous = None
    if previous_path is not None:
        previous_path = Path(previous_path)
        previous = themed(read_table(previous_path, encoding=encoding), columns, text_column,
                          model, previous_path.name, messages)
    theme_columns = columns if columns.theme is not None else replace(columns, theme=DEFAULTS.theme)
    complaints, year = year_complaints(df, theme_columns, year, cases_path.name)
    result, table = None, None
    if text_column in df.columns:
        from .cluster import find_clusters

        present = [c for c in (columns.resident, columns.service) if c and c in df.columns]
        result = find_clusters(
            complaints, text_column=text_column,
            resident_column=columns.resident if columns.resident in present else None,
            date_column="_received",
            service_column=columns.service if columns.service in present else None,
            themes=complaints[theme_columns.theme].tolist(), model=model(),
            min_residents=min_residents, window_days=window_days, source=cases_path.name)
        table, more = learning_status(result.clusters, learning,
                                      Path(learning_path).name if learning_path else "")
        messages += more
    else:
        messages.append(f"{cases_path.name} has no {text_column!r} column: no clusters found")
    figures = annual_figures(
        df, year, previous=previous, columns=theme_columns, clusters=table,
        source=cases_path.name,
        previous_source=previous_path.name if previous_path else "previous cases")
    paths = write_annual_report(figures, html_path)
    return AnnualRun(figures=figures, paths=paths, clusters=result, messages=messages)
