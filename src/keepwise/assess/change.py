"""People change, measured: has a customer's problem stopped?

A problem has stopped when the clean record since its last occurrence would be unlikely under the
customer's own former rate, and the customer kept buying since:

* payments are counted per invoice: with ``k`` of the ``n`` invoices due up to the last problem paid
  late, the chance of ``m`` clean invoices since is ``(1 - k/n) ** m`` (binomial);
* complaints, incidents, returns and changed orders are counted in time: ``k`` events in the ``d``
  days from the start of the relationship to the last one (at least ``change_min_exposure_days``)
  give a rate ``k/d``, and ``c`` clean days up to the customer's last order have the chance
  ``exp(-c k/d)`` (Poisson).

Below ``[flags] test_level`` the problem has stopped. A problem whose last record is older than
``stale_after_days`` with orders since has stopped too (a single incident gives no rate to measure).
Confirmed fraud and chargebacks are never forgiven by time alone, and repeated ones
(``never_forgiven_min_fraud`` or more) never; unpaid overdue invoices are a current problem
whatever the record since; a staff tag stands until staff remove it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from keepwise.config import Settings

__all__ = ["STOPPABLE", "clean_record"]

# Flags that describe behaviour that can stop; the others (unprofitable, deal_seeker, no_growth_potential,
# no_referrals) describe the customer's state today.
STOPPABLE = (
    "chronic_complainer",
    "abusive_to_staff",
    "fraud_or_unethical",
    "bad_payer",
    "return_abuser",
    "fickle",
    "values_conflict",
)


def _counts(f: pd.DataFrame) -> dict[str, pd.Series]:
    return {
        "chronic_complainer": f["n_complaints_unsubstantiated"] + f["n_complaints_not_judged"],
        "abusive_to_staff": f["n_abuse_of_staff"],
        "fraud_or_unethical": f["n_fraud"] + f["n_chargeback"] + f["n_unethical_request"] + f["n_policy_abuse"],
        "return_abuser": f["n_non_defective_returns"],
        "fickle": f["n_fickle_orders"],
        "values_conflict": f["n_values_conflict"],
    }


def _days(spans: pd.Series) -> np.ndarray:
    """Whole days of each time span, rounded down (``Series.dt.days``), as floats: NaN where there is none.
    By NumPy's division of the spans, not pandas' per-component days."""
    values = spans.to_numpy()
    with np.errstate(invalid="ignore"):  # NaT spans, set to NaN below
        days = np.floor_divide(values, np.timedelta64(1, "D")).astype(float)
    days[np.isnat(values)] = np.nan
    return days


def clean_record(features: pd.DataFrame, last_at: dict[str, pd.Series], as_of, settings: Settings) -> pd.DataFrame:
    """Per stoppable flag: ``<code>_stopped`` (bool), ``<code>_chance`` (of the clean record under the
    former rate; NaN where not measured), ``<code>_clean_days`` and ``<code>_former_days``.
    ``last_at`` holds each flag's latest record."""
    config = settings.flags
    f = features
    as_of_ts = pd.Timestamp(as_of)
    out = pd.DataFrame(index=f.index)
    start = pd.concat([f["first_order_at"], f["signed_up_at"]], axis=1).min(axis=1)
    counts = _counts(f)
    for code in STOPPABLE:
        last = last_at[code]
        ordered_since = (f["last_order_at"] > last).fillna(False)
        age_days = pd.Series(_days(as_of_ts - last), index=f.index)
        long_ago = (age_days > config.stale_after_days).fillna(False) & ordered_since
        if code == "bad_payer":
            clean = f["n_invoices_due_since_problem"].astype(float)
            before = (f["n_invoices_due"] - f["n_invoices_due_since_problem"]).astype(float)
            problems = (f["n_paid_late"] + f["n_unpaid_overdue"] + f["n_written_off"]).astype(float)
            share = (problems / before.where(before > 0)).clip(upper=1.0)
            chance = (1.0 - share) ** clean
            out[f"{code}_clean_invoices"] = clean
            out[f"{code}_former_invoices"] = before
            out[f"{code}_former_problems"] = problems
        else:
            former_days = pd.Series(_days(last - start), index=f.index).clip(lower=config.change_min_exposure_days)
            clean_days = pd.Series(_days(f["last_order_at"] - last), index=f.index).clip(lower=0)
            rate = counts[code].astype(float) / former_days
            chance = pd.Series(np.exp(-rate * clean_days), index=f.index)
            out[f"{code}_clean_days"] = clean_days
            out[f"{code}_former_days"] = former_days
            out[f"{code}_former_count"] = counts[code]
        measured = (chance < config.test_level).fillna(False) & ordered_since
        stopped = measured | long_ago
        if code == "fraud_or_unethical":
            serious = f["n_fraud"] + f["n_chargeback"]
            stopped = (measured | (long_ago & (serious == 0))) & (serious < config.never_forgiven_min_fraud)
        elif code == "bad_payer":
            stopped &= f["n_unpaid_overdue"] == 0
        elif code == "values_conflict":
            stopped &= ~f["tag_values_conflict"].astype(bool)
        out[f"{code}_stopped"] = stopped.fillna(False).astype(bool)
        out[f"{code}_measured"] = (measured & stopped).fillna(False).astype(bool)
        out[f"{code}_chance"] = chance
    return out
