"""One row per customer with what the timetable needs: action, tier, consent, purchase rhythm, value.

Built from the assessment (action, CLV) and the customer features (dates, rhythm, consent) in one
vectorised pass; days are numpy ``datetime64[D]`` (NaT where there is none).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from keepwise.cadence.tiers import loyalty_tiers
from keepwise.config import Settings
from keepwise.data.positions import positions, taken_at, values_at


def _days(values: pd.Series) -> np.ndarray:
    return pd.to_datetime(values).to_numpy().astype("datetime64[D]")


def timetable_people(assessment: pd.DataFrame, features: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """customer_id, action, clv, tier, opted_out, first_day, last_day, purchase_days, usual_gap."""
    f = features.reset_index(drop=True)
    people = pd.DataFrame(
        {
            "customer_id": f["customer_id"].astype(str).astype(object),
            "tier": loyalty_tiers(f, settings).to_numpy(),
            "opted_out": ~f["marketing_opt_in"].fillna(True).astype(bool).to_numpy()
            | f["unsubscribed"].fillna(False).astype(bool).to_numpy(),
            "first_day": _days(f["first_order_at"]),
            "last_day": _days(f["last_order_at"]),
            "purchase_days": f["n_purchase_days"].fillna(0).astype(int).to_numpy(),
            "usual_gap": f["mean_purchase_gap_days"].astype(float).to_numpy(),
        }
    )
    # Each customer's row of the assessment (a lookup, not a merge of a million texts); "keep" and no CLV
    # for a customer it does not hold.
    at = positions(people["customer_id"], assessment["customer_id"].astype(str))
    people["action"] = pd.Series(taken_at(assessment["action"].to_numpy(dtype=object), at, "keep"), dtype=object)
    people["tier"] = people["tier"].astype(object)
    people["clv"] = values_at(assessment["clv"].to_numpy(dtype=float), at)
    return people
