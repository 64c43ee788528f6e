"""Assessment runs: assess the store as a data source, keep the decisions as a dated run, compare runs."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from keepwise.cadence import with_tier
from keepwise.config import Settings
from keepwise.offboard import proposals as build_proposals
from keepwise.pipeline import PipelineResult, run
from keepwise.report.chart_data import portfolio_chart_data
from keepwise.store.bulk import insert_rows
from keepwise.store.models import Decision, Run, StaffDecision
from keepwise.store.permissions import Permission
from keepwise.store.services.base import Actor, NotFound, audit, mutation, now

DECISION_COLUMNS = ("action", "priority", "flags", "clv", "p_alive", "churn_risk", "profit", "cost_to_serve",
                    "money_at_stake", "reasons", "evidence", "tier")


def _clean(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def assess_store(source: str, settings: Settings, as_of: date | None = None) -> PipelineResult:
    """Run the pipeline on the store (read like any keepwise source)."""
    return run(source, as_of, settings=settings)


_PROPOSAL_FIELDS = ("proposal", "yearly_profit_effect", "price_change", "quantity", "unit_price")


def _proposals_by_customer(result: PipelineResult) -> dict[str, list[dict]]:
    """Every customer's make-profitable proposals (shown for ``make_profitable`` customers, and on
    request for any), each with its yearly profit effect."""
    frame = result.assessment
    table = build_proposals(result.dataset, result.as_of, frame, frame["customer_id"].astype(str).tolist(),
                            result.features)
    found: dict[str, list[dict]] = {}
    for record in table.to_dict("records"):
        found.setdefault(str(record["customer_id"]), []).append(
            {name: _clean(record[name]) for name in _PROPOSAL_FIELDS})
    return found


@mutation(Permission.RUN_ASSESSMENT)
def save_run(session: Session, actor: Actor, result: PipelineResult, source: str) -> Run:
    """Keep ``result``'s assessment as a dated run with one decision per customer."""
    portfolio = result.portfolio
    summary = {
        "customers": portfolio.customers,
        "active_customers": portfolio.active_customers,
        "revenue": portfolio.revenue,
        "gross_margin": portfolio.gross_margin,
        "cost_to_serve": portfolio.cost_to_serve,
        "profit": portfolio.profit,
        "average_churn_rate": portfolio.average_churn_rate,
    }
    summary = {k: _clean(v) for k, v in summary.items()}
    summary["charts"] = portfolio_chart_data(portfolio)  # the report's portfolio charts, drawn by the dashboard
    record = Run(created_at=now(), as_of=result.as_of, source=source, customers=len(result.assessment),
                 currency=result.currency, summary=json.dumps(summary))
    session.add(record)
    session.flush()
    frame = result.assessment
    if "tier" not in frame.columns:
        frame = with_tier(frame, result.features, result.settings)
    proposed = _proposals_by_customer(result)
    rows = []
    columns = {c: frame[c].tolist() for c in ("customer_id", *DECISION_COLUMNS) if c in frame.columns}
    for i in range(len(frame)):
        row = {"run_id": record.id, "customer_id": str(columns["customer_id"][i])}
        for name in DECISION_COLUMNS:
            value = _clean(columns[name][i]) if name in columns else None
            if name in ("flags", "reasons", "tier"):
                value = value or ""
            if name == "evidence":
                value = value or "{}"
            if name == "money_at_stake":
                value = value or 0.0
            row[name] = value
        row["proposals"] = json.dumps(proposed.get(row["customer_id"], []), separators=(",", ":"))
        rows.append(row)
    insert_rows(session, Decision.__table__, rows)
    audit(session, actor, "run.create", "run", record.id, None,
          {"as_of": result.as_of, "customers": record.customers, "source": source})
    return record


def stored_proposals(decision: Decision | None) -> list[dict]:
    """The make-profitable proposals kept with a run decision (empty when none or unreadable)."""
    if decision is None:
        return []
    try:
        found = json.loads(decision.proposals or "[]")
    except ValueError:
        return []
    return found if isinstance(found, list) else []


def latest_run(session: Session) -> Run | None:
    return session.scalar(sa.select(Run).order_by(Run.id.desc()).limit(1))


def list_runs(session: Session) -> list[Run]:
    return list(session.scalars(sa.select(Run).order_by(Run.id.desc())))


def get_run(session: Session, run_id: int) -> Run:
    record = session.get(Run, run_id)
    if record is None:
        raise NotFound("error.no_run", run_id=run_id)
    return record


@dataclass
class Change:
    customer_id: str
    action_before: str | None
    action_after: str | None
    reasons_before: str
    reasons_after: str
    staff_decision: StaffDecision | None  # what staff decided between the two runs, if anything
    # The decisions' evidence JSON: its reason facts are phrased in the reader's language (the stored,
    # English, reasons are the fallback for runs kept before reasons had facts).
    evidence_before: str = "{}"
    evidence_after: str = "{}"


def compare_runs(session: Session, before_id: int, after_id: int, offset: int = 0, limit: int = 100
                 ) -> tuple[list[Change], int]:
    """Customers whose action differs between two runs (or who are in only one), with their reasons
    before and after and the staff decision taken in between; and how many there are in all."""
    get_run(session, before_id)
    get_run(session, after_id)
    # A full join restricted per side: filter each side first so the outer rows survive.
    left = sa.select(Decision).where(Decision.run_id == before_id).subquery()
    right = sa.select(Decision).where(Decision.run_id == after_id).subquery()
    joined = (
        sa.select(sa.func.coalesce(left.c.customer_id, right.c.customer_id).label("customer_id"),
                  left.c.action.label("a_action"), right.c.action.label("b_action"),
                  left.c.reasons.label("a_reasons"), right.c.reasons.label("b_reasons"),
                  left.c.evidence.label("a_evidence"), right.c.evidence.label("b_evidence"))
        .select_from(left.join(right, left.c.customer_id == right.c.customer_id, full=True))
        .where(sa.or_(left.c.action.is_(None), right.c.action.is_(None), left.c.action != right.c.action))
    )
    total = session.scalar(sa.select(sa.func.count()).select_from(joined.subquery())) or 0
    rows = session.execute(joined.order_by("customer_id").offset(offset).limit(limit)).all()
    ids = [r.customer_id for r in rows]
    decided: dict[str, StaffDecision] = {}
    if ids:
        for d in session.scalars(sa.select(StaffDecision).where(StaffDecision.run_id == before_id,
                                                                StaffDecision.customer_id.in_(ids))
                                 .order_by(StaffDecision.id)):
            decided[d.customer_id] = d
    changes = [Change(r.customer_id, r.a_action, r.b_action, r.a_reasons or "", r.b_reasons or "",
                      decided.get(r.customer_id), r.a_evidence or "{}", r.b_evidence or "{}") for r in rows]
    return changes, total
