"""Before letting go: proposals that make a customer profitable, from their own cost to serve.

For every ``make_profitable`` customer (or any customers asked for), over the trailing window
(``keepwise.offboard.window``), each proposal with its yearly profit effect, assuming the customer
keeps buying as they did:

- ``reprice``: the price change that brings the customer to break-even:
  ``-own yearly profit / yearly revenue`` (own profit leaves out the costs of the business's own
  failures, which a customer is never charged for); effect: the loss it removes;
- ``charge_change_requests``: ``[policies] change_request_fee`` per change request;
- ``charge_returns_processing``: ``[costs] return_processing`` per return not for a defect;
- ``charge_support_minutes``: staff minutes above ``[proposals] support_minutes_norm`` a year (minutes
  on substantiated complaints excluded) at ``[costs] staff_minute``;
- ``lighter_service``: a service level that cuts handled minutes by ``lighter_service_minutes_cut``;
- ``stop_marketing``: the marketing touches' cost saved.

A proposal with no effect is not listed. The plan a customer is costed at in the portfolio what-if:
the three charges and stopping marketing, then a price change for whatever loss remains (the
lighter service level is the alternative to charging for support minutes, so it is not added).

``portfolio_what_if``: the whole business's yearly profit today (customers' profit less marketing
spend, over the window) against the same if the assessment's actions were taken: ``offboard``
customers gone (their profit and marketing spend with them), ``make_profitable`` customers on their
plan, no marketing spend on ``deprioritize`` customers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
import pandas as pd

from keepwise.data.loader import Dataset
from keepwise.data.positions import reindexed
from keepwise.offboard.window import window_economics, yearly

__all__ = [
    "PROPOSAL_COLUMNS",
    "PROPOSALS",
    "PortfolioWhatIf",
    "plan_effects",
    "portfolio_what_if",
    "proposals",
    "proposals_from",
]

PROPOSALS = (
    "reprice",
    "charge_change_requests",
    "charge_returns_processing",
    "charge_support_minutes",
    "lighter_service",
    "stop_marketing",
)
PROPOSAL_COLUMNS = (
    "customer_id",
    "action",
    "proposal",
    "yearly_profit_effect",
    "yearly_profit",
    "yearly_revenue",
    "price_change",
    "quantity",
    "unit_price",
)
_CHARGES = ("charge_change_requests", "charge_returns_processing", "charge_support_minutes")


def _per_customer(flows: pd.DataFrame, settings) -> pd.DataFrame:
    """Yearly quantities and the effect of every proposal, one row per customer."""
    scale = yearly(settings)
    costs, norms = settings.costs, settings.proposals
    own_minutes = (flows["handle_minutes"] - flows["handle_minutes_substantiated"]).clip(lower=0.0) * scale
    revenue = flows["revenue"] * scale
    own_profit = flows["profit_customer_view"] * scale
    table = pd.DataFrame(index=flows.index)
    table["yearly_profit"] = own_profit
    table["yearly_revenue"] = revenue
    table["change_requests"] = flows["change_requests"] * scale
    table["returns_not_defective"] = flows["n_non_defective_returns"] * scale
    table["minutes_above_norm"] = (own_minutes - norms.support_minutes_norm).clip(lower=0.0)
    table["own_minutes"] = own_minutes
    table["marketing_spend"] = flows["marketing_spend"] * scale
    loss = (-own_profit).clip(lower=0.0)
    can_reprice = revenue > 0
    table["price_change"] = np.where(can_reprice & (loss > 0), loss / revenue.where(can_reprice, 1.0), 0.0)
    table["reprice"] = np.where(can_reprice, loss, 0.0)
    table["charge_change_requests"] = table["change_requests"] * settings.policies.change_request_fee
    table["charge_returns_processing"] = table["returns_not_defective"] * costs.return_processing
    table["charge_support_minutes"] = table["minutes_above_norm"] * costs.staff_minute
    table["lighter_service"] = own_minutes * norms.lighter_service_minutes_cut * costs.staff_minute
    table["stop_marketing"] = table["marketing_spend"]
    return table


def plan_effects(table: pd.DataFrame) -> pd.Series:
    """The yearly profit effect of each customer's plan: the charges and no marketing, then a price
    change for the loss that remains."""
    charges = table[list(_CHARGES)].sum(axis=1)
    remaining_loss = (-(table["yearly_profit"] + charges)).clip(lower=0.0)
    remaining_loss = remaining_loss.where(table["yearly_revenue"] > 0, 0.0)
    return charges + table["stop_marketing"] + remaining_loss


def proposals_from(table: pd.DataFrame, actions: pd.Series) -> pd.DataFrame:
    """Long format (``PROPOSAL_COLUMNS``): one row per customer and proposal with an effect."""
    units = {
        "reprice": (None, None),
        "charge_change_requests": ("change_requests", None),
        "charge_returns_processing": ("returns_not_defective", None),
        "charge_support_minutes": ("minutes_above_norm", None),
        "lighter_service": ("own_minutes", None),
        "stop_marketing": (None, None),
    }
    parts = []
    for proposal in PROPOSALS:
        effect = table[proposal]
        rows = table[effect > 0.005]
        if rows.empty:
            continue
        quantity_column = units[proposal][0]
        quantity = rows[quantity_column] if quantity_column else pd.Series(np.nan, index=rows.index)
        parts.append(
            pd.DataFrame(
                {
                    "customer_id": rows.index.astype(str),
                    "action": actions.reindex(rows.index).to_numpy(),
                    "proposal": proposal,
                    "yearly_profit_effect": rows[proposal].round(2).to_numpy(),
                    "yearly_profit": rows["yearly_profit"].round(2).to_numpy(),
                    "yearly_revenue": rows["yearly_revenue"].round(2).to_numpy(),
                    "price_change": (rows["price_change"] if proposal == "reprice" else np.nan),
                    "quantity": quantity.round(2).to_numpy(),
                    "unit_price": (rows[proposal] / quantity).round(2).to_numpy(),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=list(PROPOSAL_COLUMNS))
    result = pd.concat(parts, ignore_index=True)
    result["price_change"] = result["price_change"].astype(float).round(4)
    order = {name: position for position, name in enumerate(PROPOSALS)}
    result["_order"] = result["proposal"].map(order)
    result = result.sort_values(["customer_id", "_order"], kind="stable").drop(columns="_order")
    return result.reset_index(drop=True)[list(PROPOSAL_COLUMNS)]


def proposals(
    ds: Dataset,
    as_of: date,
    assessment: pd.DataFrame,
    customers: list[str] | None = None,
    features: pd.DataFrame | None = None,
    flows: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Proposals for every ``make_profitable`` customer of ``assessment``, or for ``customers``.
    ``flows`` may be the ``window_economics`` a caller already holds."""
    actions = assessment.set_index("customer_id")["action"]
    wanted = (
        list(customers) if customers is not None else actions.index[actions == "make_profitable"].tolist()
    )
    flows = flows if flows is not None else window_economics(ds, as_of, features)
    table = _per_customer(flows.loc[flows.index.intersection(wanted)], ds.settings)
    return proposals_from(table, actions)


