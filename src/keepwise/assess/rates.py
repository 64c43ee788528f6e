"""A customer's rate of an event judged against the business's own rate across all customers.

"3 of 100 deliveries late" is no failure where 4% of all deliveries are late; "6 of 9" is. The
test is one-sided: the chance of at least the customer's count of events in their number of
opportunities if the business's overall rate applied to them (binomial), and the customer stands out
when that chance is below ``[flags] test_level`` and the count reaches the configured minimum.

The binomial tail comes from ``scipy.special`` rather than ``scipy.stats``: importing ``scipy.stats``
costs about 0.4 s of CPU more than ``scipy.special``, and the tail is one special function (see ``excess_p_value``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import betainc

__all__ = ["business_rate", "excess_p_value"]


def business_rate(events: pd.Series, opportunities: pd.Series) -> float:
    """Events per opportunity across all customers (0 when there are no opportunities)."""
    total = float(opportunities.clip(lower=0).sum())
    return float(events.clip(lower=0).sum()) / total if total > 0 else 0.0


def excess_p_value(events: pd.Series, opportunities: pd.Series, rate: float) -> pd.Series:
    """P(at least ``events`` in ``opportunities`` trials at ``rate``): small = more than the business's norm.

    Vectorised ``scipy.stats.binomtest(k, n, rate, alternative="greater").pvalue`` for counts ``k`` and
    ``n``: for k >= 1 the tail P(X >= k), X ~ Binomial(n, rate), is the regularised incomplete beta
    function I_rate(k, n - k + 1), which is what ``scipy.stats.binom.sf(k - 1, n, rate)`` evaluates
    (Boost's ``ibeta``; the same float to the bit); for k = 0 it is 1. Opportunities below the count
    (more complaints than orders) are raised to it, so the test stays defined.
    """
    k = events.fillna(0).to_numpy(dtype=float)
    n = np.maximum(opportunities.fillna(0).to_numpy(dtype=float), k)
    p_value = np.ones(len(k))
    some = k > 0
    p_value[some] = betainc(k[some], n[some] - k[some] + 1, min(max(rate, 0.0), 1.0))
    return pd.Series(p_value, index=events.index)
