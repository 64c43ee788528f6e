"""Flags, business-fault precedence, people change, priority and output, on hand-made feature rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from keepwise.assess import CONTRACT_COLUMNS, assess, assess_frames, write_assessment
from keepwise.config import load_settings
from keepwise.data import load

from .conftest import AS_OF, frame, healthy_row

SETTINGS = load_settings()
CDNOW = Path(__file__).resolve().parents[2] / "src" / "keepwise" / "sample_data" / "cdnow"


def run(*rows: dict) -> pd.DataFrame:
    # Healthy companions so population quantiles are meaningful.
    companions = [
        healthy_row(f"H{i}", revenue=2000.0 + 50 * i, profit_customer_view=900.0 + 40 * i) for i in range(8)
    ]
    result = assess_frames(frame(*rows, *companions), AS_OF, SETTINGS)
    return result.set_index("customer_id")


def flags_of(result: pd.DataFrame, customer_id: str) -> set[str]:
    return set(filter(None, result.loc[customer_id, "flags"].split(";")))


CASES = {
    # flag: (fires, near miss)
    "chronic_complainer": (
        dict(
            n_complaints=5,
            n_complaints_unsubstantiated=4,
            n_complaints_not_judged=1,
            n_unfounded_complaints_recent=5,
            first_complaint_at="2025-08-02",
            last_complaint_at="2026-06-11",
            last_unfounded_complaint_at="2026-06-11",
            handle_minutes=378.0,
            handle_minutes_unfounded=378.0,
        ),
        dict(
            n_complaints=5,
            n_complaints_unsubstantiated=3,
            n_complaints_substantiated=2,
            n_unfounded_complaints_recent=3,
            last_unfounded_complaint_at="2026-06-11",
        ),
    ),
    "abusive_to_staff": (
        dict(n_abuse_of_staff=1, first_abuse_of_staff_at="2026-05-01", last_abuse_of_staff_at="2026-05-01"),
        dict(n_incidents_unconfirmed=3),
    ),
    "fraud_or_unethical": (
        dict(n_chargeback=1, last_chargeback_at="2026-04-01"),
        dict(n_policy_abuse=1, last_policy_abuse_at="2026-04-01"),
    ),
    "bad_payer": (
        dict(n_paid_late=4, n_late_payments_recent=4, last_payment_problem_at="2026-05-01"),
        dict(n_paid_late=2, n_invoices=20, n_late_payments_recent=2, last_payment_problem_at="2026-05-01"),
    ),
    "unprofitable": (
        dict(profit_customer_view=-50.0, profit=-50.0),
        dict(profit_customer_view=-10.0, profit=-10.0),
    ),
    "return_abuser": (
        dict(
            n_non_defective_returns=6,
            n_non_defective_returns_recent=6,
            non_defective_returned_amount=600.0,
            non_defective_return_share=0.3,
            last_non_defective_return_at="2026-06-01",
        ),
        dict(
            n_non_defective_returns=6,
            n_non_defective_returns_recent=6,
            non_defective_return_share=0.1,
            last_non_defective_return_at="2026-06-01",
        ),
    ),
    "deal_seeker": (
        dict(n_deep_discount_orders=15, deep_discount_order_share=0.75),
        dict(n_deep_discount_orders=10, deep_discount_order_share=0.5),
    ),
    "fickle": (
        dict(n_fickle_orders=8, n_fickle_orders_recent=4, n_orders_all_recent=8, last_fickle_at="2026-06-01"),
        dict(n_fickle_orders=4, n_fickle_orders_recent=2, n_orders_all_recent=8, last_fickle_at="2026-06-01"),
    ),
    "values_conflict": (dict(tag_values_conflict=True), dict(tags="vip")),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_flag_fires_and_a_near_miss_does_not(code):
    fires, near_miss = CASES[code]
    result = run(healthy_row("YES", **fires), healthy_row("NO", **near_miss))
    assert code in flags_of(result, "YES")
    assert code not in flags_of(result, "NO")


def test_no_referrals_only_when_referrals_are_recorded():
    rows = frame(healthy_row("A", n_referrals=0), healthy_row("B", n_referrals=2))
    tracked = assess_frames(rows, AS_OF, SETTINGS, referrals_tracked=True).set_index("customer_id")
    untracked = assess_frames(rows, AS_OF, SETTINGS, referrals_tracked=False).set_index("customer_id")
    assert "no_referrals" in flags_of(tracked, "A") and "no_referrals" not in flags_of(tracked, "B")
    assert "no_referrals" not in flags_of(untracked, "A")


def test_no_growth_potential():
    result = run(healthy_row("LOW", revenue=100.0, revenue_last_period=10.0, revenue_prior_period=40.0))
    assert "no_growth_potential" in flags_of(result, "LOW")
    assert "no_growth_potential" not in flags_of(result, "H7")


def test_reasons_cite_counts_dates_and_hours():
    result = run(healthy_row("C", **CASES["chronic_complainer"][0]))
    reasons = result.loc["C", "reasons"]
    assert "5 complaints 2025-08-02–2026-06-11, 5 not substantiated, in 20 orders" in reasons
    assert "6.3 staff hours" in reasons


def test_business_fault_comes_first_whatever_the_profit():
    wronged = healthy_row(
        "W",
        n_complaints=4,
        n_complaints_substantiated=4,
        first_substantiated_complaint_at="2026-01-01",
        last_substantiated_complaint_at="2026-05-01",
        n_late=6,
        late_share=0.3,
        first_late_at="2026-01-01",
        last_late_at="2026-06-01",
        profit=-300.0,
        profit_customer_view=200.0,
        cost_business_fault=500.0,
    )
    result = run(wronged)
    assert result.loc["W", "action"] == "fix_service"
    assert "unprofitable" not in flags_of(result, "W")  # its loss is the business's own cost
    assert "chronic_complainer" not in flags_of(result, "W")
    assert (
        "business at fault: 4 substantiated complaints in 20 orders 2026-01-01–2026-05-01" in result.loc["W", "reasons"]
    )


def test_confirmed_misconduct_outweighs_service_failures():
    result = run(healthy_row("F", n_fraud=1, last_fraud_at="2026-03-01", n_late=6, late_share=0.3))
    assert result.loc["F", "action"] == "offboard"


def test_problems_that_stopped_long_ago_weigh_less():
    old = dict(n_abuse_of_staff=1, first_abuse_of_staff_at="2024-12-01", last_abuse_of_staff_at="2025-03-01")
    recent = dict(
        n_abuse_of_staff=1, first_abuse_of_staff_at="2026-03-01", last_abuse_of_staff_at="2026-03-01"
    )
    result = run(healthy_row("OLD", **old), healthy_row("NEW", **recent))
    assert result.loc["NEW", "action"] == "offboard"
    assert result.loc["OLD", "action"] != "offboard"
    assert result.loc["OLD", "problem_score"] < result.loc["NEW", "problem_score"]
    assert "abuse towards staff stopped 16 months ago, ordering since" in result.loc["OLD", "reasons"]
    assert result.loc["OLD", "past_flags"] == "abusive_to_staff" and "abusive_to_staff" not in flags_of(result, "OLD")


def test_an_old_problem_without_orders_since_is_not_forgiven():
    gone = healthy_row(
        "G", n_abuse_of_staff=1, last_abuse_of_staff_at="2025-03-01", last_order_at="2025-02-01"
    )
    assert run(gone).loc["G", "action"] == "offboard"


def test_several_problems_come_before_one_then_money():
    two = healthy_row(
        "TWO",
        n_fraud=1,
        last_fraud_at="2026-03-01",
        n_abuse_of_staff=1,
        last_abuse_of_staff_at="2026-03-01",
        cost_to_serve=10.0,
    )
    one_rich = healthy_row("ONE_BIG", n_fraud=1, last_fraud_at="2026-03-01", cost_to_serve=5000.0)
    one_small = healthy_row("ONE_SMALL", n_fraud=1, last_fraud_at="2026-03-01", cost_to_serve=100.0)
    result = run(two, one_rich, one_small)
    assert (result.loc[["TWO", "ONE_BIG", "ONE_SMALL"], "action"] == "offboard").all()
    assert (
        result.loc["TWO", "priority"]
        < result.loc["ONE_BIG", "priority"]
        < result.loc["ONE_SMALL", "priority"]
    )
    assert result["priority"].min() == 1
    assert result.loc["TWO", "priority"] < result["priority"].drop(["TWO", "ONE_BIG", "ONE_SMALL"]).min()


def test_lifecycle_retain_and_win_back():
    slipping = healthy_row(
        "S",
        last_order_at="2026-03-20",
        days_since_last_order=102,
        revenue=9000.0,
        profit_customer_view=4000.0,
    )
    lapsed = healthy_row(
        "L",
        last_order_at="2025-06-01",
        days_since_last_order=394,
        revenue=9000.0,
        profit_customer_view=4000.0,
        tenure_days=1100,
        first_order_at="2023-07-01",
    )
    result = run(slipping, lapsed)
    assert result.loc["S", "action"] == "retain" and result.loc["S", "lifecycle"] == "slipping"
    assert result.loc["L", "action"] == "win_back" and result.loc["L", "lifecycle"] == "lapsed"
    assert result.loc["L", "p_alive"] < result.loc["S", "p_alive"] < result.loc["H0", "p_alive"]
    assert result.loc["S", "money_at_stake"] > 0


def test_model_predictions_replace_the_rhythm_rule():
    rows = frame(healthy_row("A", days_since_last_order=60), healthy_row("B", days_since_last_order=60))
    predictions = pd.DataFrame({"customer_id": ["A"], "p_alive": [0.1], "churn_risk": [0.95], "clv": [12.5]})
    result = assess_frames(rows, AS_OF, SETTINGS, predictions).set_index("customer_id")
    assert result.loc["A", "p_alive"] == pytest.approx(0.1) and result.loc["A", "clv"] == pytest.approx(12.5)
    assert result.loc["A", "lifecycle"] == "lapsed"
    assert result.loc["B", "lifecycle"] == "active"  # not in the predictions: rhythm rule


def test_no_reason_contains_a_semicolon_and_columns_follow_the_contract():
    result = assess_frames(frame(healthy_row("A", tags="a;b", tag_values_conflict=True)), AS_OF, SETTINGS)
    assert list(result.columns[: len(CONTRACT_COLUMNS)]) == list(CONTRACT_COLUMNS)
    # Reasons are joined by ';': each one must come back whole when the column is split again.
    parts = result.loc[0, "reasons"].split(";")
    assert parts[0] == "tagged values_conflict by staff"
    assert parts[1].startswith("margin to date €900.00 from 20 orders")
    assert len(parts) == len(result.loc[0, "flags"].split(";")) + 1  # one reason per flag, plus the margin


def test_cdnow_assessment_is_complete_and_sane():
    as_of = date(1997, 9, 30)
    result = assess(load(CDNOW, as_of), as_of)
    assert len(result) == 2357 and result["customer_id"].is_unique
    assert list(result.columns[: len(CONTRACT_COLUMNS)]) == list(CONTRACT_COLUMNS)
    numbers = result[["clv", "p_alive", "churn_risk", "profit", "cost_to_serve"]]
    assert numbers.notna().all().all()
    assert result["p_alive"].between(0, 1).all() and result["churn_risk"].between(0, 1).all()
    assert set(result["action"]) <= {"nurture", "grow", "keep", "retain", "win_back", "deprioritize"}
    assert "no_referrals" not in ";".join(result["flags"])


def test_write_assessment_is_atomic(tmp_path, monkeypatch):
    result = assess_frames(frame(healthy_row("A")), AS_OF, SETTINGS)
    path = write_assessment(result, tmp_path / "out.csv")
    assert pd.read_csv(path)["customer_id"].tolist() == ["A"]
    write_assessment(result, tmp_path / "out.json", fmt="json")
    assert (tmp_path / "out.json").read_text().lstrip().startswith("[")

    def exploding(frame, path, threads=1):
        Path(path).write_text("half a row")
        raise RuntimeError("disk full")

    monkeypatch.setattr("keepwise.output.write_csv", exploding)
    with pytest.raises(RuntimeError):
        write_assessment(result, tmp_path / "broken.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "out.json"]
    with pytest.raises(ValueError):
        write_assessment(result, tmp_path / "x.txt", fmt="txt")
