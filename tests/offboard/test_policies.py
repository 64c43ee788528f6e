"""Policy review on hand-built data with known costs and known effects of tightening."""

from __future__ import annotations

import pandas as pd
import pytest

from keepwise.offboard import policy_review
from keepwise.offboard.policies import top_shares

from .business import AS_OF


@pytest.fixture(scope="module")
def reviews(business):
    return {review.policy: review for review in policy_review(business.dataset, AS_OF, business.assessment)}


def test_restocking_fee_after_the_third_return(reviews):
    # In the year: R1 6 returns not for defects, M1 1. Processing 8.00 each = 56.00.
    free_returns = reviews["free_returns"]
    assert free_returns.yearly_cost == pytest.approx(56.0) and free_returns.users == 2
    # A 10.00 fee from the fourth return on: R1 pays for 3.
    assert free_returns.profit_effect == pytest.approx(30.0)
    assert free_returns.touched_by_action == {"offboard": 1}


def test_fee_per_change_request(reviews):
    changes = reviews["free_order_changes"]
    # R1 6 change requests, M1 12; 15.00 each.
    assert changes.yearly_cost == pytest.approx(270.0)
    assert changes.profit_effect == pytest.approx(270.0)
    assert changes.touched_by_action == {"offboard": 1, "make_profitable": 1}


def test_discount_cap(reviews, business):
    discounts = reviews["discounts"]
    # H2: two orders at 100.00 off a 200.00 list price; a 30% cap allows 60.00, saving 40.00 each.
    assert discounts.yearly_cost == pytest.approx(200.0) and discounts.users == 1
    assert discounts.profit_effect == pytest.approx(80.0)
    assert discounts.touched_by_action == {business.assessed("H2")["action"]: 1}


def test_prepayment_after_two_late_invoices(reviews):
    terms = reviews["payment_terms"]
    # B1's late invoices by due day: IB0, IB1 (before the threshold), then IB2 paid 58 days late on
    # 630.00, IB3 640.00 open for 91 days, IB4 420.00 open for 30 days, at 10% a year.
    saved = (630 * 58 + 640 * 91 + 420 * 30) * 0.10 / 365
    assert terms.profit_effect == pytest.approx(saved, abs=0.01)
    assert terms.touched_by_action == {"offboard": 1}
    assert terms.users == 1 and terms.yearly_cost > terms.profit_effect


def test_top_shares():
    costs = pd.Series([0.0] * 5 + [100.0] + [10.0] * 9 + [1.0] * 90)  # 100 users
    shares = top_shares(costs, [0.01, 0.05, 0.10])
    total = 100 + 90 + 90
    assert shares == {"1%": round(100 / total, 4), "5%": round(140 / total, 4), "10%": round(190 / total, 4)}
    assert top_shares(pd.Series([0.0, 0.0]), [0.01]) == {"1%": 0.0}
    # At least one user even when 1% of them is less than one.
    assert top_shares(pd.Series([3.0, 1.0]), [0.01]) == {"1%": 0.75}
