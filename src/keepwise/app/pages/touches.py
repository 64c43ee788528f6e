"""Keeping in touch: today's touches (mine or everyone's), a touch marked done, an exit survey, a campaign."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from keepwise.app.deps import Caller, db, page_can
from keepwise.app.rendering import render, text_for
from keepwise.cadence import phrase_reasons
from keepwise.campaigns.wording import campaign_lines
from keepwise.store.permissions import Permission
from keepwise.store.services import touches as service

router = APIRouter()


def _reasons(rows: list[service.DueTouch], figures) -> list[str]:
    import pandas as pd

    if not rows:
        return []
    return phrase_reasons(pd.DataFrame([row.facts for row in rows]), figures).tolist()


@router.get("/touches")
def todays_touches(request: Request, who: str = Query("me", pattern="^(me|all)$"),
                   caller: Caller = Depends(page_can(Permission.VIEW_TOUCHES)), session: Session = Depends(db)):
    state = request.app.state
    rows = service.todays_touches(session, caller.actor, state.store.source, state.settings, date.today(),
                                  mine=who == "me")
    t = text_for(request, caller.user)
    # "Mine" of a user to whom no customer is assigned says so, rather than that nothing is due.
    unassigned = who == "me" and not rows and not service.assigned_customers(session, caller.actor)
    return render(request, "touches.html", caller, rows=list(zip(rows, _reasons(rows, t.figures), strict=True)),
                  who=who, today=date.today(), unassigned=unassigned)


@router.post("/customers/{customer_id}/touches")
def touch_done(customer_id: str, kind: str = Form(max_length=40), channel: str = Form(max_length=40),
               back: str = Form("", max_length=20), caller: Caller = Depends(page_can(Permission.RECORD_TOUCH)),
               session: Session = Depends(db)):
    service.record_touch(session, caller.actor, customer_id, kind=kind, channel=channel)
    target = "/touches" if back == "touches" else f"/customers/{customer_id}"
    return RedirectResponse(target, status_code=303)


@router.post("/customers/{customer_id}/exit-survey")
def exit_survey(customer_id: str, reason: str = Form(max_length=40), score: str = Form("", max_length=10),
                comment: str = Form("", max_length=service.MAX_COMMENT),
                caller: Caller = Depends(page_can(Permission.RECORD_EXIT_SURVEY)), session: Session = Depends(db)):
    service.record_exit_survey(session, caller.actor, customer_id, reason=reason, score=score, comment=comment)
    return RedirectResponse(f"/customers/{customer_id}", status_code=303)


@router.get("/campaigns/{campaign_id}")
def campaign(request: Request, campaign_id: str, window_days: int = Query(60, ge=1, le=3650),
             caller: Caller = Depends(page_can(Permission.VIEW_CAMPAIGNS))):
    state = request.app.state
    result = service.campaign_effect(state.store.source, state.settings, campaign_id, date.today(), window_days)
    t = text_for(request, caller.user)
    return render(request, "campaign.html", caller, result=result, lines=campaign_lines(result, t.figures),
                  window_days=window_days)
