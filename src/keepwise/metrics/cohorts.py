"""Cohort retention: the share of each signup (or first-purchase) cohort buying k periods later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import ibis
import numpy as np
import pandas as pd

from keepwise.data.loader import Dataset
from keepwise.metrics.activity import completed_purchases, resolve_as_of
from keepwise.metrics.figures import SHARE_DECIMALS, round_or_none
from keepwise.metrics.periods import check_period, period_number, period_number_of_date, period_of_number

# Periods per bitmap: the bits of a 64-bit integer below its sign, so that no shift reaches it.
PERIODS_PER_BITMAP = 63
# The longest span of periods counted with bitmaps (four per customer; 21 years by month); a longer one, or
# another engine than DuckDB, takes the distinct (customer, period) pairs (``_counted_by_pairs``), whose
# query does not grow with the span.
MAX_BITMAP_PERIODS = 4 * PERIODS_PER_BITMAP


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
                    "retention": [round_or_none(v, SHARE_DECIMALS) for v in self.shares.loc[cohort].tolist()],
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
    check_period(by)
    if cohort_on not in ("first_order", "signed_up"):
        raise ValueError(f"cohort_on must be 'first_order' or 'signed_up', got {cohort_on!r}")
    as_of = resolve_as_of(ds, as_of)
    purchases = completed_purchases(ds, as_of)
    # ibis's Spark backend has no bit_or: the bitmaps are DuckDB's.
    span = _period_span(purchases, by) if ibis.get_backend(purchases).name == "duckdb" else None
    if span is None or span[1] - span[0] >= MAX_BITMAP_PERIODS:
        members, counts = _counted_by_pairs(ds, purchases, as_of, by, cohort_on)
    else:
        members, counts = _counted_by_bitmaps(ds, purchases, as_of, by, cohort_on, span)
    if cohort_on == "first_order":
        # Every member bought in the period of their first order: a cohort's size is its buyers then.
        sizes = counts.loc[counts["since"] == 0, ["cohort", "buyers"]].rename(columns={"buyers": "customers"})
    else:
        sizes = members.group_by("cohort").aggregate(customers=members.count()).execute()

    sizes = sizes.set_index("cohort")["customers"].sort_index()
    last = period_number_of_date(as_of, by)
    width = max((last - int(sizes.index.min()) + 1) if len(sizes) else 0, 0)
    buyers = (
        counts.pivot_table(index="cohort", columns="since", values="buyers", aggfunc="sum")
        .reindex(index=sizes.index, columns=range(width))
        .fillna(0)
    )
    observed = np.arange(width)[None, :] <= (last - sizes.index.to_numpy())[:, None]
    shares = buyers.div(sizes, axis=0).where(observed)
    buyers = buyers.where(observed)

    labels = pd.Index([str(period_of_number(int(n), by)) for n in sizes.index], name="cohort")
    shares.index = buyers.index = labels
    shares.columns = buyers.columns = pd.Index(range(width), name="periods_since")
    sizes.index = labels
    return CohortMatrix(by=by, cohort_on=cohort_on, shares=shares, buyers=buyers, sizes=sizes.astype(int))


def _period_span(purchases: ibis.Table, by: str) -> tuple[int, int] | None:
    """The first and the last period with a purchase, or None without purchases."""
    span = purchases.aggregate(first=purchases.day.min(), last=purchases.day.max()).to_pyarrow().to_pylist()[0]
    if span["first"] is None:
        return None
    return period_number_of_date(span["first"], by), period_number_of_date(span["last"], by)


def _members(ds: Dataset, first: ibis.Table, as_of: date, by: str, cohort_on: str) -> ibis.Table:
    """The cohorts' members, one row per customer with their ``cohort``: from ``first`` (a customer's
    ``first_day`` of purchase, and maybe more columns, kept), or the customers by sign-up day."""
    if cohort_on == "signed_up":
        registered = ds.table("customers")
        joined = registered.left_join(first, registered.customer_id == first.customer_id)
        members = joined.select(
            registered.customer_id,
            *(first[name] for name in first.columns if name not in ("customer_id", "first_day")),
            cohort_day=ibis.coalesce(registered.signed_up_at.date(), first.first_day),
        )
        members = members.filter(members.cohort_day.notnull() & (members.cohort_day <= as_of))
    else:
        members = first.mutate(cohort_day=first.first_day)
    return members.mutate(cohort=period_number(members.cohort_day, by))


def _counted_by_pairs(ds: Dataset, purchases: ibis.Table, as_of: date, by: str, cohort_on: str
                      ) -> tuple[ibis.Table, pd.DataFrame]:
    """The members and, per (cohort, since), the members buying ``since`` periods after joining (cells with
    buyers only): from the distinct (customer, period) pairs of the purchases joined to the members."""
    first = purchases.group_by("customer_id").aggregate(first_day=purchases.day.min())
    members = _members(ds, first, as_of, by, cohort_on)
    buying = purchases.select("customer_id", bought=period_number(purchases.day, by)).distinct()
    cells = buying.join(members, "customer_id")
    cells = cells.mutate(since=cells.bought - cells.cohort).filter(lambda t: t.since >= 0)
    # A customer is one row per period they bought in (``buying`` is distinct) and has one cohort, so the
    # rows of a (cohort, since) cell are its distinct buyers: counted, not hashed again.
    return members, cells.group_by(["cohort", "since"]).aggregate(buyers=cells.count()).execute()


def _counted_by_bitmaps(ds: Dataset, purchases: ibis.Table, as_of: date, by: str, cohort_on: str,
                        span: tuple[int, int]) -> tuple[ibis.Table, pd.DataFrame]:
    """What ``_counted_by_pairs`` gives, from one aggregate of the purchases per customer: the periods a
    customer bought in as bits of 64-bit integers (period ``first_period + k`` is bit ``k % 63`` of bitmap ``k //
    63``), then per cohort, for each period, the members with its bit set. No (customer, period) pair is
    hashed or joined (``cohort_retention`` at 1,000,000 customers, 14.3M purchases, by month: 1.77-1.81 ->
    0.89-0.90 s; by sign-up: 2.30-2.46 -> 1.45-1.70 s)."""
    first_period, last_period = span
    offset = period_number(purchases.day, by) - first_period
    one = ibis.literal(1, "int64")
    bitmaps = {
        # The shift only where the purchase's period is in the bitmap: out of its range it could be an error.
        f"bought_{k}": ibis.ifelse(offset // PERIODS_PER_BITMAP == k, one << (offset - k * PERIODS_PER_BITMAP), 0).bit_or()
        for k in range((last_period - first_period) // PERIODS_PER_BITMAP + 1)
    }
    per_customer = purchases.group_by("customer_id").aggregate(first_day=purchases.day.min(), **bitmaps)
    members = _members(ds, per_customer, as_of, by, cohort_on)

    def bought(period: int) -> ibis.IntegerValue:
        place = period - first_period
        return (members[f"bought_{place // PERIODS_PER_BITMAP}"] >> (place % PERIODS_PER_BITMAP)) & 1

    # Per cohort, a column per period: its members with a purchase then, not before joining (a sign-up cohort's
    # earlier purchases do not count); a member without purchases has no bitmaps, counted by none.
    periods = range(first_period, last_period + 1)
    table = members.group_by("cohort").aggregate(
        **{f"p{period}": bought(period).sum(where=members.cohort <= period) for period in periods}
    ).to_pyarrow().to_pandas()
    # The cells with buyers: (cohort row, period column) of the counts; a null count is a cell nobody is in.
    buyers = np.nan_to_num(table[[f"p{period}" for period in periods]].to_numpy(dtype=float))
    row, column = np.nonzero(buyers > 0)
    cohort = table["cohort"].to_numpy()[row]
    cells = pd.DataFrame({"cohort": cohort, "since": np.asarray(periods, dtype=np.int64)[column] - cohort,
                          "buyers": buyers[row, column].astype(np.int64)})
    return members.select("customer_id", "cohort"), cells
