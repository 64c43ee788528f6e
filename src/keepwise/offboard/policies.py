"""Policy review: what each generous policy costs a year, who consumes it, and what tightening it would do.

Over the trailing window (``keepwise.offboard.window``), per customer, in the engine:

- ``free_returns``: processing of returns not for a defect (``[costs] return_processing`` each).
  Tightening: ``[policies] restocking_fee`` on every such return after the ``restocking_free_returns``-th
  in the window.
- ``discounts``: the discounts given (list price minus revenue, completed orders). Tightening: no
  order discounted beyond ``max_discount_share`` of its list price.
- ``free_order_changes``: change requests at ``[costs] change_request``. Tightening:
  ``change_request_fee`` per change request.
- ``payment_terms``: late-payment interest and write-offs. Tightening: prepayment once a customer has
  ``prepayment_after_late_invoices`` late invoices in the window: the lateness cost of their later
  late invoices is saved.

The profit effect assumes customers keep behaving as they did (a fee is collected, not avoided); it
is an upper bound of what tightening brings. A policy's users are the customers it cost anything;
``top_shares`` is the share of its cost consumed by the top 1%, 5% and 10% of them (at least one
customer each). The customers a tightening touches are counted by their assessed action, so a
review shows how many ``nurture`` customers a new fee would hit.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date

import ibis
import numpy as np
import pandas as pd

from keepwise.data.days import end_of_day
from keepwise.data.loader import Dataset
from keepwise.data.positions import reindexed
from keepwise.metrics.table_aggregates import invoice_lateness
from keepwise.offboard.window import window_economics, window_start, yearly

__all__ = ["POLICIES", "PolicyReview", "policy_review", "top_shares"]

POLICIES = ("free_returns", "discounts", "free_order_changes", "payment_terms")


@dataclass
class PolicyReview:
    policy: str
    yearly_cost: float
    users: int
    top_shares: dict[str, float]  # "1%" -> share of the cost consumed by the top 1% of users
    tightening: str  # code of the tightened rule
    profit_effect: float  # yearly
    touched: int
    touched_by_action: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def top_shares(costs: pd.Series, shares: list[float]) -> dict[str, float]:
    """Share of the total consumed by the top ``share`` of users (customers with a cost above 0)."""
    used = np.sort(costs[costs > 0].to_numpy(float))[::-1]
    total = used.sum()
    result = {}
    for share in shares:
        label = f"{share * 100:g}%"
        if total <= 0:
            result[label] = 0.0
            continue
        top = max(1, math.ceil(share * len(used)))
        result[label] = round(float(used[:top].sum() / total), 4)
    return result


def _engine_effects(ds: Dataset, as_of: date) -> pd.DataFrame:
    """Per customer, from order and invoice rows in the window: discount beyond the cap, and the
    lateness cost of late invoices after the prepayment threshold."""
    settings = ds.settings
    policy = settings.policies
    begin = end_of_day(window_start(as_of, settings))
    end = end_of_day(as_of)

    orders = ds.table("orders")
    orders = orders.filter(
        (orders.status == "completed") & (orders.ordered_at > begin) & (orders.ordered_at <= end)
    )
    list_price = orders.revenue + orders.discount
    beyond = ibis.greatest(orders.discount - policy.max_discount_share * list_price, 0.0)
    discounts = orders.group_by("customer_id").aggregate(discount_beyond_cap=beyond.sum())

    invoices = ds.table("invoices")
    invoices = invoices.filter((invoices.issued_at > begin) & (invoices.issued_at <= end))
    late = invoice_lateness(invoices, ibis.literal(as_of), settings.costs.late_payment_yearly_rate)
    lateness = invoices.mutate(
        _late=late["paid_late"] | late["overdue_unpaid"] | late["written_off"],
        _cost=late["interest"] + late["written_off_amount"],
    )
    lateness = lateness.filter(lateness._late)
    ranked = lateness.mutate(
        _rank=ibis.row_number().over(
            group_by=lateness.customer_id, order_by=[lateness.due_at, lateness.invoice_id]
        )
    )
    after = ranked.filter(ranked._rank >= policy.prepayment_after_late_invoices)  # row_number counts from 0
    prepayment = after.group_by("customer_id").aggregate(prepayment_saving=after._cost.sum())

    frames = [part.to_pyarrow().to_pandas().set_index("customer_id") for part in (discounts, prepayment)]
    return pd.concat(frames, axis=1)


def policy_review(
    ds: Dataset,
    as_of: date,
    assessment: pd.DataFrame,
    features: pd.DataFrame | None = None,
    flows: pd.DataFrame | None = None,
) -> list[PolicyReview]:
    """One ``PolicyReview`` per policy in ``POLICIES``, yearly figures in the configured currency.
    ``flows`` may be the ``window_economics`` a caller already holds."""
    settings = ds.settings
    policy, costs = settings.policies, settings.costs
    scale = yearly(settings)
    flows = flows if flows is not None else window_economics(ds, as_of, features)
    engine = reindexed(_engine_effects(ds, as_of), flows.index).fillna(0.0)
    actions = reindexed(assessment.set_index("customer_id")["action"], flows.index)

    returns = flows["n_non_defective_returns"]
    cost = {
        "free_returns": returns * costs.return_processing,
        "discounts": flows["discount"],
        "free_order_changes": flows["change_requests"] * costs.change_request,
        "payment_terms": flows["cost_late_payment"] + flows["cost_write_offs"],
    }
    effect = {
        "free_returns": (returns - policy.restocking_free_returns).clip(lower=0.0) * policy.restocking_fee,
        "discounts": engine["discount_beyond_cap"],
        "free_order_changes": flows["change_requests"] * policy.change_request_fee,
        "payment_terms": engine["prepayment_saving"],
    }
    tightening = {
        "free_returns": "restocking_fee",
        "discounts": "discount_cap",
        "free_order_changes": "change_request_fee",
        "payment_terms": "prepayment",
    }
    reviews = []
    for name in POLICIES:
        yearly_cost = cost[name] * scale
        yearly_effect = effect[name] * scale
        touched = yearly_effect > 0.005
        by_action = actions[touched].value_counts()
        reviews.append(
            PolicyReview(
                policy=name,
                yearly_cost=round(float(yearly_cost.sum()), 2),
                users=int((yearly_cost > 0).sum()),
                top_shares=top_shares(yearly_cost, policy.top_shares),
                tightening=tightening[name],
                profit_effect=round(float(yearly_effect.sum()), 2),
                touched=int(touched.sum()),
                touched_by_action={str(action): int(count) for action, count in by_action.items()},
            )
        )
    return reviews
