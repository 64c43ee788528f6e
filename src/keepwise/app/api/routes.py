"""API routes; each declares its permission (``api_can``) and calls the same services as the pages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from keepwise.app.api import schemas as s
from keepwise.app.deps import Caller, api_can, api_user, db
from keepwise.app.i18n import AppText
from keepwise.store.permissions import ROLE_PERMISSIONS, Permission
from keepwise.store.services import audit_log, casework, customers, runs, worklists
from keepwise.store.services.base import Invalid

router = APIRouter(tags=["keepwise"], responses=s.ERRORS)
PageQ = Query(1, ge=1, le=1_000_000)
PerPageQ = Query(50, ge=1, le=1000)


def _per_page(request: Request, per_page: int) -> int:
    return min(per_page, request.app.state.settings.app.max_page_size)


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def _decision(d) -> s.DecisionOut | None:
    if d is None:
        return None
    return s.DecisionOut(action=d.action, priority=d.priority, flags=_split(d.flags), clv=d.clv, p_alive=d.p_alive,
                         churn_risk=d.churn_risk, profit=d.profit, cost_to_serve=d.cost_to_serve,
                         money_at_stake=d.money_at_stake or 0.0, reasons=_split(d.reasons))


def _staff(d) -> s.StaffDecisionOut | None:
    if d is None:
        return None
    return s.StaffDecisionOut(id=d.id, customer_id=d.customer_id, run_id=d.run_id, kind=d.kind,
                              recommended=d.recommended, action=d.action, reason=d.reason)


@router.get("/me", response_model=s.Me)
def me(caller: Caller = Depends(api_user)):
    u = caller.user
    return s.Me(id=u.id, username=u.username, display_name=u.display_name, role=u.role, language=u.language,
                permissions=sorted(p.value for p in ROLE_PERMISSIONS[u.role]))


@router.get("/worklists", response_model=dict[str, int])
def worklist_counts(caller: Caller = Depends(api_can(Permission.VIEW_WORKLISTS)), session: Session = Depends(db)):
    """Open customers per action in the latest run."""
    return worklists.counts(session)


def _customer_page(request, session, caller, action, q, flag, assigned, status, page, per_page):
    wl = worklists.worklist(session, caller.actor, action, search=q.strip(), flag=flag, assigned=assigned,
                            status=status, page=page, per_page=_per_page(request, per_page))
    items = [s.CustomerRow(customer_id=r.customer_id, name=r.name, action=r.action, priority=r.priority,
                           money_at_stake=r.money_at_stake, flags=_split(r.flags), first_reason=r.reason,
                           assigned_to=r.assignee, handled=r.handled) for r in wl.rows]
    return s.Page[s.CustomerRow](items=items, total=wl.total, page=wl.page, per_page=wl.per_page)


@router.get("/customers", response_model=s.Page[s.CustomerRow])
def customer_list(request: Request, action: str | None = Query(None, max_length=40), q: str = Query("", max_length=200),
                  flag: str = Query("", max_length=40), assigned: str = Query("", max_length=20),
                  status: str = Query("all", max_length=20), page: int = PageQ, per_page: int = PerPageQ,
                  caller: Caller = Depends(api_can(Permission.VIEW_WORKLISTS)), session: Session = Depends(db)):
    """The latest run's customers, by priority then money at stake (a worklist when ``action`` is given)."""
    return _customer_page(request, session, caller, action, q, flag, assigned, status, page, per_page)


@router.get("/worklists/{action}", response_model=s.Page[s.CustomerRow])
def worklist(request: Request, action: str, q: str = Query("", max_length=200), flag: str = Query("", max_length=40),
             assigned: str = Query("", max_length=20), status: str = Query("open", max_length=20),
             page: int = PageQ, per_page: int = PerPageQ,
             caller: Caller = Depends(api_can(Permission.VIEW_WORKLISTS)), session: Session = Depends(db)):
    return _customer_page(request, session, caller, action, q, flag, assigned, status, page, per_page)


