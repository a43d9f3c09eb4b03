"""Suggestion cache and document titles (backfilled from the first line of each text).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TITLE_CHARS = 200


def upgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("title", sa.String(length=200), nullable=False, server_default="")
        )
    document = sa.table(
        "document",
        sa.column("id", sa.Integer),
        sa.column("text", sa.Text),
        sa.column("title", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(document.c.id, document.c.text)).all()
    for row in rows:
        first = next((line.strip() for line in row.text.splitlines() if line.strip()), "")
        connection.execute(
            document.update().where(document.c.id == row.id).values(title=first[:TITLE_CHARS])
        )
    op.create_table(
        "suggestion_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("suggester", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_suggestion_run_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_run")),
        sa.UniqueConstraint(
            "document_id", "suggester", name=op.f("uq_suggestion_run_document_id_suggester")
        ),
    )
    op.create_table(
        "suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["suggestion_run.id"],
            name=op.f("fk_suggestion_run_id_suggestion_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion")),
    )
    with op.batch_alter_table("suggestion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suggestion_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    op.drop_table("suggestion")
    op.drop_table("suggestion_run")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_column("title")
