"""Make-profitable proposals on hand-built customers with known yearly figures and break-even price."""

from __future__ import annotations

import pandas as pd
import pytest

from keepwise.config import load_settings
from keepwise.offboard import portfolio_what_if, proposals
from keepwise.offboard.proposals import _per_customer, plan_effects, proposals_from

from .business import AS_OF


def test_m1_break_even_price_and_charges(business):
    # M1 in the year to 2026-06-30: 12 orders of 100.00 (cost of goods 60.00), one change request each,
    # one return not for a defect (100.00 refunded + 8.00 processing), 12 x 40 support minutes, six
    # offers at 5.00. Own profit = 1200 - 720 - (180 + 108 + 480) = -288.00: prices up 288 / 1200 = 24%.
    table = proposals(business.dataset, AS_OF, business.assessment).set_index("proposal")
    assert set(table["customer_id"]) == {"M1"}  # the only make_profitable customer
    assert table.loc["reprice", "price_change"] == pytest.approx(0.24)
    assert table.loc["reprice", "yearly_profit_effect"] == pytest.approx(288.0)
    assert table.loc["reprice", "yearly_profit"] == pytest.approx(-288.0)
    expected = {
        "charge_change_requests": (180.0, 12, 15.0),
        "charge_returns_processing": (8.0, 1, 8.0),
        "charge_support_minutes": (420.0, 420, 1.0),  # 480 minutes, 60 included
        "lighter_service": (240.0, 480, 0.5),
        "stop_marketing": (30.0, None, None),
    }
    for proposal, (effect, quantity, unit) in expected.items():
        assert table.loc[proposal, "yearly_profit_effect"] == pytest.approx(effect), proposal
        if quantity is not None:
            assert table.loc[proposal, "quantity"] == pytest.approx(quantity)
            assert table.loc[proposal, "unit_price"] == pytest.approx(unit)


def test_proposals_on_request_for_any_customer(business):
    table = proposals(business.dataset, AS_OF, business.assessment, customers=["R1", "H1"])
    assert set(table["customer_id"]) == {"R1"}  # H1 is healthy: nothing to propose
    r1 = table.set_index("proposal")
    assert r1.loc["charge_change_requests", "quantity"] == 6  # 3 + 2 + 1 change requests in the year
    assert r1.loc["charge_returns_processing", "quantity"] == 6  # the seventh return is before the window
    assert (r1["action"] == "offboard").all()


def test_break_even_on_hand_made_figures():
    settings = load_settings()
    flows = pd.DataFrame(
        {
            "revenue": [1000.0, 500.0, 0.0],
            "profit_customer_view": [-150.0, 40.0, -30.0],
            "handle_minutes": [0.0, 0.0, 0.0],
            "handle_minutes_substantiated": [0.0, 0.0, 0.0],
            "change_requests": [0.0, 0.0, 0.0],
            "n_non_defective_returns": [0.0, 0.0, 0.0],
            "marketing_spend": [0.0, 0.0, 0.0],
        },
        index=pd.Index(["LOSS", "PROFIT", "NO_REVENUE"], name="customer_id"),
    )
    table = _per_customer(flows, settings)
    assert table.loc["LOSS", "price_change"] == pytest.approx(0.15)
    assert table.loc["PROFIT", "price_change"] == 0.0 and table.loc["PROFIT", "reprice"] == 0.0
    assert table.loc["NO_REVENUE", "reprice"] == 0.0  # nothing to reprice
    listed = proposals_from(table, pd.Series("make_profitable", index=flows.index))
    assert listed["customer_id"].tolist() == ["LOSS"]
    assert plan_effects(table).tolist() == pytest.approx([150.0, 0.0, 0.0])


def test_minutes_on_our_own_failures_are_never_charged():
    settings = load_settings()
    flows = pd.DataFrame(
        {
            "revenue": [100.0],
            "profit_customer_view": [10.0],
            "handle_minutes": [300.0],
            "handle_minutes_substantiated": [200.0],
            "change_requests": [0.0],
            "n_non_defective_returns": [0.0],
            "marketing_spend": [0.0],
        },
        index=pd.Index(["C"], name="customer_id"),
    )
    table = _per_customer(flows, settings)
    assert table.loc["C", "minutes_above_norm"] == pytest.approx(40.0)  # 100 own minutes, 60 included


def test_portfolio_what_if(business):
    what_if = portfolio_what_if(business.dataset, AS_OF, business.assessment)
    assert (what_if.n_offboard, what_if.n_make_profitable) == (4, 1)
    # M1's plan: 180 + 8 + 420 in charges (more than its 288 loss, so no price change) + 30 marketing.
    assert what_if.make_profitable_effect == pytest.approx(638.0)
    assert what_if.profit_after == pytest.approx(
        what_if.profit_today + what_if.offboard_effect + what_if.make_profitable_effect
        + what_if.deprioritize_effect
    )
    # Letting the four go removes their year's profit, less M1's marketing which is not theirs.
    from keepwise.offboard.window import window_economics

    flows = window_economics(business.dataset, AS_OF)
    offboarded = ["A1", "B1", "F1", "R1"]
    expected = -(flows.loc[offboarded, "profit"] - flows.loc[offboarded, "marketing_spend"]).sum()
    assert what_if.offboard_effect == pytest.approx(expected, abs=0.01)
    assert what_if.profit_today == pytest.approx((flows["profit"] - flows["marketing_spend"]).sum(), abs=0.01)


def test_proposals_read_the_window_a_caller_passes(business):
    # The proposals command computes the window's economics once, for the proposals and the what-if:
    # given them, the proposals are those computed from the data, and they are read from what was given.
    from keepwise.offboard.window import window_economics

    flows = window_economics(business.dataset, AS_OF)
    computed = proposals(business.dataset, AS_OF, business.assessment)
    pd.testing.assert_frame_equal(proposals(business.dataset, AS_OF, business.assessment, flows=flows), computed)
    doubled = flows.assign(change_requests=flows["change_requests"] * 2, cost_changes=flows["cost_changes"] * 2)
    table = proposals(business.dataset, AS_OF, business.assessment, flows=doubled).set_index("proposal")
    assert table.loc["charge_change_requests", "yearly_profit_effect"] == pytest.approx(360.0)  # 24 x 15.00
