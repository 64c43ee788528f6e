"""Each run decision keeps the customer's loyalty tier and make-profitable proposals (JSON);
a complaint case keeps the refund offered when it was closed, and who offered it.

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
    with op.batch_alter_table("complaint_cases") as batch:
        batch.add_column(sa.Column("refund_amount", sa.Float(), nullable=True))
        batch.add_column(sa.Column("refund_by", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("complaint_cases") as batch:
        batch.drop_column("refund_by")
        batch.drop_column("refund_amount")
    with op.batch_alter_table("run_decisions") as batch:
        batch.drop_column("proposals")
        batch.drop_column("tier")
