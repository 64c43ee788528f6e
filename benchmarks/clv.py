"""Benchmark: keepwise's BTYD fitters against lifetimes and pymc-marketing.

    .venv/bin/python benchmarks/clv.py [--customers 1000000] [--peer-timeout 300] [--no-log]

Measures, in one run: fit time and parameter agreement on CDNOW (2,357 customers) and on simulated
customers (default 1,000,000, day resolution), and the time from a simulated transaction log in
Parquet (~13M rows) to fitted BG/NBD parameters (keepwise: every one of ``--log-repeats`` runs, the
first in a cold process, and their median). keepwise runs in this interpreter; the peers, which pin
older libraries, run as subprocesses of ``.venv-bench/bin/python`` (see requirements.txt) and are
skipped with a printed reason when missing, failing or slower than ``--peer-timeout`` seconds.
Prints timings and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CDNOW_SUMMARY = ROOT / "tests" / "models" / "data" / "cdnow_customers_summary_with_transactions.csv"
PEER_PYTHON = ROOT / ".venv-bench" / "bin" / "python"
CALIBRATION_END = datetime.date(2024, 12, 31)
# Simulated customers: BG/NBD in days, first purchases spread over two years.
SIMULATION = {"r": 0.5, "alpha": 40.0, "a": 0.8, "b": 3.0}
LOG_SIMULATION = {"r": 1.2, "alpha": 60.0, "a": 0.5, "b": 8.0}

BG_NAMES = ("r", "alpha", "a", "b")
PARETO_NAMES = ("r", "alpha", "s", "beta")
GG_NAMES = ("p", "q", "v")


# -- peers (run inside .venv-bench) -----------------------------------------------------------------
def _peer_main(task: str, data_path: str) -> None:
    """Run one peer task and print a JSON line with seconds and parameters."""
    import warnings

    import pandas as pd

    warnings.filterwarnings("ignore")
    result: dict = {}
    if task == "lifetimes_log":
        from lifetimes import BetaGeoFitter
        from lifetimes.utils import summary_data_from_transaction_data

        start = time.perf_counter()
        orders = pd.read_parquet(data_path)
        orders = orders[orders["status"] == "completed"]
        summary = summary_data_from_transaction_data(
            orders, "customer_id", "ordered_at", monetary_value_col="revenue",
            observation_period_end=pd.Timestamp(CALIBRATION_END), freq="D")
        model = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
        result["seconds"] = time.perf_counter() - start
        result["params"] = {k: float(model.params_[k]) for k in BG_NAMES}
        print(json.dumps(result))
        return

    arrays = np.load(data_path)
    frame = pd.DataFrame({"customer_id": np.arange(arrays["frequency"].shape[0]),
                          "frequency": arrays["frequency"], "recency": arrays["recency"], "T": arrays["T"]})
    # Import (and the library's start-up) outside the timing.
    if task.startswith("lifetimes"):
        import lifetimes  # noqa: F401
    else:
        import pymc_marketing.clv  # noqa: F401
    start = time.perf_counter()
    if task == "lifetimes_bgnbd":
        from lifetimes import BetaGeoFitter

        model = BetaGeoFitter().fit(frame["frequency"], frame["recency"], frame["T"])
        params = {k: float(model.params_[k]) for k in BG_NAMES}
    elif task == "lifetimes_pareto":
        from lifetimes import ParetoNBDFitter

        model = ParetoNBDFitter().fit(frame["frequency"], frame["recency"], frame["T"])
        params = {k: float(model.params_[k]) for k in PARETO_NAMES}
    elif task == "lifetimes_gg":
        from lifetimes import GammaGammaFitter

        repeat = frame["frequency"] > 0
        model = GammaGammaFitter().fit(frame["frequency"][repeat], pd.Series(arrays["monetary_value"])[repeat])
        params = {k: float(model.params_[k]) for k in GG_NAMES}
    elif task in ("pymc_bgnbd", "pymc_pareto"):
        from pymc_marketing.clv import BetaGeoModel, ParetoNBDModel

        cls, names = (BetaGeoModel, BG_NAMES) if task == "pymc_bgnbd" else (ParetoNBDModel, PARETO_NAMES)
        model = cls(data=frame)
        model.fit(method="map")
        params = {k: float(np.asarray(model.fit_result[k]).mean()) for k in names}
    else:
        raise SystemExit(f"unknown peer task {task}")
    result["seconds"] = time.perf_counter() - start
    result["params"] = params
    print(json.dumps(result))


def run_peer(task: str, data_path: Path, timeout: float) -> dict | None:
    if not PEER_PYTHON.exists():
        print(f"  {task}: skipped (no {PEER_PYTHON.relative_to(ROOT)}; see benchmarks/README.md)")
        return None
    try:
        done = subprocess.run([str(PEER_PYTHON), __file__, "--peer", task, str(data_path)], capture_output=True,
                              text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        print(f"  {task}: skipped (did not finish within {timeout:g} s)")
        return None
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"  {task}: failed ({reason[:200]})")
        return None
    return json.loads(lines[-1])


# -- keepwise ----------------------------------------------------------------------------------------
def timed(function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - start


def max_relative_difference(ours: dict, theirs: dict) -> float:
    return max(abs(theirs[k] / ours[k] - 1.0) for k in ours)


def report(label: str, ours: dict, seconds: float, peer: dict | None, peer_label: str) -> None:
    if peer is None:
        return
    ratio = peer["seconds"] / seconds if seconds > 0 else float("inf")
    print(f"  {peer_label:<28} {peer['seconds']:9.3f} s   ({ratio:7.1f}x keepwise)   max rel. param diff "
          f"{max_relative_difference(ours, peer['params']):.2e}   {_fmt(peer['params'])}")


def _fmt(params: dict) -> str:
    return ", ".join(f"{k}={v:.4g}" for k, v in params.items())


def compare_fits(title: str, arrays: dict, workdir: Path, timeout: float, with_spend: bool,
                 peers_pareto: bool = True) -> None:
    from keepwise.models import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter

    print(f"\n== {title}: {arrays['frequency'].shape[0]:,} customers ==")
    data_path = workdir / f"{title.split()[0].lower()}.npz"
    np.savez(data_path, **arrays)
    rows = [("BG/NBD", BetaGeoFitter, ["lifetimes_bgnbd", "pymc_bgnbd"]),
            ("Pareto/NBD", ParetoNBDFitter, ["lifetimes_pareto", "pymc_pareto"] if peers_pareto else [])]
    for label, fitter, peers in rows:
        model, seconds = timed(fitter().fit, arrays["frequency"], arrays["recency"], arrays["T"])
        print(f"  keepwise {label:<19} {seconds:9.3f} s   LL={model.log_likelihood_:.2f}   "
              f"{_fmt(model.params_)}   ({model.n_distinct_:,} distinct rows)")
        for peer in peers:
            report(label, model.params_, seconds, run_peer(peer, data_path, timeout), peer)
    if with_spend:
        model, seconds = timed(GammaGammaFitter().fit, arrays["frequency"], arrays["monetary_value"])
        print(f"  keepwise Gamma-Gamma         {seconds:9.3f} s   {_fmt(model.params_)}")
        report("Gamma-Gamma", model.params_, seconds, run_peer("lifetimes_gg", data_path, timeout), "lifetimes_gg")


def write_transaction_log(path: Path, n_customers: int, seed: int = 7) -> int:
    """Simulated orders: each BG/NBD purchase becomes 1 + Poisson(1) orders on that day; 3% cancelled."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from keepwise.models.simulate import simulate_bgnbd

    rng = np.random.default_rng(seed)
    T = rng.integers(1, 731, n_customers).astype(float)
    sim = simulate_bgnbd(n_customers, T, **LOG_SIMULATION, seed=seed + 1, transactions=True)
    customer = np.concatenate([np.arange(n_customers), sim.log_customer])
    offset_days = np.concatenate([rng.uniform(0, 1, n_customers) * 0.999, sim.log_time])
    orders_per_purchase = 1 + rng.poisson(1.0, customer.shape[0])
    customer = np.repeat(customer, orders_per_purchase)
    day_offset = np.floor(np.repeat(offset_days, orders_per_purchase))
    seconds_in_day = rng.uniform(0, 86_399, customer.shape[0])
    first_day = np.datetime64(CALIBRATION_END) - T.astype("timedelta64[D]")
    timestamps = (first_day[customer].astype("datetime64[s]") + day_offset.astype("timedelta64[D]")
                  + seconds_in_day.astype("timedelta64[s]"))
    n_rows = customer.shape[0]
    table = pa.table({
        "order_id": pa.array(np.arange(n_rows).astype(str)),
        "customer_id": pa.array(np.char.add("c", customer.astype(str))),
        "ordered_at": pa.array(timestamps.astype("datetime64[us]")),
        "revenue": pa.array(np.round(rng.gamma(4.0, 10.0, n_rows), 2)),
        "status": pa.array(np.where(rng.uniform(size=n_rows) < 0.03, "cancelled", "completed")),
    })
    pq.write_table(table, path)
    return n_rows


