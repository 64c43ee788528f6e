"""The actions keepwise gives on the full CDNOW log, by recency and frequency band.

    .venv/bin/python benchmarks/cdnow_bands.py [--log ../shared/data/cdnow/CDNOW_master.txt] [--as-of 1998-06-30]

The master log (23,570 customers, Jan 1997 - Jun 1998) is converted to contract CSVs in a temporary
folder (customers signed up on their first purchase day, one order per record) and assessed as
``keepwise assess`` does. Rows: bought in the last 90 days / 90-365 days / over a year ago, once or
repeatedly; columns: actions. It also prints the one-time buyers whose purchase was 15-18 months ago.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

from keepwise.assess import assess_with_models
from keepwise.data import load

DEFAULT_LOG = Path(__file__).resolve().parents[2] / "shared" / "data" / "cdnow" / "CDNOW_master.txt"


def convert(log: Path, folder: Path) -> None:
    first: dict[str, str] = {}
    orders = []
    with log.open() as handle:
        for number, line in enumerate(handle):
            fields = line.split()
            if not fields or not fields[1].isdigit():  # the header line
                continue
            customer, day, _cds, dollars = fields
            iso = f"{day[:4]}-{day[4:6]}-{day[6:]}"
            first.setdefault(customer, iso)
            orders.append((f"T{number:06d}", customer, iso, dollars, "USD"))
    with (folder / "customers.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_id", "signed_up_at"])
        writer.writerows(sorted(first.items()))
    with (folder / "orders.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["order_id", "customer_id", "ordered_at", "revenue", "currency"])
        writer.writerows(orders)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", type=Path, default=DEFAULT_LOG)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(1998, 6, 30))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        convert(args.log, Path(folder))
        run = assess_with_models(load(folder, args.as_of), args.as_of)
    result = run.assessment
    days = result["days_since_last_order"].astype(float)
    result["bought"] = pd.cut(days, [-1, 90, 365, float("inf")],
                              labels=["in the last 90 days", "90-365 days ago", "over a year ago"])
    result["how often"] = result["n_orders"].map(lambda n: "once" if n == 1 else "repeatedly")
    table = pd.crosstab([result["bought"], result["how often"]], result["action"])
    print(f"{len(result):,} customers as of {args.as_of}; purchase model {run.transaction_model_reason}; "
          f"churn risk from {run.churn_source_reason}\n")
    print("| bought | how often | " + " | ".join(table.columns) + " |")
    print("|---|---|" + "---:|" * len(table.columns))
    for (bought, often), row in table.iterrows():
        print(f"| {bought} | {often} | " + " | ".join(f"{value:,}" for value in row) + " |")
    once_old = result[(result["n_orders"] == 1) & days.between(455, 548)]
    counts = ", ".join(f"{action} {count:,}" for action, count in once_old["action"].value_counts().items())
    print(f"\nOne-time buyers whose purchase was 15-18 months ago: {len(once_old):,} ({counts}); "
          f"median p_alive {once_old['p_alive'].median():.2f}")


if __name__ == "__main__":
    main()
