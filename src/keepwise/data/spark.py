"""Spark as the engine: the validated tables handed to a Spark session, the same ibis expressions run there.

Validation always runs in DuckDB, where the source is read (``validate``); the typed tables are then
written once as Parquet into ``[engine] spark_staging_dir`` (the system's temporary folder when
empty: on a cluster it must be a folder every executor reads, e.g. a shared mount or object store
path) and registered in Spark. Every later stage reads ``Dataset.table`` through ibis and runs
unchanged on Spark; what travels back to Python is the per-customer result and the models'
compressed statistics.

Whatever is missing — pyspark, Java, a master that does not answer — is a ``SparkUnavailable`` with one
line saying what and how to get it, never a Java stack trace.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import socket
import tempfile
import warnings
from pathlib import Path
from urllib.parse import urlparse

import ibis

from keepwise.config import Settings
from keepwise.data.loader import Dataset
from keepwise.data.sql import execute, literal, quoted

ENGINES = ("duckdb", "spark")
# The driver JVM logs only errors: its start-up chatter and warnings would bury keepwise's own lines.
_LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %p %c{1}: %m%n
"""


class SparkUnavailable(RuntimeError):
    """Spark cannot be used here; the message is one line: what is missing and how to get it."""


def java_path() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def check_spark_available(master: str, timeout: float = 5.0) -> None:
    """Raise ``SparkUnavailable`` unless pyspark imports, Java is found and the master answers."""
    # pyspark warns on every import that it was not tested with this pandas; keepwise was (tests/spark).
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise SparkUnavailable(
            "--engine spark needs pyspark, which is not installed: pip install 'keepwise[spark]'") from None
    if java_path() is None:
        raise SparkUnavailable(
            "--engine spark needs Java 17 or later, which was not found (set JAVA_HOME or put java on PATH; "
            "on Debian: apt-get install openjdk-17-jre-headless)")
    if master.startswith(("spark://", "sc://")):
        parsed = urlparse(master)
        host, port = parsed.hostname, parsed.port or (7077 if master.startswith("spark://") else 15002)
        try:
            with socket.create_connection((host, port), timeout=timeout):
                pass
        except OSError as error:
            raise SparkUnavailable(
                f"the Spark master {master} does not answer ({error.strerror or error}); "
                "start it or pass a reachable --spark-master") from None


def _log_config() -> str:
    path = Path(tempfile.gettempdir()) / "keepwise-spark-log4j2.properties"
    if not path.exists() or path.read_text() != _LOG4J:
        path.write_text(_LOG4J)
    return str(path)


@functools.cache
def spark_session(master: str, driver_memory: str, shuffle_partitions: int):
    """One Spark session per process (Spark allows one per JVM), quiet, in UTC."""
    check_spark_available(master)
    from pyspark.sql import SparkSession

    java_options = f"-Dlog4j2.configurationFile=file:{_log_config()}"
    builder = (
        SparkSession.builder.master(master)
        .appName("keepwise")
        .config("spark.driver.memory", driver_memory)
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.extraJavaOptions", java_options)
        .config("spark.executor.extraJavaOptions", java_options)
    )
    try:
        with _quiet_stderr():
            session = builder.getOrCreate()
    except Exception as error:  # the JVM's failure: one line, not its stack trace
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SparkUnavailable(f"Spark could not start at {master}: {first[:300]}") from None
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextlib.contextmanager
def _quiet_stderr():
    """The JVM writes its start-up chatter straight to file descriptor 2; keep it for errors only."""
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def to_spark(ds: Dataset, settings: Settings, master: str | None = None) -> Dataset:
    """The same validated tables as ``ds`` (a DuckDB dataset), in Spark: each written once as Parquet
    and registered under its contract name."""
    config = settings.engine
    master = master or config.spark_master
    session = spark_session(master, config.spark_driver_memory, config.spark_shuffle_partitions)
    staging = Path(tempfile.mkdtemp(prefix="keepwise-spark-", dir=config.spark_staging_dir or None))
    con = ibis.pyspark.connect(session)
    for name in ds.tables:
        path = staging / f"{name}.parquet"
        execute(ds.duckdb, f"COPY (SELECT * FROM {quoted(name)}) TO {literal(str(path))} (FORMAT parquet)")
        con.read_parquet(str(path), table_name=name)
    return Dataset(con, ds.source, ds.as_of, settings, ds.warnings, ds.present, engine="spark", tables=ds.tables)
