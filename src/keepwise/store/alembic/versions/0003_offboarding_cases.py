"""Offboarding cases and the outbox of letters sent.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offboarding_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("goodwill_kind", sa.String(length=30), nullable=True),
        sa.Column("goodwill_amount", sa.Double(), nullable=True),
        sa.Column("goodwill_by", sa.Integer(), nullable=True),
        sa.Column("letter_lang", sa.String(length=8), nullable=True),
        sa.Column("letter_subject", sa.Text(), nullable=False),
        sa.Column("letter_body", sa.Text(), nullable=False),
        sa.Column("drafted_by", sa.Integer(), nullable=True),
        sa.Column("drafted_at", sa.DateTime(), nullable=True),
        sa.Column("sent_by", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("goodwill_applied_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=False),
        *[
            sa.ForeignKeyConstraint([column], ["users.id"], name=op.f(f"fk_offboarding_cases_{column}_users"))
            for column in ("proposed_by", "approved_by", "goodwill_by", "drafted_by", "sent_by")
        ],
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offboarding_cases")),
    )
    with op.batch_alter_table("offboarding_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offboarding_cases_customer_id"), ["customer_id"], unique=False)
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("transport", sa.String(length=10), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["offboarding_cases.id"], name=op.f("fk_outbox_case_id_offboarding_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_customer_id"), ["customer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_customer_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_case_id"))
    op.drop_table("outbox")
    with op.batch_alter_table("offboarding_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offboarding_cases_customer_id"))
    op.drop_table("offboarding_cases")
