"""The dated records the timetable reads, queried in the engine (only the rows that matter travel).

Each function returns a small pandas frame with ``customer_id`` and a ``day`` (numpy day) column.
"""

from __future__ import annotations

from datetime import date, datetime, time

import ibis
import pandas as pd

from keepwise.data.days import end_of_day
from keepwise.data.loader import Dataset


def _within(column, since: date, as_of: date):
    """``column`` (a timestamp) falls on a day from ``since`` to ``as_of``, both included."""
    return (column >= datetime.combine(since, time.min)) & (column <= end_of_day(as_of))


def _frame(expr: ibis.Table) -> pd.DataFrame:
    frame = expr.to_pyarrow().to_pandas()
    # Object strings, not Arrow ones: the engine merges and maps on them (see candidates.py).
    for name in frame.columns:
        if name != "day":
            frame[name] = frame[name].astype(object)
    frame["day"] = pd.to_datetime(frame["day"]).to_numpy().astype("datetime64[D]")
    return frame


def deliveries(ds: Dataset, as_of: date, first: date, last: date) -> pd.DataFrame:
    """Completed orders delivered by ``as_of`` (known deliveries) on days ``first`` .. ``last``."""
    orders = ds.table("orders")
    delivered = orders.delivered_at
    expr = orders.filter(
        (orders.status == "completed")
        & delivered.notnull()
        & (delivered <= end_of_day(as_of))
        & (delivered >= datetime.combine(first, time.min))
        & (delivered <= end_of_day(last))
    ).select(customer_id=orders.customer_id, day=delivered.date())
    return _frame(expr.distinct())


def complaints(ds: Dataset, as_of: date, since: date) -> pd.DataFrame:
    """Complaints opened from ``since`` to ``as_of``, with their severity."""
    tickets = ds.table("tickets")
    expr = tickets.filter(
        (tickets.kind == "complaint")
        & _within(tickets.opened_at, since, as_of)
    ).select(customer_id=tickets.customer_id, day=tickets.opened_at.date(), severity=tickets.severity)
    return _frame(expr)


def unsubscribes(ds: Dataset, as_of: date, since: date) -> pd.DataFrame:
    """Newsletter unsubscribes from ``since`` to ``as_of``."""
    engagement = ds.table("engagement")
    expr = engagement.filter(
        (engagement.kind == "newsletter_unsubscribe")
        & _within(engagement.at, since, as_of)
    ).select(customer_id=engagement.customer_id, day=engagement.at.date())
    return _frame(expr)


def last_touches(ds: Dataset, as_of: date) -> pd.DataFrame:
    """The latest touch of each kind per customer up to ``as_of``, held-back ones included (never the same twice)."""
    touches = ds.table("touches")
    touches = touches.filter(touches.at <= end_of_day(as_of))
    expr = touches.group_by(["customer_id", "kind"]).aggregate(day=touches.at.max().date())
    return _frame(expr)


def contacts(ds: Dataset, as_of: date, since: date) -> pd.DataFrame:
    """Touches actually made (``control`` false) from ``since`` to ``as_of``: they count towards the cap."""
    touches = ds.table("touches")
    expr = touches.filter(
        ~touches.control
        & _within(touches.at, since, as_of)
    ).select(customer_id=touches.customer_id, day=touches.at.date())
    return _frame(expr)


def offboarding_letters(ds: Dataset, as_of: date, since: date) -> pd.DataFrame:
    """The latest offboarding letter per customer from ``since`` to ``as_of`` (an offboarding decision)."""
    touches = ds.table("touches")
    letters = touches.filter(
        (touches.kind == "offboarding_letter")
        & _within(touches.at, since, as_of)
    )
    expr = letters.group_by("customer_id").aggregate(day=letters.at.max().date())
    return _frame(expr)
