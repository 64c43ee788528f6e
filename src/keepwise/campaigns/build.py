"""Build a campaign from the assessment's worklist: an offer per customer from what they bought, a seeded hold-out.

Members are the customers whose action is one of ``actions`` (``retain`` and ``win_back`` by
default). Each gets the touch kind of their action (a retention or a win-back offer). A random
``[campaigns] holdout_share`` of them, drawn with ``[campaigns] seed`` and the campaign id (the same
campaign always draws the same group), is held back: recorded with ``control = true``, cost 0, and
not contacted. The others get an offer worth ``offer_share_of_basket`` of their average completed
order, more for customers who mostly buy at a deep discount, between ``min_offer`` and ``max_offer``;
the touch's cost is that offer plus ``contact_cost``.
"""

from __future__ import annotations

import zlib
from datetime import date

import numpy as np
import pandas as pd

from keepwise.config import Settings
from keepwise.data.schema import TOUCHES

OFFER_KIND = {"retain": "retention_offer", "win_back": "win_back_offer"}
DEFAULT_ACTIONS = ("retain", "win_back")
OFFER_COLUMNS = ("customer_id", "action", "kind", "control", "average_order", "deal_seeker", "offer")


def _holdout(n: int, campaign_id: str, settings: Settings) -> np.ndarray:
    rng = np.random.default_rng([settings.campaigns.seed, zlib.crc32(campaign_id.encode("utf-8"))])
    held = np.zeros(n, dtype=bool)
    held[rng.permutation(n)[: int(round(settings.campaigns.holdout_share * n))]] = True
    return held


def campaign_offers(
    assessment: pd.DataFrame,
    features: pd.DataFrame,
    campaign_id: str,
    settings: Settings,
    actions: tuple[str, ...] = DEFAULT_ACTIONS,
) -> pd.DataFrame:
    """One row per member: the action, the touch kind, held back or not, and the offer (0 when held back)."""
    unknown = [action for action in actions if action not in OFFER_KIND]
    if unknown:
        raise ValueError(f"a campaign is built from {', '.join(OFFER_KIND)} customers, not {', '.join(unknown)}")
    members = assessment.loc[assessment["action"].isin(actions), ["customer_id", "action"]].copy()
    members["customer_id"] = members["customer_id"].astype(str)
    members = members.sort_values("customer_id").reset_index(drop=True)
    bought = features.assign(customer_id=features["customer_id"].astype(str)).set_index("customer_id")
    orders = members["customer_id"].map(bought["n_orders"]).fillna(0).to_numpy(dtype=float)
    revenue = members["customer_id"].map(bought["revenue"]).fillna(0).to_numpy(dtype=float)
    average = np.divide(revenue, orders, out=np.zeros_like(revenue), where=orders > 0)
    deal = members["customer_id"].map(bought["deep_discount_order_share"]).fillna(0).to_numpy(dtype=float)
    deal_seeker = deal >= settings.flags.deal_seeker_min_share
    c = settings.campaigns
    offer = np.clip(c.offer_share_of_basket * average * np.where(deal_seeker, 1 + c.deal_seeker_offer_bonus, 1.0),
                    c.min_offer, c.max_offer).round(2)
    control = _holdout(len(members), campaign_id, settings)
    members["kind"] = members["action"].map(OFFER_KIND)
    members["control"] = control
    members["average_order"] = average.round(2)
    members["deal_seeker"] = deal_seeker
    members["offer"] = np.where(control, 0.0, offer)
    return members[list(OFFER_COLUMNS)]


def campaign_touches(offers: pd.DataFrame, campaign_id: str, on: date, channel: str, settings: Settings) -> pd.DataFrame:
    """The members as rows of the contract's ``touches`` table (columns in the contract's order)."""
    cost = np.where(offers["control"], 0.0, offers["offer"] + settings.campaigns.contact_cost).round(2)
    touches = pd.DataFrame(
        {
            "touch_id": [f"{campaign_id}-{i + 1:05d}" for i in range(len(offers))],
            "customer_id": offers["customer_id"].to_numpy(),
            "at": on.isoformat(),
            "kind": offers["kind"].to_numpy(),
            "channel": channel,
            "campaign_id": campaign_id,
            "control": np.where(offers["control"], "true", "false"),
            "cost": cost,
        }
    )
    return touches[TOUCHES.names]
