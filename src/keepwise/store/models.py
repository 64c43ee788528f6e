"""The app's own tables: users, API tokens, assessment runs and their decisions, staff decisions on
actions, notes, assignments, the complaint workflow and the append-only audit log.

What staff record about a customer's behaviour (complaints, incidents, closed tickets) is written to
the contract tables (``keepwise.store.contract``), so the next assessment reads it; these tables hold
only what the contract has no column for.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from keepwise.store.base import Base

ROLES = ("agent", "manager", "admin")
COMPLAINT_STATUSES = ("open", "answered", "closed")
DECISION_KINDS = ("accept", "override")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200), default="")
    role: Mapped[str] = mapped_column(sa.String(20))
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    password_hash: Mapped[str] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    # Raised at logout: every session cookie issued before is refused from then on.
    session_epoch: Mapped[int] = mapped_column(default=0)
    # Set by an admin's reset to a one-time password: the pages ask for a new one before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column()


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256 hex; the token is shown once
    created_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class Run(Base):
    """One assessment of the whole store, dated; its decisions are kept for comparison."""

    __tablename__ = "assessment_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column()
    as_of: Mapped[date] = mapped_column()
    source: Mapped[str] = mapped_column(sa.Text)  # what was imported before this run
    customers: Mapped[int] = mapped_column()
    currency: Mapped[str] = mapped_column(sa.String(3))
    summary: Mapped[str] = mapped_column(sa.Text, default="{}")  # portfolio figures, JSON


class Decision(Base):
    """One row of a run's assessment (the contract's assess output)."""

    __tablename__ = "run_decisions"
    __table_args__ = (
        sa.Index("ix_run_decisions_worklist", "run_id", "action", "priority"),
        # The worklists' order (priority, then money at stake, then id), per action and over all actions.
        sa.Index("ix_run_decisions_action_order", "run_id", "action", "priority", sa.text("money_at_stake DESC"),
                 "customer_id"),
        sa.Index("ix_run_decisions_order", "run_id", "priority", sa.text("money_at_stake DESC"), "customer_id"),
    )

    run_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_runs.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String, primary_key=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    priority: Mapped[int] = mapped_column()
    flags: Mapped[str] = mapped_column(sa.Text, default="")
    clv: Mapped[float | None] = mapped_column()
    p_alive: Mapped[float | None] = mapped_column()
    churn_risk: Mapped[float | None] = mapped_column()
    profit: Mapped[float | None] = mapped_column()
    cost_to_serve: Mapped[float | None] = mapped_column()
    money_at_stake: Mapped[float] = mapped_column(default=0.0)
    reasons: Mapped[str] = mapped_column(sa.Text, default="")
    evidence: Mapped[str] = mapped_column(sa.Text, default="{}")  # JSON per flag, when the assessment gives it
    tier: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")  # loyalty tier; "" none
    # Make-profitable proposals (keepwise.offboard.proposals), JSON: [{proposal, yearly_profit_effect, ...}]
    proposals: Mapped[str] = mapped_column(sa.Text, default="[]", server_default="[]")


class StaffDecision(Base):
    """Staff accepted a run's recommended action, or overrode it with another and a reason."""

    __tablename__ = "action_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String, index=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_runs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(10))  # accept | override
    recommended: Mapped[str] = mapped_column(sa.String(40))
    action: Mapped[str] = mapped_column(sa.String(40))  # what staff will do
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column()


class Note(Base):
    __tablename__ = "staff_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String, index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column()
    text: Mapped[str] = mapped_column(sa.Text)


class Assignment(Base):
    """Who works on a customer, and when the worklist item was marked handled (per run)."""

    __tablename__ = "assignments"

    customer_id: Mapped[str] = mapped_column(sa.String, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None, index=True)
    handled_run_id: Mapped[int | None] = mapped_column(default=None, index=True)
    handled_at: Mapped[datetime | None] = mapped_column(default=None)
    handled_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)


class ComplaintCase(Base):
    """The workflow of a complaint logged in the app; the complaint itself is a row of ``tickets``."""

    __tablename__ = "complaint_cases"

    ticket_id: Mapped[str] = mapped_column(sa.String, primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String, index=True)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    response_due: Mapped[datetime] = mapped_column()
    resolution_due: Mapped[datetime] = mapped_column()
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # The refund offered on closing (within the closer's [goodwill] cap), and who offered it.
    refund_amount: Mapped[float | None] = mapped_column(default=None)
    refund_by: Mapped[int | None] = mapped_column(default=None)


class AuditEntry(Base):
    """Append-only (a database trigger refuses UPDATE and DELETE)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(default=None)
    username: Mapped[str] = mapped_column(sa.String(80))
    action: Mapped[str] = mapped_column(sa.String(80))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[str] = mapped_column(sa.String)
    before: Mapped[str] = mapped_column(sa.Text, default="null")  # JSON
    after: Mapped[str] = mapped_column(sa.Text, default="null")  # JSON
