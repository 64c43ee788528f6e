"""The most urgent customers: the assessment's first rows by priority, each with its first reason.

One list for every reader: ``keepwise demo`` prints it and the report shows it.
"""

from __future__ import annotations

import pandas as pd

# How many customers the list holds.
URGENT_ROWS = 15
URGENT_COLUMNS = ("customer_id", "name", "action", "priority", "money_at_stake", "reason")


def first_reasons(reasons: pd.Series) -> pd.Series:
    """The first of each customer's ``;``-separated reasons ("" when there is none)."""
    return reasons.fillna("").astype(str).str.split(";").str[0].str.strip()


def urgent_order(assessment: pd.DataFrame) -> pd.DataFrame:
    """The assessment by priority, then by money at stake (largest first)."""
    return assessment.sort_values(["priority", "money_at_stake"], ascending=[True, False])


def most_urgent(assessment: pd.DataFrame, names: dict[str, str] | None = None,
                rows: int = URGENT_ROWS) -> pd.DataFrame:
    """The first ``rows`` customers by priority (then money at stake) with their first reason.

    Columns: customer_id, name ("" when unknown), action, priority, money_at_stake, reason.
    """
    names = names or {}
    top = urgent_order(assessment).head(rows)
    ids = top["customer_id"].astype(str)
    return pd.DataFrame(
        {
            "customer_id": ids.to_numpy(),
            "name": [names.get(c) or "" for c in ids],
            "action": top["action"].to_numpy(),
            "priority": top["priority"].to_numpy(),
            "money_at_stake": top["money_at_stake"].astype(float).to_numpy(),
            "reason": first_reasons(top["reasons"]).to_numpy(),
        },
        columns=list(URGENT_COLUMNS),
    )


def urgent_ids(assessment: pd.DataFrame, rows: int = URGENT_ROWS) -> list[str]:
    """The ids ``most_urgent`` lists, for looking up their names first."""
    return urgent_order(assessment).head(rows)["customer_id"].astype(str).tolist()
