"""Each run decision keeps the customer's loyalty tier and make-profitable proposals (JSON).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("run_decisions") as batch:
        batch.add_column(sa.Column("tier", sa.String(length=40), nullable=False, server_default=""))
        batch.add_column(sa.Column("proposals", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("run_decisions") as batch:
        batch.drop_column("proposals")
        batch.drop_column("tier")
