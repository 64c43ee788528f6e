"""Severity in money: what each of a customer's problems has cost the business, against what they brought.

Costs to date, from the cost-to-serve components of ``keepwise.metrics.features`` (CONTRACT.md
"Default costs"):

* chronic_complainer: staff time on complaints not found to be the business's fault;
* bad_payer: late-payment interest, written-off invoices and what is overdue and unpaid today;
* return_abuser: processing and refunds of returns not for defects;
* fickle: the change requests;
* unprofitable: the customer's own net loss.

What the customer brought is their gross margin to date (revenue - cost of goods). A money problem
whose cost is below ``[actions] minor_cost_share`` of it is minor: a valued customer who grumbles
now and then stays valued.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from keepwise.config import Settings

__all__ = ["MONEY_PROBLEMS", "problem_costs", "cost_shares"]

MONEY_PROBLEMS = ("bad_payer", "return_abuser", "fickle", "chronic_complainer")


def problem_costs(features: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """One column per money problem (and ``unprofitable``): its cost to the business to date."""
    f = features
    costs = settings.costs
    return pd.DataFrame(
        {
            "chronic_complainer": f["handle_minutes_unfounded"] * costs.staff_minute,
            "bad_payer": f["cost_late_payment"] + f["cost_write_offs"] + f["overdue_unpaid_amount"],
            "return_abuser": f["n_non_defective_returns"] * costs.return_processing
            + f["non_defective_returned_amount"],
            "fickle": f["change_requests"] * costs.change_request,
            "unprofitable": (-f["profit_customer_view"]).clip(lower=0.0),
        },
        index=f.index,
    ).astype(float)


def cost_shares(costs: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
    """Each cost as a share of the gross margin the customer brought (inf where they brought none)."""
    margin = features["gross_margin"].astype(float).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(margin[:, None] > 0, costs.to_numpy() / margin[:, None], np.where(costs > 0, np.inf, 0.0))
    return pd.DataFrame(shares, index=costs.index, columns=costs.columns)
