"""A campaign's members from the touches table, and what each did within N days after their touch.

A member is a customer with a touch of the campaign; with several, their first one counts (its day
and its ``control`` flag). A member "returned" when they made a completed order within N days after
that touch's ``at`` (later than it, at most N x 24 hours). Revenue and gross margin (revenue - cost
of goods) of those orders are summed per member. Queried in the engine: one row per member travels.
"""

from __future__ import annotations

from datetime import date, timedelta

import ibis
import pandas as pd

from keepwise.data.days import end_of_day
from keepwise.data.loader import Dataset
from keepwise.text.problems import Phrased

MEMBER_COLUMNS = ("customer_id", "at", "control", "cost", "returned", "revenue", "margin")


class CampaignError(Phrased, ValueError):
    """A campaign that cannot be measured; the message (a catalog key and its facts) says why."""


def campaign_members(ds: Dataset, campaign_id: str, as_of: date, window_days: int) -> pd.DataFrame:
    if window_days <= 0:
        raise CampaignError("error.campaign_window", days=window_days)
    touches = ds.table("touches")
    touches = touches.filter(
        (touches.campaign_id == campaign_id) & (touches.at <= end_of_day(as_of))
    )
    first = touches.group_by("customer_id").aggregate(
        at=touches.at.min(),
        # The first touch's group; of touches at that same moment, a contacted one over a held-back one (the
        # customer did get the campaign), not one of them at random.
        control=touches.control.argmin(ibis.struct({"at": touches.at, "control": touches.control})),
        cost=touches.cost.sum(),
    )
    orders = ds.table("orders")
    orders = orders.filter(orders.status == "completed")
    joined = first.left_join(
        orders,
        (first.customer_id == orders.customer_id)
        & (orders.ordered_at > first.at)
        & (orders.ordered_at <= first.at + ibis.interval(days=window_days)),
    )
    per_member = joined.group_by([first.customer_id, first.at, first.control, first.cost]).aggregate(
        returned=joined.order_id.count() > 0,
        revenue=joined.revenue.sum().fill_null(0.0),
        margin=(joined.revenue - joined.cost_of_goods).sum().fill_null(0.0),
    )
    members = per_member.to_pyarrow().to_pandas()
    members["customer_id"] = members["customer_id"].astype(str)
    return members[list(MEMBER_COLUMNS)].sort_values("customer_id").reset_index(drop=True)


def window_end(members: pd.DataFrame, window_days: int) -> date | None:
    """The day the last member's window closes (later than as_of means the windows are not complete)."""
    if members.empty:
        return None
    return (pd.Timestamp(members["at"].max()) + timedelta(days=window_days)).date()
