"""Customer economics of the whole portfolio: churn, cohorts, RFM segments, historic value, whale curve.

Everything here reads the validated ``Dataset`` (see ``keepwise.data.loader``). Activity (who bought
when) comes straight from completed orders; anything about money per customer (revenue, margin, cost
to serve, profit) comes from ``keepwise.metrics.features.customer_features``, the one place cost to
serve is computed. Aggregations run in DuckDB through ibis; pandas only reshapes small results.

``portfolio_summary`` bundles it all for the CLI (``keepwise metrics``) and the HTML report;
``keepwise.metrics.render.render_summary`` draws it with Rich.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import ibis
import numpy as np
import pandas as pd

from keepwise.data.loader import Dataset
from keepwise.metrics.features import customer_feature_frame

PERIODS = ("month", "quarter", "year")
_PANDAS_FREQ = {"month": "M", "quarter": "Q", "year": "Y"}

# Decimals kept in JSON: money to the cent, rates and shares to a hundredth of a percent.
MONEY_DECIMALS = 2
SHARE_DECIMALS = 4
# Points of the whale curve kept in JSON (evenly spaced in customer share), enough for a smooth plot.
WHALE_CURVE_POINTS = 101
# Distribution figures reported for historic value.
SUMMARY_QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90)

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


# --------------------------------------------------------------------------------------------------
# Shared helpers


def _as_date(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _check_period(period: str) -> None:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")


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
        return _as_date(as_of)
    if ds.as_of is not None:
        return _as_date(ds.as_of)
    last = completed_purchases(ds).day.max().execute()
    if last is None or pd.isna(last):
        raise ValueError("no as-of date given and the data has no completed orders to infer one from")
    return _as_date(pd.Timestamp(last).date())


def _days(values) -> np.ndarray:
    """Dates of any flavour (date objects, datetime64, Timestamps) as numpy day numbers."""
    return pd.to_datetime(pd.Series(values)).to_numpy().astype("datetime64[D]")


# --------------------------------------------------------------------------------------------------
# Who is active: the pluggable rule behind churn


class ActivityRule(Protocol):
    """Decides which customers are active ("not lost") at given dates.

    ``active_at`` gets the completed purchases (an ibis table of ``customer_id, day, revenue``) and
    the snapshot dates, and returns a DataFrame with one row per (``customer_id``, ``at``) for every
    customer active at the end of day ``at``. It must only use purchases on or before ``at``.
    """

    description: str

    def active_at(self, purchases: ibis.Table, dates: Sequence[date]) -> pd.DataFrame: ...


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

    def active_at(self, purchases: ibis.Table, dates: Sequence[date]) -> pd.DataFrame:
        snapshots = ibis.memtable({"at": [_as_date(d) for d in dates]})
        window = ibis.interval(days=self.lost_after_days)
        # A range join: DuckDB matches every purchase to the snapshots it keeps the customer active at.
        covered = purchases.join(
            snapshots, [purchases.day <= snapshots.at, purchases.day >= snapshots.at - window]
        )
        return covered.select("customer_id", "at").distinct().execute()


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

    def active_at(self, purchases: ibis.Table, dates: Sequence[date]) -> pd.DataFrame:
        history = purchases.execute()
        history_days = _days(history["day"])
        frames = []
        for at in dates:
            until = history[history_days <= np.datetime64(_as_date(at), "D")]
            if until.empty:
                continue
            probability = self.p_alive(until, _as_date(at))
            alive = probability[probability >= self.threshold].index
            frames.append(pd.DataFrame({"customer_id": alive.astype(str), "at": _as_date(at)}))
        if not frames:
            return pd.DataFrame({"customer_id": pd.Series([], dtype=str), "at": pd.Series([], dtype=object)})
        return pd.concat(frames, ignore_index=True)


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
    _check_period(period)
    as_of = resolve_as_of(ds, as_of)
    rule = rule or default_rule(ds, lost_after_days)
    purchases = completed_purchases(ds, as_of)
    first = purchases.group_by("customer_id").aggregate(first_day=purchases.day.min()).execute()
    if first.empty:
        return _empty_churn_table()

    periods = pd.period_range(
        pd.Timestamp(first["first_day"].min()), pd.Timestamp(as_of), freq=_PANDAS_FREQ[period]
    )
    starts = [p.start_time.date() for p in periods]
    ends = [min(p.end_time.date(), as_of) for p in periods]
    # Snapshot k is the state after period k - 1: the day before the first period, then each period's end.
    snapshots = [starts[0] - timedelta(days=1), *ends]

    customers = pd.Index(first["customer_id"].astype(str))
    active = rule.active_at(purchases, snapshots)
    row = customers.get_indexer(active["customer_id"].astype(str))
    column = pd.Index(np.array(snapshots, dtype="datetime64[D]")).get_indexer(_days(active["at"]))
    known = (row >= 0) & (column >= 0)
    is_active = np.zeros((len(customers), len(snapshots)), dtype=bool)
    is_active[row[known], column[known]] = True

    start_days = np.array(starts, dtype="datetime64[D]")
    first_period = np.searchsorted(start_days, _days(first["first_day"]), side="right") - 1

    rows = []
    for k, calendar_period in enumerate(periods):
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


# --------------------------------------------------------------------------------------------------
# Cohort retention


def _period_number(day: ibis.Value, by: str) -> ibis.Value:
    """Consecutive integers per calendar period, so differences count periods."""
    if by == "month":
        return day.year() * 12 + day.month() - 1
    if by == "quarter":
        return day.year() * 4 + day.quarter() - 1
    return day.year()


def _period_number_of_date(day: date, by: str) -> int:
    """``_period_number`` for a Python date."""
    if by == "month":
        return day.year * 12 + day.month - 1
    if by == "quarter":
        return day.year * 4 + (day.month - 1) // 3
    return day.year


def _period_of_number(number: int, by: str) -> pd.Period:
    if by == "month":
        return pd.Period(year=number // 12, month=number % 12 + 1, freq="M")
    if by == "quarter":
        return pd.Period(year=number // 4, quarter=number % 4 + 1, freq="Q")
    return pd.Period(year=number, freq="Y")


@dataclass
class CohortMatrix:
    """Retention by cohort: ``shares.loc[cohort, k]`` = share of the cohort buying k periods after joining.

    Rows are cohorts (labelled like ``1997-01``, ``1997Q1`` or ``1997``), columns 0, 1, 2, ...;
    a cell is NaN when that period lies after as_of (not yet observed). The period holding as_of is
    observed though incomplete.
    """

    by: str
    cohort_on: str
    shares: pd.DataFrame
    buyers: pd.DataFrame
    sizes: pd.Series

    def to_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "cohort_on": self.cohort_on,
            "cohorts": [
                {
                    "cohort": str(cohort),
                    "customers": int(self.sizes[cohort]),
                    "retention": [_round(v, SHARE_DECIMALS) for v in self.shares.loc[cohort].tolist()],
                }
                for cohort in self.shares.index
            ],
        }


def cohort_retention(
    ds: Dataset,
    as_of: date | datetime | str | None = None,
    by: str = "month",
    cohort_on: str = "first_order",
) -> CohortMatrix:
    """Cohort matrix: cohort (first purchase, or sign-up, period) x periods since, share buying.

    ``cohort_on="first_order"`` groups customers by the period of their first completed order (so
    column 0 is always 100%); ``"signed_up"`` by ``signed_up_at`` (the first order when empty), where
    customers who never bought count in the cohort size and orders before sign-up are ignored.
    A customer counts once per period however many orders they place in it.
    """
    _check_period(by)
    if cohort_on not in ("first_order", "signed_up"):
        raise ValueError(f"cohort_on must be 'first_order' or 'signed_up', got {cohort_on!r}")
    as_of = resolve_as_of(ds, as_of)
    purchases = completed_purchases(ds, as_of)
    first = purchases.group_by("customer_id").aggregate(first_day=purchases.day.min())
    if cohort_on == "signed_up":
        registered = ds.table("customers")
        joined = registered.left_join(first, registered.customer_id == first.customer_id)
        members = joined.select(
            customer_id=registered.customer_id,
            cohort_day=ibis.coalesce(registered.signed_up_at.date(), first.first_day),
        )
        members = members.filter(members.cohort_day.notnull() & (members.cohort_day <= as_of))
    else:
        members = first.select("customer_id", cohort_day=first.first_day)
    members = members.mutate(cohort=_period_number(members.cohort_day, by))

    buying = purchases.select("customer_id", bought=_period_number(purchases.day, by)).distinct()
    cells = buying.join(members, "customer_id")
    cells = cells.mutate(since=cells.bought - cells.cohort).filter(lambda t: t.since >= 0)
    counts = cells.group_by(["cohort", "since"]).aggregate(buyers=cells.customer_id.nunique()).execute()
    sizes = members.group_by("cohort").aggregate(customers=members.count()).execute()

    sizes = sizes.set_index("cohort")["customers"].sort_index()
    last = _period_number_of_date(as_of, by)
    width = max((last - int(sizes.index.min()) + 1) if len(sizes) else 0, 0)
    buyers = (
        counts.pivot_table(index="cohort", columns="since", values="buyers", aggfunc="sum")
        .reindex(index=sizes.index, columns=range(width))
        .fillna(0)
    )
    observed = np.arange(width)[None, :] <= (last - sizes.index.to_numpy())[:, None]
    shares = buyers.div(sizes, axis=0).where(observed)
    buyers = buyers.where(observed)

    labels = pd.Index([str(_period_of_number(int(n), by)) for n in sizes.index], name="cohort")
    shares.index = buyers.index = labels
    shares.columns = buyers.columns = pd.Index(range(width), name="periods_since")
    sizes.index = labels
    return CohortMatrix(by=by, cohort_on=cohort_on, shares=shares, buyers=buyers, sizes=sizes.astype(int))


# --------------------------------------------------------------------------------------------------
# RFM

# Segments by recency score (rows, 5 = bought most recently) and the combined frequency-monetary
# score FM = round-half-up((F + M) / 2) (columns FM = 1..5). This is the usual R x F grid of RFM
# practice, with its Hibernating corner split so the worst cell (R = 1, FM = 1) reads "Lost":
#
#   R\FM  1                  2                  3                  4                  5
#   5     New                Potential loyalist Potential loyalist Champions          Champions
#   4     Promising          Potential loyalist Potential loyalist Loyal              Loyal
#   3     About to sleep     About to sleep     Need attention     Loyal              Loyal
#   2     Hibernating        Hibernating        At risk            At risk            Can't lose them
#   1     Lost               Hibernating        At risk            At risk            Can't lose them
RFM_SEGMENTS = (
    "Champions",
    "Loyal",
    "Potential loyalist",
    "New",
    "Promising",
    "Need attention",
    "About to sleep",
    "At risk",
    "Can't lose them",
    "Hibernating",
    "Lost",
)
_SEGMENT_GRID = {
    5: ("New", "Potential loyalist", "Potential loyalist", "Champions", "Champions"),
    4: ("Promising", "Potential loyalist", "Potential loyalist", "Loyal", "Loyal"),
    3: ("About to sleep", "About to sleep", "Need attention", "Loyal", "Loyal"),
    2: ("Hibernating", "Hibernating", "At risk", "At risk", "Can't lose them"),
    1: ("Lost", "Hibernating", "At risk", "At risk", "Can't lose them"),
}
RFM_SCORES = 5


def quintile_scores(values: pd.Series, higher_is_better: bool = True) -> pd.Series:
    """Scores 1..5 by quintile: score = 1 + floor(5 x share of customers strictly worse).

    With distinct values each score holds a fifth of the customers. Tied values always share one
    score, the one of the tie's lowest position, so the result does not depend on row order (a
    value held by many customers, like "one order", can leave higher scores short or empty).
    """
    if values.empty:
        return pd.Series([], index=values.index, dtype="int64")
    oriented = values.astype(float) if higher_is_better else -values.astype(float)
    strictly_worse = oriented.rank(method="min") - 1
    return (1 + np.floor(RFM_SCORES * strictly_worse / len(values))).astype("int64")


def rfm_segment(recency_score: int, fm_score: int) -> str:
    """The named segment of an R score and a combined FM score (both 1..5); see the grid above."""
    return _SEGMENT_GRID[int(recency_score)][int(fm_score) - 1]


def rfm_scores(
    features: pd.DataFrame, as_of: date | datetime | str, monetary: str = "revenue"
) -> pd.DataFrame:
    """RFM scores and segment per customer who has bought, from ``customer_features`` output.

    recency = days from the last order to ``as_of`` (fewer is better), frequency = number of orders,
    monetary = the ``monetary`` column to date (``[rfm] monetary``: revenue, gross_margin or profit).
    Returns customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, fm_score,
    segment; customers without orders have no RFM and are left out.
    """
    if monetary not in features.columns:
        raise ValueError(f"monetary measure {monetary!r} is not a customer feature")
    buyers = features[features["n_orders"] > 0]
    as_of_day = pd.Timestamp(_as_date(as_of))
    last_day = pd.to_datetime(buyers["last_order_at"]).dt.normalize()
    table = pd.DataFrame(
        {
            "customer_id": buyers["customer_id"].astype(str),
            "recency_days": (as_of_day - last_day).dt.days.astype("int64"),
            "frequency": buyers["n_orders"].astype("int64"),
            "monetary": buyers[monetary].astype(float),
        }
    ).reset_index(drop=True)
    table["r_score"] = quintile_scores(table["recency_days"], higher_is_better=False)
    table["f_score"] = quintile_scores(table["frequency"])
    table["m_score"] = quintile_scores(table["monetary"])
    # Round half up: integer arithmetic, so 1.5 -> 2 and 4.5 -> 5 without banker's rounding.
    table["fm_score"] = (table["f_score"] + table["m_score"] + 1) // 2
    table["segment"] = [rfm_segment(r, fm) for r, fm in zip(table["r_score"], table["fm_score"], strict=True)]
    return table


def segment_counts(rfm: pd.DataFrame) -> dict[str, int]:
    """Customers per segment, every segment listed (zero included), in the order of ``RFM_SEGMENTS``."""
    counts = rfm["segment"].value_counts()
    return {name: int(counts.get(name, 0)) for name in RFM_SEGMENTS}


# --------------------------------------------------------------------------------------------------
# Historic value and the whale curve


def historic_value(features: pd.DataFrame) -> pd.DataFrame:
    """Historic lifetime value per customer: margin to date (revenue - cost of goods), and profit."""
    return pd.DataFrame(
        {
            "customer_id": features["customer_id"].astype(str),
            "historic_value": features["gross_margin"].astype(float),
            "profit": features["profit"].astype(float),
        }
    ).reset_index(drop=True)


def value_summary(values: pd.Series) -> dict[str, float | int | None]:
    """Count, total, mean, quantiles, min and max of a per-customer money figure."""
    values = values.astype(float).dropna()
    summary: dict[str, float | int | None] = {"customers": len(values)}
    if values.empty:
        return summary | {"total": 0.0, "mean": None, "min": None, "max": None}
    summary |= {"total": float(values.sum()), "mean": float(values.mean())}
    summary |= {f"p{round(q * 100):02d}": float(values.quantile(q)) for q in SUMMARY_QUANTILES}
    return summary | {"min": float(values.min()), "max": float(values.max())}


@dataclass
class WhaleCurve:
    """Customers ranked by profit (most profitable first) against cumulative profit.

    ``customer_share[i]`` = i / n and ``cumulative_profit[i]`` = profit of the i most profitable
    customers (both start at 0). ``cumulative_profit_share`` divides by total profit and is NaN
    when total profit is not positive (a share of a loss means nothing). The peak is where adding
    customers starts to destroy profit: the most profitable ``peak_customer_share`` of customers earn
    ``peak_profit_share`` of total profit (above 1 whenever some customers lose money).
    """

    customer_ids: np.ndarray
    customer_share: np.ndarray
    cumulative_profit: np.ndarray
    cumulative_profit_share: np.ndarray
    total_profit: float
    peak_profit: float
    peak_customer_share: float
    peak_profit_share: float | None
    value_destroying_customers: int
    value_destroying_share: float
    value_destroying_cost: float  # profit lost to them, as a positive amount

    @property
    def n_customers(self) -> int:
        return len(self.customer_ids)

    def headline(self) -> str:
        """The whale curve in one sentence."""
        if self.n_customers == 0:
            return "No customers yet."
        if self.peak_profit_share is None:
            return (
                f"Total profit is {self.total_profit:,.2f}, nothing to take shares of; the most profitable "
                f"{self.peak_customer_share:.0%} of customers earn {self.peak_profit:,.2f} and "
                f"{self.value_destroying_share:.0%} destroy value, costing {self.value_destroying_cost:,.2f}."
            )
        if self.value_destroying_customers == 0:
            return "No customer destroys value: every customer's profit is zero or more."
        return (
            f"The most profitable {self.peak_customer_share:.0%} of customers earn "
            f"{self.peak_profit_share:.0%} of total profit; {self.value_destroying_share:.0%} destroy "
            f"value, costing {self.value_destroying_cost:,.2f}."
        )

    def to_dict(self) -> dict[str, Any]:
        grid = np.linspace(0.0, 1.0, WHALE_CURVE_POINTS)
        if self.n_customers:
            profit_shares = np.interp(grid, self.customer_share, self.cumulative_profit_share)
        else:
            profit_shares = np.full(len(grid), np.nan)
        return {
            "customers": self.n_customers,
            "total_profit": _round(self.total_profit, MONEY_DECIMALS),
            "peak_profit": _round(self.peak_profit, MONEY_DECIMALS),
            "peak_customer_share": _round(self.peak_customer_share, SHARE_DECIMALS),
            "peak_profit_share": _round(self.peak_profit_share, SHARE_DECIMALS),
            "value_destroying_customers": self.value_destroying_customers,
            "value_destroying_share": _round(self.value_destroying_share, SHARE_DECIMALS),
            "value_destroying_cost": _round(self.value_destroying_cost, MONEY_DECIMALS),
            "headline": self.headline(),
            "curve": {
                "customer_share": [_round(v, SHARE_DECIMALS) for v in grid],
                "profit_share": [_round(v, SHARE_DECIMALS) for v in profit_shares],
            },
        }


def whale_curve(features: pd.DataFrame) -> WhaleCurve:
    """The whale curve of ``customer_features`` rows (needs customer_id and profit).

    Ties in profit are ordered by customer_id so the curve is reproducible.
    """
    ranked = (
        pd.DataFrame(
            {"customer_id": features["customer_id"].astype(str), "profit": features["profit"].astype(float)}
        )
        .sort_values(["profit", "customer_id"], ascending=[False, True], kind="mergesort")
        .reset_index(drop=True)
    )
    n = len(ranked)
    profit = ranked["profit"].to_numpy()
    cumulative = np.concatenate([[0.0], np.cumsum(profit)])
    customer_share = np.arange(n + 1) / n if n else np.zeros(1)
    total = float(cumulative[-1])
    shares = cumulative / total if total > 0 else np.full(n + 1, np.nan)
    # First maximum: the smallest group of top customers that earns the most.
    peak_index = int(np.argmax(cumulative))
    destroying = profit < 0
    return WhaleCurve(
        customer_ids=ranked["customer_id"].to_numpy(),
        customer_share=customer_share,
        cumulative_profit=cumulative,
        cumulative_profit_share=shares,
        total_profit=total,
        peak_profit=float(cumulative[peak_index]),
        peak_customer_share=float(customer_share[peak_index]),
        peak_profit_share=float(shares[peak_index]) if total > 0 else None,
        value_destroying_customers=int(destroying.sum()),
        value_destroying_share=float(destroying.mean()) if n else 0.0,
        value_destroying_cost=float(np.abs(profit[destroying]).sum()),
    )


# --------------------------------------------------------------------------------------------------
# The summary


def _round(value: Any, decimals: int) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else round(value, decimals)


def _json_value(value: Any) -> Any:
    """Plain JSON types: ISO dates, Python ints and bools, NaN as null."""
    if isinstance(value, datetime | pd.Timestamp):
        return value.date().isoformat() if isinstance(value, pd.Timestamp) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer | int):
        return int(value)
    if isinstance(value, np.floating | float):
        return _round(value, SHARE_DECIMALS)
    return value


@dataclass
class PortfolioSummary:
    """Everything ``keepwise metrics`` shows; ``to_dict`` / ``to_json`` give the ``--json`` form."""

    as_of: date
    period: str
    currency: str
    lost_rule: str
    customers: int
    customers_with_orders: int
    active_customers: int
    revenue: float
    cost_of_goods: float
    gross_margin: float
    cost_to_serve: float
    profit: float
    churn: pd.DataFrame
    average_churn_rate: float | None
    historic_value: dict[str, Any]
    profit_summary: dict[str, Any]
    whale: WhaleCurve
    rfm: pd.DataFrame
    rfm_segments: dict[str, int]
    cohorts: CohortMatrix

    @property
    def average_retention_rate(self) -> float | None:
        return None if self.average_churn_rate is None else 1.0 - self.average_churn_rate

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable: dates ISO, money to the cent, rates and shares to 4 decimals, NaN as null."""

        def money(values: dict[str, Any]) -> dict[str, Any]:
            return {k: v if k == "customers" else _round(v, MONEY_DECIMALS) for k, v in values.items()}

        periods = [{k: _json_value(v) for k, v in row.items()} for row in self.churn.to_dict("records")]
        return {
            "as_of": self.as_of.isoformat(),
            "period": self.period,
            "currency": self.currency,
            "customers": {
                "total": self.customers,
                "with_orders": self.customers_with_orders,
                "active": self.active_customers,
            },
            "money": {
                name: _round(getattr(self, name), MONEY_DECIMALS)
                for name in ("revenue", "cost_of_goods", "gross_margin", "cost_to_serve", "profit")
            },
            "churn": {
                "rule": self.lost_rule,
                "average_churn_rate": _round(self.average_churn_rate, SHARE_DECIMALS),
                "average_retention_rate": _round(self.average_retention_rate, SHARE_DECIMALS),
                "periods": periods,
            },
            "historic_value": money(self.historic_value),
            "profit_per_customer": money(self.profit_summary),
            "whale": self.whale.to_dict(),
            "rfm_segments": dict(self.rfm_segments),
            "cohorts": self.cohorts.to_dict(),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def _main_currency(ds: Dataset) -> str:
    orders = ds.table("orders")
    by_currency = orders.group_by("currency").aggregate(n=orders.count()).order_by(ibis.desc("n"), "currency")
    top = by_currency.limit(1).execute()
    return str(top["currency"].iloc[0]) if len(top) else str(ds.settings.general.currency).upper()


def portfolio_summary(
    ds: Dataset,
    as_of: date | datetime | str | None = None,
    period: str = "month",
    rule: ActivityRule | None = None,
    features: pd.DataFrame | None = None,
) -> PortfolioSummary:
    """Churn, cohorts, RFM, historic value and whale curve of ``ds`` at ``as_of``, in one object.

    ``features`` (the executed ``customer_features`` table) may be passed when the caller already
    has it; otherwise it is computed here. ``rule`` decides who is lost (default: ``[churn]``).
    """
    _check_period(period)
    as_of = resolve_as_of(ds, as_of)
    rule = rule or default_rule(ds)
    if features is None:
        features = customer_feature_frame(ds, as_of)
    churn = churn_by_period(ds, as_of, period, rule=rule)
    rfm = rfm_scores(features, as_of, monetary=ds.settings.rfm.monetary)
    values = historic_value(features)
    return PortfolioSummary(
        as_of=as_of,
        period=period,
        currency=_main_currency(ds),
        lost_rule=rule.description,
        customers=int(len(features)),
        customers_with_orders=int((features["n_orders"] > 0).sum()),
        active_customers=int(churn["customers_at_end"].iloc[-1]) if len(churn) else 0,
        revenue=float(features["revenue"].sum()),
        cost_of_goods=float(features["cost_of_goods"].sum()),
        gross_margin=float(features["gross_margin"].sum()),
        cost_to_serve=float(features["cost_to_serve"].sum()),
        profit=float(features["profit"].sum()),
        churn=churn,
        average_churn_rate=average_churn_rate(churn) if len(churn) else None,
        historic_value=value_summary(values["historic_value"]),
        profit_summary=value_summary(values["profit"]),
        whale=whale_curve(features),
        rfm=rfm,
        rfm_segments=segment_counts(rfm),
        cohorts=cohort_retention(ds, as_of, by=period),
    )
