"""Benchmark: keepwise at scale, through the front door (the CLI as a subprocess, validation included).

    .venv/bin/python benchmarks/scale.py [--customers 1000000] [--small 100000] [--no-spark]
                                         [--peer-timeout 600] [--only validate,clv,assess,spark,small]

Generates the sample business once per size (``keepwise sample --format parquet``: every contract
table, ~15 orders per customer) into ``benchmarks/out/`` and reuses it afterwards (not timed). Then
measures, in one run, wall time and peak RSS of each command:

- ``keepwise validate`` on the whole source;
- ``keepwise clv fit --model bgnbd --time-unit day --json``, against lifetimes'
  ``summary_data_from_transaction_data`` + ``BetaGeoFitter.fit`` on the same orders when
  ``.venv-bench`` holds lifetimes (see ``benchmarks/clv.py``; skipped with the reason otherwise),
  with the largest relative difference of the parameters;
- ``keepwise assess`` on DuckDB, and the same with ``--engine spark --spark-master local[2]`` beside it, with
  whether the two gave the same assessment (``compare_assessments``);
- ``keepwise assess`` on the smaller business end to end;
- with ``--only commands`` (not by default: ~8 minutes at 1M), every other command a user runs on the
  large business (``metrics``, ``report``, ``touches``, ``explain`` and ``letter`` of its first customer,
  ``proposals``, ``policies``, ``clv predict``, ``campaign-build``), and with ``--baseline-src DIR`` the same
  command of another checkout's code (``PYTHONPATH=DIR``, e.g. main's ``src``) right after it, with the ratio
  and whether the two wrote the same output.

Peak RSS is the command's high-water mark as the kernel reports it (``wait4``: the process and the
children it waited for). With Spark the JVM is not waited for by pyspark, so its memory (bounded by
``[engine] spark_driver_memory``) is not in the figure. Prints figures and ratios; asserts nothing.
Targets (issue 11): validate < 5 s and assess < 30 s / < 4 GB on 1M customers, 100k assess < 10 s,
clv fit >= 20x lifetimes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
PEER_PYTHON = ROOT / ".venv-bench" / "bin" / "python"
AS_OF = "2026-06-30"
SEED = 7
KEEPWISE = [sys.executable, "-m", "keepwise"]
BG_NAMES = ("r", "alpha", "a", "b")


_PEAK_FILE = OUT / ".peak"


def timed(args: list[str], timeout: float | None = None, src: Path | None = None
          ) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, peak RSS in GB (10^9 bytes), the finished process) of one command, run under this
    script's ``--wrap`` mode, which reads the command's peak RSS from the kernel (wait4); with ``src``, on
    the keepwise package of that folder (``PYTHONPATH``)."""
    started = time.perf_counter()
    _PEAK_FILE.unlink(missing_ok=True)
    env = None if src is None else {**os.environ, "PYTHONPATH": str(src)}
    try:
        done = subprocess.run([sys.executable, __file__, "--wrap", *args], capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL, env=env)
    except subprocess.TimeoutExpired as error:
        done = subprocess.CompletedProcess(args, -9, "", f"did not finish within {error.timeout:g} s")
    wall = time.perf_counter() - started
    try:
        peak = float(_PEAK_FILE.read_text()) * 1024 / 1e9  # ru_maxrss counts KiB on Linux
    except (OSError, ValueError):
        peak = float("nan")
    return wall, peak, done


def _wrap(args: list[str]) -> None:
    """Run a command as a child; write the peak RSS (KiB) of it and the descendants it waited for."""
    process = subprocess.Popen(args)
    _, status, usage = os.wait4(process.pid, 0)
    _PEAK_FILE.write_text(str(usage.ru_maxrss))
    sys.exit(os.waitstatus_to_exitcode(status))


def sample(customers: int) -> Path:
    folder = OUT / f"sample-{customers}-seed{SEED}"
    if (folder / ".complete").exists():
        return folder
    print(f"generating {customers:,} customers into {folder.relative_to(ROOT)} (once; not timed) ...", flush=True)
    started = time.perf_counter()
    done = subprocess.run([*KEEPWISE, "sample", str(folder), "--customers", str(customers), "--seed", str(SEED),
                           "--as-of", AS_OF, "--format", "parquet"], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"keepwise sample failed:\n{done.stderr}")
    (folder / "truth.csv").rename(folder.parent / f"{folder.name}-truth.csv")  # not a table: no warning
    (folder / ".complete").write_text("")
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


def rows(folder: Path) -> str:
    import pyarrow.parquet as pq

    return ", ".join(f"{p.stem} {pq.ParquetFile(p).metadata.num_rows:,}" for p in sorted(folder.glob("*.parquet")))


