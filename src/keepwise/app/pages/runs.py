"""Assessment runs and the comparison of two: which customers changed action, and why."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from keepwise.app.deps import Caller, db, page_can
from keepwise.app.pages.common import page_url
from keepwise.app.rendering import render
from keepwise.store.permissions import Permission
from keepwise.store.services import runs

router = APIRouter()


@router.get("/runs")
def run_list(request: Request, before: int | None = Query(None, ge=1), after: int | None = Query(None, ge=1),
             page: int = Query(1, ge=1, le=1_000_000), caller: Caller = Depends(page_can(Permission.VIEW_RUNS)),
             session: Session = Depends(db)):
    all_runs = runs.list_runs(session)
    if before is None and len(all_runs) >= 2:
        before = all_runs[1].id
    if after is None and all_runs:
        after = all_runs[0].id
    changes, total = [], 0
    per_page = request.app.state.settings.app.page_size
    if before and after and before != after:
        changes, total = runs.compare_runs(session, before, after, (page - 1) * per_page, per_page)
    return render(request, "runs.html", caller, runs=all_runs, before=before, after=after, changes=changes,
                  total=total, page=page, pages=max(1, -(-total // per_page)),
                  page_url=page_url("/runs", before=before, after=after))
