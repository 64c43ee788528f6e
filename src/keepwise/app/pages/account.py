"""One's own account: API tokens (create — shown once —, list, revoke; admins revoke anyone's)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from keepwise.app.deps import Caller, db, page_user
from keepwise.app.rendering import render
from keepwise.store.permissions import Permission
from keepwise.store.services import users

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
