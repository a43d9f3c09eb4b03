"""Team projects: people's roles, who has which document in their queue, and (on PostgreSQL)
a notification on every change so that everyone's window stays up to date.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Rows of these tables name their document (directly or through their annotation): the
# notification says which document and whose version changed.
_ROW_TABLES = {
    "annotation": ("document_id", "annotator_id"),
    "assignment": ("document_id", "annotator_id"),
    "span": ("annotation_id", None),
    "rejection": ("annotation_id", None),
}
# Changes to these tables are rare and touch many rows (imports, scheme edits): one
# notification per statement, without a document.
_STATEMENT_TABLES = ("document", "label", "project", "team_member", "annotator")

_NOTIFY_ROW = """
CREATE OR REPLACE FUNCTION kathode_notify_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
    doc integer;
    who integer;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    IF TG_TABLE_NAME IN ('span', 'rejection') THEN
        SELECT a.document_id, a.annotator_id INTO doc, who
            FROM annotation a WHERE a.id = r.annotation_id;
    ELSE
        doc := r.document_id;
        who := r.annotator_id;
    END IF;
    PERFORM pg_notify('kathode', json_build_object(
        'table', TG_TABLE_NAME,
        'document', doc,
        'annotator', (SELECT p.name FROM annotator p WHERE p.id = who)
    )::text);
    RETURN NULL;
END $$
"""

_NOTIFY_STATEMENT = """
CREATE OR REPLACE FUNCTION kathode_notify_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kathode', json_build_object('table', TG_TABLE_NAME)::text);
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.create_table(
        "team_member",
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('annotator', 'reviewer', 'manager')",
            name=op.f("ck_team_member_role_known"),
        ),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["annotator.id"],
            name=op.f("fk_team_member_annotator_id_annotator"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("annotator_id", name=op.f("pk_team_member")),
    )
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.String(length=200), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["annotator.id"],
            name=op.f("fk_assignment_annotator_id_annotator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_assignment_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment")),
        sa.UniqueConstraint(
            "document_id", "annotator_id", name=op.f("uq_assignment_document_id_annotator_id")
        ),
    )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_annotator_id"), ["annotator_id"])

    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_NOTIFY_ROW)
    op.execute(_NOTIFY_STATEMENT)
    for table in _ROW_TABLES:
        op.execute(
            f'CREATE TRIGGER kathode_notify AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION kathode_notify_row()"
        )
    for table in _STATEMENT_TABLES:
        op.execute(
            f'CREATE TRIGGER kathode_notify AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION kathode_notify_statement()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in (*_ROW_TABLES, *_STATEMENT_TABLES):
            op.execute(f'DROP TRIGGER IF EXISTS kathode_notify ON "{table}"')
        op.execute("DROP FUNCTION IF EXISTS kathode_notify_row()")
        op.execute("DROP FUNCTION IF EXISTS kathode_notify_statement()")
    op.drop_table("assignment")
    op.drop_table("team_member")
