"""Indexes in the worklists' order (priority, money at stake descending, id), per action and overall.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_run_decisions_action_order", "run_decisions",
                    ["run_id", "action", "priority", sa.text("money_at_stake DESC"), "customer_id"])
    op.create_index("ix_run_decisions_order", "run_decisions",
                    ["run_id", "priority", sa.text("money_at_stake DESC"), "customer_id"])


def downgrade() -> None:
    op.drop_index("ix_run_decisions_order", table_name="run_decisions")
    op.drop_index("ix_run_decisions_action_order", table_name="run_decisions")
