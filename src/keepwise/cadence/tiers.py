"""Loyalty tiers: by value (revenue to date) and tenure (days since the first purchase), thresholds in [loyalty].

A customer who has bought is in the highest tier whose both thresholds they meet; one who never
bought has no tier (an empty string). Vectorised over all customers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from keepwise.config import Settings

NO_TIER = ""


def loyalty_tiers(features: pd.DataFrame, settings: Settings) -> pd.Series:
    """The tier of each row of ``features`` (columns revenue, tenure_days, n_orders), aligned on its index."""
    revenue = features["revenue"].fillna(0.0).to_numpy(dtype=float)
    tenure = features["tenure_days"].fillna(0).to_numpy(dtype=float)
    bought = features["n_orders"].fillna(0).to_numpy() > 0
    tier = np.full(len(features), NO_TIER, dtype=object)
    for level in settings.loyalty.tiers:  # lowest first: a higher tier overwrites a lower one
        meets = bought & (revenue >= level.min_revenue) & (tenure >= level.min_tenure_days)
        tier[meets] = level.name
    return pd.Series(tier, index=features.index, name="tier", dtype=object)


def with_tier(assessment: pd.DataFrame, features: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The assessment with a ``tier`` column appended after its own (the contract's columns stay first)."""
    tiers = loyalty_tiers(features, settings)
    by_customer = pd.Series(tiers.to_numpy(), index=features["customer_id"].astype(str))
    out = assessment.copy()
    out["tier"] = out["customer_id"].astype(str).map(by_customer).fillna(NO_TIER)
    return out
