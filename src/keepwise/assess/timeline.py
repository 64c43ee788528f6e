"""A customer's timeline from the records: every dated event of their orders, returns, invoices, tickets,
incidents, engagement, touches and exit surveys, as the staff app's timeline names them.

An event is a table, a moment, a key (``order.delivered_late``, ``invoice.paid_early``, ``ticket.closed_unfounded``)
and the values its sentence names (``keepwise.text.timeline``): an order gives its placing and its delivery, an
invoice its issue, its payment and its writing off, a ticket its opening, first answer and closing. The keys
and values are those of the app's timeline (``keepwise.store.services.customers``), which derives the same
events from its store in SQL; here they come from one customer's rows of the dataset (a few hundred at most).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from keepwise.data.loader import Dataset

__all__ = ["TIMELINE_TABLES", "customer_timeline", "moment_text"]

TIMELINE_TABLES = ("orders", "returns", "invoices", "tickets", "incidents", "engagement", "touches", "exit_surveys")


# The helpers below take a row whose empty cells are None (``customer_timeline`` makes them so).


def _empty(value) -> bool:
    """An empty cell as the engine gives it: None, NaN, NaT or pandas' NA."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _text(value) -> str:
    return "" if value is None else str(value)


def _number(value, default=None):
    return default if value is None else float(value)


def _flag(value) -> bool | None:
    """A true/false cell as Python's bool (the engine may give NumPy's); None when empty."""
    return None if value is None else bool(value)


def _days(later, earlier) -> int | None:
    """Calendar days from ``earlier`` to ``later`` (None when either is missing)."""
    if later is None or earlier is None:
        return None
    return (pd.Timestamp(later).normalize() - pd.Timestamp(earlier).normalize()).days


def moment_text(value) -> str:
    """A moment as the dossier writes it: the day, and the time of day when there is one."""
    value = pd.Timestamp(value)
    return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")


def _order_events(row):
    placed = "order.cancelled" if row["status"] == "cancelled" else "order.placed"
    yield row["ordered_at"], placed, {"id": row["order_id"], "amount": _number(row["revenue"], 0.0),
                                      "currency": _text(row["currency"]),
                                      "discount": _number(row["discount"], 0.0),
                                      "changes": int(_number(row["change_requests"], 0))}
    late = _days(row["delivered_at"], row["promised_at"])
    if row["delivered_at"] is not None:
        yield row["delivered_at"], "order.delivered_late" if (late or 0) > 0 else "order.delivered", {
            "id": row["order_id"], "days": late or 0}


def _return_events(row):
    key = "return.defective" if _flag(row["defective"]) else "return.made"
    yield row["returned_at"], key, {"id": row["return_id"], "order": row["order_id"],
                                    "amount": _number(row["amount"], 0.0), "reason": _text(row["reason"])}


def _invoice_events(row):
    yield row["issued_at"], "invoice.issued", {"id": row["invoice_id"], "amount": _number(row["amount"], 0.0),
                                               "due": moment_text(row["due_at"])[:10]}
    if row["paid_at"] is not None:
        early = _days(row["due_at"], row["paid_at"]) or 0
        key = "invoice.paid_early" if early > 0 else "invoice.paid_late" if early < 0 else "invoice.paid_on_time"
        yield row["paid_at"], key, {"id": row["invoice_id"],
                                    "amount": _number(row["amount_paid"], _number(row["amount"], 0.0)),
                                    "days": abs(early)}
    if _flag(row["written_off"]):
        yield row["due_at"], "invoice.written_off", {"id": row["invoice_id"], "amount": _number(row["amount"], 0.0)}


def _ticket_events(row):
    ticket = {"id": row["ticket_id"], "kind": row["kind"], "channel": row["channel"],
              "severity": _text(row["severity"]) or "normal", "subject": _text(row["subject"])}
    yield row["opened_at"], "ticket.opened", ticket
    if row["first_response_at"] is not None:
        hours = (pd.Timestamp(row["first_response_at"]) - pd.Timestamp(row["opened_at"])).total_seconds() / 3600
        yield row["first_response_at"], "ticket.answered", {**ticket, "hours": hours}
    if row["closed_at"] is not None:
        judged = {True: "ticket.closed_substantiated", False: "ticket.closed_unfounded"}
        yield row["closed_at"], judged.get(_flag(row["substantiated"]), "ticket.closed"), ticket


def _incident_events(row):
    key = "incident.confirmed" if _flag(row["confirmed"]) else "incident.reported"
    yield row["occurred_at"], key, {"id": row["incident_id"], "kind": row["kind"], "by": _text(row["reported_by"]),
                                    "note": _text(row["note"])}


def _engagement_events(row):
    yield row["at"], f"engagement.{row['kind']}", {"score": _number(row["score"])}


def _touch_events(row):
    key = "touch.control" if _flag(row["control"]) else "touch.made"
    yield row["at"], key, {"id": row["touch_id"], "kind": row["kind"], "channel": row["channel"],
                           "cost": _number(row["cost"], 0.0), "campaign": _text(row["campaign_id"])}


def _exit_survey_events(row):
    yield row["at"], "survey.exit", {"reason": row["reason"], "score": _number(row["score"]),
                                     "comment": _text(row["comment"])}


_EVENTS = {"orders": _order_events, "returns": _return_events, "invoices": _invoice_events,
           "tickets": _ticket_events, "incidents": _incident_events, "engagement": _engagement_events,
           "touches": _touch_events, "exit_surveys": _exit_survey_events}


def customer_timeline(ds: Dataset, customer_id: str, as_of: date) -> list[dict]:
    """The customer's events up to the end of ``as_of``, oldest first: ``at`` (``YYYY-MM-DD`` or
    ``YYYY-MM-DD HH:MM``), ``table``, ``event`` (the key) and ``values`` (what its sentence names).

    It reads those of ``TIMELINE_TABLES`` that ``ds`` holds (``keepwise explain`` loads them all)."""
    end = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    timeline = []
    for name in (name for name in TIMELINE_TABLES if name in ds.tables):
        table = ds.table(name)
        rows = table.filter(table.customer_id == customer_id).execute()
        for row in rows.to_dict("records"):
            row = {column: None if _empty(value) else value for column, value in row.items()}
            for at, key, values in _EVENTS[name](row):
                if at is not None and pd.Timestamp(at) < end:
                    timeline.append({"at": moment_text(at), "table": name, "event": key, "values": values})
    timeline.sort(key=lambda event: (event["at"], TIMELINE_TABLES.index(event["table"])))
    return timeline
