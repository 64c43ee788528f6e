"""metrics, explain and report take --engine/--spark-master like assess and clv fit, and give the
same answers on Spark as on DuckDB.

Spark runs in local mode (2 cores) through the ``spark_master`` fixture: without pyspark or Java the
Spark tests skip with the reason (fail when KEEPWISE_REQUIRE_SPARK=1); the refusals run everywhere.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

KEEPWISE = [sys.executable, "-m", "keepwise"]
AS_OF = "2026-06-30"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*KEEPWISE, *args], capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def business(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("spark-commands") / "shop"
    made = run("sample", str(folder), "--customers", "200", "--seed", "5", "--format", "parquet")
    assert made.returncode == 0, made.stderr
    return folder


def _on_both(spark_master: str, *args: str) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    duck = run(*args, "--engine", "duckdb")
    spark = run(*args, "--engine", "spark", "--spark-master", spark_master)
    assert duck.returncode == 0, duck.stderr
    assert spark.returncode == 0, spark.stderr
    return duck, spark


def _close(a, b, path: str = "") -> None:
    """Equal JSON documents, numbers to a relative 1e-6 (sums may add in another order on Spark)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), path
        for key in a:
            _close(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for position, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{path}[{position}]")
    elif isinstance(a, float) and not isinstance(a, bool):
        assert b == pytest.approx(a, rel=1e-6, abs=1e-9), path
    else:
        assert a == b, path


def test_metrics_on_spark_equal_duckdb(business, spark_master):
    duck, spark = _on_both(spark_master, "metrics", str(business), "--as-of", AS_OF, "--json")
    duck_doc, spark_doc = json.loads(duck.stdout), json.loads(spark.stdout)
    assert duck_doc["customers"]["total"] == 200
    _close(duck_doc, spark_doc)


def test_explain_on_spark_equals_duckdb(business, spark_master):
    duck, spark = _on_both(spark_master, "explain", str(business), "C000007", "--as-of", AS_OF, "--json")
    duck_doc, spark_doc = json.loads(duck.stdout), json.loads(spark.stdout)
    assert duck_doc["customer_id"] == "C000007"
    for key in ("action", "priority", "lifecycle", "flags", "past_flags", "reasons", "timeline"):
        assert duck_doc[key] == spark_doc[key], key
    assert duck_doc["timeline"]  # the records' events, each phrased alike on both engines


def test_report_on_spark_is_written(business, spark_master, tmp_path):
    out = tmp_path / "report.html"
    result = run("report", str(business), "--as-of", AS_OF, "--out", str(out), "--engine", "spark",
                 "--spark-master", spark_master)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


@pytest.mark.parametrize("command", [
    ["metrics", "{data}", "--as-of", AS_OF],
    ["explain", "{data}", "C000001", "--as-of", AS_OF],
    ["report", "{data}", "--as-of", AS_OF, "--out", "{out}"],
])
def test_spark_master_without_spark_engine_is_refused(business, tmp_path, command):
    out = tmp_path / "report.html"
    args = [part.format(data=business, out=out) for part in command]
    result = run(*args, "--spark-master", "local[2]")
    assert result.returncode == 2
    assert result.stderr.strip() == "--spark-master needs --engine spark"
    assert not out.exists()


@pytest.mark.parametrize("command", ["metrics", "report"])
def test_unknown_engine_is_refused(business, tmp_path, command):
    result = run(command, str(business), "--as-of", AS_OF, "--out" if command == "report" else "--json",
                 *([str(tmp_path / "r.html")] if command == "report" else []), "--engine", "polars")
    assert result.returncode == 2
    assert "--engine must be one of duckdb, spark (got 'polars')" in result.stderr