@dataclass
class PortfolioWhatIf:
    """Yearly profit of the whole business today and if the assessment's actions were taken."""

    profit_today: float
    profit_after: float
    offboard_effect: float
    make_profitable_effect: float
    deprioritize_effect: float
    n_offboard: int
    n_make_profitable: int
    n_deprioritize: int
    currency: str

    @property
    def change(self) -> float:
        return self.profit_after - self.profit_today

    def to_dict(self) -> dict:
        return {**asdict(self), "change": self.change}


def portfolio_what_if(
    ds: Dataset,
    as_of: date,
    assessment: pd.DataFrame,
    features: pd.DataFrame | None = None,
    flows: pd.DataFrame | None = None,
) -> PortfolioWhatIf:
    """Today's yearly profit against the same with offboard / make_profitable / deprioritize acted on.
    ``flows`` may be the ``window_economics`` a caller already holds."""
    settings = ds.settings
    scale = yearly(settings)
    flows = flows if flows is not None else window_economics(ds, as_of, features)
    actions = reindexed(assessment.set_index("customer_id")["action"], flows.index)
    profit = (flows["profit"] - flows["marketing_spend"]) * scale
    table = _per_customer(flows, settings)
    offboard = actions == "offboard"
    make_profitable = actions == "make_profitable"
    deprioritize = actions == "deprioritize"
    offboard_effect = -float(profit[offboard].sum())
    make_profitable_effect = float(plan_effects(table[make_profitable]).sum())
    deprioritize_effect = float(table.loc[deprioritize, "stop_marketing"].sum())
    today = float(profit.sum())
    return PortfolioWhatIf(
        profit_today=round(today, 2),
        profit_after=round(today + offboard_effect + make_profitable_effect + deprioritize_effect, 2),
        offboard_effect=round(offboard_effect, 2),
        make_profitable_effect=round(make_profitable_effect, 2),
        deprioritize_effect=round(deprioritize_effect, 2),
        n_offboard=int(offboard.sum()),
        n_make_profitable=int(make_profitable.sum()),
        n_deprioritize=int(deprioritize.sum()),
        currency=settings.general.currency.upper(),
    )
