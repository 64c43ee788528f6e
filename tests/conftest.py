"""Shared fixtures: the bundled CDNOW data, a throwaway PostgreSQL schema, and a test output folder."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from keepwise.data.cdnow import cdnow_folder

PG_URL = os.environ.get("KEEPWISE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
TEST_OUTPUT = Path(__file__).resolve().parent.parent / "test-output"


def _require(variable: str) -> bool:
    return os.environ.get(variable, "") not in ("", "0", "false")


@pytest.fixture(scope="session")
def cdnow_dir() -> Path:
    return cdnow_folder()


@pytest.fixture(scope="session")
def test_output() -> Path:
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT


@pytest.fixture
def pg_url():
    """A URL whose search_path is a fresh schema, dropped afterwards.

    Skips with the reason when no server answers, unless KEEPWISE_REQUIRE_PG=1 (CI), where it fails.
    """
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        message = f"PostgreSQL not reachable at {PG_URL}: {str(error).strip()[:200]}"
        if _require("KEEPWISE_REQUIRE_PG"):
            pytest.fail(message + " (KEEPWISE_REQUIRE_PG=1)")
        pytest.skip(message)
    schema = f"keepwise_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium for browser tests (no browser downloads here)."""
    for candidate in (os.environ.get("KEEPWISE_CHROMIUM", ""), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and Path(candidate).exists():
            return candidate
    message = "Chromium not found (apt-get install chromium)"
    if _require("KEEPWISE_REQUIRE_BROWSER"):
        pytest.fail(message + " (KEEPWISE_REQUIRE_BROWSER=1)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def spark_master() -> str:
    """Spark in local mode (2 cores) where pyspark and Java are here.

    Skips with the reason where either is missing, unless KEEPWISE_REQUIRE_SPARK=1 (CI), where it fails.
    """
    from keepwise.data.spark import SparkUnavailable, check_spark_available

    master = "local[2]"
    try:
        check_spark_available(master)
    except SparkUnavailable as error:
        if _require("KEEPWISE_REQUIRE_SPARK"):
            pytest.fail(f"{error} (KEEPWISE_REQUIRE_SPARK=1)")
        pytest.skip(str(error))
    return master
