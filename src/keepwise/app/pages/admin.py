"""Managers' and admins' pages: the audit log (read-only) and the users."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from keepwise.app.audit_view import audit_rows
from keepwise.app.deps import Caller, db, page_can
from keepwise.app.pages.common import page_url
from keepwise.app.rendering import render, text_for
from keepwise.store.models import ROLES
from keepwise.store.permissions import Permission
from keepwise.store.services import audit_log, users

router = APIRouter()


@router.get("/audit")
def audit(request: Request, object_type: str = Query("", max_length=40), object_id: str = Query("", max_length=200),
          page: int = Query(1, ge=1, le=1_000_000), caller: Caller = Depends(page_can(Permission.VIEW_AUDIT)),
          session: Session = Depends(db)):
    per_page = request.app.state.settings.app.page_size
    rows, total = audit_log.entries(session, caller.actor, object_type=object_type, object_id=object_id,
                                    offset=(page - 1) * per_page, limit=per_page)
    names = {user.id: user.username for user in users.list_users(session)}
    return render(request, "audit.html", caller, rows=audit_rows(text_for(request, caller.user), rows, names),
                  page=page, pages=max(1, -(-total // per_page)),
                  page_url=page_url("/audit", object_type=object_type, object_id=object_id))


@router.get("/users")
def user_list(request: Request, caller: Caller = Depends(page_can(Permission.MANAGE_USERS)),
              session: Session = Depends(db)):
    return render(request, "users.html", caller, users=users.list_users(session), roles=ROLES)


@router.post("/users")
def add_user(username: str = Form(max_length=80), role: str = Form(max_length=20), password: str = Form(max_length=1000),
             display_name: str = Form("", max_length=200), language: str = Form("en", max_length=8),
             caller: Caller = Depends(page_can(Permission.MANAGE_USERS)), session: Session = Depends(db)):
    users.add_user(session, caller.actor, username.strip(), role, password, display_name.strip(), language)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{user_id}/active")
def set_active(user_id: int, active: str = Form(max_length=1), caller: Caller = Depends(page_can(Permission.MANAGE_USERS)),
               session: Session = Depends(db)):
    users.set_active(session, caller.actor, user_id, active == "1")
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{user_id}/password-reset")
def reset_password(request: Request, user_id: int, caller: Caller = Depends(page_can(Permission.MANAGE_USERS)),
                   session: Session = Depends(db)):
    """An admin resets a user's password to a one-time password, shown on this response only."""
    password = users.reset_to_one_time_password(session, caller.actor, user_id)
    everyone = users.list_users(session)
    response = render(request, "users.html", caller, users=everyone, roles=ROLES,
                      one_time=(next(u.username for u in everyone if u.id == user_id), password))
    response.headers["Cache-Control"] = "no-store"  # a secret shown once
    return response
