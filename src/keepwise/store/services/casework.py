"""What staff record about a customer: accept/override the action, notes, complaints, incidents.

Complaints and incidents are rows of the contract tables (``tickets``, ``incidents``), so the next
assessment reads them: a complaint answered or closed after its severity's target is a breach, the
business's own failure. The workflow (owner, status, targets, description) is in ``complaint_cases``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from keepwise.config import ServiceTargetsSettings, Settings
from keepwise.data.schema import INCIDENT_KINDS, TICKET_CHANNELS, TICKET_KINDS, TICKET_SEVERITIES
from keepwise.offboard.goodwill import GoodwillRefused, authorise
from keepwise.store.contract import CONTRACT_TABLES
from keepwise.store.models import ComplaintCase, Decision, Note, StaffDecision, User
from keepwise.store.permissions import Permission
from keepwise.store.services.base import Actor, Invalid, NotFound, audit, mutation, now, require_permission
from keepwise.store.services.customers import get_customer
from keepwise.store.services.runs import latest_run
from keepwise.store.services.worklists import ACTIONS

MAX_TEXT = 5000


def _text(value: str, field: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Invalid("error.required", field, field=field)
    if len(value) > limit:
        raise Invalid("error.too_long", field, field=field, limit=limit)
    return value


def _choice(value: str, field: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise Invalid("error.one_of", field, field=field, choices=", ".join(choices))
    return value


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12].upper()}"


# --- the recommended action -------------------------------------------------------------------------


@mutation(Permission.ACCEPT_ACTION)
def decide(session: Session, actor: Actor, customer_id: str, kind: str, action: str = "", reason: str = "") -> StaffDecision:
    """Accept the latest run's action for the customer, or override it (a manager) with another and a reason."""
    _choice(kind, "decision", ("accept", "override"))
    get_customer(session, customer_id)
    run = latest_run(session)
    decision = session.get(Decision, (run.id, customer_id)) if run else None
    if decision is None:
        raise Invalid("error.no_decision_yet")
    if kind == "override":
        require_permission(actor, Permission.OVERRIDE_ACTION)
        _choice(action, "action", ACTIONS)
        if action == decision.action:
            raise Invalid("error.override_same", "action")
        reason = _text(reason, "reason")
    else:
        action = decision.action
        reason = _text(reason, "reason", required=False)
    row = StaffDecision(customer_id=customer_id, run_id=run.id, kind=kind, recommended=decision.action, action=action,
                        reason=reason, user_id=actor.user_id, created_at=now())
    session.add(row)
    session.flush()
    audit(session, actor, f"action.{kind}", "customer", customer_id, {"recommended": decision.action},
          {"action": action, "reason": reason, "run_id": run.id})
    return row


# --- notes ------------------------------------------------------------------------------------------


@mutation(Permission.ADD_NOTE)
def add_note(session: Session, actor: Actor, customer_id: str, text: str) -> Note:
    get_customer(session, customer_id)
    note = Note(customer_id=customer_id, user_id=actor.user_id, at=now(), text=_text(text, "text"))
    session.add(note)
    session.flush()
    audit(session, actor, "note.add", "customer", customer_id, None, {"note_id": note.id, "text": note.text})
    return note


# --- complaints -------------------------------------------------------------------------------------


def _ticket(session: Session, ticket_id: str) -> dict:
    tickets = CONTRACT_TABLES["tickets"]
    row = session.execute(sa.select(tickets).where(tickets.c.ticket_id == ticket_id)).first()
    if row is None:
        raise NotFound("error.no_complaint", ticket_id=ticket_id)
    return dict(row._mapping)


def _case(session: Session, ticket_id: str) -> ComplaintCase:
    case = session.get(ComplaintCase, ticket_id)
    if case is None:
        raise NotFound("error.no_complaint", ticket_id=ticket_id)
    return case


def _state(ticket: dict, case: ComplaintCase) -> dict:
    return {"status": case.status, "owner_id": case.owner_id, "first_response_at": ticket["first_response_at"],
            "closed_at": ticket["closed_at"], "substantiated": ticket["substantiated"],
            "handle_minutes": ticket["handle_minutes"], "refund_amount": case.refund_amount}


def _update_ticket(session: Session, ticket_id: str, **values) -> None:
    tickets = CONTRACT_TABLES["tickets"]
    session.execute(tickets.update().where(tickets.c.ticket_id == ticket_id).values(**values))


