"""The churn classifier's drivers in words: each reason group phrased with the customer's own figures.

The classifier (``keepwise.models.churn_classifier``) says which groups of features push a customer's
churn risk up, strongest first (``ChurnModel.drivers``); this module turns each group into a fact (a code of
the reasons catalogs and the customer's own figures) that the text layer phrases in en, fa or ru, e.g.
"no purchase for 120 days, 3.2× their usual gap of 38 days".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from keepwise.data.loader import Dataset
from keepwise.metrics.periods import DAYS_PER_MONTH
from keepwise.models.churn_classifier import ChurnModel
from keepwise.models.churn_labels import FeatureFrames, end_of_day
from keepwise.text.phrase import Phraser

__all__ = ["PHRASES", "churn_reason_facts", "churn_reasons", "phrase_facts"]


@dataclass
class _Phrasing:
    """What a reason fact may need beyond the feature row."""

    trend_months: int
    unsubscribed_at: dict[str, pd.Timestamp]


Fact = tuple[str, dict]


def _day(value) -> str:
    return pd.Timestamp(value).date().isoformat()


# Each driver is a fact: a code of the reasons catalogs (keepwise.text.reasons.<lang>, "churn_*") and the
# customer's figures, named as keepwise.text.phrase formats them (*_day, *_money, *_share, *_decimal).
def _phrase_recency(row, ctx: _Phrasing) -> Fact | None:
    days = int(row["days_since_last_order"])
    gap = row["mean_purchase_gap_days"]
    if pd.notna(gap) and gap > 0:
        return "churn_recency", {"days": days, "ratio_decimal": days / gap, "gap": round(float(gap))}
    return "churn_recency_once", {"days": days, "last_day": _day(row["last_order_at"])}


def _phrase_spend(row, ctx: _Phrasing) -> Fact | None:
    last, prior, months = float(row["revenue_last_period"]), float(row["revenue_prior_period"]), ctx.trend_months
    if prior > 0:
        change = last / prior - 1.0
        code = "churn_spend_down" if change < 0 else "churn_spend_up"
        return code, {"change_share": abs(change), "months": months, "last_money": last, "prior_money": prior}
    if last > 0:
        return "churn_spend_new", {"last_money": last, "months": months}
    return "churn_spend_none", {"months": 2 * months}


def _phrase_orders(row, ctx: _Phrasing) -> Fact | None:
    return "churn_orders", {"n": int(row["orders_last_period"]), "months": ctx.trend_months,
                            "prior": round(float(row["orders_prior_period"]))}


def _phrase_rhythm(row, ctx: _Phrasing) -> Fact | None:
    days = row["n_purchase_days"]
    if days <= 1:
        return "churn_rhythm_once", {}
    return "churn_rhythm", {"n": round(float(days)), "gap": round(float(row["mean_purchase_gap_days"]))}


def _phrase_tenure(row, ctx: _Phrasing) -> Fact | None:
    since = row["first_order_at"] if pd.notna(row["first_order_at"]) else row["signed_up_at"]
    return "churn_tenure", {"days": round(float(row["tenure_days"])), "since_day": _day(since)}


def _phrase_discounts(row, ctx: _Phrasing) -> Fact | None:
    if row["n_deep_discount_orders"] > 0:
        return "churn_deep_discounts", {"deep_share": float(row["deep_discount_order_share"]),
                                        "n": int(row["n_deep_discount_orders"]), "orders": int(row["n_orders"])}
    if row["discount"] > 0:
        return "churn_discounts", {"discount_share": float(row["discount_share"])}
    return None


def _phrase_fickle(row, ctx: _Phrasing) -> Fact | None:
    if row["n_fickle_orders"] == 0:
        return None
    return "churn_fickle", {"cancelled": int(row["n_cancelled"]), "changed": int(row["n_orders_changed"]),
                            "last_day": _day(row["last_fickle_at"])}


def _phrase_deliveries(row, ctx: _Phrasing) -> Fact | None:
    if row["n_late"] == 0:
        return None
    return "churn_deliveries", {"n": int(row["n_late"]), "total": int(row["n_delivered"]),
                                "last_day": _day(row["last_late_at"])}


def _phrase_returns(row, ctx: _Phrasing) -> Fact | None:
    if row["n_returns"] == 0:
        return None
    return "churn_returns", {"n": int(row["n_returns"]), "amount_money": float(row["returned_amount"]),
                             "revenue_share": float(row["return_share_of_revenue"]),
                             "defective": int(row["n_defective_returns"])}


def _phrase_complaints(row, ctx: _Phrasing) -> Fact | None:
    if row["n_complaints"] > 0:
        return "churn_complaints", {"n": int(row["n_complaints"]), "fault": int(row["n_complaints_substantiated"]),
                                    "last_day": _day(row["last_complaint_at"])}
    if row["n_tickets"] > 0:
        return "churn_tickets", {"n": int(row["n_tickets"]), "minutes": round(float(row["handle_minutes"]))}
    return None


def _phrase_payments(row, ctx: _Phrasing) -> Fact | None:
    late, unpaid, written_off = int(row["n_paid_late"]), int(row["n_unpaid_overdue"]), int(row["n_written_off"])
    if late + unpaid + written_off == 0:
        return None
    return "churn_payments", {"late": late, "unpaid": unpaid, "unpaid_money": float(row["overdue_unpaid_amount"]),
                              "written_off": written_off, "last_day": _day(row["last_payment_problem_at"])}


def _phrase_incidents(row, ctx: _Phrasing) -> Fact | None:
    kinds = ("abuse_of_staff", "fraud", "chargeback", "unethical_request", "policy_abuse", "values_conflict")
    found = [(row[f"n_{kind}"], row[f"last_{kind}_at"]) for kind in kinds if row[f"n_{kind}"] > 0]
    if not found:
        return None
    return "churn_incidents", {"n": int(sum(n for n, _ in found)), "last_day": _day(max(at for _, at in found))}


def _phrase_unsubscribed(row, ctx: _Phrasing) -> Fact | None:
    if not row["unsubscribed"]:
        return None
    at = ctx.unsubscribed_at.get(row["customer_id"])
    return ("churn_unsubscribed", {}) if at is None else ("churn_unsubscribed_on", {"at_day": _day(at)})


def _phrase_survey(row, ctx: _Phrasing) -> Fact | None:
    if pd.isna(row["last_survey_score"]):
        return None
    return "churn_survey", {"score": round(float(row["last_survey_score"])), "at_day": _day(row["last_survey_at"])}


def _phrase_engagement(row, ctx: _Phrasing) -> Fact | None:
    if row["n_engagement_events"] == 0:
        return "churn_no_engagement", {}
    return "churn_engagement", {"n": int(row["n_engagement_events"])}


def _phrase_marketing(row, ctx: _Phrasing) -> Fact | None:
    return None if row["marketing_opt_in"] else ("churn_opted_out", {})


def _phrase_value(row, ctx: _Phrasing) -> Fact | None:
    return "churn_value", {"revenue_money": float(row["revenue"]), "profit_money": float(row["profit"])}


def _phrase_cost(row, ctx: _Phrasing) -> Fact | None:
    return "churn_cost", {"cost_money": float(row["cost_to_serve"])}


# A group whose fact is None for a customer is the *absence* of an event (never complained, never
# returned anything): that is no evidence a person could act on, so it is not given as a reason.
PHRASES: dict[str, Callable[[pd.Series, _Phrasing], Fact | None]] = {
    "recency": _phrase_recency,
    "spend_trend": _phrase_spend,
    "order_trend": _phrase_orders,
    "rhythm": _phrase_rhythm,
    "tenure": _phrase_tenure,
    "discounts": _phrase_discounts,
    "fickle": _phrase_fickle,
    "deliveries": _phrase_deliveries,
    "returns": _phrase_returns,
    "complaints": _phrase_complaints,
    "payments": _phrase_payments,
    "incidents": _phrase_incidents,
    "unsubscribed": _phrase_unsubscribed,
    "survey": _phrase_survey,
    "engagement": _phrase_engagement,
    "marketing": _phrase_marketing,
    "value": _phrase_value,
    "cost": _phrase_cost,
}


def _phrase_other(feature: str, value: float) -> Fact:
    """A feature no template knows (a column added to customer_features later): name and value."""
    return "churn_other", {"feature": feature, "value_decimal": float(value)}


def _unsubscribed_at(ds: Dataset, as_of: date, customer_ids: list[str]) -> dict[str, pd.Timestamp]:
    engagement = ds.table("engagement")
    unsubscribes = engagement.filter(
        (engagement.kind == "newsletter_unsubscribe") & (engagement.at <= end_of_day(as_of))
    )
    # All customers, filtered here: an IN list of thousands of ids costs ibis seconds to compile.
    last = unsubscribes.group_by("customer_id").aggregate(at=unsubscribes.at.max()).to_pyarrow().to_pandas()
    last = last[last["customer_id"].isin(set(customer_ids))]
    return dict(zip(last["customer_id"], last["at"], strict=True))


def churn_reason_facts(model: ChurnModel, ds: Dataset, as_of: date, customer_ids: Iterable[str],
                       top: int | None = None, *, frames: FeatureFrames | None = None) -> dict[str, list[Fact]]:
    """Up to ``top`` reasons per requested customer as facts (catalog code, figures), strongest first.

    A reason is a group of related features whose contributions together push this customer's churn
    risk *up* (``ChurnModel.drivers``), with the customer's own figures; a group whose fact is None for
    this customer is skipped. Unknown ids get an empty list.
    """
    top = model.config.top_reasons if top is None else top
    drivers = model.drivers(ds, as_of, customer_ids, frames=frames)
    if not drivers.requested:
        return {}
    months = round(model.settings.features.trend_period_days / DAYS_PER_MONTH)
    ctx = _Phrasing(months, _unsubscribed_at(ds, as_of, drivers.requested))
    result: dict[str, list[Fact]] = {customer_id: [] for customer_id in drivers.requested}
    for customer_id, row in drivers.never_bought.items():
        signed_up = row["signed_up_at"]
        result[customer_id] = [("churn_no_purchase_since", {"signup_day": _day(signed_up)}) if pd.notna(signed_up)
                               else ("churn_no_purchase", {})]
    for customer_id, row in drivers.rows.items():
        facts: list[Fact] = []
        for group in drivers.groups[customer_id]:
            if len(facts) >= top:
                break
            phrase = PHRASES.get(group)
            fact = phrase(row, ctx) if phrase else _phrase_other(group, drivers.inputs.at[customer_id, group])
            if fact:
                facts.append(fact)
        result[customer_id] = facts
    return result


def churn_reasons(model: ChurnModel, ds: Dataset, as_of: date, customer_ids: Iterable[str], top: int | None = None,
                  *, frames: FeatureFrames | None = None, lang: str = "en") -> dict[str, list[str]]:
    """``churn_reason_facts`` phrased in ``lang`` by the text layer (keepwise.text.phrase)."""
    facts = churn_reason_facts(model, ds, as_of, customer_ids, top, frames=frames)
    return phrase_facts(facts, Phraser(lang, model.settings.general.currency))


def phrase_facts(facts: dict[str, list[Fact]], phraser: Phraser) -> dict[str, list[str]]:
    """Every customer's facts phrased, in order: each code phrased for all its customers at once
    (``Phraser.phrase_column``), each distinct figure formatted once."""
    texts: dict[str, list[str]] = {customer_id: [""] * len(found) for customer_id, found in facts.items()}
    by_code: dict[tuple[str, tuple[str, ...]], list[tuple[str, int, dict]]] = defaultdict(list)
    for customer_id, found in facts.items():
        for position, (code, values) in enumerate(found):
            by_code[(code, tuple(values))].append((customer_id, position, values))
    for (code, names), items in by_code.items():
        columns = {name: [values[name] for _, _, values in items] for name in names}
        for (customer_id, position, _), text in zip(items, phraser.phrase_column(code, columns, len(items)), strict=True):
            texts[customer_id][position] = text
    return texts
