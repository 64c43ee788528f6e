"""Worklists per action; assign and mark handled from the list or the customer page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from sqlalchemy.orm import Session

from keepwise.app.deps import Caller, db, page_can
from keepwise.app.pages.common import back_to, page_url
from keepwise.app.rendering import render
from keepwise.assess.flags import FLAG_CODES
from keepwise.store.permissions import Permission
from keepwise.store.services import worklists
from keepwise.store.services.base import Invalid

router = APIRouter()


@router.get("/worklists/{action}")
def worklist(request: Request, action: str, q: str = Query("", max_length=200), flag: str = Query("", max_length=40),
             assigned: str = Query("", max_length=20), status: str = Query("open", max_length=20),
             page: int = Query(1, ge=1, le=1_000_000), caller: Caller = Depends(page_can(Permission.VIEW_WORKLISTS)),
             session: Session = Depends(db)):
    per_page = request.app.state.settings.app.page_size
    wl = worklists.worklist(session, caller.actor, action, search=q.strip(), flag=flag, assigned=assigned,
                            status=status, page=page, per_page=per_page)
    back = str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")
    return render(request, "worklist.html", caller, action=action, wl=wl, q=q, flag=flag, assigned=assigned,
                  status=status, flags=FLAG_CODES, back=back,
                  page_url=page_url(f"/worklists/{action}", q=q, flag=flag, assigned=assigned, status=status))


@router.post("/customers/{customer_id}/assign")
def assign(customer_id: str, user_id: str = Form("me", max_length=20), back: str = Form(""),
           caller: Caller = Depends(page_can(Permission.ASSIGN)), session: Session = Depends(db)):
    if user_id == "me":
        target = caller.user.id
    elif user_id == "":
        target = None
    elif user_id.isdigit():
        target = int(user_id)
    else:
        raise Invalid("error.assign_user", "user_id")
    worklists.assign(session, caller.actor, customer_id, target)
    return back_to(back, f"/customers/{customer_id}")


@router.post("/customers/{customer_id}/handled")
def handled(customer_id: str, handled: str = Form("1", max_length=1), back: str = Form(""),
            caller: Caller = Depends(page_can(Permission.MARK_HANDLED)), session: Session = Depends(db)):
    worklists.mark_handled(session, caller.actor, customer_id, handled == "1")
    return back_to(back, f"/customers/{customer_id}")
