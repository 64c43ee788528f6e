"""Assignments indexed by the run they were handled in and by the staff member: the worklists count
the handled customers of a run, and filter "assigned to me", without reading every assignment.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_assignments_handled_run_id", "assignments", ["handled_run_id"])
    op.create_index("ix_assignments_user_id", "assignments", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_assignments_user_id", table_name="assignments")
    op.drop_index("ix_assignments_handled_run_id", table_name="assignments")
