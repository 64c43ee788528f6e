"""Do the decisions match the planted customer types? The type x action table on generated businesses.

    .venv/bin/python benchmarks/decisions.py [--sizes 2000 6000] [--seeds 1 2]

For each size and seed a sample business is generated (``keepwise.sample``: planted types, real
dropout, ``_truth.csv``) and assessed exactly as ``keepwise assess`` does. It prints, per run, the purchase
model chosen and the share of customers whose action is one of those expected for their type; then the
table of planted type x action over all runs, with the expected actions beside each type and the share
that matches. Customers who left of their own accord (``dropped_out_at`` in the truth file) are listed
apart. It prints; it never asserts (the floors are in tests/assess/test_sample_truth.py).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd

from keepwise.assess import assess_with_models
from keepwise.assess.actions import ACTIONS
from keepwise.data import load
from keepwise.sample import TRUTH_FILE, generate_sample

AS_OF = date(2026, 6, 30)
STILL_HERE = ("nurture", "grow", "keep", "retain")
GONE = ("deprioritize", "win_back")
# What a manager would sign for each planted type.
EXPECTED: dict[str, tuple[str, ...]] = {
    "loyal_high_value": ("nurture", "grow", "keep"),
    "healthy_regular": STILL_HERE,
    "occasional_low": ("keep", "grow", "deprioritize", "win_back"),
    "occasional_low (left)": GONE,
    "tried_and_left": STILL_HERE,
    "tried_and_left (left)": GONE,
    "slipping_valuable": ("retain",),
    "lapsed_valuable": ("win_back",),
    "fraudster": ("offboard",),
    "abusive_to_staff": ("offboard",),
    "chronic_complainer": ("make_profitable", "offboard"),
    "bad_payer": ("make_profitable", "offboard"),
    "return_abuser": ("make_profitable", "offboard"),
    "fickle": ("make_profitable", "offboard"),
    "deal_seeker": ("deprioritize", "make_profitable"),
    "business_fault": ("fix_service",),
    "reformed": STILL_HERE,
    "values_conflict": ("deprioritize", "offboard"),
}


def markdown(table: pd.DataFrame) -> str:
    """A pandas table as a Markdown table (no extra dependency)."""
    header = [table.index.name or "", *map(str, table.columns)]
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
    for name, row in table.iterrows():
        lines.append("| " + " | ".join([str(name), *(str(value) for value in row)]) + " |")
    return "\n".join(lines)


def one_run(size: int, seed: int) -> tuple[pd.DataFrame, str, float]:
    with tempfile.TemporaryDirectory() as folder:
        generate_sample(Path(folder), size, seed, AS_OF)
        truth = pd.read_csv(Path(folder) / TRUTH_FILE, dtype=str)
        clock = time.perf_counter()
        run = assess_with_models(load(folder, AS_OF), AS_OF)
        seconds = time.perf_counter() - clock
    result = run.assessment[["customer_id", "action"]].merge(truth, on="customer_id")
    left = result["dropped_out_at"].notna()
    result["planted"] = result["customer_type"].where(~left, result["customer_type"] + " (left)")
    result["matches"] = [action in EXPECTED[planted] for action, planted in zip(result["action"], result["planted"],
                                                                                strict=True)]
    return result, run.transaction_model_reason or "none (rhythm rule)", seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 6000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    runs = []
    print("| customers | seed | purchase model | matches expected | assess s |")
    print("|---:|---:|---|---:|---:|")
    for size in args.sizes:
        for seed in args.seeds:
            result, model, seconds = one_run(size, seed)
            runs.append(result)
            print(f"| {size:,} | {seed} | {model} | {result['matches'].mean():.1%} | {seconds:.0f} |", flush=True)
    every = pd.concat(runs, ignore_index=True)
    table = pd.crosstab(every["planted"], every["action"]).reindex(columns=list(ACTIONS), fill_value=0)
    table = table.reindex([name for name in EXPECTED if name in table.index])
    table.insert(0, "customers", table.sum(axis=1))
    table["expected"] = [", ".join(EXPECTED[name]) for name in table.index]
    table["matches"] = every.groupby("planted")["matches"].mean().reindex(table.index).map("{:.0%}".format)
    print(f"\nPlanted type x action over {len(runs)} runs ({len(every):,} customers); "
          f"overall {every['matches'].mean():.1%} match the expected actions\n")
    print(markdown(table))


if __name__ == "__main__":
    main()
