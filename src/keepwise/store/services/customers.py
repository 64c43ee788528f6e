"""The customer page's data: the customer, the latest decision, and ONE timeline across every channel.

Timeline entries are structured (a key such as ``invoice.paid`` and its values); the app turns each
into a sentence of the user's language from its catalogs, so no English is built here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, outerjoin

from keepwise.store.contract import CONTRACT_TABLES
from keepwise.store.db import on_postgres
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
    run = latest_run(session)
    # The customer, the run's decision, the assignment and the assignee in one query.
    customers = CONTRACT_TABLES["customers"]
    found = session.execute(
        sa.select(customers, Decision, Assignment, User)
        .outerjoin(Decision, sa.and_(Decision.run_id == (run.id if run else None),
                                     Decision.customer_id == customers.c.customer_id))
        .outerjoin(Assignment, Assignment.customer_id == customers.c.customer_id)
        .outerjoin(User, User.id == Assignment.user_id)
        .where(customers.c.customer_id == customer_id)
    ).first()
    if found is None:
        raise NotFound("error.no_customer", customer_id=customer_id)
    customer = {column.name: found._mapping[column] for column in customers.c}
    decision, assignment, assignee = found[-3:]
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
        .order_by(tickets.c.opened_at.desc(), _byte_order(tickets.c.ticket_id, on_postgres(session)).desc())
    ).all()
    complaints = [{"case": case, "kind": kind, "severity": severity, "channel": channel, "opened_at": opened,
                   "first_response_at": first} for case, kind, severity, channel, opened, first in open_cases]
    handled = bool(assignment and run and assignment.handled_run_id == run.id)
    return CustomerView(customer, decision, assignee, handled, staff, complaints)


def _byte_order(column, postgres: bool):
    """``column`` compared byte by byte, as SQLite compares texts (PostgreSQL's default collation does not)."""
    return column.collate("C") if postgres else column


def _days(later: datetime | None, earlier: datetime | None) -> int | None:
    if later is None or earlier is None:
        return None
    return (later.date() - earlier.date()).days


# Every timeline entry, whatever it comes from, as one row of these columns (a UNION ALL of one SELECT per
# kind of event, paged in SQL); ``_values`` turns a row back into the values its sentence needs.
_COLUMNS = {"at": sa.DateTime, "category": sa.String, "key": sa.String, "ref": sa.String, "amount": sa.Float,
            "currency": sa.String, "figure": sa.Float, "count": sa.BigInteger, "kind": sa.String,
            "channel": sa.String, "severity": sa.String, "label": sa.String, "detail": sa.String,
            "who": sa.String, "then": sa.DateTime}


def _event(category: str, key, at, where, source=None, **columns) -> sa.Select:
    """One kind of event as a SELECT of ``_COLUMNS`` (missing columns NULL, typed)."""
    given = {"at": at, "category": sa.literal(category, sa.String),
             "key": sa.literal(key, sa.String) if isinstance(key, str) else key, **columns}
    query = sa.select(*[(given[name] if name in given else sa.cast(sa.null(), kind)).label(name)
                        for name, kind in _COLUMNS.items()]).where(where)
    return query.select_from(source) if source is not None else query


def _day(column):
    """The calendar day of a timestamp (``date()`` in PostgreSQL and SQLite alike)."""
    return sa.func.date(column)


# The customer every timeline query is about (the statement is built once and reused).
_CUSTOMER = sa.bindparam("customer_id", type_=sa.String)


def _events(customer_id=_CUSTOMER) -> list[sa.Select]:
    c = CONTRACT_TABLES
    o, i, r, t = c["orders"], c["invoices"], c["returns"], c["tickets"]
    n, e, h, s = c["incidents"], c["engagement"], c["touches"], c["exit_surveys"]
    ticket = {"ref": t.c.ticket_id, "kind": t.c.kind, "channel": t.c.channel, "severity": t.c.severity,
              "label": t.c.subject}
    events = [
        _event("orders", sa.case((o.c.status == "cancelled", "order.cancelled"), else_="order.placed"), o.c.ordered_at,
               o.c.customer_id == customer_id, ref=o.c.order_id, amount=o.c.revenue, currency=o.c.currency,
               figure=o.c.discount, count=o.c.change_requests),
        _event("orders", sa.case((_day(o.c.delivered_at) > _day(o.c.promised_at), "order.delivered_late"),
                                 else_="order.delivered"), o.c.delivered_at,
               sa.and_(o.c.customer_id == customer_id, o.c.delivered_at.is_not(None)), ref=o.c.order_id,
               then=o.c.promised_at),
        _event("invoices", "invoice.issued", i.c.issued_at, i.c.customer_id == customer_id, ref=i.c.invoice_id,
               amount=i.c.amount, then=i.c.due_at),
        _event("invoices", sa.case((_day(i.c.due_at) > _day(i.c.paid_at), "invoice.paid_early"),
                                   (_day(i.c.due_at) < _day(i.c.paid_at), "invoice.paid_late"),
                                   else_="invoice.paid_on_time"), i.c.paid_at,
               sa.and_(i.c.customer_id == customer_id, i.c.paid_at.is_not(None)), ref=i.c.invoice_id,
               amount=sa.func.coalesce(i.c.amount_paid, i.c.amount), then=i.c.due_at),
        _event("invoices", "invoice.written_off", i.c.due_at,
               sa.and_(i.c.customer_id == customer_id, i.c.written_off.is_(True)), ref=i.c.invoice_id,
               amount=i.c.amount),
        _event("returns", sa.case((r.c.defective.is_(True), "return.defective"), else_="return.made"), r.c.returned_at,
               r.c.customer_id == customer_id, ref=r.c.return_id, label=r.c.order_id, amount=r.c.amount,
               detail=r.c.reason),
        _event("tickets", "ticket.opened", t.c.opened_at, t.c.customer_id == customer_id, **ticket),
        _event("tickets", "ticket.answered", t.c.first_response_at,
               sa.and_(t.c.customer_id == customer_id, t.c.first_response_at.is_not(None)), then=t.c.opened_at,
               **ticket),
        _event("tickets", sa.case((t.c.substantiated.is_(True), "ticket.closed_substantiated"),
                                  (t.c.substantiated.is_(False), "ticket.closed_unfounded"), else_="ticket.closed"),
               t.c.closed_at, sa.and_(t.c.customer_id == customer_id, t.c.closed_at.is_not(None)), **ticket),
        _event("incidents", sa.case((n.c.confirmed.is_(True), "incident.confirmed"), else_="incident.reported"),
               n.c.occurred_at, n.c.customer_id == customer_id, ref=n.c.incident_id, kind=n.c.kind,
               who=n.c.reported_by, detail=n.c.note),
        _event("engagement", sa.literal("engagement.", sa.String) + e.c.kind, e.c.at, e.c.customer_id == customer_id,
               figure=e.c.score),
        _event("touches", sa.case((h.c.control.is_(True), "touch.control"), else_="touch.made"), h.c.at,
               h.c.customer_id == customer_id, ref=h.c.touch_id, kind=h.c.kind, channel=h.c.channel, amount=h.c.cost,
               label=h.c.campaign_id),
        _event("surveys", "survey.exit", s.c.at, s.c.customer_id == customer_id, kind=s.c.reason, figure=s.c.score,
               detail=s.c.comment),
        _event("notes", "note.added", Note.at, Note.customer_id == customer_id, sa.join(Note, User, User.id == Note.user_id),
               who=User.username, detail=Note.text),
        _event("decisions", sa.literal("decision.", sa.String) + StaffDecision.kind, StaffDecision.created_at,
               StaffDecision.customer_id == customer_id,
               sa.join(StaffDecision, User, User.id == StaffDecision.user_id), who=User.username,
               kind=StaffDecision.action, label=StaffDecision.recommended, detail=StaffDecision.reason),
    ]
    return events + _offboarding_events(customer_id)


def _offboarding_events(customer_id) -> list[sa.Select]:
    """Every step of the customer's offboarding cases (``count``: the case, ``who``: the staff member)."""
    case = OffboardingCase
    steps = (("proposed", case.proposed_at, case.proposed_by, {"detail": case.reason}),
             ("approved", case.approved_at, case.approved_by, {}),
             ("drafted", case.drafted_at, case.drafted_by, {}),
             ("sent", case.sent_at, case.sent_by, {}),
             ("goodwill_applied", case.goodwill_applied_at, None, {"amount": sa.func.coalesce(case.goodwill_amount, 0.0)}),
             ("closed", case.closed_at, None, {}),
             ("withdrawn", case.withdrawn_at, None, {"detail": case.withdrawn_reason}))
    events = []
    for step, at, by, columns in steps:
        where = sa.and_(case.customer_id == customer_id, at.is_not(None))
        if by is None:
            events.append(_event("offboarding", f"offboarding.{step}", at, where, count=case.id, **columns))
            continue
        staff = aliased(User)
        events.append(_event("offboarding", f"offboarding.{step}", at, where,
                             outerjoin(case, staff, staff.id == by), count=case.id,
                             who=sa.func.coalesce(staff.username, ""), **columns))
    return events


def _values(row) -> dict[str, Any]:
    """What the sentence of one timeline row needs, by its category (the catalog's placeholders)."""
    category = row.category
    if category == "orders":
        if row.key.startswith("order.delivered"):
            return {"id": row.ref, "days": _days(row.at, row.then) or 0}
        return {"id": row.ref, "amount": row.amount, "currency": row.currency, "discount": row.figure or 0.0,
                "changes": row.count or 0}
    if category == "invoices":
        if row.key == "invoice.issued":
            return {"id": row.ref, "amount": row.amount, "due": row.then}
        if row.key == "invoice.written_off":
            return {"id": row.ref, "amount": row.amount}
        return {"id": row.ref, "amount": row.amount, "days": abs(_days(row.then, row.at) or 0)}
    if category == "returns":
        return {"id": row.ref, "order": row.label, "amount": row.amount, "reason": row.detail or ""}
    if category == "tickets":
        values = {"id": row.ref, "kind": row.kind, "channel": row.channel, "severity": row.severity or "normal",
                  "subject": row.label or ""}
        if row.key == "ticket.answered":
            values["hours"] = (row.at - row.then).total_seconds() / 3600
        return values
    if category == "incidents":
        return {"id": row.ref, "kind": row.kind, "by": row.who or "", "note": row.detail or ""}
    if category == "engagement":
        return {"score": row.figure}
    if category == "touches":
        return {"id": row.ref, "kind": row.kind, "channel": row.channel, "cost": row.amount or 0.0,
                "campaign": row.label or ""}
    if category == "surveys":
        return {"reason": row.kind, "score": row.figure, "comment": row.detail or ""}
    if category == "notes":
        return {"by": row.who, "text": row.detail}
    if category == "decisions":
        return {"by": row.who, "action": row.kind, "recommended": row.label, "reason": row.detail}
    values = {"case": row.count}
    if row.key.endswith(("proposed", "approved", "drafted", "sent")):
        values["by"] = row.who
    if row.key.endswith(("proposed", "withdrawn")):
        values["reason"] = row.detail
    if row.key.endswith("goodwill_applied"):
        values["amount"] = row.amount
    return values


def timeline(session: Session, customer_id: str, categories: list[str] | None = None, page: int = 1,
             per_page: int = 50) -> Timeline:
    """The customer's whole history, newest first; ``categories`` filters it; one page of it.

    Two queries, whatever the customer's history: the count per category, and the page (ordered and
    cut in SQL) of one UNION ALL over every table."""
    counting, paging = _timeline_queries(on_postgres(session))
    found = dict(session.execute(counting, {"customer_id": customer_id}).all())
    if not found:
        get_customer(session, customer_id)  # NotFound for no such customer (one with a history exists)
    counts = {c: int(found.get(c, 0)) for c in CATEGORIES}
    wanted = [c for c in CATEGORIES if not categories or c in categories]
    total = sum(counts[c] for c in wanted)
    page = max(1, page)
    rows = session.execute(paging, {"customer_id": customer_id, "wanted": wanted, "skip": (page - 1) * per_page,
                                    "size": per_page})
    entries = [TimelineEntry(row.at, row.category, row.key, _values(row)) for row in rows]
    return Timeline(entries, total, page, per_page, counts)


@cache
def _timeline_queries(postgres: bool) -> tuple[sa.Select, sa.Select]:
    """The count per category and one page of the timeline, built once (a statement of 22 SELECTs costs
    more to build than to run), with the customer, categories and page as parameters."""
    union = sa.union_all(*_events()).subquery("timeline")
    counting = sa.select(union.c.category, sa.func.count()).group_by(union.c.category)
    key = _byte_order(union.c.key, postgres)
    paging = (sa.select(union).where(union.c.category.in_(sa.bindparam("wanted", expanding=True)))
              .order_by(union.c.at.desc(), key.desc(), union.c.ref.desc())
              .offset(sa.bindparam("skip", type_=sa.Integer)).limit(sa.bindparam("size", type_=sa.Integer)))
    return counting, paging
