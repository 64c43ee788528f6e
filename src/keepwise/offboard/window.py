"""Each customer's economics over the trailing window (``[offboard] window_days`` up to as-of).

Proposals and the policy review speak of a year's money: "charging for change requests would bring
180.00 a year". The figures are the feature table's cumulative ones (``keepwise.metrics.features``,
the one home of revenue, cost of goods and every cost to serve) at as-of minus the same at the
window's start, so no cost is computed twice. Late-payment interest on an invoice still open accrues
to as-of, so its difference is the interest accrued within the window. Marketing spend (touches of a
marketing kind, the held-back control group excluded) is aggregated in the engine.

``yearly`` scales a window figure to a year (``365 / window_days``); with the default window of 365
days it is the figure itself.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from keepwise.config import Settings
from keepwise.data.days import end_of_day
from keepwise.data.loader import Dataset
from keepwise.data.positions import reindexed
from keepwise.data.schema import MARKETING_TOUCH_KINDS
from keepwise.metrics.features import customer_feature_frame

__all__ = ["WINDOW_COLUMNS", "window_economics", "window_start", "yearly"]

# Cumulative feature columns whose difference is the window's flow.
WINDOW_COLUMNS = (
    "revenue",
    "list_price",
    "discount",
    "cost_of_goods",
    "n_orders",
    "change_requests",
    "n_returns",
    "n_non_defective_returns",
    "handle_minutes",
    "handle_minutes_substantiated",
    "cost_staff",
    "cost_returns",
    "cost_changes",
    "cost_late_payment",
    "cost_write_offs",
    "cost_to_serve",
    "cost_business_fault",
    "profit",
    "profit_customer_view",
)


def window_start(as_of: date, settings: Settings) -> date:
    """The last day before the window: the window is (start, as_of]."""
    return as_of - timedelta(days=settings.offboard.window_days)


def yearly(settings: Settings) -> float:
    """The factor from a window figure to a yearly one."""
    return 365.0 / settings.offboard.window_days


def _marketing_spend(ds: Dataset, start: date, as_of: date) -> pd.Series:
    touches = ds.table("touches")
    begin = end_of_day(start)
    end = end_of_day(as_of)
    spent = touches.filter(
        touches.kind.isin(MARKETING_TOUCH_KINDS)
        & ~touches.control
        & (touches.at > begin)
        & (touches.at <= end)
    )
    frame = spent.group_by("customer_id").aggregate(marketing_spend=spent.cost.sum()).to_pyarrow().to_pandas()
    return frame.set_index("customer_id")["marketing_spend"].astype(float)


def window_economics(ds: Dataset, as_of: date, features: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per customer (index ``customer_id``): the ``WINDOW_COLUMNS`` flows within the window, and
    ``marketing_spend``. ``features`` may be the as-of feature table a caller already holds."""
    settings = ds.settings
    start = window_start(as_of, settings)
    now = features if features is not None else customer_feature_frame(ds, as_of)
    before = customer_feature_frame(ds, start, columns=WINDOW_COLUMNS)
    columns = list(WINDOW_COLUMNS)
    now_values = now.set_index("customer_id")[columns].astype(float)
    before_values = reindexed(before.set_index("customer_id")[columns].astype(float), now_values.index).fillna(0.0)
    flows = now_values - before_values
    flows["marketing_spend"] = reindexed(_marketing_spend(ds, start, as_of), flows.index).fillna(0.0)
    return flows
