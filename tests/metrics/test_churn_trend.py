"""The churn trend and the yearly rates of the growth simulation, on churn tables with known answers."""

from __future__ import annotations

import pandas as pd
import pytest

from keepwise.metrics.churn_trend import ChurnTrend, churn_trend, yearly_rates


def _churn(at_start: list[int], lost: list[int], new: list[int] | None = None, partial_last: bool = True) -> pd.DataFrame:
    n = len(at_start)
    return pd.DataFrame({
        "period_start": pd.period_range("2024-01", periods=n, freq="M").start_time,
        "customers_at_start": at_start,
        "lost": lost,
        "new_customers": new if new is not None else [0] * n,
        "partial": [False] * (n - 1) + [partial_last],
    })


def test_recent_months_against_the_months_before():
    # Seven complete months and a partial one: the last three complete lose 10%, the three before 5%.
    churn = _churn([100] * 8, [9, 5, 5, 5, 10, 10, 10, 50])
    trend = churn_trend(churn, "month")
    assert trend.periods == 3
    assert trend.recent == pytest.approx(0.10) and trend.prior == pytest.approx(0.05)
    assert trend.direction == "up"


def test_direction_is_flat_within_ten_percent_and_unknown_without_history():
    assert ChurnTrend(3, 0.105, 0.10).direction == "flat"
    assert ChurnTrend(3, 0.08, 0.10).direction == "down"
    assert churn_trend(_churn([100, 100], [5, 5]), "month").direction is None  # one complete month only
    assert churn_trend(_churn([100] * 3, [1] * 3, partial_last=False), "year").periods == 1


def test_yearly_rates_compound_the_churn_and_scale_the_new_customers():
    # Quarterly churn of 10%: a year keeps 0.9 ** 4; 30 new customers in each of the last four quarters
    # over the 200 customers active at the start of that year.
    churn = _churn([200, 200, 200, 200, 200], [0] * 5, new=[0, 30, 30, 30, 30])
    retention, acquisition = yearly_rates(churn, "quarter", 0.10)
    assert retention == pytest.approx(0.9 ** 4)
    assert acquisition == pytest.approx(120 / 200)
    # Two quarters of history: what there is, scaled to a year.
    retention, acquisition = yearly_rates(churn.iloc[:2], "quarter", 0.10)
    assert acquisition == pytest.approx(30 * 4 / 2 / 200)
    assert yearly_rates(churn, "month", None) == (None, None)
    assert yearly_rates(_churn([0, 0], [0, 0]), "month", 0.1) == (pytest.approx(0.9 ** 12), None)