@router.get("/customers/{customer_id}", response_model=s.CustomerOut)
def customer(customer_id: str, caller: Caller = Depends(api_can(Permission.VIEW_CUSTOMER)),
             session: Session = Depends(db)):
    view = customers.customer_view(session, customer_id)
    c = view.customer
    return s.CustomerOut(customer_id=c["customer_id"], name=c["name"], email=c["email"], language=c["language"],
                         country=c["country"], signed_up_at=c["signed_up_at"], decision=_decision(view.decision),
                         assigned_to=view.assignee.username if view.assignee else None, handled=view.handled)


@router.get("/customers/{customer_id}/timeline", response_model=s.Page[s.TimelineEntryOut])
def timeline(request: Request, customer_id: str, category: list[str] = Query([]), page: int = PageQ,
             per_page: int = PerPageQ, caller: Caller = Depends(api_can(Permission.VIEW_CUSTOMER)),
             session: Session = Depends(db)):
    """The customer's history across every channel, newest first; each entry a sentence in the user's language."""
    unknown = [c for c in category if c not in customers.CATEGORIES]
    if unknown:
        raise Invalid("error.one_of", "category", field="category", choices=", ".join(customers.CATEGORIES))
    result = customers.timeline(session, customer_id, category or None, page, _per_page(request, per_page))
    settings = request.app.state.settings
    t = AppText(caller.user.language, settings.general.currency, settings.general.locale)
    items = [s.TimelineEntryOut(at=e.at, category=e.category, key=e.key, text=t.sentence(e)) for e in result.entries]
    return s.Page[s.TimelineEntryOut](items=items, total=result.total, page=result.page, per_page=result.per_page)


@router.post("/customers/{customer_id}/decision", response_model=s.StaffDecisionOut, status_code=201)
def decide(customer_id: str, body: s.DecisionIn, caller: Caller = Depends(api_can(Permission.ACCEPT_ACTION)),
           session: Session = Depends(db)):
    """Accept the recommended action, or override it (managers) with another action and a reason."""
    return _staff(casework.decide(session, caller.actor, customer_id, body.kind, body.action, body.reason))


@router.post("/customers/{customer_id}/assign", response_model=s.Created)
def assign(customer_id: str, body: s.AssignIn, caller: Caller = Depends(api_can(Permission.ASSIGN)),
           session: Session = Depends(db)):
    worklists.assign(session, caller.actor, customer_id, body.user_id)
    return s.Created(id=customer_id)


@router.post("/customers/{customer_id}/handled", response_model=s.Created)
def handled(customer_id: str, body: s.HandledIn, caller: Caller = Depends(api_can(Permission.MARK_HANDLED)),
            session: Session = Depends(db)):
    worklists.mark_handled(session, caller.actor, customer_id, body.handled)
    return s.Created(id=customer_id)


@router.post("/customers/{customer_id}/notes", response_model=s.Created, status_code=201)
def add_note(customer_id: str, body: s.NoteIn, caller: Caller = Depends(api_can(Permission.ADD_NOTE)),
             session: Session = Depends(db)):
    return s.Created(id=str(casework.add_note(session, caller.actor, customer_id, body.text).id))


@router.post("/customers/{customer_id}/complaints", response_model=s.Created, status_code=201)
def log_complaint(request: Request, customer_id: str, body: s.ComplaintIn,
                  caller: Caller = Depends(api_can(Permission.LOG_COMPLAINT)), session: Session = Depends(db)):
    case = casework.log_complaint(session, caller.actor, customer_id, channel=body.channel, severity=body.severity,
                                  kind=body.kind, subject=body.subject, description=body.description,
                                  targets=request.app.state.settings.service_targets)
    return s.Created(id=case.ticket_id)


@router.post("/customers/{customer_id}/incidents", response_model=s.Created, status_code=201)
def log_incident(customer_id: str, body: s.IncidentIn, caller: Caller = Depends(api_can(Permission.LOG_INCIDENT)),
                 session: Session = Depends(db)):
    return s.Created(id=casework.log_incident(session, caller.actor, customer_id, kind=body.kind, note=body.note))


