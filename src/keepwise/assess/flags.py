"""The contract's flags, computed from the executed feature table, vectorised.

A flag is evidence, not a verdict. Each one here is a boolean column plus the date of its latest
record, and ``<code>_stopped`` says whether the problem has stopped (measured in
``keepwise.assess.change``: "people change"); the ``flags`` column lists current problems only.
Only records the customer is responsible for count: complaints the business was found at fault for,
late deliveries and defective returns never raise a customer flag. They are weighed against the
business's own rate across all customers (``keepwise.assess.rates``) and, where the customer was
served clearly worse than the norm, raise ``service_failure`` (action ``fix_service``). What a customer
who left told us is weighed against their records in ``keepwise.assess.exit_answers``.

All thresholds are in ``keepwise.toml`` ``[flags]``.
"""

from __future__ import annotations

from datetime import date
from typing import get_args

import numpy as np
import pandas as pd

from keepwise.assess.change import STOPPABLE, clean_record
from keepwise.assess.exit_answers import exit_answers
from keepwise.assess.rates import business_rate, excess_p_value
from keepwise.config import FlagCode, ProblemFlag, Settings

__all__ = ["FLAG_CODES", "PROBLEM_FLAGS", "SERVICE_FAILURES", "compute_flags"]

# In the contract's order, which is the order the flags column lists them in (named in config.FlagCode).
FLAG_CODES: tuple[str, ...] = get_args(FlagCode)
# Flags that are problems with the relationship (they weigh towards offboarding); the other two
# only describe limited upside.
PROBLEM_FLAGS: tuple[str, ...] = get_args(ProblemFlag)
# The business's own failures, each judged against the business's own rate across all customers.
SERVICE_FAILURES = ("late_deliveries", "substantiated_complaints", "defective_returns")


def _latest(*columns: pd.Series) -> pd.Series:
    return pd.concat(columns, axis=1).max(axis=1)


def tenure_years(features: pd.DataFrame, settings: Settings) -> np.ndarray:
    """Years with us, at least ``[clv] min_tenure_days`` (so new customers are not extrapolated wildly)."""
    return np.maximum(features["tenure_days"].fillna(0).to_numpy(float), settings.clv.min_tenure_days) / 365.0


def yearly_revenue(features: pd.DataFrame, settings: Settings) -> pd.Series:
    """Revenue per year of tenure (:func:`tenure_years`)."""
    return features["revenue"] / tenure_years(features, settings)


