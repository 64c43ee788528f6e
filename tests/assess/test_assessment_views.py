"""Views of an assessment: the most urgent list with first reasons, the per-action summary, flag counts, and
the churn reasons the assessment gives when the classifier's are missing."""

from __future__ import annotations

import pandas as pd
import pytest

from keepwise.assess.churn_drivers import reason_kind, reasons_from_assessment
from keepwise.assess.summary import action_summary, flag_counts
from keepwise.assess.urgent import URGENT_COLUMNS, first_reasons, most_urgent, urgent_ids


def _assessment() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["A", "B", "C", "D", "E"],
        "action": ["keep", "retain", "offboard", "retain", "win_back"],
        "priority": [9, 3, 1, 3, 4],
        "money_at_stake": [0.0, 120.0, 50.0, 300.0, 80.0],
        "reasons": [None, "412 days since the last order; spend down", "3 unpaid invoices",
                    "95 days since the last order", " 30 days since the last order ; x"],
        "flags": ["", "late_deliveries;complainer", "bad_payer", "late_deliveries", ""],
    })


def test_most_urgent_orders_by_priority_then_money_with_the_first_reason_and_name():
    urgent = most_urgent(_assessment(), names={"B": "Bea", "C": ""}, rows=4)
    assert list(urgent.columns) == list(URGENT_COLUMNS)
    assert urgent["customer_id"].tolist() == ["C", "D", "B", "E"]
    assert urgent["name"].tolist() == ["", "", "Bea", ""]
    assert urgent["reason"].tolist() == ["3 unpaid invoices", "95 days since the last order",
                                         "412 days since the last order", "30 days since the last order"]
    assert urgent_ids(_assessment(), rows=2) == ["C", "D"]
    assert first_reasons(pd.Series([None, ""])).tolist() == ["", ""]


def test_action_summary_lists_the_pressing_actions_first():
    summary = action_summary(_assessment())
    assert summary["action"].tolist() == ["offboard", "retain", "win_back", "keep"]
    assert summary["customers"].tolist() == [1, 2, 1, 1]
    assert summary["money_at_stake"].tolist() == [50.0, 420.0, 80.0, 0.0]
    assert summary["urgent"].tolist() == [True, True, True, False]


def test_flag_counts():
    counts, flagged = flag_counts(_assessment())
    assert flagged == 3
    assert counts.to_dict() == {"late_deliveries": 2, "complainer": 1, "bad_payer": 1}
    assert counts.index[0] == "late_deliveries"


@pytest.mark.parametrize("flags", [
    ["a;b", None, "", "b", "b;a;c", "c"],
    ["", None, ""],  # nobody flagged
    ["x;x", "y"],  # a code twice in one text counts twice, as pandas' split and explode count it
])
def test_flag_counts_are_pandas_split_and_count(flags):
    frame = pd.DataFrame({"flags": pd.Series(flags, dtype="str")})
    counts, flagged = flag_counts(frame)
    texts = frame["flags"].fillna("").astype(str)
    expected = texts[texts != ""].str.split(";").explode().value_counts()
    assert list(counts.items()) == list(expected.items()) and counts.name == expected.name
    assert flagged == int((texts != "").sum())


def test_reasons_from_assessment_count_reasons_of_one_kind_together():
    assert reason_kind("412 days since 2024-01-02..2024-03-04, 3.5 times") == "N days since …, N times"
    reasons = reasons_from_assessment(_assessment())
    assert reasons.source == "assessment"
    table = reasons.table
    # Retain and win back only: B, D and E all cite days since the last order.
    assert table["reason"].tolist() == ["N days since the last order"]
    assert table["weight"].tolist() == [3.0] and table["share"].tolist() == [pytest.approx(1.0)]
    nobody = reasons_from_assessment(_assessment().assign(action="keep"))
    assert nobody.table is None and "no customer is slipping away" in nobody.unavailable
