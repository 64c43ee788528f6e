"""Service quality, the business's own side: how well did we deliver, answer and make things?

Per calendar period:

- on-time delivery rate: completed orders delivered on or before the promised day / completed
  orders with both dates, by delivery period;
- ticket resolution time: hours from ``opened_at`` to ``closed_at`` (median), by opening period. The
  contract's first response time is not used yet, so time to close stands in for it, and the report says so;
- defect rate: returns marked defective / completed orders, both by their own period;
- substantiated complaints: complaints the business was found at fault for, by opening period.

A measure whose records are absent (no tickets table, no promised/delivered dates) is ``None`` with
nothing made up; the report states it is not available.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time

import numpy as np
import pandas as pd

from keepwise.data.loader import Dataset
from keepwise.metrics.periods import PANDAS_FREQ

# The trend compares the last this-many complete-or-current periods with as many before them.
TREND_PERIODS = {"month": 6, "quarter": 2, "year": 1}
def trend_periods(period: str) -> int:
    """How many periods make "recent" in a service trend (and as many before them make "prior")."""
    return TREND_PERIODS.get(period, 6)


MEASURES = ("on_time_rate", "resolution_hours", "defect_rate", "substantiated_complaints")


@dataclass
class ServiceQuality:
    """Per-period service measures; a column is all-NaN (and listed in ``missing``) when its records are absent."""

    periods: pd.DataFrame  # period_start, on_time_rate, n_delivered, resolution_hours, defect_rate, ...
    missing: dict[str, str]  # measure -> translation key of what is absent (``missing.*``)
    totals: dict[str, float]

    def available(self, measure: str) -> bool:
        return measure not in self.missing

    def trend(self, measure: str, period: str) -> tuple[float | None, float | None]:
        """(recent, prior): the measure over the last N periods and the N before (pooled where it is a rate)."""
        n = trend_periods(period)
        frame = self.periods
        if not self.available(measure) or len(frame) < 2:
            return None, None
        recent, prior = frame.iloc[-n:], frame.iloc[-2 * n : -n]

        def pooled(rows: pd.DataFrame) -> float | None:
            if rows.empty:
                return None
            if measure == "on_time_rate":
                total = rows["n_delivered"].sum()
                return float(rows["n_on_time"].sum() / total) if total else None
            if measure == "defect_rate":
                total = rows["n_orders"].sum()
                return float(rows["n_defective_returns"].sum() / total) if total else None
            if measure == "resolution_hours":
                values = rows["resolution_hours"].dropna()
                return float(values.median()) if len(values) else None
            return float(rows["substantiated_complaints"].sum())

        return pooled(recent), pooled(prior)

    def verdict(self, measure: str, period: str) -> str | None:
        """"worse", "better" or "same" for the recent periods against the ones before; None without both."""
        recent, prior = self.trend(measure, period)
        if recent is None or prior is None:
            return None
        # On-time delivery lives near 100%: half a point is a real change there, 5% of it would be five points.
        tolerance = {"abs_tol": 0.005} if measure == "on_time_rate" else {"rel_tol": 0.05}
        if math.isclose(recent, prior, **tolerance):
            return "same"
        higher_is_worse = measure != "on_time_rate"
        return "worse" if (recent > prior) == higher_is_worse else "better"


def _period_start(moments: pd.Series, period: str) -> pd.Series:
    return pd.to_datetime(moments).dt.to_period(PANDAS_FREQ[period]).dt.start_time


def _executed(ds: Dataset, name: str, columns: list[str], moment: str, as_of: date) -> pd.DataFrame:
    table = ds.table(name)
    table = table.filter(table[moment] <= datetime.combine(as_of, time.max))
    return table.select(*columns).execute()


def service_quality(ds: Dataset, as_of: date, period: str = "month") -> ServiceQuality:
    """The four service measures per period, from orders, returns and tickets up to ``as_of``."""
    orders = _executed(ds, "orders", ["ordered_at", "status", "promised_at", "delivered_at"], "ordered_at", as_of)
    orders = orders[orders["status"] == "completed"]
    missing: dict[str, str] = {}
    totals: dict[str, float] = {}
    frames = []

    order_counts = orders.groupby(_period_start(orders["ordered_at"], period)).size().rename("n_orders")
    frames.append(order_counts)

    dated = orders.dropna(subset=["promised_at", "delivered_at"])
    if dated.empty:
        missing["on_time_rate"] = "missing.no_delivery_dates"
    else:
        on_time = dated["delivered_at"].dt.normalize() <= dated["promised_at"].dt.normalize()
        by_period = _period_start(dated["delivered_at"], period)
        frames.append(dated.groupby(by_period).size().rename("n_delivered"))
        frames.append(on_time.groupby(by_period).sum().rename("n_on_time"))
        totals["n_delivered"] = float(len(dated))
        totals["n_late"] = float((~on_time).sum())

    if "returns" not in ds.present:
        missing["defect_rate"] = "missing.no_returns"
    else:
        returns = _executed(ds, "returns", ["returned_at", "defective", "amount"], "returned_at", as_of)
        defective = returns[returns["defective"].fillna(False).astype(bool)]
        frames.append(
            defective.groupby(_period_start(defective["returned_at"], period)).size().rename("n_defective_returns")
        )
        totals["n_defective_returns"] = float(len(defective))
        totals["defective_refunded"] = float(defective["amount"].sum())
        if returns["defective"].isna().all():
            missing["defect_rate"] = "missing.defect_not_recorded"

    if "tickets" not in ds.present:
        missing["resolution_hours"] = "missing.no_tickets"
        missing["substantiated_complaints"] = "missing.no_tickets"
    else:
        tickets = _executed(ds, "tickets", ["opened_at", "closed_at", "kind", "substantiated"], "opened_at", as_of)
        closed = tickets.dropna(subset=["closed_at"])
        if closed.empty:
            missing["resolution_hours"] = "missing.no_closed_tickets"
        else:
            hours = (closed["closed_at"] - closed["opened_at"]).dt.total_seconds() / 3600.0
            frames.append(hours.groupby(_period_start(closed["opened_at"], period)).median().rename("resolution_hours"))
            totals["median_resolution_hours"] = float(hours.median())
        complaints = tickets[tickets["kind"] == "complaint"]
        judged = complaints["substantiated"]
        substantiated = complaints[judged.fillna(False).astype(bool)]
        by_period = _period_start(complaints["opened_at"], period)
        frames.append(complaints.groupby(by_period).size().rename("complaints"))
        frames.append(
            substantiated.groupby(_period_start(substantiated["opened_at"], period))
            .size()
            .rename("substantiated_complaints")
        )
        totals["complaints"] = float(len(complaints))
        totals["substantiated_complaints"] = float(len(substantiated))
        if complaints.empty:
            missing["substantiated_complaints"] = "missing.no_complaints"
        elif judged.isna().all():
            missing["substantiated_complaints"] = "missing.complaints_not_judged"

    periods = pd.concat(frames, axis=1).sort_index()
    if len(periods):
        full = pd.period_range(periods.index.min(), pd.Timestamp(as_of), freq=PANDAS_FREQ[period]).start_time
        periods = periods.reindex(full)
    for count in ("n_orders", "n_delivered", "n_on_time", "n_defective_returns", "complaints", "substantiated_complaints"):
        if count in periods:
            periods[count] = periods[count].fillna(0)
    periods["on_time_rate"] = (
        periods["n_on_time"] / periods["n_delivered"].replace(0, np.nan) if "n_delivered" in periods else np.nan
    )
    periods["defect_rate"] = (
        periods["n_defective_returns"] / periods["n_orders"].replace(0, np.nan)
        if "n_defective_returns" in periods
        else np.nan
    )
    if "resolution_hours" not in periods:
        periods["resolution_hours"] = np.nan
    if "substantiated_complaints" not in periods:
        periods["substantiated_complaints"] = np.nan
    periods.index.name = "period_start"
    return ServiceQuality(periods=periods.reset_index(), missing=missing, totals=totals)
