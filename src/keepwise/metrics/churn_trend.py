"""Where churn is heading and what it means for a year: the recent periods against the ones before,
and the yearly retention and acquisition rates the growth simulation starts from.

Both read the churn-per-period table of the portfolio summary (``keepwise.metrics.portfolio``):
rates are pooled (all customers lost / all customers at the starts), partial periods left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from keepwise.metrics.activity import average_churn_rate

PERIODS_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}
# The trend compares the last this-many complete periods with as many before them.
TREND_PERIODS = {"month": 3, "quarter": 2, "year": 1}
# Two pooled rates within 10% of each other are the same rate: churn is not moving.
FLAT_TOLERANCE = 0.1


@dataclass(frozen=True)
class ChurnTrend:
    """Pooled churn of the last ``periods`` complete periods (``recent``) and of the ones before (``prior``)."""

    periods: int
    recent: float | None
    prior: float | None

    @property
    def direction(self) -> str | None:
        """"up", "down" or "flat"; None without both rates."""
        if self.recent is None or self.prior is None:
            return None
        if math.isclose(self.recent, self.prior, rel_tol=FLAT_TOLERANCE):
            return "flat"
        return "up" if self.recent > self.prior else "down"


def _complete(churn: pd.DataFrame) -> pd.DataFrame:
    return churn[~churn["partial"].astype(bool) & (churn["customers_at_start"] > 0)]


def churn_trend(churn: pd.DataFrame, period: str) -> ChurnTrend:
    """The recent complete periods' pooled churn against the same number of periods before them."""
    n = TREND_PERIODS.get(period, 3)
    complete = _complete(churn)
    recent, prior = complete.iloc[-n:], complete.iloc[-2 * n : -n]
    return ChurnTrend(periods=n, recent=average_churn_rate(recent), prior=average_churn_rate(prior))


def yearly_rates(churn: pd.DataFrame, period: str, average_churn: float | None) -> tuple[float | None, float | None]:
    """(yearly retention, yearly acquisition as a share of the base) from churn per period.

    Retention compounds the pooled churn per period (``average_churn``) over a year; acquisition is
    the new customers of the last year (or of the periods there are, scaled to a year) over the
    customers active at its start.
    """
    per_year = PERIODS_PER_YEAR[period]
    if average_churn is None:
        return None, None
    retention = (1.0 - average_churn) ** per_year
    last_year = churn.iloc[-per_year:]
    base = float(last_year["customers_at_start"].iloc[0]) if len(last_year) else 0.0
    if base <= 0:
        return retention, None
    acquisition = float(last_year["new_customers"].sum()) * per_year / len(last_year) / base
    return retention, acquisition
