"""Calendar periods the portfolio figures are reported by (month, quarter, year), and day arithmetic.

The one place that names the periods and the length of an average month.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, get_args

import ibis
import numpy as np
import pandas as pd

Period = Literal["month", "quarter", "year"]
PERIODS: tuple[str, ...] = get_args(Period)
PANDAS_FREQ = {"month": "M", "quarter": "Q", "year": "Y"}
# The unit of ibis' ``truncate`` that gives a moment's period start (the engine's ``DATE_TRUNC``).
TRUNCATE_UNIT = {"month": "M", "quarter": "Q", "year": "Y"}
# The average length of a calendar month (Gregorian year / 12), wherever days become months.
DAYS_PER_MONTH = 365.25 / 12


def as_date(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def check_period(period: str) -> None:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")


def day_numbers(values) -> np.ndarray:
    """Dates of any flavour (date objects, datetime64, Timestamps) as numpy day numbers."""
    return pd.to_datetime(pd.Series(values)).to_numpy().astype("datetime64[D]")


def period_number(day: ibis.Value, by: str) -> ibis.Value:
    """Consecutive integers per calendar period, so differences count periods."""
    if by == "month":
        return day.year() * 12 + day.month() - 1
    if by == "quarter":
        return day.year() * 4 + day.quarter() - 1
    return day.year()


def period_number_of_date(day: date, by: str) -> int:
    """``period_number`` for a Python date."""
    if by == "month":
        return day.year * 12 + day.month - 1
    if by == "quarter":
        return day.year * 4 + (day.month - 1) // 3
    return day.year


def period_of_number(number: int, by: str) -> pd.Period:
    if by == "month":
        return pd.Period(year=number // 12, month=number % 12 + 1, freq="M")
    if by == "quarter":
        return pd.Period(year=number // 4, quarter=number % 4 + 1, freq="Q")
    return pd.Period(year=number, freq="Y")
