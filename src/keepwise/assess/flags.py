"""The contract's flags, computed from the executed feature table, vectorised.

A flag is evidence, not a verdict. Each one here is a boolean column plus the date of its latest
record, so the assessment can tell a current problem from one that stopped long ago ("people
change"). Only records the customer is responsible for count: complaints the business was found
at fault for, late deliveries and defective returns never raise a customer flag; they raise
``service_failure`` instead, which points at the business (action ``fix_service``).

All thresholds are in ``keepwise.toml`` ``[flags]``.
"""

from __future__ import annotations

from datetime import date
from typing import get_args

import numpy as np
import pandas as pd

from keepwise.config import FlagCode, ProblemFlag, Settings

__all__ = ["FLAG_CODES", "PROBLEM_FLAGS", "compute_flags"]

# In the contract's order, which is the order the flags column lists them in (named in config.FlagCode).
FLAG_CODES: tuple[str, ...] = get_args(FlagCode)
# Flags that are problems with the relationship (they weigh towards offboarding); the other two
# only describe limited upside.
PROBLEM_FLAGS: tuple[str, ...] = get_args(ProblemFlag)


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

    Columns: ``<flag>`` (bool) and ``<flag>_last_at`` (the latest record behind it) for every flag
    code, ``<flag>_stale`` (the problem stopped more than ``stale_after_days`` ago and the customer
    has ordered since), and ``service_failure`` (the business's own failures are documented).
    ``referrals_tracked`` says whether the data records referrals at all; without it no customer can
    be said to have made none.
    """
    config = settings.flags
    f = features
    as_of_ts = pd.Timestamp(as_of)
    out = pd.DataFrame(index=f.index)

    unfounded = f["n_complaints_unsubstantiated"] + f["n_complaints_not_judged"]
    out["chronic_complainer"] = (unfounded >= config.chronic_min_unfounded) & (
        unfounded >= config.chronic_min_unfounded_share * f["n_complaints"]
    )
    out["chronic_complainer_last_at"] = f["last_unfounded_complaint_at"]

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
    out["unprofitable"] = (f["n_orders"] > 0) & (f["profit_customer_view"] < -config.unprofitable_min_loss)
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
    buying = f["n_orders"] > 0
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

    # "Stopped": the flag's thresholds are no longer met on the recent records alone (for the
    # count-based flags), or its latest record is old; and the customer kept ordering since.
    recent_cut = as_of_ts - pd.Timedelta(days=settings.features.recent_days)
    recent_late = f["n_late_payments_recent"]
    still_meets = {
        "chronic_complainer": f["n_unfounded_complaints_recent"] >= config.chronic_min_unfounded,
        "bad_payer": (recent_late >= config.bad_payer_min_late)
        & (recent_late >= config.bad_payer_min_late_share * f["n_invoices_recent"]),
        "return_abuser": f["n_non_defective_returns_recent"] >= config.return_abuser_min_returns,
        "fickle": (f["n_fickle_orders_recent"] >= config.fickle_min_orders)
        & (f["n_fickle_orders_recent"] >= config.fickle_min_share * f["n_orders_all_recent"]),
    }
    ordered_recently = (f["last_order_at"] > recent_cut).fillna(False)
    for code in FLAG_CODES:
        last_at = out[f"{code}_last_at"]
        age_days = (as_of_ts - last_at).dt.days
        ordered_since = (f["last_order_at"] > last_at).fillna(False)
        stopped = (age_days > config.stale_after_days) & ordered_since
        if code in still_meets:
            stopped |= ~still_meets[code] & ordered_recently
        out[f"{code}_stale"] = out[code] & stopped.fillna(False)
        out[f"{code}_stopped_long_ago"] = out[f"{code}_stale"] & (age_days > config.stale_after_days)

    out["service_failure"] = (
        (
            (f["n_complaints_substantiated"] >= config.service_min_substantiated)
            & (f["n_complaints_substantiated"] >= unfounded)
        )
        | ((f["n_late"] >= config.service_min_late) & (f["late_share"] >= config.service_min_late_share))
        | (f["n_defective_returns"] >= config.service_min_defective_returns)
    )
    return out