def log_to_parameters(path: Path, timeout: float, repeats: int) -> None:
    import statistics

    import ibis

    from keepwise.models import BetaGeoFitter
    from keepwise.models.summary import summary_arrays, transaction_statistics

    print("\n== transaction log (Parquet) -> summary -> BG/NBD parameters ==")
    # Imports stay outside the timing, as the peers' do (ibis loads its DuckDB backend lazily).
    _, import_seconds = timed(importlib.import_module, "ibis.backends.duckdb")
    print(f"  (import of ibis's DuckDB backend: {import_seconds:.2f} s, not timed below)")
    totals = []
    for _ in range(repeats):
        start = time.perf_counter()
        con = ibis.duckdb.connect()
        orders = con.read_parquet(str(path))
        stats = summary_arrays(transaction_statistics(orders, CALIBRATION_END, "day"))
        summary_seconds = time.perf_counter() - start
        model = BetaGeoFitter().fit(stats["frequency"], stats["recency"], stats["T"], weights=stats["n_customers"])
        totals.append(time.perf_counter() - start)
        print(f"  keepwise ibis/duckdb + fit    {totals[-1]:9.3f} s   (summary {summary_seconds:.3f} s, "
              f"{stats['n_customers'].sum():,} customers in {stats['n_customers'].shape[0]:,} distinct rows)   "
              f"{_fmt(model.params_)}")
    seconds = statistics.median(totals)
    print(f"  keepwise median of {repeats}         {seconds:9.3f} s")
    report("log", model.params_, seconds, run_peer("lifetimes_log", path, timeout), "lifetimes summary + fit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--log-customers", type=int, default=1_000_000)
    parser.add_argument("--peer-timeout", type=float, default=300.0)
    parser.add_argument("--no-log", action="store_true", help="skip the transaction-log benchmark")
    parser.add_argument("--log-repeats", type=int, default=5, help="keepwise runs of the log benchmark (median)")
    parser.add_argument("--peer", nargs=2, metavar=("TASK", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        _peer_main(*args.peer)
        return

    sys.path.insert(0, str(ROOT / "src"))
    import pandas as pd

    from keepwise.models.simulate import simulate_bgnbd

    print(f"keepwise BTYD benchmark — {os.cpu_count()} cores, peer timeout {args.peer_timeout:g} s")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        cdnow = pd.read_csv(CDNOW_SUMMARY)
        compare_fits("CDNOW (weeks)", {"frequency": cdnow["x"].to_numpy(float), "recency": cdnow["t_x"].to_numpy(float),
                                       "T": cdnow["T"].to_numpy(float),
                                       "monetary_value": cdnow["zbar"].to_numpy(float)},
                     workdir, args.peer_timeout, with_spend=True)

        rng = np.random.default_rng(1)
        T = rng.integers(1, 731, args.customers).astype(float)
        sim = simulate_bgnbd(args.customers, T, **SIMULATION, seed=2)
        compare_fits("Simulated (days)", {"frequency": sim.frequency, "recency": np.floor(sim.recency), "T": T},
                     workdir, args.peer_timeout, with_spend=False)

        if not args.no_log:
            path = workdir / "orders.parquet"
            n_rows, seconds = timed(write_transaction_log, path, args.log_customers)
            print(f"\n(simulated {n_rows:,} order rows for {args.log_customers:,} customers in {seconds:.1f} s)")
            log_to_parameters(path, args.peer_timeout, args.log_repeats)


if __name__ == "__main__":
    main()