def line(what: str, wall: float, peak: float, done: subprocess.CompletedProcess, extra: str = "") -> None:
    status = "" if done.returncode == 0 else f"  EXIT {done.returncode}: {done.stderr.strip()[-300:]}"
    print(f"  {what:<34} {wall:8.1f} s   peak {peak:5.2f} GB{extra}{status}", flush=True)


def _peer_lifetimes(path: str, calibration_end: str) -> None:
    """Inside .venv-bench: lifetimes' summary + BG/NBD fit on the orders file; prints seconds and params."""
    import warnings

    import pandas as pd
    from lifetimes import BetaGeoFitter
    from lifetimes.utils import summary_data_from_transaction_data

    warnings.filterwarnings("ignore")
    started = time.perf_counter()
    orders = pd.read_parquet(path, columns=["customer_id", "ordered_at", "status"])
    orders = orders[orders["status"] == "completed"]
    orders = orders[orders["ordered_at"] <= pd.Timestamp(calibration_end) + pd.Timedelta(days=1)]
    summary = summary_data_from_transaction_data(orders, "customer_id", "ordered_at",
                                                 observation_period_end=pd.Timestamp(calibration_end), freq="D")
    model = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    print(json.dumps({"seconds": time.perf_counter() - started,
                      "params": {k: float(model.params_[k]) for k in BG_NAMES}}))


