"""Spark: the README's mapInPandas example classifies a Spark DataFrame like one process."""

from __future__ import annotations

import os
import sys

import pandas as pd
import pytest

pyspark = pytest.importorskip("pyspark")

from complaint_themes import load_model  # noqa: E402
from complaint_themes.batch import classify_table  # noqa: E402
from complaint_themes.dask import classify_partition  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers use this environment
    session = (SparkSession.builder.master("local[2]").appName("complaint-themes-test")
               .config("spark.ui.enabled", "false").getOrCreate())
    yield session
    session.stop()


def test_map_in_pandas_gives_the_single_process_result(spark, model_dir, texts):
    df = pd.DataFrame({"case_id": [f"{i:03d}" for i in range(40)],
                       "text": [texts[i % len(texts)] for i in range(40)]})
    cases = spark.createDataFrame(df).repartition(3)
    model = str(model_dir)
    # the README example: the output schema from one classified row, then every batch
    schema = spark.createDataFrame(classify_partition(cases.limit(1).toPandas(), model)).schema
    themed = cases.mapInPandas(lambda batches: (classify_partition(b, model) for b in batches),
                               schema)
    result = themed.toPandas().sort_values("case_id").reset_index(drop=True)
    single = classify_table(df, load_model(model_dir), "text")
    pd.testing.assert_frame_equal(result, single, check_dtype=False)
