"""Time ``customer_features`` on a generated business: build, compile, execute; wall and CPU time.

    .venv/bin/python benchmarks/features.py [--customers 100000] [--seed 3] [--data FOLDER]

``--data`` reuses a folder written by ``keepwise sample`` (else a sample is generated into a
temporary folder, not timed). Prints per stage the wall time and the process CPU time (all threads;
on a shared machine the CPU time is the steadier figure). Asserts nothing.

* build + compile: mean per call over 7 monthly cutoffs, as the churn model asks for them;
* execute: ``customer_features(ds, as_of).execute()`` (ibis's pandas conversion included) and
  ``execute_features`` (same frame through Arrow), each at two as_of dates.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from keepwise.data import load
from keepwise.metrics.features import customer_features, execute_features
from keepwise.sample import generate_sample

AS_OF = date(2026, 6, 30)
CUTOFFS = [date(2025, month, 28) for month in range(6, 13)]


class Clock:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def __str__(self) -> str:
        return f"wall {time.perf_counter() - self.wall:6.2f} s, cpu {time.process_time() - self.cpu:6.2f} s"


def run(folder: Path) -> None:
    clock = Clock()
    ds = load(folder, AS_OF)
    print(f"{'load':>32}: {clock}")

    for label, cutoffs in (("first call (builds the template)", [AS_OF]), ("per call, 7 cutoffs", CUTOFFS)):
        build = compile_ = 0.0
        build_cpu = compile_cpu = 0.0
        for cutoff in cutoffs:
            wall, cpu = time.perf_counter(), time.process_time()
            table = customer_features(ds, cutoff)
            build += time.perf_counter() - wall
            build_cpu += time.process_time() - cpu
            wall, cpu = time.perf_counter(), time.process_time()
            sql = ds.con.compile(table)
            compile_ += time.perf_counter() - wall
            compile_cpu += time.process_time() - cpu
        n = len(cutoffs)
        print(
            f"{label:>32}: build wall {build / n:.3f} s cpu {build_cpu / n:.3f} s; "
            f"compile wall {compile_ / n:.3f} s cpu {compile_cpu / n:.3f} s; SQL {len(sql):,} chars"
        )

    for as_of in (AS_OF, date(2026, 3, 31)):
        clock = Clock()
        frame = customer_features(ds, as_of).execute()
        print(f"{f'.execute() {as_of}':>32}: {clock}  ({len(frame):,} rows)")
        clock = Clock()
        frame = execute_features(customer_features(ds, as_of))
        print(f"{f'execute_features {as_of}':>32}: {clock}  ({len(frame):,} rows)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--data", type=Path, help="a folder written by `keepwise sample` (skips generating)")
    args = parser.parse_args()
    if args.data:
        run(args.data)
        return
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        sample = generate_sample(Path(folder) / "data", args.customers, args.seed, AS_OF)
        print(f"generated {args.customers:,} customers in {time.perf_counter() - started:.1f} s (not timed)")
        run(sample.out_dir)


if __name__ == "__main__":
    main()