@mutation(Permission.LOG_COMPLAINT)
def log_complaint(session: Session, actor: Actor, customer_id: str, *, channel: str, severity: str, description: str,
                  targets: ServiceTargetsSettings, kind: str = "complaint", subject: str = "") -> ComplaintCase:
    """A new ticket (a complaint by default) in ``tickets``, owned by the actor, with its severity's targets."""
    get_customer(session, customer_id)
    _choice(channel, "channel", TICKET_CHANNELS)
    _choice(severity, "severity", TICKET_SEVERITIES)
    _choice(kind, "kind", TICKET_KINDS)
    description = _text(description, "description")
    subject = _text(subject, "subject", required=False, limit=200) or description[:120]
    opened = now()
    ticket_id = new_id("T")
    session.execute(CONTRACT_TABLES["tickets"].insert().values(
        ticket_id=ticket_id, customer_id=customer_id, opened_at=opened, closed_at=None, channel=channel, kind=kind,
        handle_minutes=None, substantiated=None, subject=subject, severity=severity, first_response_at=None))
    case = ComplaintCase(ticket_id=ticket_id, customer_id=customer_id, owner_id=actor.user_id, status="open",
                         description=description,
                         response_due=opened + timedelta(hours=targets.response_hours[severity]),
                         resolution_due=opened + timedelta(hours=targets.resolution_hours[severity]),
                         created_by=actor.user_id)
    session.add(case)
    session.flush()
    audit(session, actor, "complaint.log", "ticket", ticket_id, None,
          {"customer_id": customer_id, "channel": channel, "kind": kind, "severity": severity, "subject": subject})
    return case


def _minutes(value: float | None) -> float:
    if value is None:
        return 0.0
    if value < 0 or value > 10_000:
        raise Invalid("error.minutes", "minutes")
    return float(value)


@mutation(Permission.WORK_COMPLAINT)
def respond_complaint(session: Session, actor: Actor, ticket_id: str, minutes: float | None = None) -> ComplaintCase:
    """Record the first (or a further) response: sets ``first_response_at`` once, adds staff minutes."""
    ticket, case = _ticket(session, ticket_id), _case(session, ticket_id)
    if case.status == "closed":
        raise Invalid("error.complaint_closed")
    before = _state(ticket, case)
    values = {"handle_minutes": (ticket["handle_minutes"] or 0.0) + _minutes(minutes)}
    if ticket["first_response_at"] is None:
        values["first_response_at"] = now()
    _update_ticket(session, ticket_id, **values)
    case.status = "answered"
    audit(session, actor, "complaint.respond", "ticket", ticket_id, before, _state(_ticket(session, ticket_id), case))
    return case


@mutation(Permission.WORK_COMPLAINT)
def take_complaint(session: Session, actor: Actor, ticket_id: str, owner_id: int) -> ComplaintCase:
    ticket, case = _ticket(session, ticket_id), _case(session, ticket_id)
    owner = session.get(User, owner_id)
    if owner is None or not owner.active:
        raise Invalid("error.no_active_user", "owner_id", user_id=owner_id)
    before = _state(ticket, case)
    case.owner_id = owner_id
    audit(session, actor, "complaint.owner", "ticket", ticket_id, before, _state(ticket, case))
    return case


@mutation(Permission.WORK_COMPLAINT)
def close_complaint(session: Session, actor: Actor, ticket_id: str, substantiated: bool | None,
                    minutes: float | None = None, refund: float | None = None,
                    settings: Settings | None = None) -> ComplaintCase:
    """Close: a complaint must say whether it was substantiated (the business was at fault). A
    ``refund`` offered is authorised against the actor's ``[goodwill]`` cap (the same caps as
    offboarding goodwill): above it, or negative, it is refused, the refusal audited on its own and
    nothing changed; the same amount closed by a manager is the approval."""
    ticket, case = _ticket(session, ticket_id), _case(session, ticket_id)
    if case.status == "closed":
        raise Invalid("error.complaint_already_closed")
    if ticket["kind"] == "complaint" and substantiated is None:
        raise Invalid("error.substantiated", "substantiated")
    if refund is not None:
        if settings is None:
            raise ValueError("a refund needs the settings (its [goodwill] caps)")
        try:
            authorise(refund, actor.role, settings)
        except GoodwillRefused as refused:
            session.rollback()
            audit(session, actor, "complaint.refund_refused", "ticket", ticket_id, _state(ticket, case),
                  {"refund": refund, "role": actor.role, "refused": refused.facts()})
            session.commit()
            raise Invalid(refused.key, "refund", **refused.values) from None
    before = _state(ticket, case)
    if refund is not None:
        case.refund_amount, case.refund_by = round(float(refund), 2), actor.user_id
    closed = now()
    values = {"closed_at": closed, "substantiated": substantiated,
              "handle_minutes": (ticket["handle_minutes"] or 0.0) + _minutes(minutes)}
    if ticket["first_response_at"] is None:
        values["first_response_at"] = closed
    _update_ticket(session, ticket_id, **values)
    case.status = "closed"
    audit(session, actor, "complaint.close", "ticket", ticket_id, before, _state(_ticket(session, ticket_id), case))
    return case


