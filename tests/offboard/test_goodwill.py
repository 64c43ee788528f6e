"""Goodwill within each role's authority: refused with a clear message, never granted above the cap."""

from __future__ import annotations

import math

import pytest

from keepwise.config import load_settings
from keepwise.offboard import GoodwillRefused, authorise, customer_records, goodwill_for
from keepwise.offboard.goodwill import approver_for, candidate_gestures, role_cap

from .business import AS_OF

SETTINGS = load_settings()


def test_caps_come_from_settings():
    assert role_cap("agent", SETTINGS) == 50.0
    assert role_cap("manager", SETTINGS) == 500.0
    assert math.isinf(role_cap("admin", SETTINGS))
    custom = load_settings(overrides={"goodwill": {"cap_agent": 20}})
    with pytest.raises(GoodwillRefused, match="above the agent's cap of 20.00 EUR"):
        authorise(30.0, "agent", custom)


def test_within_the_cap_is_granted():
    authorise(0.0, "agent", SETTINGS)
    authorise(50.0, "agent", SETTINGS)
    authorise(500.0, "manager", SETTINGS)
    authorise(1_000_000.0, "admin", SETTINGS)


def test_above_the_cap_is_refused_naming_who_may_grant_it():
    with pytest.raises(GoodwillRefused) as refused:
        authorise(50.01, "agent", SETTINGS)
    message = str(refused.value)
    assert "50.01 EUR" in message and "agent's cap of 50.00 EUR" in message
    assert "manager's approval" in message and "nothing was granted" in message
    with pytest.raises(GoodwillRefused, match="admin's approval"):
        authorise(800.0, "manager", SETTINGS)
    assert approver_for(120.0, SETTINGS) == "manager" and approver_for(5000.0, SETTINGS) == "admin"


@pytest.mark.parametrize("amount", [-0.01, -100.0, float("nan")])
def test_a_negative_amount_is_refused(amount):
    with pytest.raises(GoodwillRefused, match="cannot be negative"):
        authorise(amount, "admin", SETTINGS)


def test_an_unknown_role_is_refused():
    with pytest.raises(GoodwillRefused, match="unknown role 'intern'"):
        authorise(1.0, "intern", SETTINGS)


def test_gestures_are_computed_from_the_records_in_order_of_preference(business):
    records = customer_records(business.dataset, "B1", AS_OF)
    gestures = candidate_gestures(records, business.dataset.settings)
    # Latest open invoice: IB4 (420.00, none paid); latest paid: IB2 (630.00); latest order kept: OB28.
    assert [(g.kind, g.amount, g.record_id) for g in gestures] == [
        ("cancel_open_invoice", 420.0, "IB4"),
        ("refund_last_invoice", 630.0, "IB2"),
        ("refund_last_order", 210.0, "OB28"),
    ]
    # A manager may cancel the 420.00; an agent may grant none of them.
    assert goodwill_for(records, "manager", business.dataset.settings).gesture.record_id == "IB4"
    agent = goodwill_for(records, "agent", business.dataset.settings)
    assert agent.gesture is None and agent.above_cap.record_id == "IB4"


def test_a_chosen_amount_is_checked_against_the_cap(business):
    records = customer_records(business.dataset, "A1", AS_OF)
    granted = goodwill_for(records, "agent", business.dataset.settings, amount=25.0)
    assert (granted.gesture.kind, granted.gesture.amount) == ("credit", 25.0)
    with pytest.raises(GoodwillRefused):
        goodwill_for(records, "agent", business.dataset.settings, amount=75.0)
    with pytest.raises(GoodwillRefused):
        goodwill_for(records, "manager", business.dataset.settings, amount=-5.0)
