"""Model diagnostics for the report: does the BG/NBD model track what customers really did?

The tracking check of the BG/NBD literature (Fader, Hardie & Lee 2005, fig. 1-2): fit the model on
a calibration period, then compare, week by week, the cumulative repeat transactions it expects of
the calibration customers with those they actually made, through the calibration period and on
through a holdout period the model never saw. In the calibration period the expectation for a
customer born (first transaction) at week s is the unconditional E[X(t - s)]; summed over customers
it is the model's forecast for the whole base.

Transactions follow CONTRACT.md: completed orders, a customer's orders on one calendar day are one
transaction, repeat transactions are those after the first day, time in weeks.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from keepwise.data.loader import Dataset
from keepwise.metrics.activity import completed_purchases

DAYS_PER_WEEK = 7
# Longest holdout: a year, so long histories keep most of their data for fitting.
MAX_HOLDOUT_WEEKS = 52
# Fewer weeks than this cannot show whether the model tracks anything.
MIN_WEEKS = 8
# Fewer calibration customers than this make a tracking plot of individual accidents, not of a model.
MIN_CUSTOMERS = 50


@dataclass
class TrackingResult:
    """Weekly expected vs actual repeat transactions of the calibration customers.

    ``weeks`` columns: week (1..), week_end (date), holdout (bool), actual, expected (per week),
    actual_cumulative, expected_cumulative. ``unavailable`` holds the reason when there is no check.
    """

    weeks: pd.DataFrame | None = None
    calibration_end: date | None = None
    holdout_end: date | None = None
    n_customers: int = 0
    params: dict[str, float] = field(default_factory=dict)
    unavailable: str | None = None

    @property
    def holdout_actual(self) -> float:
        return float(self.weeks.loc[self.weeks["holdout"], "actual"].sum())

    @property
    def holdout_expected(self) -> float:
        return float(self.weeks.loc[self.weeks["holdout"], "expected"].sum())


def transaction_days(ds: Dataset, as_of: date) -> pd.DataFrame:
    """One row per (customer_id, day) with a completed order, up to ``as_of``."""
    purchases = completed_purchases(ds, as_of)
    days = purchases.select("customer_id", "day").distinct().execute()
    days["day"] = pd.to_datetime(days["day"]).dt.normalize()
    return days


def holdout_weeks_for(total_weeks: int) -> int:
    """Half the history, at most a year: CDNOW's 78 weeks split 39/39 as in the literature."""
    return min(MAX_HOLDOUT_WEEKS, total_weeks // 2)


def tracking_check(ds: Dataset, as_of: date) -> TrackingResult:
    """Fit BG/NBD (weeks) on the calibration period and track it through the holdout."""
    from keepwise.models import BetaGeoFitter, ConvergenceError

    days = transaction_days(ds, as_of)
    if days.empty:
        return TrackingResult(unavailable="no completed orders")
    origin = days["day"].min()
    as_of_stamp = pd.Timestamp(as_of)
    total_weeks = int(math.floor(((as_of_stamp - origin).days + 1) / DAYS_PER_WEEK))
    if total_weeks < MIN_WEEKS:
        return TrackingResult(unavailable=f"the history spans {total_weeks} weeks; at least {MIN_WEEKS} are needed")
    holdout = holdout_weeks_for(total_weeks)
    calibration_weeks = total_weeks - holdout
    # The last day of the calibration period, on the weekly grid that starts at the first transaction.
    calibration_end = origin + pd.Timedelta(days=calibration_weeks * DAYS_PER_WEEK - 1)

    first_day = days.groupby("customer_id")["day"].transform("min")
    days = days.assign(first_day=first_day)
    cohort = days[days["first_day"] <= calibration_end]
    calibration = cohort[cohort["day"] <= calibration_end]
    per_customer = calibration.groupby("customer_id").agg(
        first_day=("first_day", "first"), last_day=("day", "max"), n_days=("day", "size")
    )
    if len(per_customer) < MIN_CUSTOMERS:
        return TrackingResult(
            unavailable=f"only {len(per_customer)} customers bought before {calibration_end.date()}; "
            f"at least {MIN_CUSTOMERS} are needed to check the model"
        )
    frequency = (per_customer["n_days"] - 1).to_numpy(dtype=float)
    recency = ((per_customer["last_day"] - per_customer["first_day"]).dt.days / DAYS_PER_WEEK).to_numpy()
    age = ((calibration_end - per_customer["first_day"]).dt.days / DAYS_PER_WEEK).to_numpy()
    try:
        with warnings.catch_warnings():
            # Only the point estimates are used here; a warning about their standard errors is noise.
            warnings.filterwarnings("ignore", message=".*standard errors.*", category=RuntimeWarning)
            model = BetaGeoFitter().fit(frequency, recency, age)
    except (ConvergenceError, ValueError) as error:
        return TrackingResult(unavailable=f"the BG/NBD model could not be fitted: {error}")

    # Expected cumulative repeat transactions at the end of every week, summed over birth days.
    week_numbers = np.arange(1, total_weeks + 1)
    births = per_customer.groupby("first_day").size()
    birth_offsets = ((births.index - origin).days.to_numpy() / DAYS_PER_WEEK)[None, :]
    elapsed = np.clip(week_numbers[:, None] - birth_offsets, 0.0, None)
    expected_cumulative = (model.expected_number_of_purchases_up_to_time(elapsed) * births.to_numpy()[None, :]).sum(
        axis=1
    )

    repeat = cohort[cohort["day"] > cohort["first_day"]]
    repeat_week = ((repeat["day"] - origin).dt.days // DAYS_PER_WEEK + 1).to_numpy()
    actual = np.bincount(repeat_week[repeat_week <= total_weeks], minlength=total_weeks + 1)[1:]
    week_ends = [(origin + pd.Timedelta(days=int(w) * DAYS_PER_WEEK - 1)).date() for w in week_numbers]
    weeks = pd.DataFrame(
        {
            "week": week_numbers,
            "week_end": week_ends,
            "holdout": week_numbers > calibration_weeks,
            "actual": actual.astype(float),
            "expected": np.diff(expected_cumulative, prepend=0.0),
            "actual_cumulative": np.cumsum(actual).astype(float),
            "expected_cumulative": expected_cumulative,
        }
    )
    return TrackingResult(
        weeks=weeks,
        calibration_end=calibration_end.date(),
        holdout_end=week_ends[-1],
        n_customers=len(per_customer),
        params=dict(model.params_),
    )

