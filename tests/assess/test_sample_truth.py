"""On a sample business with planted customer types: does each type get the intended flags and actions?"""

from __future__ import annotations

import pandas as pd
import pytest

from keepwise.assess import CONTRACT_COLUMNS
from keepwise.assess.churn_reasons import churn_reason_lines
from keepwise.assess.flags import FLAG_CODES
from keepwise.assess.run import READ_BY_PEOPLE
from keepwise.models import BetaGeoFitter
from keepwise.models.summary import customer_summary
from keepwise.text.translator import messages

from .conftest import AS_OF


@pytest.fixture(scope="module")
def run(sample_run):
    return sample_run


@pytest.fixture(scope="module")
def outcome(sample_dataset, run):
    _, truth = sample_dataset
    print(f"\npurchase model {run.transaction_model_reason}; churn risk from {run.churn_source_reason}; "
          f"notes: {run.notes}")
    result = run.assessment.merge(truth, on="customer_id")
    for code in FLAG_CODES:
        result[f"has_{code}"] = result["flags"].str.split(";").apply(lambda codes, c=code: c in codes)
    return result


def share(outcome, customer_type: str, column: str, values) -> float:
    rows = outcome[outcome["customer_type"] == customer_type]
    return float(rows[column].isin(values).mean())


def flag_share(outcome, customer_type: str, code: str) -> float:
    return float(outcome.loc[outcome["customer_type"] == customer_type, f"has_{code}"].mean())


def test_print_per_type_table(outcome):
    actions = pd.crosstab(outcome["customer_type"], outcome["action"], normalize="index").round(2)
    flags = outcome.groupby("customer_type")[[f"has_{c}" for c in FLAG_CODES[:9]]].mean().round(2)
    flags.columns = [c.removeprefix("has_") for c in flags.columns]
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print("\nactions per planted type\n", actions, "\n\nflags per planted type\n", flags)
    assert len(outcome) == 4000


def test_contract_columns_and_ranges(outcome):
    assert list(outcome.columns[: len(CONTRACT_COLUMNS)]) == list(CONTRACT_COLUMNS)
    assert outcome["p_alive"].between(0, 1).all() and outcome["churn_risk"].between(0, 1).all()
    assert outcome[["clv", "profit", "cost_to_serve"]].notna().all().all()
    assert (outcome["priority"] >= 1).all()


@pytest.mark.parametrize("customer_type", ["fraudster", "abusive_to_staff"])
def test_misconduct_is_offboarded(outcome, customer_type):
    assert share(outcome, customer_type, "action", ["offboard"]) >= 0.90


@pytest.mark.parametrize(
    "customer_type",
    ["loyal_high_value", "slipping_valuable", "lapsed_valuable", "reformed", "business_fault"],
)
def test_good_or_wronged_customers_are_not_offboarded(outcome, customer_type):
    assert share(outcome, customer_type, "action", ["offboard"]) <= 0.02


def test_business_fault_gets_fix_service(outcome):
    assert share(outcome, "business_fault", "action", ["fix_service"]) >= 0.80
    # and is never blamed for the business's failures
    assert flag_share(outcome, "business_fault", "chronic_complainer") <= 0.02
    assert flag_share(outcome, "business_fault", "return_abuser") <= 0.02


def test_lifecycle_actions(outcome):
    assert share(outcome, "loyal_high_value", "action", ["nurture", "grow", "keep"]) >= 0.90
    assert share(outcome, "slipping_valuable", "action", ["retain"]) >= 0.60
    assert share(outcome, "lapsed_valuable", "action", ["win_back"]) >= 0.60
    assert share(outcome, "healthy_regular", "action", ["nurture", "grow", "keep", "retain"]) >= 0.85


@pytest.mark.parametrize(
    ("customer_type", "code"),
    [
        ("chronic_complainer", "chronic_complainer"),
        ("return_abuser", "return_abuser"),
        ("bad_payer", "bad_payer"),
        ("deal_seeker", "deal_seeker"),
        ("fickle", "fickle"),
        ("values_conflict", "values_conflict"),
        ("fraudster", "fraud_or_unethical"),
        ("abusive_to_staff", "abusive_to_staff"),
    ],
)
def test_problem_types_get_their_flag(outcome, customer_type, code):
    assert flag_share(outcome, customer_type, code) >= 0.80


@pytest.mark.parametrize("customer_type", ["chronic_complainer", "return_abuser", "bad_payer", "fickle"])
def test_money_problems_are_made_profitable_or_offboarded(outcome, customer_type):
    assert share(outcome, customer_type, "action", ["make_profitable", "offboard"]) >= 0.80


def test_deal_seekers_are_deprioritized(outcome):
    assert share(outcome, "deal_seeker", "action", ["deprioritize", "make_profitable"]) >= 0.80


def test_reformed_customers_old_problems_weigh_less(outcome):
    reformed = outcome[outcome["customer_type"] == "reformed"]
    assert reformed["action"].isin(["nurture", "grow", "keep", "retain"]).mean() >= 0.80
    stopped = reformed["reasons"].str.contains(" stopped")
    assert stopped.mean() >= 0.5
    # what stopped is named in past_flags, not in flags
    assert (reformed["past_flags"].str.len() > 0).mean() >= 0.5
    assert reformed["flags"].str.contains("chronic_complainer").mean() <= 0.10


def test_false_flags_are_rare_on_healthy_customers(outcome):
    healthy = outcome[outcome["customer_type"].isin(["healthy_regular", "loyal_high_value"])]
    for code in FLAG_CODES[:9]:
        assert healthy[f"has_{code}"].mean() <= 0.03, code


def test_purchase_models_fit_the_demo_business(sample_dataset, run):
    """Customers really drop out of the sample business, so the purchase models can be fitted on it."""
    ds, _ = sample_dataset
    summary = customer_summary(ds, AS_OF, "week")
    BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])  # raises if it cannot
    assert run.transaction_model in ("mbgnbd", "pareto-nbd")
    assert (run.assessment["transaction_model"] == run.transaction_model).all()


def test_p_alive_falls_with_time_since_the_one_purchase(outcome):
    once = outcome[outcome["n_orders"] == 1]
    assert len(once) > 50
    rho = once["days_since_last_order"].corr(once["p_alive"], method="spearman")
    assert rho < -0.9


def test_customers_who_left_are_not_told_to_grow(outcome):
    left = outcome[outcome["dropped_out_at"].notna() & (outcome["days_since_last_order"] > 365)]
    assert len(left) > 50
    assert left["action"].isin(["grow", "nurture"]).mean() <= 0.05


def test_read_customers_carry_the_classifier_s_drivers(sample_dataset, run):
    """The reasons made while the texts were written are those churn_reason_lines gives afterwards."""
    ds, _ = sample_dataset
    table = run.assessment
    assert run.predictions is not None and run.predictions.churn_model is not None
    read = table[table["action"].isin(READ_BY_PEOPLE)]
    ids, counts, drivers = churn_reason_lines(run.predictions.churn_model, ds, AS_OF, read["customer_id"].tolist(),
                                              ", ", frames=run.predictions.churn_frames, lang="en")
    label = messages("en")["reason.churn_drivers"]
    expected = {i: label.format(drivers=text.replace(";", ","))
                for i, n, text in zip(ids, counts, drivers.to_pylist(), strict=True) if n}
    assert len(expected) > len(read) / 2
    for customer_id, reasons in zip(table["customer_id"], table["reasons"], strict=True):
        last = reasons.split(";")[-1]
        assert (last == expected[customer_id]) if customer_id in expected else (last not in expected.values())
