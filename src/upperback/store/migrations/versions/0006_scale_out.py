"""scale out: program versions as patches, one log per plan session, cohort sEMG results

Existing whole-document versions are rewritten as JSON Patches where a new database would
store them so (store.compaction, lossless: exports before and after compare equal), and
each log gets its plan's start date for the unique (client, plan, week, index).

Revision ID: 0006
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from upperback.store import compaction

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.add_column(sa.Column("patch", sa.JSON(), nullable=True))
        batch_op.alter_column(
            "document",
            existing_type=sa.JSON(),
            type_=sa.LargeBinary(),
            nullable=True,
            postgresql_using="convert_to(document::text, 'UTF8')",
        )
    # session_log is altered in place (a table copy would cascade-delete its sets on SQLite)
    op.add_column("session_log", sa.Column("plan_start", sa.Date(), nullable=True))
    conn = op.get_bind()
    compaction.fill_plan_start(conn)
    compaction.compact_programs(conn, repack=True)
    op.create_index(
        "uq_session_log_plan_session",
        "session_log",
        ["client_id", "plan_start", "week", "index"],
        unique=True,
    )
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
    compaction.inflate_programs(op.get_bind())
    compaction.unpack_documents(op.get_bind())
    op.drop_index("uq_session_log_plan_session", table_name="session_log")
    # On SQLite this copies session_log: run the downgrade with PRAGMA foreign_keys=OFF.
    with op.batch_alter_table("session_log", schema=None) as batch_op:
        batch_op.drop_column("plan_start")
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.drop_column("patch")
        batch_op.alter_column(
            "document",
            existing_type=sa.LargeBinary(),
            type_=sa.JSON(),
            nullable=False,
            postgresql_using="convert_from(document, 'UTF8')::json",
        )
