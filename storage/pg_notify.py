"""PostgreSQL's change notifications at the head schema: the trigger functions and triggers
that ``pg_notify`` on every change, for a project created at head (``storage.migrate``).

Migrations are history and keep their own copy (0006 made these); a test compares a project
created at head with one migrated there, triggers included, so the two cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

# Rows of these tables name their document (directly or through their annotation): the
# notification says which document and whose version changed.
ROW_TABLES = {
    "annotation": ("document_id", "annotator_id"),
    "assignment": ("document_id", "annotator_id"),
    "span": ("annotation_id", None),
    "rejection": ("annotation_id", None),
}
# Changes to these tables are rare and touch many rows (imports, scheme edits): one
# notification per statement, without a document.
STATEMENT_TABLES = ("document", "label", "project", "team_member", "annotator")

NOTIFY_ROW = """
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

NOTIFY_STATEMENT = """
CREATE OR REPLACE FUNCTION kathode_notify_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kathode', json_build_object('table', TG_TABLE_NAME)::text);
    RETURN NULL;
END $$
"""


def notify_statements() -> list[str]:
    """The DDL, in order, that makes every change of the project's tables notify."""
    statements = [NOTIFY_ROW, NOTIFY_STATEMENT]
    statements.extend(
        f'CREATE TRIGGER kathode_notify AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION kathode_notify_row()"
        for table in ROW_TABLES
    )
    statements.extend(
        f'CREATE TRIGGER kathode_notify AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION kathode_notify_statement()"
        for table in STATEMENT_TABLES
    )
    return statements


def create_notify_triggers(connection: Connection) -> None:
    for statement in notify_statements():
        connection.execute(text(statement))
