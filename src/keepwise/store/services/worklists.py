"""Worklists: the latest run's customers of one action, by priority then money at stake; assign, mark handled."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from keepwise.store.contract import CONTRACT_TABLES
from keepwise.store.models import Assignment, Decision, Run, User
from keepwise.store.permissions import Permission
from keepwise.store.services.base import Actor, Invalid, NotFound, audit, mutation, now
from keepwise.store.services.runs import latest_run

ACTIONS = ("offboard", "fix_service", "retain", "make_profitable", "win_back", "nurture", "grow", "deprioritize",
           "keep")
ASSIGNED_FILTERS = ("", "me", "unassigned", "assigned")
STATUS_FILTERS = ("open", "handled", "all")


@dataclass
class WorklistRow:
    customer_id: str
    name: str
    action: str
    priority: int
    money_at_stake: float
    flags: str
    reason: str
    assignee: str
    handled: bool
    evidence: str = "{}"  # the decision's evidence JSON (reason facts, phrased in the reader's language)


@dataclass
class Worklist:
    run: Run | None
    rows: list[WorklistRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _handled_in(run_id: int):
    """The decision's customer was marked handled in this run (a semi-join: assignments are few)."""
    return sa.exists().where(Assignment.customer_id == Decision.customer_id, Assignment.handled_run_id == run_id)


def counts(session: Session, run: Run | None = None) -> dict[str, int]:
    """Open (not handled) customers per action in the latest run."""
    run = run or latest_run(session)
    if run is None:
        return {}
    query = sa.select(Decision.action, sa.func.count()).where(Decision.run_id == run.id).group_by(Decision.action)
    everyone = dict(session.execute(query).all())
    handled = dict(session.execute(query.where(_handled_in(run.id))).all())
    return {action: int(everyone.get(action, 0)) - int(handled.get(action, 0)) for action in ACTIONS}


def worklist(session: Session, actor: Actor, action: str | None, *, search: str = "", flag: str = "",
             assigned: str = "", status: str = "open", page: int = 1, per_page: int = 50) -> Worklist:
    """One page of a worklist (``action`` None: every action). Filters: text in id or name, a flag,
    who it is assigned to, open or handled."""
    if action is not None and action not in ACTIONS:
        raise NotFound("error.no_worklist", action=action)
    if assigned not in ASSIGNED_FILTERS:
        raise Invalid("error.one_of", "assigned", field="assigned", choices=", ".join(ASSIGNED_FILTERS[1:]))
    if status not in STATUS_FILTERS:
        raise Invalid("error.one_of", "status", field="status", choices=", ".join(STATUS_FILTERS))
    page = max(1, page)
    run = latest_run(session)
    if run is None:
        return Worklist(None, [], 0, page, per_page)
    conditions = _filters(run.id, actor, action, search, flag, assigned)
    total = _count(session, run.id, conditions, status)
    if status != "all":
        conditions.append(_handled_in(run.id) if status == "handled" else sa.not_(_handled_in(run.id)))
    order = (Decision.priority, Decision.money_at_stake.desc(), Decision.customer_id)
    # The page is chosen on run_decisions alone (its order is an index); only its rows are joined.
    chosen = (sa.select(Decision.customer_id).where(*conditions).order_by(*order)
              .offset((page - 1) * per_page).limit(per_page).subquery("chosen"))
    customers = CONTRACT_TABLES["customers"]
    handled = sa.and_(Assignment.handled_run_id.is_not(None), Assignment.handled_run_id == run.id)
    query = (
        sa.select(Decision, customers.c.name, User.username, handled.label("is_handled"))
        .select_from(chosen)
        .join(Decision, sa.and_(Decision.run_id == run.id, Decision.customer_id == chosen.c.customer_id))
        .outerjoin(customers, customers.c.customer_id == Decision.customer_id)
        .outerjoin(Assignment, Assignment.customer_id == Decision.customer_id)
        .outerjoin(User, User.id == Assignment.user_id)
        .order_by(*order)
    )
    rows = []
    for decision, name, username, is_handled in session.execute(query):
        rows.append(WorklistRow(decision.customer_id, name or "", decision.action, decision.priority,
                                decision.money_at_stake or 0.0, decision.flags or "",
                                (decision.reasons or "").split(";")[0].strip(), username or "", bool(is_handled),
                                decision.evidence or "{}"))
    return Worklist(run, rows, total, page, per_page)


