"""The dashboard: portfolio figures and the report's portfolio charts of the latest run, worklist
counts, overdue complaints."""

from __future__ import annotations

import json
from functools import lru_cache

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from keepwise.app.deps import Caller, db, page_can
from keepwise.app.rendering import render, text_for
from keepwise.report.build import CHART_DIGITS, PLOTLY_BUNDLE, PLOTLY_STYLESHEET
from keepwise.report.chart_data import portfolio_figures
from keepwise.report.charts import PLOTLY_CONFIG
from keepwise.store.permissions import Permission
from keepwise.store.services import casework, runs, worklists
from keepwise.text import LANGUAGES, Translator

router = APIRouter()


# Drawing a figure takes Plotly a while; the same run in the same language draws the same: the latest
# run's and the one before's figures are kept, in every language.
@lru_cache(maxsize=2 * len(LANGUAGES))
def _charts(summary: str, lang: str, currency: str, configured_locale: str | None) -> tuple[tuple[str, str, str], ...]:
    """(chart name, title, Plotly figure JSON) of a run's stored chart data (its ``summary`` JSON), in ``lang``."""
    figures = Translator.for_report(lang, currency, configured_locale)
    data = json.loads(summary).get("charts") or {}
    drawn = portfolio_figures(data, figures)
    if not drawn:
        return ()
    titles = {"churn": figures("chart.churn_rate", period=figures.period_name(data['period'])),
              "whale": figures("section.whale"), "cohorts": figures("section.cohorts")}
    return tuple((name, titles[name], fig.to_json()) for name, fig in drawn)


@router.get("/")
def home(request: Request, caller: Caller = Depends(page_can(Permission.VIEW_DASHBOARD)),
         session: Session = Depends(db)):
    run = runs.latest_run(session)
    counts = worklists.counts(session, run) if run else {}
    summary = json.loads(run.summary) if run else {}
    assets = request.app.state.report_assets
    t = text_for(request, caller.user)
    charts = _charts(run.summary, t.lang, t.currency, request.app.state.settings.general.locale) if run else ()
    return render(request, "home.html", caller, run=run, summary=summary, counts=counts,
                  max_count=max(counts.values(), default=0) or 1, overdue=casework.overdue_count(session),
                  charts=charts, chart_config=json.dumps(PLOTLY_CONFIG),
                  plotly_src=f"{assets}/{PLOTLY_BUNDLE}", plotly_css=f"{assets}/{PLOTLY_STYLESHEET}",
                  chart_digits_src=f"{assets}/{CHART_DIGITS}")
