"""Log in (argon2, lock-out), log out, choose the interface language."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from keepwise.app.deps import Caller, db, page_user, session_user
from keepwise.app.pages.common import back_to, local_path
from keepwise.app.rendering import render
from keepwise.app.security import new_session, set_session
from keepwise.store.services import users

router = APIRouter()


@router.get("/login")
def login_form(request: Request, next: str = "", session: Session = Depends(db)):
    if session_user(request, session) is not None:
        return RedirectResponse(local_path(next, "/"), status_code=303)
    return render(request, "login.html", next=local_path(next, "/"), error="")


@router.post("/login")
def login(request: Request, username: str = Form(max_length=80), password: str = Form(max_length=1000),
          next: str = Form(""), session: Session = Depends(db)):
    result = users.authenticate(session, username.strip(), password, request.app.state.settings.app)
    if result.user is None:
        error = "login.locked" if result.locked else "login.failed"
        return render(request, "login.html", next=local_path(next, "/"), error=error, status_code=401)
    # A fresh session (and CSRF token) at login: nothing from before the login carries over.
    set_session(request.scope, new_session(result.user.id, result.user.session_epoch))
    return RedirectResponse(local_path(next, "/"), status_code=303)


@router.post("/logout")
def logout(request: Request, caller: Caller = Depends(page_user), session: Session = Depends(db)):
    users.logout(session, caller.actor)
    set_session(request.scope, new_session())
    return RedirectResponse("/login", status_code=303)


@router.post("/me/language")
def language(language: str = Form(max_length=8), back: str = Form(""), caller: Caller = Depends(page_user),
             session: Session = Depends(db)):
    users.set_language(session, caller.actor, language)
    return back_to(back, "/")
