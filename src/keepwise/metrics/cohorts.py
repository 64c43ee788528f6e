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
    members = members.mutate(cohort=period_number(members.cohort_day, by))

    buying = purchases.select("customer_id", bought=period_number(purchases.day, by)).distinct()
    cells = buying.join(members, "customer_id")
    cells = cells.mutate(since=cells.bought - cells.cohort).filter(lambda t: t.since >= 0)
    # A customer is one row per period they bought in (``buying`` is distinct) and has one cohort, so the
    # rows of a (cohort, since) cell are its distinct buyers: counted, not hashed again.
    counts = cells.group_by(["cohort", "since"]).aggregate(buyers=cells.count()).execute()
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