@dataclass
class ComplaintRow:
    case: ComplaintCase
    customer_name: str
    owner: str
    kind: str
    channel: str
    severity: str
    subject: str
    opened_at: datetime
    first_response_at: datetime | None
    closed_at: datetime | None
    response_overdue: bool
    resolution_overdue: bool

    @property
    def overdue(self) -> bool:
        return self.response_overdue or self.resolution_overdue


def list_complaints(session: Session, *, overdue_only: bool = False, status: str = "", offset: int = 0,
                    limit: int = 50) -> tuple[list[ComplaintRow], int]:
    tickets, customers = CONTRACT_TABLES["tickets"], CONTRACT_TABLES["customers"]
    moment = now()
    response_late = sa.and_(tickets.c.first_response_at.is_(None), ComplaintCase.response_due < moment)
    resolution_late = sa.and_(tickets.c.closed_at.is_(None), ComplaintCase.resolution_due < moment)
    query = (
        sa.select(ComplaintCase, customers.c.name, User.username, tickets.c.kind, tickets.c.channel, tickets.c.severity,
                  tickets.c.subject, tickets.c.opened_at, tickets.c.first_response_at, tickets.c.closed_at)
        .join(tickets, tickets.c.ticket_id == ComplaintCase.ticket_id)
        .outerjoin(customers, customers.c.customer_id == ComplaintCase.customer_id)
        .outerjoin(User, User.id == ComplaintCase.owner_id)
    )
    if status:
        _choice(status, "status", ("open", "answered", "closed"))
        query = query.where(ComplaintCase.status == status)
    if overdue_only:
        query = query.where(ComplaintCase.status != "closed").where(sa.or_(response_late, resolution_late))
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = []
    for case, name, owner, kind, channel, severity, subject, opened, first, closed in session.execute(
        query.order_by(ComplaintCase.resolution_due, ComplaintCase.ticket_id).offset(offset).limit(limit)
    ):
        rows.append(ComplaintRow(case, name or "", owner or "", kind, channel, severity or "normal", subject or "",
                                 opened, first, closed,
                                 response_overdue=first is None and case.response_due < moment,
                                 resolution_overdue=closed is None and case.resolution_due < moment))
    return rows, total


def overdue_count(session: Session) -> int:
    return list_complaints(session, overdue_only=True, limit=1)[1]


def get_complaint(session: Session, ticket_id: str) -> tuple[ComplaintCase, dict]:
    return _case(session, ticket_id), _ticket(session, ticket_id)


# --- incidents --------------------------------------------------------------------------------------


@mutation(Permission.LOG_INCIDENT)
def log_incident(session: Session, actor: Actor, customer_id: str, *, kind: str, note: str) -> str:
    """Conduct documented by staff (abuse of staff, fraud, ...); unconfirmed until a manager confirms it."""
    get_customer(session, customer_id)
    _choice(kind, "kind", INCIDENT_KINDS)
    note = _text(note, "note")
    incident_id = new_id("I")
    values = {"incident_id": incident_id, "customer_id": customer_id, "occurred_at": now(), "kind": kind,
              "confirmed": False, "reported_by": actor.username, "note": note}
    session.execute(CONTRACT_TABLES["incidents"].insert().values(**values))
    audit(session, actor, "incident.log", "incident", incident_id, None, values)
    return incident_id


@mutation(Permission.CONFIRM_INCIDENT)
def confirm_incident(session: Session, actor: Actor, incident_id: str, confirmed: bool = True,
                     customer_id: str | None = None) -> None:
    """Confirm (or withdraw the confirmation of) an incident; with ``customer_id``, only that customer's."""
    incidents = CONTRACT_TABLES["incidents"]
    row = session.execute(sa.select(incidents).where(incidents.c.incident_id == incident_id)).first()
    if row is None or (customer_id is not None and row.customer_id != customer_id):
        raise NotFound("error.no_incident", incident_id=incident_id)
    session.execute(incidents.update().where(incidents.c.incident_id == incident_id).values(confirmed=confirmed))
    audit(session, actor, "incident.confirm" if confirmed else "incident.unconfirm", "incident", incident_id,
          {"confirmed": row.confirmed}, {"confirmed": confirmed})
