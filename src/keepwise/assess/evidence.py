"""Reasons and evidence: every flag and action explained by the records behind it.

Reasons describe behaviour and records (counts, dates, amounts), never character: "9 complaints
2025-08-02..2026-06-11, 8 not substantiated, 6.3 staff hours", not "a difficult customer". They
are joined with ``;`` in the output, so no single reason ever contains one.

Each reason kind is built for the customers it applies to only, with vectorised string
operations over those rows; the final join per customer is a plain list comprehension.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from keepwise.assess.flags import FLAG_CODES
from keepwise.config import Settings
from keepwise.metrics.periods import DAYS_PER_MONTH

__all__ = ["build_evidence", "build_reasons"]



def _day(moments: pd.Series) -> pd.Series:
    return moments.dt.strftime("%Y-%m-%d").fillna("?")


def _span(first: pd.Series, last: pd.Series) -> pd.Series:
    first_day, last_day = _day(first), _day(last)
    return first_day.where(first_day == last_day, first_day + ".." + last_day)


def _money(amounts: pd.Series) -> pd.Series:
    return amounts.astype(float).map("{:.2f}".format)


def _int(values: pd.Series) -> pd.Series:
    return values.astype("int64").astype(str)


def _percent(shares: pd.Series) -> pd.Series:
    return (shares.astype(float) * 100).round().astype("int64").astype(str) + "%"


class _Reasons:
    """Collects reason strings per customer, kind by kind, in a fixed order."""

    def __init__(self, index: pd.Index):
        self.index = index
        self.parts: list[pd.Series] = []

    def add(self, mask: pd.Series, build) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        text = pd.Series("", index=self.index, dtype=object)
        built = build(mask)
        if isinstance(built, str):
            built = pd.Series(built, index=self.index[mask.to_numpy()])
        text[mask] = built.astype(str).str.replace(";", ",", regex=False)
        self.parts.append(text)

    def joined(self) -> np.ndarray:
        if not self.parts:
            return np.full(len(self.index), "", dtype=object)
        matrix = np.column_stack([part.to_numpy(dtype=object) for part in self.parts])
        return np.array([";".join(item for item in row if item) for row in matrix], dtype=object)


def build_reasons(
    features: pd.DataFrame,
    flags: pd.DataFrame,
    decisions: pd.DataFrame,
    predictions: pd.DataFrame,
    lifecycle: pd.Series,
    as_of,
    settings: Settings,
) -> np.ndarray:
    """The ``reasons`` column: the action's grounds first, then each flag's records."""
    f = features
    as_of_ts = pd.Timestamp(as_of)
    reasons = _Reasons(f.index)
    action = decisions["action"]
    deep_percent = f"{settings.features.deep_discount_share * 100:.0f}%"
    recent_months = round(settings.features.recent_days / DAYS_PER_MONTH)
    trend_months = round(settings.features.trend_period_days / DAYS_PER_MONTH)

    def with_stale(code: str, build):
        """Adds "stopped N months ago" to the reason of a problem that stopped long ago."""

        def built(mask: pd.Series) -> pd.Series:
            text = build(mask).astype(object)
            stale = flags.loc[mask, f"{code}_stale"].astype(bool)
            long_ago = flags.loc[mask, f"{code}_stopped_long_ago"].astype(bool)
            if long_ago.any():
                quiet_days = (as_of_ts - flags.loc[mask, f"{code}_last_at"][long_ago]).dt.days
                months = (quiet_days / DAYS_PER_MONTH).round().astype("int64").astype(str)
                text[long_ago] = text[long_ago] + " - stopped " + months + " months ago, behaving well since"
            faded = stale & ~long_ago
            if faded.any():
                text[faded] = text[faded] + f" - rare in the last {recent_months} months, behaving well since"
            return text

        return built

    # The business's own failures come first: they are what to fix.
    def business_fault(count: str, what, first: str, last: str, tail=None) -> None:
        """'business at fault: <count><what><first..last><tail>' for fix_service customers with such records;
        ``what`` and ``tail`` are text or a function of the rows."""

        def text(part, m: pd.Series):
            return part(m) if callable(part) else part

        reasons.add(
            (action == "fix_service") & (f[count] > 0),
            lambda m: (
                "business at fault: "
                + _int(f.loc[m, count])
                + text(what, m)
                + _span(f.loc[m, first], f.loc[m, last])
                + text(tail or "", m)
            ),
        )

    business_fault("n_complaints_substantiated", " substantiated complaints ", "first_substantiated_complaint_at",
                   "last_substantiated_complaint_at")
    business_fault("n_late", lambda m: " of " + _int(f.loc[m, "n_delivered"]) + " deliveries late ", "first_late_at",
                   "last_late_at")
    business_fault("n_defective_returns", " defective products returned ", "first_defective_return_at",
                   "last_defective_return_at", lambda m: ", " + _money(f.loc[m, "defective_returned_amount"]) + " refunded")

    unfounded = f["n_complaints_unsubstantiated"] + f["n_complaints_not_judged"]
    reasons.add(
        flags["chronic_complainer"],
        with_stale(
            "chronic_complainer",
            lambda m: (
                _int(f.loc[m, "n_complaints"])
                + " complaints "
                + _span(f.loc[m, "first_complaint_at"], f.loc[m, "last_complaint_at"])
                + ", "
                + _int(unfounded[m])
                + " not substantiated, "
                + (f.loc[m, "handle_minutes"] / 60).round(1).astype(str)
                + " staff hours"
            ),
        ),
    )
    reasons.add(
        flags["abusive_to_staff"],
        with_stale(
            "abusive_to_staff",
            lambda m: (
                _int(f.loc[m, "n_abuse_of_staff"])
                + " confirmed incidents of abuse towards staff "
                + _span(f.loc[m, "first_abuse_of_staff_at"], f.loc[m, "last_abuse_of_staff_at"])
            ),
        ),
    )

    def fraud_text(m: pd.Series) -> pd.Series:
        rows = f.loc[m]
        text = pd.Series("confirmed:", index=rows.index, dtype=object)
        for kind, label in (
            ("fraud", "fraud"),
            ("chargeback", "chargeback"),
            ("unethical_request", "unethical request"),
            ("policy_abuse", "policy abuse"),
        ):
            has = rows[f"n_{kind}"] > 0
            piece = " " + _int(rows[f"n_{kind}"]) + " " + label + " " + _day(rows[f"last_{kind}_at"])
            text = text.where(~has, text + piece)
        return text

    reasons.add(flags["fraud_or_unethical"], with_stale("fraud_or_unethical", fraud_text))

    late_payments = f["n_paid_late"] + f["n_unpaid_overdue"]
    reasons.add(
        flags["bad_payer"],
        with_stale(
            "bad_payer",
            lambda m: (
                _int(late_payments[m])
                + " of "
                + _int(f.loc[m, "n_invoices"])
                + " invoices paid late or overdue, last "
                + _day(f.loc[m, "last_payment_problem_at"])
                + ", "
                + _money(f.loc[m, "overdue_unpaid_amount"])
                + " overdue, "
                + _money(f.loc[m, "written_off_amount"])
                + " written off"
            ),
        ),
    )
    reasons.add(
        flags["unprofitable"],
        lambda m: (
            "net loss to date "
            + _money(-f.loc[m, "profit_customer_view"])
            + ": revenue "
            + _money(f.loc[m, "revenue"])
            + ", cost of goods "
            + _money(f.loc[m, "cost_of_goods"])
            + ", cost to serve "
            + _money(f.loc[m, "cost_to_serve"] - f.loc[m, "cost_business_fault"])
        ),
    )
    reasons.add(
        flags["return_abuser"],
        with_stale(
            "return_abuser",
            lambda m: (
                _int(f.loc[m, "n_non_defective_returns"])
                + " returns not for defects "
                + _span(f.loc[m, "first_non_defective_return_at"], f.loc[m, "last_non_defective_return_at"])
                + ", "
                + _money(f.loc[m, "non_defective_returned_amount"])
                + " refunded ("
                + _percent(f.loc[m, "non_defective_return_share"])
                + " of revenue)"
            ),
        ),
    )
    reasons.add(
        flags["deal_seeker"],
        lambda m: (
            _int(f.loc[m, "n_deep_discount_orders"])
            + " of "
            + _int(f.loc[m, "n_orders"])
            + " orders bought at "
            + deep_percent
            + " off or more"
        ),
    )
    reasons.add(
        flags["fickle"],
        with_stale(
            "fickle",
            lambda m: (
                _int(f.loc[m, "n_fickle_orders"])
                + " of "
                + _int(f.loc[m, "n_orders_all"])
                + " orders cancelled or changed "
                + _span(f.loc[m, "first_fickle_at"], f.loc[m, "last_fickle_at"])
                + ", "
                + _int(f.loc[m, "change_requests"])
                + " change requests"
            ),
        ),
    )

    def values_text(m: pd.Series) -> pd.Series:
        rows = f.loc[m]
        tagged = rows["tag_values_conflict"].astype(bool)
        text = pd.Series("", index=rows.index, dtype=object)
        text = text.where(~tagged, "tagged values_conflict by staff")
        incident = (
            _int(rows["n_values_conflict"])
            + " confirmed values-conflict incidents, last "
            + _day(rows["last_values_conflict_at"])
        )
        has = rows["n_values_conflict"] > 0
        text = text.where(~has, text.where(text == "", text + ", ") + incident)
        return text

    reasons.add(flags["values_conflict"], values_text)

    # Lifecycle and value: why this action when no problem decides it.
    def last_order(m: pd.Series) -> pd.Series:
        return (
            "last order "
            + _day(f.loc[m, "last_order_at"])
            + " ("
            + _int(f.loc[m, "days_since_last_order"])
            + " days ago, usually every "
            + predictions.loc[m, "usual_gap_days"].round().astype("int64").astype(str)
            + " days)"
        )

    reasons.add(action.isin(("retain", "win_back")) | lifecycle.isin(("slipping", "lapsed")), last_order)
    reasons.add(
        f["n_orders"] > 0,
        lambda m: (
            "margin to date "
            + _money(f.loc[m, "profit_customer_view"])
            + " from "
            + _int(f.loc[m, "n_orders"])
            + " orders since "
            + _day(f.loc[m, "first_order_at"])
        ),
    )
    reasons.add(f["n_orders"] == 0, lambda m: "no completed orders yet")
    reasons.add(
        flags["no_growth_potential"],
        lambda m: (
            "revenue "
            + _money(f.loc[m, "revenue_last_period"])
            + f" in the last {trend_months} months vs "
            + _money(f.loc[m, "revenue_prior_period"])
            + " before, among the lowest yearly revenues"
        ),
    )
    reasons.add(
        flags["no_referrals"],
        lambda m: "no referrals in " + _int(f.loc[m, "tenure_days"] // DAYS_PER_MONTH) + " months",
    )
    horizon_months = round(settings.clv.horizon_days / DAYS_PER_MONTH)
    reasons.add(
        action.isin(("retain", "win_back", "nurture", "grow")),
        lambda m: (
            "expected value "
            + _money(predictions.loc[m, "clv"])
            + f" over {horizon_months} months, "
            + _money(decisions.loc[m, "money_at_stake"])
            + " at stake"
        ),
    )
    return reasons.joined()


def build_evidence(features: pd.DataFrame, flags: pd.DataFrame, weights: pd.DataFrame) -> np.ndarray:
    """A JSON object per customer: for every flag raised, its weight, latest record and whether stale."""
    evidence = np.full(len(features), "{}", dtype=object)
    raised = flags[list(FLAG_CODES)].to_numpy(bool)
    rows = np.flatnonzero(raised.any(axis=1))
    if len(rows) == 0:
        return evidence
    last = {
        code: flags[f"{code}_last_at"].dt.strftime("%Y-%m-%d").to_numpy(dtype=object) for code in FLAG_CODES
    }
    stale = {code: flags[f"{code}_stale"].to_numpy(bool) for code in FLAG_CODES}
    weight = {code: weights[code].to_numpy(float) if code in weights else None for code in FLAG_CODES}
    for row in rows:
        record = {}
        for position, code in enumerate(FLAG_CODES):
            if not raised[row, position]:
                continue
            item = {"last_at": last[code][row] if isinstance(last[code][row], str) else None}
            if weight[code] is not None:
                item["weight"] = round(float(weight[code][row]), 2)
                item["stale"] = bool(stale[code][row])
            record[code] = item
        evidence[row] = json.dumps(record, separators=(",", ":"))
    return evidence
