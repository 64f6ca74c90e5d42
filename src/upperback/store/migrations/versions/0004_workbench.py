"""workbench: override revocation, head-posture photos

Revision ID: 0004
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("override", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("revoked_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("revoke_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            "fk_override_revoked_by_clinician", "clinician", ["revoked_by"], ["id"]
        )
    op.create_table(
        "posture_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Date(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("tragus_x", sa.Float(), nullable=True),
        sa.Column("tragus_y", sa.Float(), nullable=True),
        sa.Column("c7_x", sa.Float(), nullable=True),
        sa.Column("c7_y", sa.Float(), nullable=True),
        sa.Column("cva_deg", sa.Float(), nullable=True),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["clinician_id"], ["clinician.id"]),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessment.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("posture_photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_posture_photo_client_id"), ["client_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("posture_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_posture_photo_client_id"))
    op.drop_table("posture_photo")
    with op.batch_alter_table("override", schema=None) as batch_op:
        batch_op.drop_constraint("fk_override_revoked_by_clinician", type_="foreignkey")
        batch_op.drop_column("revoke_reason")
        batch_op.drop_column("revoked_by")
        batch_op.drop_column("revoked_at")
