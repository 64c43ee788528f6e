"""Timetable rules ([[cadence.rules]]) to candidate touches, one trigger at a time, vectorised.

What each ``when`` means (the same words document it in keepwise.toml):

- ``first_purchase``: ``days`` after the first completed order; sent once (anchor: that order's day).
- ``delivery``: ``days`` after each known delivery (anchor: the delivery day).
- ``gap``: at once when the days since the last purchase pass ``[cadence] gap_ratio`` x the usual gap
  between purchase days (customers with two purchase days or more); once per silence (anchor: the
  last purchase).
- ``anniversary``: ``days`` before each yearly anniversary of the first purchase (anchor:
  ``anniversary_window_days`` before the anniversary).
- ``monthly``: on day ``days`` of every month (anchor: the month's first day).
- ``every``: every ``days`` days after the last touch of the rule's kind; a customer who never had
  one gets the first on a day spread over the first ``days`` of the window by their id, so a
  quarterly call to 400 customers is not 400 calls on one day (anchor: ``days`` before it).
- ``now``: at the start of the window, once since the last purchase (anchor: the last purchase).

Touches whose natural day has passed (``gap``, ``every``, ``now``) fall due on the window's first
day; dated events (first purchase, delivery, anniversary, month) only on their own day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from keepwise.cadence.candidates import NO_DAY, candidates, empty_candidates
from keepwise.config import Settings, TouchRule

ONE_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Window:
    """The days touches are listed for (inclusive) and the day the data is judged as of."""

    as_of: np.datetime64
    start: np.datetime64
    end: np.datetime64

    def holds(self, days: np.ndarray) -> np.ndarray:
        return (days >= self.start) & (days <= self.end)


def eligible(rule: TouchRule, people: pd.DataFrame) -> pd.DataFrame:
    """The customers a rule is for: one of its actions and one of its tiers (empty lists: everyone)."""
    keep = np.ones(len(people), dtype=bool)
    if rule.actions:
        keep &= people["action"].isin(rule.actions).to_numpy()
    if rule.tiers:
        keep &= people["tier"].isin(rule.tiers).to_numpy()
    return people[keep]


def _make(rule: TouchRule, order: int, customer_id, due, anchor, code: str, **reason) -> pd.DataFrame:
    return candidates(
        customer_id, due, rule=rule.name, order=order, kind=rule.kind, channel=rule.channel,
        template=rule.template, code=code, anchor=anchor, **reason,
    )


def _first_purchase(rule, order, who, window, context) -> pd.DataFrame:
    first = who["first_day"].to_numpy()
    due = first + rule.days * ONE_DAY
    keep = window.holds(due)
    return _make(rule, order, who["customer_id"].to_numpy()[keep], due[keep], first[keep], "first_purchase",
                 reason_date=first[keep])


def _delivery(rule, order, who, window, context) -> pd.DataFrame:
    shift = rule.days * ONE_DAY
    delivered = context.deliveries(window.start - shift, window.end - shift)
    delivered = delivered[delivered["customer_id"].isin(who["customer_id"])]
    day = delivered["day"].to_numpy().astype("datetime64[D]")
    return _make(rule, order, delivered["customer_id"].to_numpy(), day + shift, day, "delivery", reason_date=day)


def _gap(rule, order, who, window, context) -> pd.DataFrame:
    gap = who["usual_gap"].to_numpy()
    rhythm = (who["purchase_days"].to_numpy() >= 2) & np.isfinite(gap) & (gap > 0)
    who, gap = who[rhythm], gap[rhythm]
    last = who["last_day"].to_numpy()
    due = last + np.ceil(context.settings.cadence.gap_ratio * gap).astype("int64") * ONE_DAY
    due = np.maximum(due, window.start)
    keep = due <= window.end
    return _make(rule, order, who["customer_id"].to_numpy()[keep], due[keep], last[keep], "gap",
                 reason_date=last[keep], reason_value=np.round(gap[keep]))


def _anniversary(rule, order, who, window, context) -> pd.DataFrame:
    who = who[~pd.isna(who["first_day"])]
    first = pd.to_datetime(who["first_day"])
    frames = []
    for year in range(int(str(window.start)[:4]), int(str(window.end)[:4]) + 2):
        day = np.where((first.dt.month == 2) & (first.dt.day == 29), 28, first.dt.day)
        anniversary = pd.to_datetime(
            pd.DataFrame({"year": year, "month": first.dt.month, "day": day})
        ).to_numpy().astype("datetime64[D]")
        due = anniversary - rule.days * ONE_DAY
        years = year - first.dt.year.to_numpy()
        keep = window.holds(due) & (years >= 1)
        anchor = anniversary - context.settings.cadence.anniversary_window_days * ONE_DAY
        frames.append(_make(rule, order, who["customer_id"].to_numpy()[keep], due[keep], anchor[keep],
                            "anniversary", reason_date=anniversary[keep], reason_value=years[keep]))
    return pd.concat(frames, ignore_index=True)


def _monthly(rule, order, who, window, context) -> pd.DataFrame:
    months = pd.period_range(pd.Timestamp(window.start), pd.Timestamp(window.end), freq="M")
    frames = []
    for month in months:
        day = min(rule.days, month.days_in_month)
        due = np.datetime64(month.start_time.date() + pd.Timedelta(days=day - 1), "D")
        if not window.holds(np.array([due]))[0]:
            continue
        start = np.datetime64(month.start_time.date(), "D")
        frames.append(_make(rule, order, who["customer_id"].to_numpy(), due, start, "monthly", reason_date=due))
    return pd.concat(frames, ignore_index=True) if frames else empty_candidates()


def _every(rule, order, who, window, context) -> pd.DataFrame:
    period = max(rule.days, 1)
    last = context.last_touch_of(rule.kind, who["customer_id"])
    spread = (pd.util.hash_pandas_object(who["customer_id"], index=False).to_numpy() % period).astype("int64")
    first_due = np.where(pd.isna(last), window.start + spread * ONE_DAY, last + period * ONE_DAY)
    first_due = np.maximum(first_due.astype("datetime64[D]"), window.start)
    count = np.where(first_due <= window.end, (window.end - first_due) // (period * ONE_DAY) + 1, 0).astype(int)
    owner = np.repeat(np.arange(len(who)), count)
    step = np.arange(len(owner)) - np.repeat(np.cumsum(count) - count, count)
    due = first_due[owner] + step * period * ONE_DAY
    code = "every_tier" if rule.tiers else "every_action" if rule.actions else "every"
    return _make(rule, order, who["customer_id"].to_numpy()[owner], due, due - (period - 1) * ONE_DAY, code,
                 reason_value=np.full(len(owner), float(period)))


def _now(rule, order, who, window, context) -> pd.DataFrame:
    last = who["last_day"].to_numpy()
    anchor = np.where(pd.isna(last), np.datetime64("1900-01-01", "D"), last).astype("datetime64[D]")
    return _make(rule, order, who["customer_id"].to_numpy(), window.start, anchor, "now",
                 reason_date=np.full(len(who), window.as_of))


TRIGGERS = {
    "first_purchase": _first_purchase,
    "delivery": _delivery,
    "gap": _gap,
    "anniversary": _anniversary,
    "monthly": _monthly,
    "every": _every,
    "now": _now,
}


def rule_candidates(rule: TouchRule, order: int, people: pd.DataFrame, window: Window, context) -> pd.DataFrame:
    """The touches one rule asks for in the window (before any limit)."""
    who = eligible(rule, people)
    if who.empty:
        return empty_candidates()
    return TRIGGERS[rule.when](rule, order, who, window, context)


def all_rule_candidates(settings: Settings, people: pd.DataFrame, window: Window, context) -> pd.DataFrame:
    frames = [rule_candidates(rule, order, people, window, context) for order, rule in enumerate(settings.cadence.rules)]
    frames = [frame for frame in frames if len(frame)]
    return pd.concat(frames, ignore_index=True) if frames else empty_candidates()


__all__ = ["NO_DAY", "TRIGGERS", "Window", "all_rule_candidates", "eligible", "rule_candidates"]
