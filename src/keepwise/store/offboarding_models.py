"""The offboarding case workflow and the outbox of letters sent.

A case: proposed -> approved (by a manager) -> drafted (the letter, editable) -> sent -> goodwill_applied
-> closed; or withdrawn, with a reason, at any point before it is sent. ``keepwise.store.services.
offboarding`` is the only code that moves a case, one step at a time.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from keepwise.store.base import Base

CASE_STATUSES = ("proposed", "approved", "drafted", "sent", "goodwill_applied", "closed", "withdrawn")


class OffboardingCase(Base):
    __tablename__ = "offboarding_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String, index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="proposed")
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    proposed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    proposed_at: Mapped[datetime] = mapped_column()
    approved_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(default=None)
    goodwill_kind: Mapped[str | None] = mapped_column(sa.String(30), default=None)
    goodwill_amount: Mapped[float | None] = mapped_column(default=None)
    goodwill_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    letter_lang: Mapped[str | None] = mapped_column(sa.String(8), default=None)
    letter_subject: Mapped[str] = mapped_column(sa.Text, default="")
    letter_body: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown, editable until sent
    drafted_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    drafted_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    goodwill_applied_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
    withdrawn_reason: Mapped[str] = mapped_column(sa.Text, default="")


class OutboxMessage(Base):
    """A letter as sent: kept here always; also handed to SMTP when ``[mail] smtp_host`` is set."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("offboarding_cases.id"), index=True)
    customer_id: Mapped[str] = mapped_column(sa.String, index=True)
    recipient: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column()
    transport: Mapped[str] = mapped_column(sa.String(10))  # outbox | smtp
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