def _complaint(r) -> s.ComplaintOut:
    return s.ComplaintOut(ticket_id=r.case.ticket_id, customer_id=r.case.customer_id, status=r.case.status,
                          owner=r.owner, kind=r.kind, channel=r.channel, severity=r.severity, subject=r.subject,
                          opened_at=r.opened_at, first_response_at=r.first_response_at, closed_at=r.closed_at,
                          response_due=r.case.response_due, resolution_due=r.case.resolution_due, overdue=r.overdue)


@router.get("/complaints", response_model=s.Page[s.ComplaintOut])
def complaint_list(request: Request, overdue: bool = False, status: str = Query("", max_length=20),
                   page: int = PageQ, per_page: int = PerPageQ,
                   caller: Caller = Depends(api_can(Permission.VIEW_COMPLAINTS)), session: Session = Depends(db)):
    per_page = _per_page(request, per_page)
    rows, total = casework.list_complaints(session, overdue_only=overdue, status=status,
                                           offset=(page - 1) * per_page, limit=per_page)
    return s.Page[s.ComplaintOut](items=[_complaint(r) for r in rows], total=total, page=page, per_page=per_page)


@router.post("/complaints/{ticket_id}/respond", response_model=s.Created)
def respond(ticket_id: str, body: s.RespondIn, caller: Caller = Depends(api_can(Permission.WORK_COMPLAINT)),
            session: Session = Depends(db)):
    casework.respond_complaint(session, caller.actor, ticket_id, body.minutes)
    return s.Created(id=ticket_id)


@router.post("/complaints/{ticket_id}/close", response_model=s.Created)
def close(request: Request, ticket_id: str, body: s.CloseIn,
          caller: Caller = Depends(api_can(Permission.WORK_COMPLAINT)), session: Session = Depends(db)):
    """Close; a complaint must say whether it was substantiated; a refund offered is within the caller's cap."""
    casework.close_complaint(session, caller.actor, ticket_id, body.substantiated, body.minutes, body.refund,
                             request.app.state.settings)
    return s.Created(id=ticket_id)


@router.get("/runs", response_model=list[s.RunOut])
def run_list(caller: Caller = Depends(api_can(Permission.VIEW_RUNS)), session: Session = Depends(db)):
    return [s.RunOut(id=r.id, created_at=r.created_at, as_of=r.as_of, customers=r.customers, currency=r.currency)
            for r in runs.list_runs(session)]


@router.get("/runs/{before}/changes/{after}", response_model=s.Page[s.ChangeOut])
def run_changes(request: Request, before: int, after: int, page: int = PageQ, per_page: int = PerPageQ,
                caller: Caller = Depends(api_can(Permission.VIEW_RUNS)), session: Session = Depends(db)):
    """Customers whose action changed between two runs, with their reasons before and after (in the user's language)."""
    per_page = _per_page(request, per_page)
    changes, total = runs.compare_runs(session, before, after, (page - 1) * per_page, per_page)
    settings = request.app.state.settings
    t = AppText(caller.user.language, settings.general.currency, settings.general.locale)
    items = [s.ChangeOut(customer_id=c.customer_id, action_before=c.action_before, action_after=c.action_after,
                         reasons_before=t.reasons(c.evidence_before, c.reasons_before),
                         reasons_after=t.reasons(c.evidence_after, c.reasons_after),
                         staff_decision=_staff(c.staff_decision)) for c in changes]
    return s.Page[s.ChangeOut](items=items, total=total, page=page, per_page=per_page)


@router.get("/audit", response_model=s.Page[s.AuditOut])
def audit(request: Request, object_type: str = Query("", max_length=40), object_id: str = Query("", max_length=200),
          page: int = PageQ, per_page: int = PerPageQ, caller: Caller = Depends(api_can(Permission.VIEW_AUDIT)),
          session: Session = Depends(db)):
    per_page = _per_page(request, per_page)
    rows, total = audit_log.entries(session, caller.actor, object_type=object_type, object_id=object_id,
                                    offset=(page - 1) * per_page, limit=per_page)
    items = [s.AuditOut(id=e.id, at=e.at, username=e.username, action=e.action, object_type=e.object_type,
                        object_id=e.object_id, before=e.before, after=e.after) for e in rows]
    return s.Page[s.AuditOut](items=items, total=total, page=page, per_page=per_page)