def clv_fit(folder: Path, timeout: float) -> None:
    wall, peak, done = timed([*KEEPWISE, "clv", "fit", str(folder), "--model", "bgnbd", "--calibration-end",
                              AS_OF, "--time-unit", "day", "--json"])
    line("clv fit (bgnbd, day)", wall, peak, done)
    if done.returncode:
        return
    ours = json.loads(done.stdout)["params"]
    if not PEER_PYTHON.exists():
        print(f"  lifetimes: skipped (no {PEER_PYTHON.relative_to(ROOT)}; see benchmarks/README.md)")
        return
    try:
        peer = subprocess.run([str(PEER_PYTHON), __file__, "--peer", str(folder / "orders.parquet")],
                              capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        print(f"  lifetimes: skipped (did not finish within {timeout:g} s)")
        return
    if peer.returncode:
        print(f"  lifetimes: skipped (failed: {peer.stderr.strip().splitlines()[-1:]})")
        return
    theirs = json.loads(peer.stdout.strip().splitlines()[-1])
    difference = max(abs(ours[k] - theirs["params"][k]) / abs(theirs["params"][k]) for k in BG_NAMES)
    print(f"  {'lifetimes summary + BetaGeoFitter':<34} {theirs['seconds']:8.1f} s   "
          f"(keepwise through its CLI is {theirs['seconds'] / wall:.1f}x faster; params within {difference:.1e})")


def assessment_file(folder: Path, engine: str) -> Path:
    """Where ``assess`` writes the assessment of ``folder`` on ``engine`` (duckdb or spark)."""
    return OUT / f"assessment-{folder.name}-{engine}.parquet"


def assess(folder: Path, label: str, *engine: str, timeout: float | None = None) -> float | None:
    out = assessment_file(folder, "spark" if "spark" in engine else "duckdb")
    out.unlink(missing_ok=True)  # a failed run leaves no earlier run's file to compare
    wall, peak, done = timed([*KEEPWISE, "assess", str(folder), "--as-of", AS_OF, "--out", str(out), *engine],
                             timeout)
    line(f"assess {label}", wall, peak, done)
    return wall if done.returncode == 0 else None


def compare_assessments(first: Path, second: Path) -> str:
    """Whether two assessment files give the same answers: identical files, or per column the customers whose
    values differ (texts exactly, numbers beyond 1e-6 relative, as the engine tests compare them)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if first.read_bytes() == second.read_bytes():
        return "the same assessment (identical files)"
    tables = []
    for path in (first, second):
        table = pq.read_table(path)
        tables.append(table.take(pc.sort_indices(table, [("customer_id", "ascending")])))
    a, b = tables
    if a.column_names != b.column_names or a.num_rows != b.num_rows:
        return f"A DIFFERENT ASSESSMENT: columns or rows differ ({a.num_rows:,} vs {b.num_rows:,} rows)"
    differing = {}
    for name in a.column_names:
        x, y = a.column(name), b.column(name)
        if pa.types.is_integer(x.type) or pa.types.is_floating(x.type):
            u, v = (column.to_numpy().astype(float) for column in (x.cast("float64"), y.cast("float64")))
            close = np.isclose(u, v, rtol=1e-6, atol=1e-9) | (np.isnan(u) & np.isnan(v))
            count = int((~close).sum())
        else:
            count = int(pc.sum(pc.invert(pc.fill_null(pc.equal(x, y), pc.and_(pc.is_null(x), pc.is_null(y))))).as_py()
                        or 0)
        if count:
            differing[name] = count
    if not differing:
        return "the same assessment (numbers within 1e-6 relative)"
    return "A DIFFERENT ASSESSMENT: " + ", ".join(f"{name} on {count:,} customers" for name, count in differing.items())


def _command_lines(folder: Path) -> dict[str, list[str]]:
    """The commands of ``--only commands``, each writing its output to a file named after it (or stdout)."""
    import pyarrow.parquet as pq

    customer = str(pq.read_table(folder / "customers.parquet", columns=["customer_id"]).column(0)[0])
    data, day = str(folder), ["--as-of", AS_OF]
    out = OUT / "commands"
    return {
        "metrics": ["metrics", data, *day, "--json"],
        "report": ["report", data, *day, "--out", str(out / "report.html")],
        "touches": ["touches", data, *day, "--from", "2026-07-01", "--to", "2026-07-31", "--out",
                    str(out / "touches.csv")],
        "explain": ["explain", data, customer, *day, "--json"],
        "letter": ["letter", data, customer, *day],
        "proposals": ["proposals", data, *day, "--out", str(out / "proposals.csv")],
        "policies": ["policies", data, *day, "--json"],
        "clv predict": ["clv", "predict", data, "--model", "bgnbd", "--calibration-end", AS_OF, "--horizon", "52",
                        "--out", str(out / "clv.csv")],
        "campaign-build": ["campaign-build", data, "bench", *day, "--out", str(out / "campaign.csv")],
    }


def _output_of(name: str, done: subprocess.CompletedProcess) -> bytes:
    """What a command wrote: its file when it has one (moved aside for the next run), else its stdout."""
    files = [path for path in (OUT / "commands").glob("*") if path.is_file() and path.suffix in {".html", ".csv"}]
    if not files:
        return done.stdout.encode()
    content = b"".join(path.read_bytes() for path in sorted(files))
    for path in files:
        path.unlink()
    return content


def commands(folder: Path, baseline: Path | None) -> None:
    (OUT / "commands").mkdir(parents=True, exist_ok=True)
    for name, arguments in _command_lines(folder).items():
        wall, peak, done = timed([*KEEPWISE, *arguments])
        ours = _output_of(name, done)
        line(name, wall, peak, done)
        if baseline is None or done.returncode:
            continue
        their_wall, their_peak, theirs = timed([*KEEPWISE, *arguments], src=baseline)
        same = "the same output" if _output_of(name, theirs) == ours else "A DIFFERENT OUTPUT"
        line(f"  baseline {name}", their_wall, their_peak, theirs,
             f"   ({their_wall / wall:.2f}x the time, {their_peak / peak:.2f}x the memory; {same})")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--wrap":
        _wrap(sys.argv[2:])
    if len(sys.argv) > 2 and sys.argv[1] == "--peer":
        _peer_lifetimes(sys.argv[2], AS_OF)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--no-spark", action="store_true", help="skip the Spark local-mode run")
    parser.add_argument("--peer-timeout", type=float, default=600)
    parser.add_argument("--only", default="validate,clv,assess,spark,small",
                        help="comma-separated: validate, clv, assess, spark, small, commands")
    parser.add_argument("--baseline-src", type=Path, help="with commands: another checkout's src folder to compare")
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    OUT.mkdir(parents=True, exist_ok=True)

    big = sample(args.customers)
    print(f"{args.customers:,} customers: {rows(big)}", flush=True)
    if "validate" in wanted:
        wall, peak, done = timed([*KEEPWISE, "validate", str(big)])
        line("validate", wall, peak, done)
    if "clv" in wanted:
        clv_fit(big, args.peer_timeout)
    duck = assess(big, "(duckdb)") if "assess" in wanted else None
    if "spark" in wanted and not args.no_spark:
        spark = assess(big, "(spark local[2])", "--engine", "spark", "--spark-master", "local[2]")
        if duck and spark:
            same = compare_assessments(assessment_file(big, "duckdb"), assessment_file(big, "spark"))
            print(f"  spark local[2] / duckdb wall: {spark / duck:.1f}x; {same}")
    if "commands" in wanted:
        commands(big, args.baseline_src)
    if "small" in wanted and args.small:
        small = sample(args.small)
        print(f"{args.small:,} customers: {rows(small)}", flush=True)
        assess(small, "(duckdb)")


if __name__ == "__main__":
    main()
