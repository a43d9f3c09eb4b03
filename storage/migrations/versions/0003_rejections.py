"""Rejected suggestions, kept per annotation so that a rejection survives reopening.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rejection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("annotation_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotation_id"],
            ["annotation.id"],
            name=op.f("fk_rejection_annotation_id_annotation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejection")),
        sa.UniqueConstraint(
            "annotation_id", "start", "end", "label",
            name=op.f("uq_rejection_annotation_id_start_end_label"),
        ),
    )
    with op.batch_alter_table("rejection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rejection_annotation_id"), ["annotation_id"])


def downgrade() -> None:
    op.drop_table("rejection")
