"""The customer page's data: the customer, the latest decision, and ONE timeline across every channel.

Timeline entries are structured (a key such as ``invoice.paid`` and its values); the app turns each
into a sentence of the user's language from its catalogs, so no English is built here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from keepwise.store.contract import CONTRACT_TABLES
from keepwise.store.models import Assignment, ComplaintCase, Decision, Note, StaffDecision, User
from keepwise.store.offboarding_models import OffboardingCase
from keepwise.store.services.base import NotFound
from keepwise.store.services.runs import latest_run

# The timeline's filters, in the order the page offers them.
CATEGORIES = ("orders", "invoices", "returns", "tickets", "incidents", "engagement", "touches", "surveys", "notes",
              "decisions", "offboarding")


@dataclass
class TimelineEntry:
    at: datetime
    category: str
    key: str  # catalog key of the sentence, e.g. "invoice.paid"
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Timeline:
    entries: list[TimelineEntry]
    total: int
    page: int
    per_page: int
    counts: dict[str, int]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass
class CustomerView:
    customer: dict[str, Any]
    decision: Decision | None
    assignee: User | None
    handled: bool
    staff_decision: StaffDecision | None
    open_complaints: list[dict[str, Any]]


def _rows(session: Session, name: str, customer_id: str) -> list[dict[str, Any]]:
    table = CONTRACT_TABLES[name]
    return [dict(r._mapping) for r in session.execute(sa.select(table).where(table.c.customer_id == customer_id))]


def get_customer(session: Session, customer_id: str) -> dict[str, Any]:
    rows = _rows(session, "customers", customer_id)
    if not rows:
        raise NotFound("error.no_customer", customer_id=customer_id)
    return rows[0]


def customer_view(session: Session, customer_id: str) -> CustomerView:
    customer = get_customer(session, customer_id)
    run = latest_run(session)
    decision = session.get(Decision, (run.id, customer_id)) if run else None
    assignment = session.get(Assignment, customer_id)
    assignee = session.get(User, assignment.user_id) if assignment and assignment.user_id else None
    staff = None
    if run is not None:
        staff = session.scalar(sa.select(StaffDecision).where(StaffDecision.customer_id == customer_id,
                                                              StaffDecision.run_id == run.id)
                               .order_by(StaffDecision.id.desc()).limit(1))
    tickets = CONTRACT_TABLES["tickets"]
    open_cases = session.execute(
        sa.select(ComplaintCase, tickets.c.kind, tickets.c.severity, tickets.c.channel, tickets.c.opened_at,
                  tickets.c.first_response_at)
        .join(tickets, tickets.c.ticket_id == ComplaintCase.ticket_id)
        .where(ComplaintCase.customer_id == customer_id, ComplaintCase.status != "closed")
        .order_by(tickets.c.opened_at.desc())
    ).all()
    complaints = [{"case": case, "kind": kind, "severity": severity, "channel": channel, "opened_at": opened,
                   "first_response_at": first} for case, kind, severity, channel, opened, first in open_cases]
    handled = bool(assignment and run and assignment.handled_run_id == run.id)
    return CustomerView(customer, decision, assignee, handled, staff, complaints)


def _days(later: datetime | None, earlier: datetime | None) -> int | None:
    if later is None or earlier is None:
        return None
    return (later.date() - earlier.date()).days


def _entries(session: Session, customer_id: str) -> list[TimelineEntry]:
    out: list[TimelineEntry] = []
    add = out.append
    for o in _rows(session, "orders", customer_id):
        values = {"id": o["order_id"], "amount": o["revenue"], "currency": o["currency"],
                  "discount": o["discount"] or 0.0, "changes": o["change_requests"] or 0}
        add(TimelineEntry(o["ordered_at"], "orders",
                          "order.cancelled" if o["status"] == "cancelled" else "order.placed", values))
        if o["delivered_at"] is not None:
            late = _days(o["delivered_at"], o["promised_at"])
            key = "order.delivered_late" if late is not None and late > 0 else "order.delivered"
            add(TimelineEntry(o["delivered_at"], "orders", key, {"id": o["order_id"], "days": late or 0}))
    for i in _rows(session, "invoices", customer_id):
        add(TimelineEntry(i["issued_at"], "invoices", "invoice.issued",
                          {"id": i["invoice_id"], "amount": i["amount"], "due": i["due_at"]}))
        if i["paid_at"] is not None:
            early = _days(i["due_at"], i["paid_at"]) or 0
            key = "invoice.paid_early" if early > 0 else ("invoice.paid_on_time" if early == 0 else "invoice.paid_late")
            add(TimelineEntry(i["paid_at"], "invoices", key,
                              {"id": i["invoice_id"], "amount": i["amount_paid"] if i["amount_paid"] is not None
                               else i["amount"], "days": abs(early)}))
        if i["written_off"]:
            add(TimelineEntry(i["due_at"], "invoices", "invoice.written_off", {"id": i["invoice_id"],
                                                                                "amount": i["amount"]}))
    for r in _rows(session, "returns", customer_id):
        add(TimelineEntry(r["returned_at"], "returns", "return.defective" if r["defective"] else "return.made",
                          {"id": r["return_id"], "order": r["order_id"], "amount": r["amount"],
                           "reason": r["reason"] or ""}))
    for t in _rows(session, "tickets", customer_id):
        values = {"id": t["ticket_id"], "kind": t["kind"], "channel": t["channel"], "severity": t["severity"] or "normal",
                  "subject": t["subject"] or ""}
        add(TimelineEntry(t["opened_at"], "tickets", "ticket.opened", values))
        if t["first_response_at"] is not None:
            hours = (t["first_response_at"] - t["opened_at"]).total_seconds() / 3600
            add(TimelineEntry(t["first_response_at"], "tickets", "ticket.answered", {**values, "hours": hours}))
        if t["closed_at"] is not None:
            key = {True: "ticket.closed_substantiated", False: "ticket.closed_unfounded"}.get(t["substantiated"],
                                                                                              "ticket.closed")
            add(TimelineEntry(t["closed_at"], "tickets", key, values))
    for n in _rows(session, "incidents", customer_id):
        add(TimelineEntry(n["occurred_at"], "incidents",
                          "incident.confirmed" if n["confirmed"] else "incident.reported",
                          {"id": n["incident_id"], "kind": n["kind"], "by": n["reported_by"] or "",
                           "note": n["note"] or ""}))
    for e in _rows(session, "engagement", customer_id):
        add(TimelineEntry(e["at"], "engagement", "engagement." + e["kind"], {"score": e["score"]}))
    for t in _rows(session, "touches", customer_id):
        add(TimelineEntry(t["at"], "touches", "touch.control" if t["control"] else "touch.made",
                          {"id": t["touch_id"], "kind": t["kind"], "channel": t["channel"], "cost": t["cost"] or 0.0,
                           "campaign": t["campaign_id"] or ""}))
    for s in _rows(session, "exit_surveys", customer_id):
        add(TimelineEntry(s["at"], "surveys", "survey.exit", {"reason": s["reason"], "score": s["score"],
                                                              "comment": s["comment"] or ""}))
    for note, username in session.execute(sa.select(Note, User.username).join(User, User.id == Note.user_id)
                                          .where(Note.customer_id == customer_id)):
        add(TimelineEntry(note.at, "notes", "note.added", {"by": username, "text": note.text}))
    for d, username in session.execute(sa.select(StaffDecision, User.username).join(User, User.id == StaffDecision.user_id)
                                       .where(StaffDecision.customer_id == customer_id)):
        add(TimelineEntry(d.created_at, "decisions", "decision." + d.kind,
                          {"by": username, "action": d.action, "recommended": d.recommended, "reason": d.reason}))
    out.extend(_offboarding_entries(session, customer_id))
    return out


def _offboarding_entries(session: Session, customer_id: str) -> list[TimelineEntry]:
    """Every step of the customer's offboarding cases."""
    names = {user.id: user.username for user in session.scalars(sa.select(User))}
    out = []
    for case in session.scalars(sa.select(OffboardingCase).where(OffboardingCase.customer_id == customer_id)):
        steps = (
            (case.proposed_at, "proposed", {"by": names.get(case.proposed_by, ""), "reason": case.reason}),
            (case.approved_at, "approved", {"by": names.get(case.approved_by, "")}),
            (case.drafted_at, "drafted", {"by": names.get(case.drafted_by, "")}),
            (case.sent_at, "sent", {"by": names.get(case.sent_by, "")}),
            (case.goodwill_applied_at, "goodwill_applied", {"amount": case.goodwill_amount or 0.0}),
            (case.closed_at, "closed", {}),
            (case.withdrawn_at, "withdrawn", {"reason": case.withdrawn_reason}),
        )
        out.extend(TimelineEntry(at, "offboarding", f"offboarding.{step}", {"case": case.id, **values})
                   for at, step, values in steps if at is not None)
    return out


def timeline(session: Session, customer_id: str, categories: list[str] | None = None, page: int = 1,
             per_page: int = 50) -> Timeline:
    """The customer's whole history, newest first; ``categories`` filters it; one page of it."""
    get_customer(session, customer_id)
    entries = _entries(session, customer_id)
    counts = {c: 0 for c in CATEGORIES}
    for entry in entries:
        counts[entry.category] += 1
    if categories:
        wanted = set(categories)
        entries = [e for e in entries if e.category in wanted]
    entries.sort(key=lambda e: (e.at, e.key), reverse=True)
    page = max(1, page)
    start = (page - 1) * per_page
    return Timeline(entries[start:start + per_page], len(entries), page, per_page, counts)
