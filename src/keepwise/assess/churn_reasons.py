"""The churn classifier's drivers in words: each reason group phrased with the customer's own figures.

The classifier (``keepwise.models.churn_classifier``) says which groups of features push a customer's
churn risk up, strongest first (``ChurnModel.drivers``); this module turns each group into a sentence a
person can act on, e.g. "no purchase for 120 days, 3.2× their usual gap of 38 days".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from keepwise.data.loader import Dataset
from keepwise.metrics.periods import DAYS_PER_MONTH
from keepwise.models.churn_classifier import ChurnModel
from keepwise.models.churn_labels import FeatureFrames, end_of_day

__all__ = ["PHRASES", "churn_reasons"]


@dataclass
class _Phrasing:
    """What a reason text may need beyond the feature row."""

    currency: str
    trend_months: int
    unsubscribed_at: dict[str, pd.Timestamp]


def _day(value) -> str:
    return pd.Timestamp(value).date().isoformat()


def _count(n: float, word: str) -> str:
    n = int(n)
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _phrase_recency(row, ctx: _Phrasing) -> str | None:
    days = row["days_since_last_order"]
    gap = row["mean_purchase_gap_days"]
    if pd.notna(gap) and gap > 0:
        return f"no purchase for {_count(days, 'day')}, {days / gap:.1f}× their usual gap of {gap:.0f} days"
    return f"no purchase for {_count(days, 'day')} (last on {_day(row['last_order_at'])}, their only purchase day)"


def _phrase_spend(row, ctx: _Phrasing) -> str | None:
    last, prior, months = row["revenue_last_period"], row["revenue_prior_period"], ctx.trend_months
    if prior > 0:
        change = last / prior - 1.0
        direction = "down" if change < 0 else "up"
        return (f"spend {direction} {abs(change):.0%} vs the previous {months} months "
                f"({last:.2f} vs {prior:.2f} {ctx.currency})")
    if last > 0:
        return f"spend of {last:.2f} {ctx.currency} in the last {months} months, none in the {months} before"
    return f"no spend in the last {2 * months} months"


def _phrase_orders(row, ctx: _Phrasing) -> str | None:
    last, prior, months = row["orders_last_period"], row["orders_prior_period"], ctx.trend_months
    return f"{_count(last, 'order')} in the last {months} months vs {prior:.0f} in the {months} before"


def _phrase_rhythm(row, ctx: _Phrasing) -> str | None:
    days = row["n_purchase_days"]
    if days <= 1:
        return "only one purchase day so far"
    return f"{days:.0f} purchase days, on average {row['mean_purchase_gap_days']:.0f} days apart"


def _phrase_tenure(row, ctx: _Phrasing) -> str | None:
    since = row["first_order_at"] if pd.notna(row["first_order_at"]) else row["signed_up_at"]
    return f"a customer for {row['tenure_days']:.0f} days (since {_day(since)})"


def _phrase_discounts(row, ctx: _Phrasing) -> str | None:
    if row["n_deep_discount_orders"] > 0:
        return (f"{row['deep_discount_order_share']:.0%} of orders bought at a deep discount "
                f"({row['n_deep_discount_orders']:.0f} of {row['n_orders']:.0f})")
    if row["discount"] > 0:
        return f"discounts of {row['discount_share']:.0%} of list price on their orders"
    return None


def _phrase_fickle(row, ctx: _Phrasing) -> str | None:
    if row["n_fickle_orders"] == 0:
        return None
    return (f"{_count(row['n_cancelled'], 'cancelled order')} and {_count(row['n_orders_changed'], 'order')}"
            f" changed after placing, the last on {_day(row['last_fickle_at'])}")


def _phrase_deliveries(row, ctx: _Phrasing) -> str | None:
    if row["n_late"] == 0:
        return None
    return (f"{row['n_late']:.0f} of {_count(row['n_delivered'], 'delivery')} late (our failure), "
            f"the last on {_day(row['last_late_at'])}")


def _phrase_returns(row, ctx: _Phrasing) -> str | None:
    if row["n_returns"] == 0:
        return None
    return (f"{_count(row['n_returns'], 'return')} worth {row['returned_amount']:.2f} {ctx.currency} "
            f"({row['return_share_of_revenue']:.0%} of revenue, {row['n_defective_returns']:.0f} defective)")


def _phrase_complaints(row, ctx: _Phrasing) -> str | None:
    if row["n_complaints"] > 0:
        return (f"{_count(row['n_complaints'], 'complaint')} ({row['n_complaints_substantiated']:.0f} found to "
                f"be our fault), the last on {_day(row['last_complaint_at'])}")
    if row["n_tickets"] > 0:
        return f"{_count(row['n_tickets'], 'support ticket')} ({row['handle_minutes']:.0f} minutes of staff time)"
    return None


def _phrase_payments(row, ctx: _Phrasing) -> str | None:
    late, unpaid, written_off = row["n_paid_late"], row["n_unpaid_overdue"], row["n_written_off"]
    if late + unpaid + written_off == 0:
        return None
    parts = [f"{_count(late, 'invoice')} paid late"]
    if unpaid:
        parts.append(f"{unpaid:.0f} unpaid past due ({row['overdue_unpaid_amount']:.2f} {ctx.currency})")
    if written_off:
        parts.append(f"{written_off:.0f} written off")
    return ", ".join(parts) + f", the last on {_day(row['last_payment_problem_at'])}"


def _phrase_incidents(row, ctx: _Phrasing) -> str | None:
    kinds = ("abuse_of_staff", "fraud", "chargeback", "unethical_request", "policy_abuse", "values_conflict")
    found = [(kind, row[f"n_{kind}"], row[f"last_{kind}_at"]) for kind in kinds if row[f"n_{kind}"] > 0]
    if not found:
        return None
    total = sum(n for _, n, _ in found)
    last = max(at for _, _, at in found)
    names = ", ".join(kind.replace("_", " ") for kind, _, _ in found)
    return f"{_count(total, 'confirmed incident')} ({names}), the last on {_day(last)}"


def _phrase_unsubscribed(row, ctx: _Phrasing) -> str | None:
    if not row["unsubscribed"]:
        return None
    at = ctx.unsubscribed_at.get(row["customer_id"])
    return "unsubscribed from the newsletter" + (f" on {_day(at)}" if at is not None else "")


def _phrase_survey(row, ctx: _Phrasing) -> str | None:
    if pd.isna(row["last_survey_score"]):
        return None
    return f"last survey score {row['last_survey_score']:.0f}/10 on {_day(row['last_survey_at'])}"


def _phrase_engagement(row, ctx: _Phrasing) -> str | None:
    if row["n_engagement_events"] == 0:
        return "no newsletter opens, clicks, visits or surveys on record"
    return f"{_count(row['n_engagement_events'], 'engagement event')} (opens, clicks, visits, surveys) on record"


def _phrase_marketing(row, ctx: _Phrasing) -> str | None:
    return None if row["marketing_opt_in"] else "opted out of marketing"


def _phrase_value(row, ctx: _Phrasing) -> str | None:
    return f"{row['revenue']:.2f} {ctx.currency} spent to date, profit {row['profit']:.2f} {ctx.currency}"


def _phrase_cost(row, ctx: _Phrasing) -> str | None:
    return f"cost to serve {row['cost_to_serve']:.2f} {ctx.currency} to date"


# A group whose phrase is None for a customer is the *absence* of an event (never complained, never
# returned anything): that is no evidence a person could act on, so it is not given as a reason.
PHRASES: dict[str, Callable[[pd.Series, _Phrasing], str | None]] = {
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


def _phrase_other(feature: str, value: float) -> str:
    """A feature no template knows (a column added to customer_features later): name and value."""
    return f"{feature.replace('_', ' ')}: {value:.4g}"


def _unsubscribed_at(ds: Dataset, as_of: date, customer_ids: list[str]) -> dict[str, pd.Timestamp]:
    engagement = ds.table("engagement")
    unsubscribes = engagement.filter(
        (engagement.kind == "newsletter_unsubscribe") & (engagement.at <= end_of_day(as_of))
    )
    # All customers, filtered here: an IN list of thousands of ids costs ibis seconds to compile.
    last = unsubscribes.group_by("customer_id").aggregate(at=unsubscribes.at.max()).to_pyarrow().to_pandas()
    last = last[last["customer_id"].isin(set(customer_ids))]
    return dict(zip(last["customer_id"], last["at"], strict=True))


def churn_reasons(model: ChurnModel, ds: Dataset, as_of: date, customer_ids: Iterable[str], top: int | None = None,
                  *, frames: FeatureFrames | None = None) -> dict[str, list[str]]:
    """Up to ``top`` plain-language reasons per requested customer, strongest first.

    A reason is a group of related features whose contributions together push this customer's churn
    risk *up* (``ChurnModel.drivers``), phrased with the customer's own figures; a group whose phrase
    is None for this customer is skipped. Unknown ids get an empty list.
    """
    top = model.config.top_reasons if top is None else top
    drivers = model.drivers(ds, as_of, customer_ids, frames=frames)
    if not drivers.requested:
        return {}
    settings = model.settings
    months = round(settings.features.trend_period_days / DAYS_PER_MONTH)
    ctx = _Phrasing(settings.general.currency, months, _unsubscribed_at(ds, as_of, drivers.requested))
    result: dict[str, list[str]] = {customer_id: [] for customer_id in drivers.requested}
    for customer_id, row in drivers.never_bought.items():
        since = f" since signing up on {_day(row['signed_up_at'])}" if pd.notna(row["signed_up_at"]) else ""
        result[customer_id] = [f"no purchase yet{since}"]
    for customer_id, row in drivers.rows.items():
        texts: list[str] = []
        for group in drivers.groups[customer_id]:
            if len(texts) >= top:
                break
            phrase = PHRASES.get(group)
            text = phrase(row, ctx) if phrase else _phrase_other(group, drivers.inputs.at[customer_id, group])
            if text:
                texts.append(text)
        result[customer_id] = texts
    return result
