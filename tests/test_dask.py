"""Dask: partition-wise classification on a 2-worker LocalCluster equals the single run."""

from __future__ import annotations

import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from complaint_themes import load_model  # noqa: E402
from complaint_themes.batch import classify_table  # noqa: E402
from complaint_themes.dask import classify_dask  # noqa: E402


def test_two_workers_give_the_single_process_result(model_dir, texts):
    df = pd.DataFrame({"case_id": [f"{i:04d}" for i in range(90)],
                       "text": [texts[i % len(texts)] if i % 11 else "" for i in range(90)]})
    single = classify_table(df, load_model(model_dir), "text")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        frame = dd.from_pandas(df, npartitions=6)
        result = classify_dask(frame, model_dir=model_dir).compute()
        workers = client.run(lambda: __import__("os").getpid())
    assert len(workers) == 2
    result = result.reset_index(drop=True)
    # dask stores text as its own string type; the values and the written file are the same
    pd.testing.assert_frame_equal(result, single, check_dtype=False)
    assert result.to_csv(index=False) == single.to_csv(index=False)
