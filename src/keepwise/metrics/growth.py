"""Retention growth simulator: what a few points of retention do to a customer base over years.

Each year the base keeps ``retention_rate`` of its customers and acquires new ones equal to
``acquisition_rate`` of the current base, so

    count[t + 1] = count[t] * retention_rate + count[t] * acquisition_rate

and the base grows by the factor ``retention_rate + acquisition_rate`` a year. The textbook case:
with 20% acquisition a year, 90% retention grows the base 10% a year (doubling it in about 7
years, 1.1**7 = 1.949) while 80% retention keeps it flat however hard marketing works.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd


def _check_rates(retention_rate: float, acquisition_rate: float) -> None:
    if not 0.0 <= retention_rate <= 1.0:
        raise ValueError(f"retention_rate must be between 0 and 1, got {retention_rate}")
    if acquisition_rate < 0.0:
        raise ValueError(f"acquisition_rate must be >= 0, got {acquisition_rate}")


def simulate_growth(
    initial_customers: float, retention_rate: float, acquisition_rate: float, years: int
) -> pd.DataFrame:
    """Customer base per year, from year 0 (``initial_customers``) to ``years``.

    Columns: ``year``, ``customers`` (start of that year), ``retained`` and ``acquired`` (what
    the next year keeps and gains; zero in the last row, which has no next year in the run).
    Counts are fractional: this is an expectation, not a head count.
    """
    _check_rates(retention_rate, acquisition_rate)
    if years < 0:
        raise ValueError(f"years must be >= 0, got {years}")
    if initial_customers < 0:
        raise ValueError(f"initial_customers must be >= 0, got {initial_customers}")
    rows = []
    customers = float(initial_customers)
    for year in range(years + 1):
        is_last = year == years
        retained = 0.0 if is_last else customers * retention_rate
        acquired = 0.0 if is_last else customers * acquisition_rate
        rows.append({"year": year, "customers": customers, "retained": retained, "acquired": acquired})
        customers = retained + acquired
    return pd.DataFrame(rows)


def yearly_growth_factor(retention_rate: float, acquisition_rate: float) -> float:
    """How much the base multiplies by each year: retention + acquisition."""
    _check_rates(retention_rate, acquisition_rate)
    return retention_rate + acquisition_rate


def years_to_double(retention_rate: float, acquisition_rate: float) -> float:
    """Years until the base has doubled (fractional); ``math.inf`` when it never grows."""
    factor = yearly_growth_factor(retention_rate, acquisition_rate)
    if factor <= 1.0:
        return math.inf
    return math.log(2.0) / math.log(factor)


@dataclass(frozen=True)
class RetentionScenario:
    """The base over ``years`` at today's yearly retention and at a better one, acquisition unchanged."""

    retention: float
    better_retention: float
    acquisition: float
    current: pd.DataFrame  # simulate_growth at today's retention
    better: pd.DataFrame  # simulate_growth at the better retention

    @property
    def extra_customers(self) -> float:
        """Customers the better retention adds by the last year."""
        return float(self.better["customers"].iloc[-1] - self.current["customers"].iloc[-1])


def retention_scenario(initial_customers: float, retention_rate: float, acquisition_rate: float,
                       uplift_points: float, years: int) -> RetentionScenario:
    """Today's base run forward ``years`` at ``retention_rate`` and at ``uplift_points`` percentage points more."""
    better = min(1.0, retention_rate + uplift_points / 100.0)
    return RetentionScenario(
        retention=retention_rate,
        better_retention=better,
        acquisition=acquisition_rate,
        current=simulate_growth(initial_customers, retention_rate, acquisition_rate, years),
        better=simulate_growth(initial_customers, better, acquisition_rate, years),
    )
