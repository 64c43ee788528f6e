"""DuckDB and Spark give the same answers: per-customer features, the assessment, the bad-input problems.

Spark starts once for the whole module (local mode, 2 cores); the business is small, so the test is
about equality, not speed. Without pyspark or Java the Spark tests skip with the reason (fail when
KEEPWISE_REQUIRE_SPARK=1); the one-line refusals below run everywhere.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from keepwise.config import load_settings
from keepwise.data import load

from datafactory import valid_tables, write_csv_folder

AS_OF = date(2026, 6, 30)
KEEPWISE = [sys.executable, "-m", "keepwise"]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*KEEPWISE, *args], capture_output=True, text=True, timeout=600, env=env)


@pytest.fixture(scope="module")
def business(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("spark-business") / "shop"
    made = run("sample", str(folder), "--customers", "250", "--seed", "4", "--format", "parquet")
    assert made.returncode == 0, made.stderr
    return folder


@pytest.fixture(scope="module")
def both(business, spark_master):
    """The same business assessed on DuckDB and on Spark."""
    from keepwise.assess import assess_with_models
    from keepwise.data.spark import to_spark

    settings = load_settings(overrides={"engine": {"spark_master": spark_master, "spark_shuffle_partitions": 2}})
    duck = load(business, AS_OF, settings)
    spark = to_spark(duck, settings)
    assert spark.engine == "spark" and duck.engine == "duckdb"
    return assess_with_models(duck, AS_OF), assess_with_models(spark, AS_OF)


def _by_customer(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("customer_id").reset_index(drop=True)


def test_spark_gives_identical_per_customer_features(both):
    duck, spark = (_by_customer(run.features) for run in both)
    assert len(duck) == 250
    pd.testing.assert_frame_equal(duck, spark, check_dtype=True)


def test_spark_gives_the_same_assessment(both):
    duck, spark = (_by_customer(run.assessment) for run in both)
    assert list(duck.columns) == list(spark.columns)
    for column in ("customer_id", "action", "flags", "lifecycle", "churn_source", "priority"):
        assert (duck[column] == spark[column]).all(), column
    for column in ("clv", "p_alive", "churn_risk", "profit", "cost_to_serve", "money_at_stake"):
        np.testing.assert_allclose(duck[column].astype(float), spark[column].astype(float), rtol=1e-6,
                                   atol=1e-9, err_msg=column)
    assert both[0].churn_source == both[1].churn_source


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_bad_input_is_refused_the_same_on_both_engines(tmp_path, engine):
    """Validation runs where the data is read, before any engine starts: the same problem, exit 2."""
    tables = valid_tables()
    tables["orders"][1]["ordered_at"] = "2025-13-45"
    folder = write_csv_folder(tmp_path / "d", tables)
    result = run("assess", str(folder), "--as-of", "2024-12-31", "--out", str(tmp_path / "a.csv"),
                 "--engine", engine)
    assert result.returncode == 2
    assert "orders.csv, row 2 (line 3), column ordered_at: not a valid date" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "a.csv").exists()


def _one_line_refusal(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("warning:")]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]
    assert "Traceback" not in result.stderr and "Exception" not in result.stderr


@pytest.fixture
def valid_folder(tmp_path) -> Path:
    return write_csv_folder(tmp_path / "d", valid_tables())


def test_spark_without_java_is_one_line_saying_how_to_get_it(tmp_path, valid_folder):
    pytest.importorskip("pyspark")
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {"PATH": str(empty), "PYTHONPATH": ":".join(sys.path), "HOME": str(tmp_path)}
    result = run("assess", str(valid_folder), "--as-of", "2024-12-31", "--out", str(tmp_path / "a.csv"),
                 "--engine", "spark", env=env)
    _one_line_refusal(result, "Java", "JAVA_HOME")
    assert not (tmp_path / "a.csv").exists()


def test_spark_without_pyspark_is_one_line_saying_how_to_get_it(tmp_path, valid_folder):
    stub = tmp_path / "stub" / "pyspark"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text("raise ImportError('No module named pyspark')\n")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join([str(stub.parent), *sys.path]), "HOME": str(tmp_path)}
    result = run("clv", "fit", str(valid_folder), "--model", "bgnbd", "--calibration-end", "2024-12-31",
                 "--engine", "spark", env=env)
    _one_line_refusal(result, "pyspark", "keepwise[spark]")


def test_spark_master_that_does_not_answer_is_one_line(tmp_path, valid_folder):
    pytest.importorskip("pyspark")
    result = run("assess", str(valid_folder), "--as-of", "2024-12-31", "--out", str(tmp_path / "a.csv"),
                 "--engine", "spark", "--spark-master", "spark://127.0.0.1:9")
    _one_line_refusal(result, "spark://127.0.0.1:9", "does not answer")


def test_the_churn_training_sample_is_the_same_on_both_engines(business, spark_master):
    from keepwise.data.schema import TABLES
    from keepwise.data.spark import to_spark
    from keepwise.models.churn_labels import training_sample

    settings = load_settings(overrides={"engine": {"spark_master": spark_master, "spark_shuffle_partitions": 2},
                                        "churn_model": {"max_customers_per_fit": 100}})
    duck = load(business, AS_OF, settings)
    samples = [training_sample(ds) for ds in (duck, to_spark(duck, settings))]
    for name in TABLES:
        ids = [sorted(s.table(name).select("customer_id").to_pyarrow().column(0).to_pylist()) for s in samples]
        assert ids[0] == ids[1], name
        if name == "customers":
            assert len(ids[0]) == 100
    # The sample keeps the columns its features read, and its feature expression is the whole's over
    # its tables, on either engine: the same features.
    from keepwise.metrics.features import customer_feature_frame

    cutoff = date.fromordinal(AS_OF.toordinal() - settings.churn_model.period_days)
    duck_features, spark_features = (_by_customer(customer_feature_frame(s, cutoff)) for s in samples)
    assert len(duck_features) == 100
    pd.testing.assert_frame_equal(duck_features, spark_features, check_dtype=True)


def test_engagement_at_equal_moments_gives_the_same_features_on_both_engines(tmp_path, spark_master):
    """Events at one moment (dates without a time of day): the unsubscribe counts over a subscribe, and the
    lowest of the surveys' scores is the last score, on either engine and in either order of the rows."""
    from keepwise.data.spark import to_spark
    from keepwise.metrics.features import customer_feature_frame

    tables = valid_tables()
    day = "2024-05-10"
    tables["engagement"] = [
        {"customer_id": "C1", "at": day, "kind": "survey", "score": "9"},
        {"customer_id": "C1", "at": day, "kind": "survey", "score": "3"},
        {"customer_id": "C1", "at": day, "kind": "survey", "score": "6"},
        {"customer_id": "C2", "at": day, "kind": "newsletter_subscribe", "score": ""},
        {"customer_id": "C2", "at": day, "kind": "newsletter_unsubscribe", "score": ""},
        {"customer_id": "C3", "at": day, "kind": "newsletter_unsubscribe", "score": ""},
        {"customer_id": "C3", "at": day, "kind": "newsletter_subscribe", "score": ""},
    ]
    settings = load_settings(overrides={"engine": {"spark_master": spark_master, "spark_shuffle_partitions": 2}})
    duck = load(write_csv_folder(tmp_path / "d", tables), AS_OF, settings)
    frames = [_by_customer(customer_feature_frame(ds, AS_OF)).set_index("customer_id")
              for ds in (duck, to_spark(duck, settings))]
    for frame in frames:
        assert frame["unsubscribed"].to_dict() == {"C1": False, "C2": True, "C3": True}
        assert frame.loc["C1", "last_survey_score"] == 3
    pd.testing.assert_frame_equal(*frames, check_dtype=True)
