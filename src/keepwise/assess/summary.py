"""The assessment summed up: customers and money at stake per action, customers per flag."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from keepwise.text.columns import text_array, to_series

# Actions whose customers need someone to do something now (the rest is business as usual).
URGENT_ACTIONS = ("offboard", "fix_service", "retain", "make_profitable", "win_back")
# The order actions are listed in: the most pressing first.
ACTION_ORDER = ("offboard", "fix_service", "retain", "make_profitable", "win_back", "nurture", "grow",
                "deprioritize", "keep")


def action_summary(assessment: pd.DataFrame) -> pd.DataFrame:
    """One row per action present, in ``ACTION_ORDER``: action, customers, money_at_stake, urgent."""
    grouped = assessment.groupby("action").agg(customers=("customer_id", "size"),
                                               money_at_stake=("money_at_stake", "sum"))
    order = [a for a in ACTION_ORDER if a in grouped.index] + [a for a in grouped.index if a not in ACTION_ORDER]
    summary = grouped.reindex(order).reset_index()
    return summary.assign(urgent=summary["action"].isin(URGENT_ACTIONS))


def flag_counts(assessment: pd.DataFrame) -> tuple[pd.Series, int]:
    """(customers per flag code, most first; customers with at least one flag)."""
    flags = assessment["flags"].fillna("").astype(str)
    flagged = flags[flags != ""]
    # Split by Arrow (pandas' str.split makes a Python list per customer: ~1 s at 1,000,000 of them).
    codes = pc.list_flatten(pc.split_pattern(text_array(pa.array(flagged)), ";"))
    return to_series(codes).rename(flags.name).value_counts(), len(flagged)
