"""Who is active when, and churn per period: the pluggable activity rule (purchase recency, or a
model's P(alive)) applied to completed purchases at each period end."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa

from keepwise.data.loader import Dataset
from keepwise.data.positions import positions
from keepwise.metrics.periods import PANDAS_FREQ, as_date, check_period, day_numbers

CHURN_COLUMNS = (
    "period",
    "period_start",
    "period_end",
    "partial",
    "customers_at_start",
    "new_customers",
    "reactivated",
    "lost",
    "lost_of_start",
    "customers_at_end",
    "churn_rate",
    "retention_rate",
)


def completed_purchases(ds: Dataset, as_of: date | None = None) -> ibis.Table:
    """Completed orders as (customer_id, day, revenue), up to and including ``as_of``.

    Cancelled orders are not purchases: they neither acquire nor keep a customer.
    """
    orders = ds.table("orders")
    purchases = orders.filter(orders.status == "completed").select(
        customer_id=orders.customer_id, day=orders.ordered_at.date(), revenue=orders.revenue
    )
    if as_of is not None:
        purchases = purchases.filter(purchases.day <= as_of)
    return purchases


def resolve_as_of(ds: Dataset, as_of: date | datetime | str | None) -> date:
    """The given date, else the dataset's, else the last completed order's day."""
    if as_of is not None:
        return as_date(as_of)
    if ds.as_of is not None:
        return as_date(ds.as_of)
    last = completed_purchases(ds).day.max().execute()
    if last is None or pd.isna(last):
        raise ValueError("no as-of date given and the data has no completed orders to infer one from")
    return as_date(pd.Timestamp(last).date())


class ActivityRule(Protocol):
    """Decides which customers are active ("not lost") at given dates.

    ``active_matrix`` gets the completed purchases (an ibis table of ``customer_id, day, revenue``),
    the snapshot dates and the customers (their ids), and returns a boolean matrix with a row per
    customer and a column per date: True where the customer is active at the end of that day. It must
    only use purchases on or before the date.
    """

    description: str

    def active_matrix(self, purchases: ibis.Table, dates: Sequence[date], customers) -> np.ndarray: ...


@dataclass(frozen=True)
class RecencyRule:
    """The business rule: lost after ``lost_after_days`` without a purchase.

    A customer is active at the end of day ``d`` when they have a completed order on a day ``o``
    with ``d - lost_after_days <= o <= d``. So with 180 days, a customer whose last order was on
    1 January is still active on 30 June (180 days later) and lost from 1 July (181 days).
    """

    lost_after_days: int

    def __post_init__(self) -> None:
        if self.lost_after_days < 0:
            raise ValueError(f"lost_after_days must be >= 0, got {self.lost_after_days}")

    @property
    def description(self) -> str:
        return f"lost after {self.lost_after_days} days without a purchase"

    def active_matrix(self, purchases: ibis.Table, dates: Sequence[date], customers) -> np.ndarray:
        """A purchase on day ``o`` keeps its customer active at the dates from ``o`` to ``o + lost_after_days``:
        among the dates in order, those from the first on or after ``o`` (its ``start``) to the last on or
        before ``o + lost_after_days`` (its ``end`` is the one after). A later purchase has a later start and a
        later end, so a customer is active at the k-th date exactly when the latest end among their purchases
        that start at or before it lies after it: each (customer, start) cell holds its largest end, and a
        running maximum along the dates carries it forward. Only (row, day) pairs leave the engine, where
        matching every purchase to its dates there (a range join, then distinct pairs: 17.9M of them at
        1,000,000 customers by month) took ~10 s. ``customers``: each id once.

        The engine gives each purchase its customer's row (a join with the customers' ids and rows): at
        1,000,000 customers 1.0-1.1 s, where reading the 14.3M purchases' ids out and looking them up
        (``keepwise.data.positions``) took 2.8-3.1 s. Each purchase's start and end come from a table per
        day of the purchases' span (``_date_places``), and the cells from one ``maximum.at`` (the whole step at
        1,000,000 customers: 2.14-2.25 s when each date of each purchase was marked in turn, now 1.27-1.28 s)."""
        snapshots = np.array([as_date(d) for d in dates], dtype="datetime64[D]")
        order = np.argsort(snapshots, kind="stable")
        ordered = snapshots[order]
        # Each array freed as soon as it is used, a purchase's figures as small integers: at 1,000,000
        # customers ~0.5 GB less at the peak.
        ids = customers.array if isinstance(customers, pd.Series) else customers
        rows_of = ibis.memtable(pa.table({"customer_id": pa.array(ids, type=pa.large_string()),
                                          "row": np.arange(len(customers), dtype=np.int64)}))
        bought = purchases.select("customer_id", "day").join(rows_of, "customer_id").select("row", "day").to_pyarrow()
        rows = bought.column("row").to_numpy()
        days = bought.column("day").to_numpy().astype("datetime64[D]")
        del bought
        start, end = _date_places(ordered, days, self.lost_after_days)
        del days
        width = len(ordered) + 1  # a start after the last date has its own column, dropped below
        reach = np.zeros(len(customers) * width, dtype=end.dtype)
        np.maximum.at(reach, rows * width + start, end)
        del rows, start, end
        reach = np.maximum.accumulate(reach.reshape(len(customers), width), axis=1)[:, :-1]
        result = np.empty((len(customers), len(ordered)), dtype=bool)
        result[:, order] = reach > np.arange(len(ordered), dtype=reach.dtype)
        return result


def _date_places(ordered: np.ndarray, days: np.ndarray, lost_after_days: int) -> tuple[np.ndarray, np.ndarray]:
    """For each day of ``days``: the place among the sorted dates ``ordered`` of the first on or after it, and
    of the first after the day ``lost_after_days`` later, as small integers. Looked up in a table of every
    day from the first of ``days`` to the last when that span is shorter than ``days`` (a take), else by
    binary search (two ``searchsorted`` of 14.3M days took ~0.8 s)."""
    kind = np.int16 if len(ordered) < np.iinfo(np.int16).max else np.int32
    later = np.timedelta64(lost_after_days, "D")
    if not len(days):
        return np.zeros(0, dtype=kind), np.zeros(0, dtype=kind)
    first_day, last_day = days.min(), days.max()
    span = int((last_day - first_day) // np.timedelta64(1, "D")) + 1
    if span >= len(days):
        return (np.searchsorted(ordered, days, side="left").astype(kind),
                np.searchsorted(ordered, days + later, side="right").astype(kind))
    every_day = first_day + np.arange(span, dtype="timedelta64[D]")
    place = (days - first_day).astype(np.int64)
    return (np.searchsorted(ordered, every_day, side="left").astype(kind)[place],
            np.searchsorted(ordered, every_day + later, side="right").astype(kind)[place])


@dataclass(frozen=True)
class AliveProbabilityRule:
    """A model-based rule: active while the probability of being alive is at least ``threshold``.

    ``p_alive(history, at)`` gets the completed purchases up to ``at`` (a DataFrame of
    ``customer_id, day, revenue``) and returns P(alive at ``at``) as a Series indexed by
    customer_id; this is where a fitted BG/NBD or Pareto/NBD model plugs in.
    """

    p_alive: Callable[[pd.DataFrame, date], pd.Series]
    threshold: float

    @classmethod
    def configured(
        cls, ds: Dataset, p_alive: Callable[[pd.DataFrame, date], pd.Series]
    ) -> AliveProbabilityRule:
        """The rule with the configured threshold, ``[churn] p_alive_threshold``."""
        return cls(p_alive, float(ds.settings.churn.p_alive_threshold))

    @property
    def description(self) -> str:
        return f"lost when the probability of being alive falls below {self.threshold:g}"

    def active_matrix(self, purchases: ibis.Table, dates: Sequence[date], customers) -> np.ndarray:
        history = purchases.execute()
        history_days = day_numbers(history["day"])
        active = np.zeros((len(customers), len(dates)), dtype=bool)
        for column, at in enumerate(dates):
            until = history[history_days <= np.datetime64(as_date(at), "D")]
            if until.empty:
                continue
            probability = self.p_alive(until, as_date(at))
            rows = positions(probability[probability >= self.threshold].index.astype(str), customers)
            active[rows[rows >= 0], column] = True
        return active


def default_rule(ds: Dataset, lost_after_days: int | None = None) -> ActivityRule:
    """The configured recency rule (``[churn] lost_after_days``), or the given number of days."""
    days = ds.settings.churn.lost_after_days if lost_after_days is None else lost_after_days
    return RecencyRule(int(days))


# --------------------------------------------------------------------------------------------------
# Churn by period


def _empty_churn_table() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=object) for name in CHURN_COLUMNS})


def churn_by_period(
    ds: Dataset,
    as_of: date | datetime | str | None = None,
    period: str = "month",
    lost_after_days: int | None = None,
    rule: ActivityRule | None = None,
) -> pd.DataFrame:
    """Churn rate per calendar period, as the business defines it: lost in the period / customers at its start.

    Periods run from the one holding the first completed order to the one holding ``as_of``; the
    last is cut at ``as_of`` (``partial`` is True when it ends before the calendar period does).
    Who is active comes from ``rule`` (default: the recency rule, ``lost_after_days`` or
    ``[churn] lost_after_days``: active at the end of day d = bought within the N days up to d).

    Per period, with S = active at the end of the day before it starts, E = active at its end and
    N = customers whose first completed order falls in it (S and N never overlap):

    * ``customers_at_start`` = |S|, ``customers_at_end`` = |E|, ``new_customers`` = |N|;
    * ``lost`` = customers of S or N not active at the end (a customer acquired and lapsed within
      the same period counts, which only happens when the period is longer than the rule's window);
    * ``lost_of_start`` = those of them that were already customers at the start;
    * ``reactivated`` = customers active at the end who were neither active at the start nor new:
      lost earlier and won back by a purchase in the period;
    * ``churn_rate`` = lost / customers_at_start (empty when nobody was a customer at the start),
      ``retention_rate`` = 1 - churn_rate.

    The counts always reconcile: customers_at_start + new_customers + reactivated - lost =
    customers_at_end. States are compared at the two ends only, so a customer who lapses and comes
    back within one period is neither lost nor reactivated.
    """
    return churn_by_periods(ds, as_of, (period,), lost_after_days, rule)[period]


def churn_by_periods(
    ds: Dataset,
    as_of: date | datetime | str | None = None,
    periods: Sequence[str] = ("month",),
    lost_after_days: int | None = None,
    rule: ActivityRule | None = None,
) -> dict[str, pd.DataFrame]:
    """``churn_by_period`` by each of ``periods`` (by name), from one read of the purchases: who is active
    is found once, at every day any of them compares (a quarter's ends are months' ends too). At
    1,000,000 customers that is most of the ~5 s a table takes."""
    for period in periods:
        check_period(period)
    as_of = resolve_as_of(ds, as_of)
    rule = rule or default_rule(ds, lost_after_days)
    purchases = completed_purchases(ds, as_of)
    first = purchases.group_by("customer_id").aggregate(first_day=purchases.day.min()).execute()
    if first.empty:
        return {period: _empty_churn_table() for period in periods}
    calendars = {period: _Calendar.of(pd.Timestamp(first["first_day"].min()), as_of, period) for period in periods}
    days = sorted({day for calendar in calendars.values() for day in calendar.snapshots})
    is_active = rule.active_matrix(purchases, days, first["customer_id"])
    column = {day: k for k, day in enumerate(days)}
    first_days = day_numbers(first["first_day"])
    return {period: calendar.table(is_active[:, [column[day] for day in calendar.snapshots]], first_days)
            for period, calendar in calendars.items()}


@dataclass(frozen=True)
class _Calendar:
    """The periods of one kind from the first purchase's to ``as_of``'s, and the days churn compares."""

    periods: pd.PeriodIndex
    starts: list[date]
    ends: list[date]  # the last cut at as_of

    @classmethod
    def of(cls, first_day: pd.Timestamp, as_of: date, period: str) -> _Calendar:
        periods = pd.period_range(first_day, pd.Timestamp(as_of), freq=PANDAS_FREQ[period])
        return cls(periods, [p.start_time.date() for p in periods], [min(p.end_time.date(), as_of) for p in periods])

    @property
    def snapshots(self) -> list[date]:
        """Snapshot k is the state after period k - 1: the day before the first period, then each period's end."""
        return [self.starts[0] - timedelta(days=1), *self.ends]

    def table(self, is_active: np.ndarray, first_days: np.ndarray) -> pd.DataFrame:
        """The churn table from who is active at each snapshot (a column each) and each customer's first day."""
        starts, ends = self.starts, self.ends
        start_days = np.array(starts, dtype="datetime64[D]")
        first_period = np.searchsorted(start_days, first_days, side="right") - 1
        rows = []
        for k, calendar_period in enumerate(self.periods):
            at_start, at_end = is_active[:, k], is_active[:, k + 1]
            is_new = first_period == k
            n_start = int(at_start.sum())
            lost = int(((at_start | is_new) & ~at_end).sum())
            churn_rate = lost / n_start if n_start else math.nan
            rows.append(
                {
                    "period": str(calendar_period),
                    "period_start": starts[k],
                    "period_end": ends[k],
                    "partial": ends[k] < calendar_period.end_time.date(),
                    "customers_at_start": n_start,
                    "new_customers": int(is_new.sum()),
                    "reactivated": int((at_end & ~at_start & ~is_new).sum()),
                    "lost": lost,
                    "lost_of_start": int((at_start & ~at_end).sum()),
                    "customers_at_end": int(at_end.sum()),
                    "churn_rate": churn_rate,
                    "retention_rate": 1.0 - churn_rate,
                }
            )
        return pd.DataFrame(rows, columns=list(CHURN_COLUMNS))


def average_churn_rate(churn: pd.DataFrame) -> float | None:
    """Pooled churn over the complete periods: all customers lost / all customers at the starts.

    Partial periods (the one cut at as_of) are left out, since they would understate churn.
    """
    complete = churn[~churn["partial"].astype(bool) & (churn["customers_at_start"] > 0)]
    at_start = complete["customers_at_start"].sum()
    return float(complete["lost"].sum() / at_start) if at_start else None
