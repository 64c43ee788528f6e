"""Goodwill: a gesture computed from the customer's own records, within the drafting role's authority.

The gestures, each from one record (``[goodwill] preference`` orders them):

- ``cancel_open_invoice``: the open balance of the latest invoice not paid in full (and not written off);
- ``refund_last_invoice``: the amount paid on the latest paid invoice;
- ``refund_last_order``: the revenue of the latest completed order not returned;
- ``credit``: an amount a person chose instead (the app, or ``keepwise letter --goodwill``).

Open orders (completed, promised for a day after as-of, not yet delivered) are always honoured on top:
the customer gets what they ordered.

Every role has a cap in the configured currency (``[goodwill] cap_<role>``). A gesture above the
drafter's cap is not offered in their draft; it needs someone whose cap covers it. ``authorise`` is
the one check the CLI and the app make: a negative amount, an amount above the cap or an unknown role
is refused with ``GoodwillRefused``, whose message says why and who may grant it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from keepwise.config import Settings
from keepwise.offboard.records import CustomerRecords
from keepwise.text.calendar import to_date
from keepwise.text.problems import Phrased

__all__ = [
    "ROLES",
    "Gesture",
    "Goodwill",
    "GoodwillRefused",
    "approver_for",
    "authorise",
    "candidate_gestures",
    "goodwill_for",
    "role_cap",
]

# From least to most authority.
ROLES = ("agent", "manager", "admin")


class GoodwillRefused(Phrased, ValueError):
    """A gesture the role may not grant; the message (a catalog key and its facts) says why and who may."""


@dataclass(frozen=True)
class Gesture:
    kind: str  # cancel_open_invoice, refund_last_invoice, refund_last_order or credit
    amount: float
    on: date | None  # the day of the record it concerns (invoice issued, order placed)
    record_id: str | None


@dataclass
class Goodwill:
    """What a letter offers: the gesture the role may grant, the one it may not, and the open orders."""

    gesture: Gesture | None
    above_cap: Gesture | None  # the preferred gesture, when it needs someone with a higher cap
    open_orders: list[tuple[date, date]] = field(default_factory=list)  # (ordered, promised)
    role: str = "agent"
    cap: float = 0.0


def role_cap(role: str, settings: Settings) -> float:
    if role not in ROLES:
        raise GoodwillRefused("error.goodwill_role", role=role, roles=", ".join(ROLES))
    return float(getattr(settings.goodwill, f"cap_{role}"))


def approver_for(amount: float, settings: Settings) -> str | None:
    """The least senior role whose cap covers ``amount`` (None when no role's does)."""
    return next((role for role in ROLES if role_cap(role, settings) >= amount), None)


def authorise(amount: float, role: str, settings: Settings) -> None:
    """Refuse (``GoodwillRefused``) a negative amount, an unknown role or an amount above the role's cap."""
    cap = role_cap(role, settings)
    if amount != amount or amount < 0:  # NaN or negative
        raise GoodwillRefused("error.goodwill_negative", amount=float(amount))
    if amount > cap:
        approver = approver_for(amount, settings)
        figures = {"amount": float(amount), "cap": float(cap), "currency": settings.general.currency, "role": role}
        if approver:
            raise GoodwillRefused("error.goodwill_approval", approver=approver, **figures)
        raise GoodwillRefused("error.goodwill_no_cap", **figures)


def _latest(frame: pd.DataFrame, column: str) -> pd.Series | None:
    if frame.empty:
        return None
    return frame.sort_values(column, kind="stable").iloc[-1]


def candidate_gestures(records: CustomerRecords, settings: Settings) -> list[Gesture]:
    """Every gesture the records allow, in the configured order of preference."""
    found: dict[str, Gesture] = {}
    invoices = records.invoices
    if not invoices.empty:
        paid = invoices["amount_paid"].fillna(0.0)
        open_balance = (invoices["amount"] - paid).clip(lower=0.0)
        still_open = invoices[(open_balance > 0.005) & ~invoices["written_off"].fillna(False).astype(bool)]
        row = _latest(still_open.assign(_open=open_balance[still_open.index]), "issued_at")
        if row is not None:
            found["cancel_open_invoice"] = Gesture(
                "cancel_open_invoice",
                round(float(row["_open"]), 2),
                to_date(row["issued_at"]),
                row["invoice_id"],
            )
        settled = invoices[invoices["paid_at"].notna() & (invoices["amount_paid"].fillna(0.0) > 0)]
        row = _latest(settled, "issued_at")
        if row is not None:
            found["refund_last_invoice"] = Gesture(
                "refund_last_invoice",
                round(float(row["amount_paid"]), 2),
                to_date(row["issued_at"]),
                row["invoice_id"],
            )
    orders = records.orders
    if not orders.empty:
        returned = set(records.returns["order_id"]) if not records.returns.empty else set()
        kept = orders[
            (orders["status"] == "completed") & (orders["revenue"] > 0) & ~orders["order_id"].isin(returned)
        ]
        row = _latest(kept, "ordered_at")
        if row is not None:
            found["refund_last_order"] = Gesture(
                "refund_last_order",
                round(float(row["revenue"]), 2),
                to_date(row["ordered_at"]),
                row["order_id"],
            )
    return [found[kind] for kind in settings.goodwill.preference if kind in found]


def open_orders(records: CustomerRecords) -> list[tuple[date, date]]:
    """Completed orders promised for after as-of and not delivered: (ordered, promised) days."""
    orders = records.orders
    if orders.empty:
        return []
    promised = orders["promised_at"]
    pending = orders[
        (orders["status"] == "completed")
        & orders["delivered_at"].isna()
        & promised.notna()
        & (promised.dt.normalize() > pd.Timestamp(records.as_of))
    ]
    return [(to_date(row.ordered_at), to_date(row.promised_at)) for row in pending.itertuples()]


def goodwill_for(
    records: CustomerRecords, role: str, settings: Settings, amount: float | None = None
) -> Goodwill:
    """The gesture a ``role`` may offer this customer: the most preferred one within its cap.

    With ``amount`` (a person's own choice) the gesture is a credit of that amount, refused with
    ``GoodwillRefused`` when the role may not grant it.
    """
    cap = role_cap(role, settings)
    pending = open_orders(records)
    if amount is not None:
        authorise(amount, role, settings)
        return Goodwill(Gesture("credit", round(float(amount), 2), None, None), None, pending, role, cap)
    candidates = candidate_gestures(records, settings)
    within = [gesture for gesture in candidates if gesture.amount <= cap]
    chosen = within[0] if within else None
    above = (
        candidates[0] if candidates and candidates[0] is not chosen and candidates[0].amount > cap else None
    )
    return Goodwill(chosen, above, pending, role, cap)
