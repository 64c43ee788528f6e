"""The one-sided binomial test of a customer's rate against the business's, on known answers."""

from __future__ import annotations

from fractions import Fraction
from math import comb

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom

from keepwise.assess.rates import business_rate, excess_p_value


def _exact_tail(k: int, n: int, p: Fraction) -> float:
    """P(X >= k) for X ~ Binomial(n, p), in exact rational arithmetic."""
    return float(sum(comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1)))


def test_business_rate_counts_events_per_opportunity_and_is_zero_without_opportunities():
    assert business_rate(pd.Series([3, 6, -1]), pd.Series([100, 9, 4])) == pytest.approx(9 / 113)
    assert business_rate(pd.Series([2]), pd.Series([0])) == 0.0


def test_excess_p_value_is_the_binomial_upper_tail():
    events = pd.Series([1, 6, 3, 0, 9, 12, 4], index=list("abcdefg"))
    opportunities = pd.Series([1, 9, 100, 5, 9, 10, np.nan], index=list("abcdefg"))
    p_value = excess_p_value(events, opportunities, 0.055)
    rate = Fraction(55, 1000)
    assert list(p_value.index) == list("abcdefg")
    assert p_value["a"] == pytest.approx(0.055, rel=1e-15)
    assert p_value["b"] == pytest.approx(_exact_tail(6, 9, rate), rel=1e-13)
    assert p_value["c"] == pytest.approx(_exact_tail(3, 100, rate), rel=1e-13)
    assert p_value["d"] == 1.0  # no events: nothing to test
    assert p_value["e"] == pytest.approx(0.055**9, rel=1e-13)  # every opportunity failed
    # More events than opportunities (or none recorded): the opportunities are raised to the count.
    assert p_value["f"] == pytest.approx(0.055**12, rel=1e-13)
    assert p_value["g"] == pytest.approx(0.055**4, rel=1e-13)


def test_excess_p_value_at_the_edges_of_the_rate():
    events, opportunities = pd.Series([0, 1, 3]), pd.Series([4, 4, 4])
    assert excess_p_value(events, opportunities, 0.0).tolist() == [1.0, 0.0, 0.0]
    assert excess_p_value(events, opportunities, 1.0).tolist() == [1.0, 1.0, 1.0]
    # A rate outside [0, 1] is clipped to it.
    assert excess_p_value(events, opportunities, 1.5).tolist() == [1.0, 1.0, 1.0]


def test_excess_p_value_equals_scipy_stats_binom_to_the_bit():
    rng = np.random.default_rng(3)
    n = rng.integers(1, 5000, 20000).astype(float)
    k = np.floor(rng.random(20000) * n) + 1
    for rate in (1e-6, 0.003, 0.055, 0.31, 0.5, 0.97):
        ours = excess_p_value(pd.Series(k), pd.Series(n), rate).to_numpy()
        assert np.array_equal(ours, binom.sf(k - 1, n, rate))
