"""Historic value per customer, its distribution, and the whale curve of cumulative profit."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from keepwise.metrics.figures import MONEY_DECIMALS, SHARE_DECIMALS, round_or_none

# Points of the whale curve kept in JSON (evenly spaced in customer share), enough for a smooth plot.
WHALE_CURVE_POINTS = 101
# Distribution figures reported for historic value.
SUMMARY_QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90)


def historic_value(features: pd.DataFrame) -> pd.DataFrame:
    """Historic lifetime value per customer: margin to date (revenue - cost of goods), and profit."""
    return pd.DataFrame(
        {
            "customer_id": features["customer_id"].astype(str),
            "historic_value": features["gross_margin"].astype(float),
            "profit": features["profit"].astype(float),
        }
    ).reset_index(drop=True)


def total(values: pd.Series) -> float:
    """The sum of a money figure over customers (missing ones left out), exact and so the same in whatever
    order the customers come (``math.fsum``): the engine gives no order to its rows."""
    return math.fsum(values.astype(float).dropna().tolist())


def value_summary(values: pd.Series) -> dict[str, float | int | None]:
    """Count, total, mean, quantiles, min and max of a per-customer money figure."""
    values = values.astype(float).dropna()
    summary: dict[str, float | int | None] = {"customers": len(values)}
    if values.empty:
        return summary | {"total": 0.0, "mean": None, "min": None, "max": None}
    money = total(values)
    summary |= {"total": money, "mean": money / len(values)}
    summary |= {f"p{round(q * 100):02d}": float(values.quantile(q)) for q in SUMMARY_QUANTILES}
    return summary | {"min": float(values.min()), "max": float(values.max())}


@dataclass
class WhaleCurve:
    """Customers ranked by profit (most profitable first) against cumulative profit.

    ``customer_share[i]`` = i / n and ``cumulative_profit[i]`` = profit of the i most profitable
    customers (both start at 0). ``cumulative_profit_share`` divides by total profit and is NaN
    when total profit is not positive (a share of a loss means nothing). The peak is where adding
    customers starts to destroy profit: the most profitable ``peak_customer_share`` of customers earn
    ``peak_profit_share`` of total profit (above 1 whenever some customers lose money).
    """

    customer_ids: np.ndarray
    customer_share: np.ndarray
    cumulative_profit: np.ndarray
    cumulative_profit_share: np.ndarray
    total_profit: float
    peak_profit: float
    peak_customer_share: float
    peak_profit_share: float | None
    value_destroying_customers: int
    value_destroying_share: float
    value_destroying_cost: float  # profit lost to them, as a positive amount

    @property
    def n_customers(self) -> int:
        return len(self.customer_ids)

    def to_dict(self) -> dict[str, Any]:
        grid = np.linspace(0.0, 1.0, WHALE_CURVE_POINTS)
        if self.n_customers:
            profit_shares = np.interp(grid, self.customer_share, self.cumulative_profit_share)
        else:
            profit_shares = np.full(len(grid), np.nan)
        return {
            "customers": self.n_customers,
            "total_profit": round_or_none(self.total_profit, MONEY_DECIMALS),
            "peak_profit": round_or_none(self.peak_profit, MONEY_DECIMALS),
            "peak_customer_share": round_or_none(self.peak_customer_share, SHARE_DECIMALS),
            "peak_profit_share": round_or_none(self.peak_profit_share, SHARE_DECIMALS),
            "value_destroying_customers": self.value_destroying_customers,
            "value_destroying_share": round_or_none(self.value_destroying_share, SHARE_DECIMALS),
            "value_destroying_cost": round_or_none(self.value_destroying_cost, MONEY_DECIMALS),
            "curve": {
                "customer_share": [round_or_none(v, SHARE_DECIMALS) for v in grid],
                "profit_share": [round_or_none(v, SHARE_DECIMALS) for v in profit_shares],
            },
        }


def whale_curve(features: pd.DataFrame) -> WhaleCurve:
    """The whale curve of ``customer_features`` rows (needs customer_id and profit).

    Ties in profit are ordered by customer_id so the curve is reproducible; a missing profit comes last.
    The two keys are sorted by Arrow (ids compared as UTF-8 bytes, which orders them as Python compares
    texts): at 1,000,000 customers the function took 0.66 s with pandas' sort, 0.24 s with Arrow's.
    """
    keys = pa.table({"profit": pa.array(features["profit"].astype(float).to_numpy(), from_pandas=True),
                     "customer_id": pa.array(features["customer_id"].astype(str).array, type=pa.large_string())})
    order = pc.sort_indices(keys, sort_keys=[("profit", "descending"), ("customer_id", "ascending")])  # nulls last
    ranked = keys.take(order)
    n = len(ranked)
    profit = ranked.column("profit").to_numpy(zero_copy_only=False)
    cumulative = np.concatenate([[0.0], np.cumsum(profit)])
    customer_share = np.arange(n + 1) / n if n else np.zeros(1)
    total = float(cumulative[-1])
    shares = cumulative / total if total > 0 else np.full(n + 1, np.nan)
    # First maximum: the smallest group of top customers that earns the most.
    peak_index = int(np.argmax(cumulative))
    destroying = profit < 0
    return WhaleCurve(
        customer_ids=ranked.column("customer_id").to_numpy(zero_copy_only=False),
        customer_share=customer_share,
        cumulative_profit=cumulative,
        cumulative_profit_share=shares,
        total_profit=total,
        peak_profit=float(cumulative[peak_index]),
        peak_customer_share=float(customer_share[peak_index]),
        peak_profit_share=float(shares[peak_index]) if total > 0 else None,
        value_destroying_customers=int(destroying.sum()),
        value_destroying_share=float(destroying.mean()) if n else 0.0,
        value_destroying_cost=float(np.abs(profit[destroying]).sum()),
    )
