"""Time ``keepwise assess`` end to end on a generated business: load, features, assess, write.

    .venv/bin/python benchmarks/assess.py [--customers 100000] [--fmt csv|parquet] [--seed 7]

The sample is generated once into a temporary folder (not timed), then each stage is timed.
Target: 100,000 customers (~1.5M orders) in under 30 s on 2 cores, loading included.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from keepwise.assess import assess_with_models, write_assessment
from keepwise.data import load
from keepwise.sample import generate_sample

AS_OF = date(2026, 6, 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--fmt", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        sample = generate_sample(Path(folder) / "data", args.customers, args.seed, AS_OF, fmt=args.fmt)
        print(f"generated {args.customers:,} customers in {time.perf_counter() - started:.1f} s (not timed):")
        print("  " + ", ".join(f"{name} {count:,}" for name, count in sample.row_counts.items()))

        timings = {}
        clock = time.perf_counter()
        ds = load(sample.out_dir, AS_OF)
        timings["load"] = time.perf_counter() - clock

        # The production path of `keepwise assess`: features, models (churn source chosen by
        # backtest), assessment, churn reasons for the lists people read.
        run = assess_with_models(ds, AS_OF)
        timings.update(run.seconds)
        result = run.assessment

        clock = time.perf_counter()
        write_assessment(result, Path(folder) / "assessment.csv")
        timings["write"] = time.perf_counter() - clock

    total = sum(timings.values())
    for stage, seconds in timings.items():
        print(f"{stage:>9}: {seconds:6.2f} s  ({seconds / total:5.1%})")
    print(f"{'total':>9}: {total:6.2f} s for {len(result):,} customers")
    print(f"churn risk from {run.churn_source_reason}")
    print(result["action"].value_counts().to_string())


if __name__ == "__main__":
    main()
