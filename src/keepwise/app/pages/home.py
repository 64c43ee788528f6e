"""The dashboard: portfolio figures of the latest run, worklist counts, overdue complaints."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from keepwise.app.deps import Caller, db, page_can
from keepwise.app.rendering import render
from keepwise.store.permissions import Permission
from keepwise.store.services import casework, runs, worklists

router = APIRouter()


@router.get("/")
def home(request: Request, caller: Caller = Depends(page_can(Permission.VIEW_DASHBOARD)),
         session: Session = Depends(db)):
    run = runs.latest_run(session)
    counts = worklists.counts(session, run) if run else {}
    summary = json.loads(run.summary) if run else {}
    return render(request, "home.html", caller, run=run, summary=summary, counts=counts,
                  max_count=max(counts.values(), default=0) or 1, overdue=casework.overdue_count(session))