def compute_flags(
    features: pd.DataFrame, as_of: date, settings: Settings, referrals_tracked: bool
) -> pd.DataFrame:
    """One row per customer (same index as ``features``).

    Columns: ``<flag>`` (bool: the evidence is there, current or stopped), ``<flag>_last_at`` (the
    latest record behind it), ``<flag>_stopped`` (the problem has stopped, ``keepwise.assess.change``)
    and ``<flag>_current`` for every flag code; the measurement behind ``_stopped``; and for each of
    ``SERVICE_FAILURES`` ``service_<kind>`` (the customer was served worse than the business's norm),
    ``service_<kind>_p`` and ``service_<kind>_rate`` (the business's rate). ``service_failure`` is any
    of them; then the columns of ``exit_answers``. ``referrals_tracked`` says whether the data records
    referrals at all; without it no customer can be said to have made none.
    """
    config = settings.flags
    level = config.test_level
    f = features
    as_of_ts = pd.Timestamp(as_of)
    out = pd.DataFrame(index=f.index)
    buying = f["n_orders"] > 0

    # The business's own failures, against its own rate across all customers.
    service = {
        "late_deliveries": (f["n_late"], f["n_delivered"], config.service_min_late),
        "substantiated_complaints": (f["n_complaints_substantiated"], f["n_orders"], config.service_min_substantiated),
        "defective_returns": (f["n_defective_returns"], f["n_orders"], config.service_min_defective_returns),
    }
    any_failure = pd.Series(False, index=f.index)
    for kind, (events, opportunities, min_count) in service.items():
        rate = business_rate(events, opportunities)
        p_value = excess_p_value(events, opportunities, rate)
        failed = (events >= min_count) & (p_value < level)
        out[f"service_{kind}"] = failed
        out[f"service_{kind}_p"] = p_value
        out[f"service_{kind}_rate"] = rate
        any_failure |= failed
    out["service_failure"] = any_failure

    # Complaints not found to be the business's fault: many relative to the customer's own orders and to
    # the business's norm, and costing real staff time relative to what the customer brings.
    unfounded = f["n_complaints_unsubstantiated"] + f["n_complaints_not_judged"]
    unfounded_rate = business_rate(unfounded, f["n_orders"])
    unfounded_p = excess_p_value(unfounded, f["n_orders"], unfounded_rate)
    staff_cost = f["handle_minutes_unfounded"] * settings.costs.staff_minute
    margin = f["gross_margin"].clip(lower=0.0)
    out["chronic_complainer"] = (
        (unfounded >= config.chronic_min_unfounded)
        & (unfounded >= config.chronic_min_unfounded_share * f["n_complaints"])
        & (unfounded_p < level)
        & (staff_cost >= config.chronic_min_staff_cost_share * margin)
    )
    out["chronic_complainer_last_at"] = f["last_unfounded_complaint_at"]
    out["chronic_complainer_p"] = unfounded_p
    out["chronic_complainer_rate"] = unfounded_rate

    out["abusive_to_staff"] = f["n_abuse_of_staff"] >= config.abuse_min_incidents
    out["abusive_to_staff_last_at"] = f["last_abuse_of_staff_at"]

    fraud_count = f["n_fraud"] + f["n_chargeback"] + f["n_unethical_request"]
    out["fraud_or_unethical"] = (fraud_count >= config.fraud_min_incidents) | (
        f["n_policy_abuse"] >= config.policy_abuse_min_incidents
    )
    out["fraud_or_unethical_last_at"] = _latest(
        f["last_fraud_at"], f["last_chargeback_at"], f["last_unethical_request_at"], f["last_policy_abuse_at"]
    )

    late_payments = f["n_paid_late"] + f["n_unpaid_overdue"]
    out["bad_payer"] = (
        (late_payments >= config.bad_payer_min_late)
        & (late_payments >= config.bad_payer_min_late_share * f["n_invoices"])
    ) | (f["n_written_off"] > 0)
    out["bad_payer_last_at"] = f["last_payment_problem_at"]

    # Judged on the customer's own profit: costs of the business's failures are left out.
    out["unprofitable"] = buying & (f["profit_customer_view"] < -config.unprofitable_min_loss)
    out["unprofitable_last_at"] = as_of_ts

    out["return_abuser"] = (f["non_defective_return_share"] >= config.return_abuser_min_share) & (
        f["n_non_defective_returns"] >= config.return_abuser_min_returns
    )
    out["return_abuser_last_at"] = f["last_non_defective_return_at"]

    out["deal_seeker"] = (f["n_orders"] >= config.deal_seeker_min_orders) & (
        f["deep_discount_order_share"] >= config.deal_seeker_min_share
    )
    out["deal_seeker_last_at"] = f["last_order_at"]

    out["fickle"] = (f["n_fickle_orders"] >= config.fickle_min_orders) & (
        f["n_fickle_orders"] >= config.fickle_min_share * f["n_orders_all"]
    )
    out["fickle_last_at"] = f["last_fickle_at"]

    # A staff tag is a standing judgement, so it is current as of today.
    tagged = f["tag_values_conflict"].astype(bool)
    out["values_conflict"] = tagged | (f["n_values_conflict"] > 0)
    out["values_conflict_last_at"] = f["last_values_conflict_at"].where(~tagged, as_of_ts)

    revenue_rate = yearly_revenue(f, settings)
    low_bar = revenue_rate[buying].quantile(config.no_growth_max_quantile) if buying.any() else 0.0
    out["no_growth_potential"] = (
        buying & (revenue_rate <= low_bar) & (f["revenue_last_period"] <= f["revenue_prior_period"])
    )
    out["no_growth_potential_last_at"] = as_of_ts

    out["no_referrals"] = (
        referrals_tracked
        & (f["n_referrals"] == 0)
        & (f["tenure_days"].fillna(0) >= config.no_referrals_min_tenure_days)
    )
    out["no_referrals_last_at"] = as_of_ts

    change = clean_record(f, {code: out[f"{code}_last_at"] for code in STOPPABLE}, as_of, settings)
    for code in FLAG_CODES:
        raised = out[code].fillna(False).astype(bool)
        out[code] = raised
        stopped = change[f"{code}_stopped"] if code in STOPPABLE else pd.Series(False, index=f.index)
        out[f"{code}_stopped"] = raised & stopped
        out[f"{code}_current"] = raised & ~stopped
    change = change.drop(columns=[f"{code}_stopped" for code in STOPPABLE])
    return pd.concat([out, change, exit_answers(f, settings)], axis=1)
