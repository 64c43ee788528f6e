"""Customers our own failures reached: late deliveries, complaints we were at fault for, defective
products. How many customers each failure touched and who was hurt most, from the feature table.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

FAILURE_COLUMNS = ("n_late", "n_complaints_substantiated", "n_defective_returns")


@dataclass(frozen=True)
class CustomersHurt:
    """Customers with at least one failure of each kind, and what the complaints we caused cost in staff time."""

    late: int
    complained: int
    defective: int
    complaint_staff_cost: float


def customers_hurt(features: pd.DataFrame) -> CustomersHurt:
    return CustomersHurt(
        late=int((features["n_late"] > 0).sum()),
        complained=int((features["n_complaints_substantiated"] > 0).sum()),
        defective=int((features["n_defective_returns"] > 0).sum()),
        complaint_staff_cost=float(features["cost_staff_business_fault"].sum()),
    )


def hurt_most(features: pd.DataFrame, top: int) -> pd.DataFrame:
    """The ``top`` customers with the most failures (then the highest cost of them, then by id), most first:
    the same customers whatever order the features' rows come in.

    Columns: customer_id, n_late, n_complaints_substantiated, n_defective_returns, cost_business_fault,
    failures; customers without a failure are left out.
    """
    hurt = features[["customer_id", *FAILURE_COLUMNS, "cost_business_fault"]].copy()
    hurt["failures"] = hurt[list(FAILURE_COLUMNS)].sum(axis=1)
    hurt = hurt[hurt["failures"] > 0].sort_values(["failures", "cost_business_fault", "customer_id"],
                                                  ascending=[False, False, True])
    return hurt.head(top).reset_index(drop=True)
