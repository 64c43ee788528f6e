"""Offboarding cases: the list, one case with its letter, and each step of the workflow.

Every step calls one service of ``keepwise.store.services.offboarding``, which checks the role, moves the
case only along its workflow and writes the audit log; these routes only read forms and redirect.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from keepwise.app.deps import Caller, db, page_can
from keepwise.app.rendering import render
from keepwise.store.offboarding_models import CASE_STATUSES, OutboxMessage
from keepwise.store.permissions import Permission
from keepwise.store.services import offboarding
from keepwise.store.services.base import Invalid

router = APIRouter()


def _to_case(case_id: int) -> RedirectResponse:
    return RedirectResponse(f"/offboarding/{case_id}", status_code=303)


@router.get("/offboarding")
def cases(request: Request, status: str = Query("", max_length=20),
          caller: Caller = Depends(page_can(Permission.VIEW_CUSTOMER)), session: Session = Depends(db)):
    if status and status not in CASE_STATUSES:
        raise Invalid("error.one_of", "status", field="status", choices=", ".join(CASE_STATUSES))
    return render(request, "offboarding.html", caller, cases=offboarding.list_cases(session, status), status=status,
                  statuses=CASE_STATUSES)


@router.get("/offboarding/{case_id}")
def case_page(request: Request, case_id: int, caller: Caller = Depends(page_can(Permission.VIEW_CUSTOMER)),
              session: Session = Depends(db)):
    case = offboarding.get_case(session, case_id)
    sent = session.query(OutboxMessage).filter(OutboxMessage.case_id == case.id).order_by(OutboxMessage.id).all()
    return render(request, "offboarding_case.html", caller, case=case, outbox=sent)


@router.post("/customers/{customer_id}/offboarding")
def propose(customer_id: str, reason: str = Form("", max_length=20000),
            caller: Caller = Depends(page_can(Permission.PROPOSE_OFFBOARDING)), session: Session = Depends(db)):
    case = offboarding.propose(session, caller.actor, customer_id, reason)
    return _to_case(case.id)


@router.post("/offboarding/{case_id}/approve")
def approve(case_id: int, caller: Caller = Depends(page_can(Permission.APPROVE_OFFBOARDING)),
            session: Session = Depends(db)):
    offboarding.approve(session, caller.actor, case_id)
    return _to_case(case_id)


def _amount(value: str) -> float:
    try:
        return float(value.replace(",", "."))
    except ValueError:
        raise Invalid("error.not_a_number", "amount", field="amount") from None


@router.post("/offboarding/{case_id}/goodwill")
def goodwill(request: Request, case_id: int, amount: str = Form(max_length=30),
             caller: Caller = Depends(page_can(Permission.WORK_OFFBOARDING)), session: Session = Depends(db)):
    offboarding.set_goodwill(session, caller.actor, case_id, _amount(amount), request.app.state.settings)
    return _to_case(case_id)


@router.post("/offboarding/{case_id}/draft")
def draft(request: Request, case_id: int, lang: str = Form("", max_length=8),
          caller: Caller = Depends(page_can(Permission.WORK_OFFBOARDING)), session: Session = Depends(db)):
    offboarding.draft_letter(session, caller.actor, case_id, request.app.state.store.source,
                             request.app.state.settings, lang=lang or None)
    return _to_case(case_id)


@router.post("/offboarding/{case_id}/letter")
def edit(case_id: int, subject: str = Form(max_length=500), body: str = Form(max_length=20000),
         caller: Caller = Depends(page_can(Permission.WORK_OFFBOARDING)), session: Session = Depends(db)):
    offboarding.edit_letter(session, caller.actor, case_id, subject, body)
    return _to_case(case_id)


@router.post("/offboarding/{case_id}/send")
def send(request: Request, case_id: int, caller: Caller = Depends(page_can(Permission.WORK_OFFBOARDING)),
         session: Session = Depends(db)):
    offboarding.send(session, caller.actor, case_id, request.app.state.settings.mail)
    return _to_case(case_id)


@router.post("/offboarding/{case_id}/goodwill-applied")
def goodwill_applied(case_id: int, caller: Caller = Depends(page_can(Permission.WORK_OFFBOARDING)),
                     session: Session = Depends(db)):
    offboarding.apply_goodwill(session, caller.actor, case_id)
    return _to_case(case_id)


@router.post("/offboarding/{case_id}/close")
def close(case_id: int, caller: Caller = Depends(page_can(Permission.WORK_OFFBOARDING)),
          session: Session = Depends(db)):
    offboarding.close(session, caller.actor, case_id)
    return _to_case(case_id)


@router.post("/offboarding/{case_id}/withdraw")
def withdraw(case_id: int, reason: str = Form("", max_length=20000),
             caller: Caller = Depends(page_can(Permission.WORK_OFFBOARDING)), session: Session = Depends(db)):
    offboarding.withdraw(session, caller.actor, case_id, reason)
    return _to_case(case_id)
