"""Building a campaign: members from retain / win_back, a seeded hold-out of the configured share, offers."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from keepwise.campaigns import campaign_offers, campaign_touches
from keepwise.config import load_settings
from keepwise.data.schema import TOUCHES


def _inputs(n: int = 200):
    ids = [f"C{i:03d}" for i in range(n)]
    actions = ["retain" if i % 3 == 0 else "win_back" if i % 3 == 1 else "keep" for i in range(n)]
    assessment = pd.DataFrame({"customer_id": ids, "action": actions})
    features = pd.DataFrame({
        "customer_id": ids,
        "n_orders": [4] * n,
        "revenue": [400.0 if i % 2 else 40.0 for i in range(n)],  # average order 100 or 10
        "deep_discount_order_share": [0.9 if i % 5 == 0 else 0.0 for i in range(n)],
    })
    return assessment, features


def test_members_holdout_and_offers():
    settings = load_settings()  # holdout 0.2, offer 15% of the average order in [5, 50], deal seekers +50%
    assessment, features = _inputs()
    offers = campaign_offers(assessment, features, "C1", settings)
    assert set(offers["action"]) == {"retain", "win_back"} and len(offers) == 134
    assert int(offers["control"].sum()) == round(0.2 * 134)
    assert (offers.loc[offers["control"], "offer"] == 0).all()
    contacted = offers[~offers["control"]].set_index("customer_id")
    expected = {"C001": 15.0, "C003": 15.0, "C004": 5.0, "C005": 22.5, "C010": 5.0}
    for customer, offer in expected.items():
        if customer in contacted.index:
            assert contacted.at[customer, "offer"] == offer
    assert set(offers["kind"]) == {"retention_offer", "win_back_offer"}


def test_the_holdout_is_seeded_by_settings_and_campaign_id():
    settings = load_settings()
    assessment, features = _inputs()
    first = campaign_offers(assessment, features, "C1", settings)["control"].tolist()
    again = campaign_offers(assessment, features, "C1", settings)["control"].tolist()
    other = campaign_offers(assessment, features, "C2", settings)["control"].tolist()
    assert first == again and first != other


def test_touch_rows_follow_the_contract_and_controls_cost_nothing():
    settings = load_settings()
    assessment, features = _inputs()
    offers = campaign_offers(assessment, features, "C1", settings, ("retain",))
    rows = campaign_touches(offers, "C1", date(2024, 3, 1), "email", settings)
    assert list(rows.columns) == TOUCHES.names
    assert rows["touch_id"].is_unique and set(rows["campaign_id"]) == {"C1"}
    held = rows["control"] == "true"
    assert (rows.loc[held, "cost"] == 0).all()
    assert (rows.loc[~held, "cost"] >= settings.campaigns.min_offer + settings.campaigns.contact_cost).all()
    with pytest.raises(ValueError, match="keep"):
        campaign_offers(assessment, features, "C1", settings, ("keep",))
