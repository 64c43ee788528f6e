"""Benchmark: keepwise at scale, through the front door (the CLI as a subprocess, validation included).

    .venv/bin/python benchmarks/scale.py [--customers 1000000] [--small 100000] [--no-spark]
                                         [--peer-timeout 600] [--only validate,clv,assess,spark,small]
                                         [--repeat 1]

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

With ``--repeat N`` each command (and lifetimes) runs N times: a line gives the fastest run, with the
median and the slowest beside it, and the highest peak; ratios compare fastest runs. Before each run the
script times a fixed pure-Python loop (20M additions, ``machine_speed``) and prints it on the run's line,
and at the end the fastest and slowest loop: on a shared machine whose speed varies, a run made in a
slow phase shows as one, and the spread says how far single runs can be trusted.

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
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
PEER_PYTHON = ROOT / ".venv-bench" / "bin" / "python"
AS_OF = "2026-06-30"
SEED = 7
KEEPWISE = [sys.executable, "-m", "keepwise"]
BG_NAMES = ("r", "alpha", "a", "b")


_PEAK_FILE = OUT / ".peak"
LOOP_ADDITIONS = 20_000_000
_loops: list[float] = []  # every machine_speed() of this run


def machine_speed() -> float:
    """Seconds this Python takes for LOOP_ADDITIONS additions in a function's loop: the machine's speed right
    now, kept for the closing line. (The loop figures of sessions 19-21 in benchmarks/README.md ran at a
    module's top level, ``python3 -c``, which is about twice as slow.)"""
    started = time.perf_counter()
    total = 0
    for i in range(LOOP_ADDITIONS):
        total += i
    _loops.append(time.perf_counter() - started)
    return _loops[-1]


@dataclass
class Runs:
    """The runs of one command: each one's wall seconds, peak RSS (GB of 10^9 bytes) and the speed loop's
    seconds just before it; ``done`` is the last run's process."""

    walls: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    loops: list[float] = field(default_factory=list)
    done: subprocess.CompletedProcess | None = None

    @property
    def wall(self) -> float:
        """The fastest run: the one least slowed by anything else on the machine."""
        return min(self.walls)

    @property
    def peak(self) -> float:
        return max(self.peaks)

    @property
    def ok(self) -> bool:
        return self.done is not None and self.done.returncode == 0


def run_once(runs: Runs, args: list[str], timeout: float | None = None, src: Path | None = None) -> bool:
    """One more ``timed`` run of ``args`` into ``runs``, right after a ``machine_speed``; whether it succeeded."""
    runs.loops.append(machine_speed())
    wall, peak, runs.done = timed(args, timeout, src)
    runs.walls.append(wall)
    runs.peaks.append(peak)
    return runs.ok


def repeated(args: list[str], repeat: int, timeout: float | None = None, before=None) -> Runs:
    """``run_once`` ``repeat`` times, each after ``before()``; stops at a failed run."""
    runs = Runs()
    for _ in range(repeat):
        if before is not None:
            before()
        if not run_once(runs, args, timeout):
            break
    return runs


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
    (folder / ".complete").write_text("")
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


def rows(folder: Path) -> str:
    import pyarrow.parquet as pq

    return ", ".join(f"{p.stem} {pq.ParquetFile(p).metadata.num_rows:,}" for p in sorted(folder.glob("*.parquet")))


def line(what: str, runs: Runs, extra: str = "") -> None:
    done = runs.done
    status = "" if done.returncode == 0 else f"  EXIT {done.returncode}: {done.stderr.strip()[-300:]}"
    spread = (f" (median {statistics.median(runs.walls):.1f}, slowest {max(runs.walls):.1f} of {len(runs.walls)})"
              if len(runs.walls) > 1 else "")
    loops = f"   [loop {min(runs.loops):.2f}-{max(runs.loops):.2f} s]" if runs.loops else ""
    print(f"  {what:<34} {runs.wall:8.1f} s{spread}   peak {runs.peak:5.2f} GB{loops}{extra}{status}", flush=True)


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


def clv_fit(folder: Path, timeout: float, repeat: int) -> None:
    runs = repeated([*KEEPWISE, "clv", "fit", str(folder), "--model", "bgnbd", "--calibration-end", AS_OF,
                     "--time-unit", "day", "--json"], repeat)
    line("clv fit (bgnbd, day)", runs)
    if not runs.ok:
        return
    ours = json.loads(runs.done.stdout)["params"]
    if not PEER_PYTHON.exists():
        print(f"  lifetimes: skipped (no {PEER_PYTHON.relative_to(ROOT)}; see benchmarks/README.md)")
        return
    seconds = []
    for _ in range(repeat):
        machine_speed()
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
        seconds.append(theirs["seconds"])
    difference = max(abs(ours[k] - theirs["params"][k]) / abs(theirs["params"][k]) for k in BG_NAMES)
    spread = f" (slowest {max(seconds):.1f} of {len(seconds)})" if len(seconds) > 1 else ""
    print(f"  {'lifetimes summary + BetaGeoFitter':<34} {min(seconds):8.1f} s{spread}   "
          f"(keepwise through its CLI is {min(seconds) / runs.wall:.1f}x faster; params within {difference:.1e})")


def assessment_file(folder: Path, engine: str) -> Path:
    """Where ``assess`` writes the assessment of ``folder`` on ``engine`` (duckdb or spark)."""
    return OUT / f"assessment-{folder.name}-{engine}.parquet"


def assess(folder: Path, label: str, *engine: str, timeout: float | None = None, repeat: int = 1) -> float | None:
    """The fastest of ``repeat`` runs of ``assess`` (seconds), None when one failed."""
    out = assessment_file(folder, "spark" if "spark" in engine else "duckdb")
    # Before each run: a failed run leaves no earlier run's file to compare.
    runs = repeated([*KEEPWISE, "assess", str(folder), "--as-of", AS_OF, "--out", str(out), *engine], repeat,
                    timeout, before=lambda: out.unlink(missing_ok=True))
    line(f"assess {label}", runs)
    return runs.wall if runs.ok else None


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


def _clear_outputs() -> None:
    for path in (OUT / "commands").glob("*"):
        if path.is_file():
            path.unlink()


def _output_of(done: subprocess.CompletedProcess) -> bytes:
    """What a command wrote: its file when it has one (removed for the next run), else its stdout."""
    files = [path for path in (OUT / "commands").glob("*") if path.is_file() and path.suffix in {".html", ".csv"}]
    if not files:
        return done.stdout.encode()
    content = b"".join(path.read_bytes() for path in sorted(files))
    _clear_outputs()
    return content


def commands(folder: Path, baseline: Path | None, repeat: int) -> None:
    """Each command ``repeat`` times, and with ``baseline`` the baseline's right after each of its runs
    (turn about, so that a slow phase of the machine falls on both)."""
    (OUT / "commands").mkdir(parents=True, exist_ok=True)
    _clear_outputs()
    for name, arguments in _command_lines(folder).items():
        ours, theirs, same = Runs(), Runs(), True
        for _ in range(repeat):
            if not run_once(ours, [*KEEPWISE, *arguments]):
                break
            output = _output_of(ours.done)
            if baseline is not None:
                if not run_once(theirs, [*KEEPWISE, *arguments], src=baseline):
                    break
                same = same and _output_of(theirs.done) == output
        line(name, ours)
        if baseline is None or not ours.ok or not theirs.walls:
            continue
        agrees = "its run failed" if not theirs.ok else "the same output" if same else "A DIFFERENT OUTPUT"
        line(f"  baseline {name}", theirs,
             f"   ({theirs.wall / ours.wall:.2f}x the time, {theirs.peak / ours.peak:.2f}x the memory; {agrees})")


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
    parser.add_argument("--repeat", type=int, default=1, help="runs of each command; the fastest is reported")
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    OUT.mkdir(parents=True, exist_ok=True)

    big = sample(args.customers)
    print(f"{args.customers:,} customers: {rows(big)}", flush=True)
    repeat = max(args.repeat, 1)
    if "validate" in wanted:
        line("validate", repeated([*KEEPWISE, "validate", str(big)], repeat))
    if "clv" in wanted:
        clv_fit(big, args.peer_timeout, repeat)
    duck = assess(big, "(duckdb)", repeat=repeat) if "assess" in wanted else None
    if "spark" in wanted and not args.no_spark:
        spark = assess(big, "(spark local[2])", "--engine", "spark", "--spark-master", "local[2]", repeat=repeat)
        if duck and spark:
            same = compare_assessments(assessment_file(big, "duckdb"), assessment_file(big, "spark"))
            print(f"  spark local[2] / duckdb wall: {spark / duck:.1f}x; {same}")
    if "commands" in wanted:
        commands(big, args.baseline_src, repeat)
    if "small" in wanted and args.small:
        small = sample(args.small)
        print(f"{args.small:,} customers: {rows(small)}", flush=True)
        assess(small, "(duckdb)", repeat=repeat)
    if _loops:
        print(f"the machine: {LOOP_ADDITIONS // 1_000_000}M additions in a Python loop took {min(_loops):.2f} s at the "
              f"fastest, {max(_loops):.2f} s at the slowest ({max(_loops) / min(_loops):.2f}x), "
              f"over {len(_loops)} measurements", flush=True)


if __name__ == "__main__":
    main()
