"""The customer page: figures, flags with evidence, the action with its reasons, ONE timeline; and the
forms on it (accept/override, note, complaint, incident)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from keepwise.app.deps import Caller, db, page_can
from keepwise.app.pages.common import page_url
from keepwise.app.rendering import render
from keepwise.data.schema import (
    EXIT_REASONS,
    INCIDENT_KINDS,
    TICKET_CHANNELS,
    TICKET_KINDS,
    TICKET_SEVERITIES,
    TOUCH_CHANNELS,
    TOUCH_KINDS,
)
from keepwise.store.models import User
from keepwise.store.permissions import Permission
from keepwise.store.services import casework, customers, runs
from keepwise.store.services.base import Invalid
from keepwise.store.services.worklists import ACTIONS

router = APIRouter()


def _flags(decision) -> list[tuple[str, dict]]:
    if decision is None or not decision.flags:
        return []
    try:
        evidence = json.loads(decision.evidence or "{}")
    except ValueError:
        evidence = {}
    raised = evidence.get("flags") or {}
    return [(code, raised.get(code) or evidence.get(code) or {}) for code in decision.flags.split(";") if code]


@router.get("/customers/{customer_id}")
def customer_page(request: Request, customer_id: str, category: str = Query("", max_length=20),
                  page: int = Query(1, ge=1, le=1_000_000), proposals: str = Query("", max_length=3),
                  caller: Caller = Depends(page_can(Permission.VIEW_CUSTOMER)), session: Session = Depends(db)):
    if category and category not in customers.CATEGORIES:
        raise Invalid("error.one_of", "category", field="category", choices=", ".join(customers.CATEGORIES))
    view = customers.customer_view(session, customer_id)
    per_page = request.app.state.settings.app.page_size
    timeline = customers.timeline(session, customer_id, [category] if category else None, page, per_page)
    decided_by = ""
    if view.staff_decision is not None:
        who = session.get(User, view.staff_decision.user_id)
        decided_by = who.display_name if who else ""
    decision = view.decision
    show_proposals = decision is not None and (decision.action == "make_profitable" or proposals == "all")
    return render(request, "customer.html", caller, view=view, show_proposals=show_proposals,
                  proposals=runs.stored_proposals(decision) if show_proposals else [], timeline=timeline, category=category,
                  categories=customers.CATEGORIES, flags=_flags(view.decision), decided_by=decided_by,
                  actions=ACTIONS, ticket_channels=TICKET_CHANNELS, ticket_kinds=TICKET_KINDS,
                  severities=TICKET_SEVERITIES, incident_kinds=INCIDENT_KINDS,
                  touch_kinds=TOUCH_KINDS, touch_channels=TOUCH_CHANNELS, exit_reasons=EXIT_REASONS,
                  page_url=page_url(f"/customers/{customer_id}", category=category))


def _to_customer(customer_id: str) -> RedirectResponse:
    return RedirectResponse(f"/customers/{customer_id}", status_code=303)


@router.post("/customers/{customer_id}/decision")
def decide(customer_id: str, kind: str = Form(max_length=10), action: str = Form("", max_length=40),
           reason: str = Form("", max_length=5000), caller: Caller = Depends(page_can(Permission.ACCEPT_ACTION)),
           session: Session = Depends(db)):
    casework.decide(session, caller.actor, customer_id, kind, action, reason)
    return _to_customer(customer_id)


@router.post("/customers/{customer_id}/notes")
def add_note(customer_id: str, text: str = Form(max_length=5000), caller: Caller = Depends(page_can(Permission.ADD_NOTE)),
             session: Session = Depends(db)):
    casework.add_note(session, caller.actor, customer_id, text)
    return _to_customer(customer_id)


@router.post("/customers/{customer_id}/complaints")
def log_complaint(request: Request, customer_id: str, channel: str = Form(max_length=20),
                  severity: str = Form("normal", max_length=20), kind: str = Form("complaint", max_length=20),
                  subject: str = Form("", max_length=200), description: str = Form(max_length=5000),
                  caller: Caller = Depends(page_can(Permission.LOG_COMPLAINT)), session: Session = Depends(db)):
    casework.log_complaint(session, caller.actor, customer_id, channel=channel, severity=severity, kind=kind,
                           subject=subject, description=description,
                           targets=request.app.state.settings.service_targets)
    return _to_customer(customer_id)


@router.post("/customers/{customer_id}/incidents")
def log_incident(customer_id: str, kind: str = Form(max_length=40), note: str = Form(max_length=5000),
                 caller: Caller = Depends(page_can(Permission.LOG_INCIDENT)), session: Session = Depends(db)):
    casework.log_incident(session, caller.actor, customer_id, kind=kind, note=note)
    return _to_customer(customer_id)
