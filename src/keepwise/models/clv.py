"""Discounted customer lifetime value: expected purchases per period from a transaction model, times
expected spend per purchase, discounted per period. The one implementation, used by the assessment's
predictions (``keepwise.models.predict``)."""

from __future__ import annotations

import numpy as np

from keepwise.models.base import BaseFitter

__all__ = ["customer_lifetime_value", "discounted_expected_purchases"]


def discounted_expected_purchases(transaction_model: BaseFitter, frequency, recency, T, *, periods: int,
                                  period_length: float, discount_rate: float) -> np.ndarray:
    r"""Σ_{i=1}^{periods} (E[Y(i·L) | ·] − E[Y((i−1)·L) | ·]) / (1 + d)^i.

    Y comes from ``transaction_model`` (a fitted BG/NBD, MBG/NBD or Pareto/NBD, in its own time unit),
    L = ``period_length`` model time units per period (30.44 for days → months, 4.35 for weeks →
    months), d = ``discount_rate`` per period. Purchases in period i are discounted to its end.
    """
    if periods < 1:
        raise ValueError("periods must be at least one")
    x, t_x, t_cal = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (frequency, recency, T)))
    previous = np.zeros(x.shape)
    discounted = np.zeros(x.shape)
    ends = [period * period_length for period in range(1, periods + 1)]
    expected = transaction_model.conditional_expected_number_of_purchases_up_to_times(ends, x, t_x, t_cal)
    for period, cumulative in enumerate(expected, start=1):
        discounted += (cumulative - previous) / (1.0 + discount_rate) ** period
        previous = cumulative
    return discounted


def customer_lifetime_value(transaction_model: BaseFitter, spend, frequency, recency, T, *, periods: int,
                            period_length: float, discount_rate: float, margin=1.0) -> np.ndarray:
    """CLV = margin · expected spend per purchase · :func:`discounted_expected_purchases`.

    ``spend`` is the expected revenue per purchase (e.g. Gamma-Gamma's
    ``conditional_expected_average_profit``), ``margin`` the share of revenue that is profit (a number
    or one per customer).
    """
    discounted = discounted_expected_purchases(transaction_model, frequency, recency, T, periods=periods,
                                               period_length=period_length, discount_rate=discount_rate)
    return np.asarray(margin) * np.asarray(spend, dtype=float) * discounted
