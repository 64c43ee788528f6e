"""The policy review's table in words: each column of money written alike, in the reader's language."""

from __future__ import annotations

from keepwise.config import load_settings
from keepwise.offboard.policies import PolicyReview
from keepwise.offboard.wording import policy_rows
from keepwise.text import Translator

SETTINGS = load_settings()


def _review(policy: str, tightening: str, cost: float, effect: float) -> PolicyReview:
    return PolicyReview(policy=policy, yearly_cost=cost, users=3, top_shares={"1%": 0.5}, tightening=tightening,
                        profit_effect=effect, touched=1, touched_by_action={"retain": 1})


def test_a_column_of_money_is_written_in_whole_units_when_any_of_it_is():
    """"+€900.00" stood above "+€6,076" in the sample's policy table: cents from 1,000 up are dropped, and a
    column holding such a figure drops them throughout; a column of small figures keeps them."""
    reviews = [_review("free_returns", "restocking_fee", 4208.4, 900.0),
               _review("discounts", "discount_cap", 53361.2, 6076.3)]
    rows = policy_rows(reviews, SETTINGS, Translator.for_report("en", "EUR"))
    assert [(row[1], row[5]) for row in rows] == [("€4,208", "+€900"), ("€53,361", "+€6,076")]
    small = [_review("free_returns", "restocking_fee", 420.6, 90.25),
             _review("discounts", "discount_cap", 1500.0, -60.5)]
    rows = policy_rows(small, SETTINGS, Translator.for_report("ru", "EUR"))
    assert [(row[1], row[5]) for row in rows] == [("421\xa0€", "+90,25\xa0€"), ("1\xa0500\xa0€", "-60,50\xa0€")]

