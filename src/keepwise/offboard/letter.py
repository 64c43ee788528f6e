"""The facts of the five-step offboarding letter, drawn from the customer's own records.

1. thanks: how long they have been a customer (since the sign-up or first order) and their orders;
2. the decision, framed by the documented situations behind it: for every problem flag the
   assessment raised, the records behind it (counts, dates, amounts), never a word about the person;
3. goodwill: a gesture computed from their records within the drafting role's cap (``goodwill``);
4. an apology that the service was not the right fit;
5. alternatives: the configured list, per country when one is configured for theirs.

This module produces facts only (codes, counts, dates, amounts); ``keepwise.offboard.render`` phrases
them through the templates of the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from keepwise.config import Settings
from keepwise.data.loader import Dataset
from keepwise.offboard.goodwill import Goodwill, goodwill_for
from keepwise.offboard.records import CustomerRecords, customer_records
from keepwise.text.calendar import to_date

__all__ = ["LetterFacts", "Situation", "alternatives_for", "letter_facts", "situations"]

# Incident kinds behind fraud_or_unethical, each its own situation.
_CONDUCT_KINDS = ("fraud", "chargeback", "unethical_request", "policy_abuse")


@dataclass
class Situation:
    """One documented situation: what happened, how often, when, and the money involved."""

    code: str
    count: int = 0
    total: int | None = None  # "count of total"
    dates: list[date] = field(default_factory=list)  # every day, oldest first; empty: cite first..last
    first: date | None = None
    last: date | None = None
    amount: float | None = None  # the money involved (a sum of the records, or one record's amount)
    last_amount: float | None = None  # the latest record's amount
    last_due: date | None = None
    hours: float | None = None
    share: float | None = None
    # How many of ``count`` are of each kind, in the order the letter names them, the kinds with none left out
    # (late invoices: paid_late, still_open, written_off).
    parts: dict[str, int] = field(default_factory=dict)


@dataclass
class LetterFacts:
    customer_id: str
    name: str | None
    country: str | None
    language: str  # the customer's own language
    action: str
    since: date | None
    tenure_days: int
    n_orders: int
    last_order: date | None
    revenue: float
    cost_to_serve: float
    situations: list[Situation]
    goodwill: Goodwill
    alternatives: list[str]
    currency: str
    as_of: date
    sender: str = ""


def _days(values: pd.Series) -> list[date]:
    return sorted(to_date(v) for v in values.dropna())


def _cited(days: list[date], limit: int) -> list[date]:
    """Every day when there are at most ``limit`` of them; none otherwise (the letter then gives the
    span from the first to the last)."""
    unique = sorted(set(days))
    return unique if len(unique) <= limit else []


def _situation(code: str, days: list[date], limit: int, **values) -> Situation:
    return Situation(
        code,
        count=values.pop("count", len(days)),
        dates=_cited(days, limit),
        first=days[0] if days else None,
        last=days[-1] if days else None,
        **values,
    )


def situations(
    records: CustomerRecords, flags: list[str], settings: Settings, facts: dict
) -> list[Situation]:
    """The documented situations behind each flag raised (in the contract's flag order)."""
    limit = settings.offboard.max_dates_cited
    found: list[Situation] = []
    incidents = records.incidents
    confirmed = (
        incidents[incidents["confirmed"].fillna(False).astype(bool)] if not incidents.empty else incidents
    )

    def incident_days(kind: str) -> list[date]:
        if confirmed.empty:
            return []
        return _days(confirmed.loc[confirmed["kind"] == kind, "occurred_at"])

    orders, invoices, tickets, returns = records.orders, records.invoices, records.tickets, records.returns
    for code in flags:
        if code == "abusive_to_staff":
            days = incident_days("abuse_of_staff")
            if days:
                found.append(_situation("abuse_of_staff", days, limit))
        elif code == "fraud_or_unethical":
            for kind in _CONDUCT_KINDS:
                days = incident_days(kind)
                if days:
                    found.append(_situation(kind, days, limit))
        elif code == "values_conflict":
            found.append(_situation("values_conflict", incident_days("values_conflict"), limit))
        elif code == "bad_payer" and not invoices.empty:
            paid = invoices["amount_paid"].fillna(0.0)
            due = invoices["due_at"].dt.normalize()
            # Each late invoice once, as the customer would name it: written off, else still open, else paid late.
            written_off = invoices["written_off"].fillna(False).astype(bool)
            still_open = ~written_off & (invoices["amount"] - paid > 0.005) & (due < pd.Timestamp(records.as_of))
            paid_late = (~written_off & ~still_open & invoices["paid_at"].notna()
                         & (invoices["paid_at"].dt.normalize() > due))
            late = invoices[paid_late | still_open | written_off]
            kinds = {"paid_late": paid_late, "still_open": still_open, "written_off": written_off}
            if not late.empty:
                latest = late.sort_values("due_at", kind="stable").iloc[-1]
                found.append(
                    _situation(
                        "late_invoices",
                        _days(late["due_at"]),
                        limit,
                        count=len(late),
                        total=len(invoices),
                        last_amount=float(latest["amount"]),
                        last_due=to_date(latest["due_at"]),
                        parts={kind: int(rows.sum()) for kind, rows in kinds.items() if rows.any()},
                    )
                )
        elif code == "chronic_complainer" and not tickets.empty:
            complaints = tickets[tickets["kind"] == "complaint"]
            unfounded = complaints[~complaints["substantiated"].fillna(False).astype(bool)]
            if not unfounded.empty:
                found.append(
                    _situation(
                        "complaints_not_our_error",
                        _days(unfounded["opened_at"]),
                        limit,
                        total=len(complaints),
                        hours=round(float(unfounded["handle_minutes"].fillna(0.0).sum()) / 60.0, 1),
                    )
                )
        elif code == "return_abuser" and not returns.empty:
            not_faulty = returns[~returns["defective"].fillna(False).astype(bool)]
            if not not_faulty.empty:
                found.append(
                    _situation(
                        "returns_not_faulty",
                        _days(not_faulty["returned_at"]),
                        limit,
                        count=len(not_faulty),
                        amount=round(float(not_faulty["amount"].sum()), 2),
                    )
                )
        elif code == "fickle" and not orders.empty:
            changed = orders[(orders["status"] == "cancelled") | (orders["change_requests"].fillna(0) > 0)]
            if not changed.empty:
                found.append(
                    _situation(
                        "orders_changed",
                        _days(changed["ordered_at"]),
                        limit,
                        count=len(changed),
                        total=len(orders),
                    )
                )
        elif code == "deal_seeker" and not orders.empty:
            completed = orders[orders["status"] == "completed"]
            list_price = completed["revenue"] + completed["discount"].fillna(0.0)
            share = settings.features.deep_discount_share
            deep = completed[(list_price > 0) & (completed["discount"].fillna(0.0) >= share * list_price)]
            if not deep.empty:
                found.append(
                    _situation(
                        "discounted_orders",
                        _days(deep["ordered_at"]),
                        limit,
                        count=len(deep),
                        total=len(completed),
                        share=share,
                    )
                )
        elif code == "unprofitable":
            found.append(
                Situation(
                    "cost_above_margin",
                    first=facts["since"],
                    amount=facts["cost_to_serve"],
                    last_amount=facts["revenue"],
                )
            )
    if not found and facts["n_orders"] > 0:
        found.append(
            Situation(
                "order_history", count=facts["n_orders"], first=facts["since"], last=facts["last_order"]
            )
        )
    return found


def alternatives_for(country: str | None, settings: Settings) -> list[str]:
    by_country = settings.offboard.alternatives_by_country
    if country and country.upper() in by_country:
        return list(by_country[country.upper()])
    return list(settings.offboard.alternatives)


def letter_facts(
    ds: Dataset,
    customer_id: str,
    as_of: date,
    assessed: dict,
    role: str = "agent",
    goodwill_amount: float | None = None,
) -> LetterFacts:
    """Everything the letter says about ``customer_id``, from their records and their assessment row.

    ``assessed`` is the customer's row of the assessment (``action``, ``flags``, ``revenue``,
    ``cost_to_serve``, ``n_orders``, ``last_order_at``). Raises ``UnknownCustomer`` for an unknown id
    and ``GoodwillRefused`` for a ``goodwill_amount`` the role may not grant.
    """
    settings = ds.settings
    records = customer_records(ds, customer_id, as_of)
    customer = records.customer
    completed = (
        records.orders[records.orders["status"] == "completed"]
        if not records.orders.empty
        else records.orders
    )
    first_order = to_date(completed["ordered_at"].min()) if not completed.empty else None
    signed_up = to_date(customer["signed_up_at"]) if customer.get("signed_up_at") is not None else None
    since = (
        min(day for day in (first_order, signed_up) if day is not None)
        if (first_order or signed_up)
        else None
    )
    last_order = to_date(completed["ordered_at"].max()) if not completed.empty else None
    # The assessment's revenue; a caller holding only the contract columns gets it from the records.
    revenue = assessed.get("revenue")
    if revenue is None:
        revenue = float(completed["revenue"].sum()) if not completed.empty else 0.0
    facts = {
        "since": since,
        "n_orders": len(completed),
        "last_order": last_order,
        "revenue": round(float(revenue), 2),
        "cost_to_serve": round(float(assessed.get("cost_to_serve", 0.0)), 2),
    }
    flags = [code for code in str(assessed.get("flags") or "").split(";") if code]
    return LetterFacts(
        customer_id=records.customer_id,
        name=customer.get("name") or None,
        country=customer.get("country") or None,
        language=customer.get("language") or "en",
        action=str(assessed.get("action", "")),
        since=since,
        tenure_days=(as_of - since).days if since else 0,
        n_orders=len(completed),
        last_order=last_order,
        revenue=facts["revenue"],
        cost_to_serve=facts["cost_to_serve"],
        situations=situations(records, flags, settings, facts),
        goodwill=goodwill_for(records, role, settings, goodwill_amount),
        alternatives=alternatives_for(customer.get("country"), settings),
        currency=settings.general.currency.upper(),
        as_of=as_of,
        sender=settings.offboard.sender_name,
    )
