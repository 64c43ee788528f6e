"""Complaints: the list (overdue first by resolution target), one complaint, respond, take, close."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from keepwise.app.deps import Caller, db, page_can
from keepwise.app.pages.common import page_url
from keepwise.app.rendering import render
from keepwise.store.permissions import Permission
from keepwise.store.services import casework, users
from keepwise.store.services.base import Invalid

router = APIRouter()


@router.get("/complaints")
def complaints(request: Request, overdue: int = Query(0, ge=0, le=1), status: str = Query("", max_length=20),
               page: int = Query(1, ge=1, le=1_000_000),
               caller: Caller = Depends(page_can(Permission.VIEW_COMPLAINTS)), session: Session = Depends(db)):
    per_page = request.app.state.settings.app.page_size
    rows, total = casework.list_complaints(session, overdue_only=bool(overdue), status=status,
                                           offset=(page - 1) * per_page, limit=per_page)
    pages = max(1, -(-total // per_page))
    return render(request, "complaints.html", caller, rows=rows, total=total, page=page, pages=pages,
                  overdue=overdue, status=status, page_url=page_url("/complaints", overdue=overdue or "", status=status))


@router.get("/complaints/{ticket_id}")
def complaint(request: Request, ticket_id: str, caller: Caller = Depends(page_can(Permission.VIEW_COMPLAINTS)),
              session: Session = Depends(db)):
    case, ticket = casework.get_complaint(session, ticket_id)
    return render(request, "complaint.html", caller, case=case, ticket=ticket, staff=users.list_users(session))


def _to_complaint(ticket_id: str) -> RedirectResponse:
    return RedirectResponse(f"/complaints/{ticket_id}", status_code=303)


def _minutes(value: str, field: str = "minutes") -> float | None:
    if not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise Invalid("error.not_a_number", field, field=field) from None


@router.post("/complaints/{ticket_id}/respond")
def respond(ticket_id: str, minutes: str = Form("", max_length=20),
            caller: Caller = Depends(page_can(Permission.WORK_COMPLAINT)), session: Session = Depends(db)):
    casework.respond_complaint(session, caller.actor, ticket_id, _minutes(minutes))
    return _to_complaint(ticket_id)


@router.post("/complaints/{ticket_id}/owner")
def owner(ticket_id: str, owner_id: int = Form(ge=1), caller: Caller = Depends(page_can(Permission.WORK_COMPLAINT)),
          session: Session = Depends(db)):
    casework.take_complaint(session, caller.actor, ticket_id, owner_id)
    return _to_complaint(ticket_id)


@router.post("/complaints/{ticket_id}/close")
def close(request: Request, ticket_id: str, substantiated: str = Form("", max_length=5),
          minutes: str = Form("", max_length=20), refund: str = Form("", max_length=20),
          caller: Caller = Depends(page_can(Permission.WORK_COMPLAINT)), session: Session = Depends(db)):
    answer = {"yes": True, "no": False}.get(substantiated)
    casework.close_complaint(session, caller.actor, ticket_id, answer, _minutes(minutes), _minutes(refund, "refund"),
                             request.app.state.settings)
    return _to_complaint(ticket_id)


@router.post("/incidents/{incident_id}/confirm")
def confirm_incident(incident_id: str, customer_id: str = Form(max_length=200),
                     caller: Caller = Depends(page_can(Permission.CONFIRM_INCIDENT)), session: Session = Depends(db)):
    casework.confirm_incident(session, caller.actor, incident_id, True, customer_id=customer_id)
    return RedirectResponse(f"/customers/{customer_id}", status_code=303)
