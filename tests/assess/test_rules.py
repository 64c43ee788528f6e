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


def run(*rows: dict, settings=SETTINGS) -> pd.DataFrame:
    # Healthy companions so population quantiles are meaningful.
    companions = [
        healthy_row(f"H{i}", revenue=2000.0 + 50 * i, profit_customer_view=900.0 + 40 * i) for i in range(8)
    ]
    result = assess_frames(frame(*rows, *companions), AS_OF, settings)
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


# A customer who stopped buying a year before the as-of day, worth little, and told us why when they left.
LEFT = dict(
    n_orders=4, n_orders_all=4, n_purchase_days=4, n_delivered=4, revenue=200.0, list_price=200.0, cost_of_goods=150.0,
    gross_margin=50.0, profit=50.0, profit_customer_view=50.0, revenue_last_period=0.0, revenue_prior_period=0.0,
    last_order_at="2025-06-01", days_since_last_order=394, n_referrals=0,
)
SURVEY = dict(exit_survey_at="2025-12-01", exit_reason="delivery", exit_score=3.0)


def test_an_exit_survey_blaming_a_failure_the_records_show_asks_to_fix_the_service():
    late = dict(n_late=1, first_late_at="2025-05-01", last_late_at="2025-05-01", late_share=0.25)
    result = run(healthy_row("SAID", **LEFT, **late, **SURVEY), healthy_row("SILENT", **LEFT, **late))
    # One late delivery is no failure against the norm: without the survey, the records alone decide
    assert result.loc["SILENT", "action"] == "deprioritize"
    assert result.loc["SAID", "action"] == "fix_service"
    assert result.loc["SAID", "flags"] == result.loc["SILENT", "flags"]  # a failure of ours is no flag of theirs
    reasons = result.loc["SAID", "reasons"].split(";")
    assert reasons[:2] == ["exit survey 2025-12-01, reason: delivery, would recommend us 3 of 10",
                           "business at fault, as they said: 1 of 4 deliveries late, the last 2025-05-01"]
    assert "exit survey" not in result.loc["SILENT", "reasons"]


@pytest.mark.parametrize(("reason", "failure", "told"), [
    ("quality", dict(n_defective_returns=2, last_defective_return_at="2025-03-03"),
     "business at fault, as they said: 2 defective products returned, the last 2025-03-03"),
    ("service", dict(n_complaints=1, n_complaints_substantiated=1, last_substantiated_complaint_at="2025-07-20"),
     "business at fault, as they said: 1 substantiated complaint, the last 2025-07-20"),
])
def test_each_claim_is_checked_against_its_own_failure(reason, failure, told):
    said = {**SURVEY, "exit_reason": reason, "exit_score": float("nan")}
    # the failure the claim names, and another one the customer does not name (a late delivery)
    other = dict(n_late=1, last_late_at="2025-05-01")
    result = run(healthy_row("MATCH", **LEFT, **failure, **said), healthy_row("OTHER", **LEFT, **other, **said))
    assert result.loc["MATCH", "action"] == "fix_service"
    assert result.loc["MATCH", "reasons"].split(";")[:2] == [f"exit survey 2025-12-01, reason: {reason}", told]
    assert result.loc["OTHER", "action"] == "deprioritize"
    unseen = {"quality": "no defective product returned", "service": "no substantiated complaint"}[reason]
    assert f"{unseen} in the 12 months before their last order" in result.loc["OTHER", "reasons"]


def test_a_claim_the_records_do_not_bear_out_is_told_and_decides_nothing():
    old_failure = dict(n_late=1, last_late_at="2024-05-31")  # a year and a day before the last order
    result = run(healthy_row("OLD", **LEFT, **old_failure, **SURVEY), healthy_row("NONE", **LEFT, **SURVEY))
    for customer in ("OLD", "NONE"):
        assert result.loc[customer, "action"] == "deprioritize"
        assert ("no late delivery on their record in the 12 months before their last order"
                in result.loc[customer, "reasons"].split(";"))
    # the window is a setting: two years take the old late delivery in
    wider = SETTINGS.model_copy(update={"flags": SETTINGS.flags.model_copy(update={"exit_claim_window_days": 731})})
    result = run(healthy_row("OLD", **LEFT, **old_failure, **SURVEY), settings=wider)
    assert result.loc["OLD", "action"] == "fix_service"
    assert "no late delivery on their record in the 24 months" not in result.loc["OLD", "reasons"]


def test_an_exit_survey_is_no_longer_their_answer_once_they_came_back():
    back = {**LEFT, "last_order_at": "2026-01-15", "days_since_last_order": 166, "n_late": 1,
            "last_late_at": "2025-05-01"}
    result = run(healthy_row("BACK", **back, **SURVEY), healthy_row("SAME", **back))
    assert "exit survey" not in result.loc["BACK", "reasons"]
    assert result.loc["BACK", "action"] == result.loc["SAME", "action"] != "fix_service"


def test_other_answers_are_told_and_decide_nothing():
    price = {**SURVEY, "exit_reason": "competitor", "exit_score": 7.0}
    result = run(healthy_row("GONE", **LEFT, **price), healthy_row("QUIET", **LEFT))
    assert result.loc["GONE", "action"] == result.loc["QUIET", "action"] == "deprioritize"
    assert result.loc["GONE", "reasons"].split(";")[0] == (
        "exit survey 2025-12-01, reason: a competitor, would recommend us 7 of 10")


def test_the_customers_own_problems_decide_before_their_claim():
    """A chronic complainer who left blaming our service, with one complaint of theirs found to be our fault:
    their conduct decides, as it does without the survey; the claim is still told."""
    complainer = dict(CASES["chronic_complainer"][0], n_complaints=6, n_complaints_substantiated=1,
                      last_substantiated_complaint_at="2025-05-01", last_order_at="2025-06-01",
                      days_since_last_order=394)
    said = {**SURVEY, "exit_reason": "service"}
    result = run(healthy_row("C", **complainer, **said), healthy_row("D", **complainer))
    assert result.loc["C", "action"] == result.loc["D", "action"] in ("make_profitable", "offboard")
    assert "business at fault, as they said: 1 substantiated complaint, the last 2025-05-01" in result.loc["C", "reasons"]
