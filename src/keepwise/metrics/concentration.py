"""How concentrated value is: what the top customers hold of the profit so far and of the lifetime value to come."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from keepwise.metrics.value import WhaleCurve

# "The top customers" of the headlines: a fifth of them for profit (the Pareto reading of the whale
# curve), a tenth for lifetime value.
TOP_PROFIT_SHARE = 0.2
TOP_VALUE_SHARE = 0.1


def profit_of_top(whale: WhaleCurve, share: float = TOP_PROFIT_SHARE) -> float:
    """Profit earned by the most profitable ``share`` of customers, read off the whale curve (0 without customers)."""
    if whale.n_customers == 0:
        return 0.0
    return float(np.interp(share, whale.customer_share, whale.cumulative_profit))


def value_share_of_top(values: pd.Series, share: float = TOP_VALUE_SHARE) -> tuple[float | None, float]:
    """(share of the positive value held by the top ``share`` of customers, total positive value).

    Negative values count as zero: a customer who will cost money holds none of the value. The share
    is None when there is no positive value.
    """
    positive = values.astype(float).clip(lower=0)
    total = float(positive.sum())
    n_top = max(1, math.ceil(share * len(values)))
    top = float(positive.sort_values(ascending=False).head(n_top).sum())
    return (top / total if total else None), total