def _has_flag(flag: str):
    return sa.or_(Decision.flags == flag, Decision.flags.like(f"{flag};%"), Decision.flags.like(f"%;{flag}"),
                  Decision.flags.like(f"%;{flag};%"))


def _count(session: Session, run_id: int, conditions: list, status: str) -> int:
    """How many rows match ``conditions`` and ``status``. Open ones are all of them less the handled
    ones: two plain counts (an index, and the few handled), where an anti-join probed every row."""
    def count(*more) -> int:
        return session.scalar(sa.select(sa.func.count()).select_from(Decision).where(*conditions, *more)) or 0

    handled = count(_handled_in(run_id)) if status != "all" else 0
    return handled if status == "handled" else count() - handled


def _filters(run_id: int, actor: Actor, action: str | None, search: str, flag: str, assigned: str) -> list:
    """The worklist's conditions on ``run_decisions`` alone (the customer's name and assignment as
    semi-joins), shared by its count and its page; the open/handled status is added by each."""
    conditions = [Decision.run_id == run_id]
    if action is not None:
        conditions.append(Decision.action == action)
    if search:
        customers = CONTRACT_TABLES["customers"]
        pattern = f"%{search.lower()}%"
        named = sa.exists().where(customers.c.customer_id == Decision.customer_id,
                                  sa.func.lower(customers.c.name).like(pattern))
        conditions.append(sa.or_(sa.func.lower(Decision.customer_id).like(pattern), named))
    if flag:
        conditions.append(_has_flag(flag))
    if assigned:
        who = Assignment.user_id == actor.user_id if assigned == "me" else Assignment.user_id.is_not(None)
        someone = sa.exists().where(Assignment.customer_id == Decision.customer_id, who)
        conditions.append(sa.not_(someone) if assigned == "unassigned" else someone)
    return conditions


def _assignment_state(row: Assignment | None) -> dict:
    if row is None:
        return {"user_id": None, "handled_run_id": None}
    return {"user_id": row.user_id, "handled_run_id": row.handled_run_id}


def _customer_exists(session: Session, customer_id: str) -> None:
    customers = CONTRACT_TABLES["customers"]
    if session.scalar(sa.select(customers.c.customer_id).where(customers.c.customer_id == customer_id)) is None:
        raise NotFound("error.no_customer", customer_id=customer_id)


@mutation(Permission.ASSIGN)
def assign(session: Session, actor: Actor, customer_id: str, user_id: int | None) -> Assignment:
    """Assign a customer to a staff member (``None``: unassign)."""
    _customer_exists(session, customer_id)
    if user_id is not None:
        user = session.get(User, user_id)
        if user is None or not user.active:
            raise Invalid("error.no_active_user", "user_id", user_id=user_id)
    row = session.get(Assignment, customer_id)
    before = _assignment_state(row)
    if row is None:
        row = Assignment(customer_id=customer_id)
        session.add(row)
    row.user_id = user_id
    audit(session, actor, "customer.assign", "customer", customer_id, before, _assignment_state(row))
    return row


@mutation(Permission.MARK_HANDLED)
def mark_handled(session: Session, actor: Actor, customer_id: str, handled: bool = True) -> Assignment:
    """Mark the customer's item of the latest run handled (or open again)."""
    _customer_exists(session, customer_id)
    run = latest_run(session)
    if run is None:
        raise Invalid("error.no_run_yet")
    row = session.get(Assignment, customer_id)
    before = _assignment_state(row)
    if row is None:
        row = Assignment(customer_id=customer_id)
        session.add(row)
    row.handled_run_id = run.id if handled else None
    row.handled_at = now() if handled else None
    row.handled_by = actor.user_id if handled else None
    audit(session, actor, "customer.handled" if handled else "customer.reopened", "customer", customer_id,
          before, _assignment_state(row))
    return row
