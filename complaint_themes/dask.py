"""Classify a Dask DataFrame partition by partition, for backlogs spread over many machines.

    import dask.dataframe as dd
    from complaint_themes.dask import classify_dask

    cases = dd.read_csv("cases-*.csv", dtype=str, keep_default_na=False)
    themed = classify_dask(cases, text_column="text")      # lazy, like any Dask frame
    themed.to_csv("themed-*.csv", index=False)

Each worker process loads the model once (the first partition it meets) and keeps it for the
rest: :func:`classify_partition` is the function ``map_partitions`` runs, and it is what Spark
users call from ``mapInPandas`` (README). Rows, columns and order are those of
:func:`complaint_themes.batch.classify_table`, so the result equals a single-process run.
Needs ``pip install 'complaint-themes[dask]'``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd

from .errors import NotInstalledError


@lru_cache(maxsize=4)
def _model(model_dir: str | None, speed: str) -> Any:
    """The model, loaded once per process and model folder."""
    from .persist import load_model

    return load_model(model_dir, speed=speed)


def classify_partition(
    part: pd.DataFrame, model_dir: str | None = None, text_column: str = "text",
    speed: str = "accurate",
) -> pd.DataFrame:
    """:func:`~complaint_themes.batch.classify_table` on one partition, with the model of
    ``model_dir`` (None: the bundled model) loaded once per process."""
    from .batch import classify_table

    return classify_table(part, _model(model_dir, speed), text_column, source="a partition")


def classify_dask(
    frame: Any, model_dir: str | None = None, text_column: str = "text", speed: str = "accurate"
) -> Any:
    """The Dask DataFrame ``frame`` with the theme columns added to every partition (lazy)."""
    try:
        import dask.dataframe  # noqa: F401
    except ImportError as e:
        raise NotInstalledError(
            "classify_dask needs dask: pip install 'complaint-themes[dask]'"
        ) from e
    model_dir = None if model_dir is None else str(model_dir)
    sample = frame._meta_nonempty.head(1).copy()
    meta = classify_partition(sample, model_dir, text_column, speed).iloc[:0]
    return frame.map_partitions(classify_partition, model_dir, text_column, speed, meta=meta)
