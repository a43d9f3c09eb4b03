"""Gold versions: annotator kinds, the reviewer of an annotation, and gold sources.

The reviewed gold version of a document is an ordinary annotation of the reserved annotator
``gold`` (kind ``gold``); ``gold_source`` remembers which people's versions it was made from.
A person already named ``gold`` (in any case) is renamed ``<name> (person)`` first.

The two check constraints ride on the new column rather than ``create_check_constraint``:
on SQLite a table constraint would make batch mode copy and drop ``annotator``, and with
foreign keys on, dropping it would cascade into every annotation.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    annotator = sa.table("annotator", sa.column("name", sa.String))
    op.execute(
        annotator.update()
        .where(sa.func.lower(annotator.c.name) == "gold")
        .values(name=annotator.c.name + " (person)")
    )
    with op.batch_alter_table("annotator", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.String(length=16),
                sa.CheckConstraint(
                    "kind IN ('person', 'gold')", name=op.f("ck_annotator_kind_known")
                ),
                sa.CheckConstraint(
                    "(kind = 'gold') = (lower(name) = 'gold')",
                    name=op.f("ck_annotator_gold_reserved"),
                ),
                nullable=False,
                server_default="person",
            )
        )
    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reviewer", sa.String(length=200), nullable=True))
    op.create_table(
        "gold_source",
        sa.Column("gold_annotation_id", sa.Integer(), nullable=False),
        sa.Column("source_annotation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["gold_annotation_id"],
            ["annotation.id"],
            name=op.f("fk_gold_source_gold_annotation_id_annotation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_annotation_id"],
            ["annotation.id"],
            name=op.f("fk_gold_source_source_annotation_id_annotation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "gold_annotation_id", "source_annotation_id", name=op.f("pk_gold_source")
        ),
    )
    with op.batch_alter_table("gold_source", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gold_source_source_annotation_id"), ["source_annotation_id"]
        )


def downgrade() -> None:
    op.drop_table("gold_source")
    annotation = sa.table(
        "annotation", sa.column("id", sa.Integer), sa.column("annotator_id", sa.Integer)
    )
    annotator = sa.table("annotator", sa.column("id", sa.Integer), sa.column("kind", sa.String))
    gold = sa.select(annotator.c.id).where(annotator.c.kind == "gold").scalar_subquery()
    op.execute(annotation.delete().where(annotation.c.annotator_id == gold))
    op.execute(annotator.delete().where(annotator.c.kind == "gold"))
    # Plain ALTER TABLE … DROP COLUMN, never batch mode: a batch copy would drop and recreate
    # ``annotation`` and ``annotator``, and on SQLite that cascades into their dependants.
    op.drop_column("annotation", "reviewer")
    op.drop_column("annotator", "kind")
