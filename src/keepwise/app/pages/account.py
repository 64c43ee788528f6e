"""One's own account: API tokens (create — shown once —, list, revoke; admins revoke anyone's) and the
password (changed with the current one; required after an admin's reset to a one-time password)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from keepwise.app.deps import Caller, db, page_user
from keepwise.app.rendering import error_text, render, text_for
from keepwise.app.security import new_session, set_session
from keepwise.store.permissions import Permission
from keepwise.store.services import users
from keepwise.store.services.base import Invalid

router = APIRouter()
# A page showing a secret once must not be kept by the browser or a proxy.
NO_STORE = {"Cache-Control": "no-store"}


def _tokens_page(request: Request, caller: Caller, session: Session, new_token: str = ""):
    everyone = users.list_tokens(session, caller.actor, everyone=True) if caller.can(Permission.MANAGE_USERS) else []
    response = render(request, "tokens.html", caller, new_token=new_token,
                      mine=users.list_tokens(session, caller.actor), everyone=everyone,
                      max_name=users.MAX_TOKEN_NAME)
    response.headers.update(NO_STORE)
    return response


@router.get("/me/tokens")
def tokens(request: Request, caller: Caller = Depends(page_user), session: Session = Depends(db)):
    return _tokens_page(request, caller, session)


@router.post("/me/tokens")
def create_token(request: Request, name: str = Form("", max_length=users.MAX_TOKEN_NAME),
                 caller: Caller = Depends(page_user), session: Session = Depends(db)):
    """A new token of one's own, shown on this response only (its hash is all the store keeps)."""
    token = users.create_token(session, caller.actor, caller.user.id, name)
    return _tokens_page(request, caller, session, new_token=token)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(token_id: int, caller: Caller = Depends(page_user), session: Session = Depends(db)):
    users.revoke_token(session, caller.actor, token_id)
    return RedirectResponse("/me/tokens", status_code=303)


def _password_page(request: Request, caller: Caller, error: str = "", changed: bool = False, status_code: int = 200):
    return render(request, "password.html", caller, status_code=status_code, error=error, changed=changed,
                  min_length=users.MIN_PASSWORD_LENGTH)


@router.get("/me/password")
def password_form(request: Request, changed: int = Query(0, ge=0, le=1), caller: Caller = Depends(page_user)):
    return _password_page(request, caller, changed=bool(changed))


@router.post("/me/password")
def change_password(request: Request, current_password: str = Form(max_length=1000),
                    new_password: str = Form(max_length=1000), confirm_password: str = Form(max_length=1000),
                    caller: Caller = Depends(page_user), session: Session = Depends(db)):
    """Change one's own password (the current one required); other sessions end, this one continues."""
    if new_password != confirm_password:
        return _password_page(request, caller, text_for(request, caller.user)("password.mismatch"), status_code=400)
    try:
        user = users.change_password(session, caller.actor, current_password, new_password)
    except Invalid as problem:
        return _password_page(request, caller, error_text(request, caller.user, problem), status_code=400)
    set_session(request.scope, new_session(user.id, user.session_epoch))
    return RedirectResponse("/me/password?changed=1", status_code=303)
