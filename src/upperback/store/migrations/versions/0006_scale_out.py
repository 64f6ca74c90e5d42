"""scale out: cohort sEMG results

Revision ID: 0006
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cohort_emg",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run", sa.String(length=40), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("fs", sa.Float(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["clinician_id"], ["clinician.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run", "path"),
    )
    with op.batch_alter_table("cohort_emg", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cohort_emg_run"), ["run"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cohort_emg", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohort_emg_run"))
    op.drop_table("cohort_emg")
