"""People and roles of a team project, enforced by PostgreSQL itself.

On PostgreSQL every member is a database login named as their annotator. Grants say which
tables a role may change at all; row-level security policies (inserts and the new rows of
updates) and a guard trigger (the old rows of updates and deletes) say which rows: an
annotator writes only their own versions (annotation, span and rejection rows of their
annotator, their own assignments), a reviewer also the gold version, a manager everything.
Logins that own the tables or bypass row-level security (the administrator who ran
``team init``) are not limited. On SQLite (one person, one file) the roles are recorded but
advisory: anyone who can open the file can write all of it.

``team init`` and ``team add`` need a login that may create roles and owns the tables.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from storage import models as m
from storage.assignment import TeamSettings
from storage.changes import CHANNEL
from storage.engine import is_sqlite
from storage.repository import ProjectRepository
from storage.review import gold_annotator_id, is_reserved_name

# What ``init_team`` tells the change watchers of open windows (``storage.changes``): a
# change that names no document, so a window reads its queue, role and team state again.
NOTICE = {"channel": CHANNEL, "payload": '{"table": "project"}'}

_LOGIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,62}")

# Tables whose rows belong to one version (through these columns): guarded row by row.
_VERSION_TABLES = {
    "annotation": "kathode_may_write_version(r.annotator_id)",
    "span": "kathode_may_write_annotation(r.annotation_id)",
    "rejection": "kathode_may_write_annotation(r.annotation_id)",
    "gold_source": "kathode_may_write_annotation(r.gold_annotation_id)",
    "assignment": "kathode_may_assign(r.annotator_id)",
}
# Derived data that anyone's window or pre-annotation run writes.
_SHARED_TABLES = ("suggestion_run", "suggestion", "document_score")

_FUNCTIONS = """
CREATE OR REPLACE FUNCTION kathode_role() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT t.role FROM team_member t JOIN annotator p ON p.id = t.annotator_id
    WHERE p.name = current_user::text
$$;
CREATE OR REPLACE FUNCTION kathode_unlimited() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM pg_roles
                   WHERE rolname = current_user AND (rolsuper OR rolbypassrls))
        OR pg_has_role(current_user,
                       (SELECT relowner FROM pg_class WHERE oid = 'annotation'::regclass),
                       'MEMBER')
$$;
CREATE OR REPLACE FUNCTION kathode_may_write_version(who integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
    -- The member's role is looked up once per check (it was three times: a third of the
    -- cost of every edit's row checks).
    SELECT coalesce(r.role = 'manager', false)
        OR EXISTS (SELECT 1 FROM annotator p WHERE p.id = who AND (
               (p.kind = 'person' AND p.name = current_user::text AND r.role IS NOT NULL)
            OR (p.kind = 'gold' AND coalesce(r.role IN ('reviewer', 'manager'), false))))
    FROM (SELECT kathode_role() AS role) r
$$;
CREATE OR REPLACE FUNCTION kathode_may_write_annotation(version integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM annotation a
                   WHERE a.id = version AND kathode_may_write_version(a.annotator_id))
$$;
CREATE OR REPLACE FUNCTION kathode_may_assign(who integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(kathode_role() = 'manager', false)
        OR EXISTS (SELECT 1 FROM annotator p WHERE p.id = who AND p.kind = 'person'
                   AND p.name = current_user::text AND kathode_role() IS NOT NULL)
$$;
"""

_GUARD = """
CREATE OR REPLACE FUNCTION kathode_guard_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    r := OLD;
    -- The person's own row passes the cheap check; only other rows ask whether the login
    -- is unlimited (pg_roles and pg_has_role are the dearest part of the guard).
    IF NOT {check} AND NOT kathode_unlimited() THEN
        RAISE EXCEPTION 'permission denied: % may not change another person''s version',
            current_user USING ERRCODE = 'insufficient_privilege',
            TABLE = '{table}';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS kathode_guard ON "{table}";
CREATE TRIGGER kathode_guard BEFORE UPDATE OR DELETE ON "{table}"
    FOR EACH ROW EXECUTE FUNCTION kathode_guard_{table}();
ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS kathode_read ON "{table}";
DROP POLICY IF EXISTS kathode_insert ON "{table}";
DROP POLICY IF EXISTS kathode_update ON "{table}";
DROP POLICY IF EXISTS kathode_delete ON "{table}";
CREATE POLICY kathode_read ON "{table}" FOR SELECT USING (true);
CREATE POLICY kathode_insert ON "{table}" FOR INSERT WITH CHECK ({new_check});
CREATE POLICY kathode_update ON "{table}" FOR UPDATE USING (true) WITH CHECK ({new_check});
CREATE POLICY kathode_delete ON "{table}" FOR DELETE USING (true);
"""


# ``next`` locks the document row it hands out (FOR UPDATE SKIP LOCKED), which PostgreSQL
# allows only with an UPDATE privilege on the table: everyone gets it on one column, and
# this trigger keeps the documents themselves the managers'.
_DOCUMENT_GUARD = """
CREATE OR REPLACE FUNCTION kathode_guard_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT kathode_unlimited() AND coalesce(kathode_role(), '') <> 'manager' THEN
        RAISE EXCEPTION 'permission denied: only a manager may change documents'
            USING ERRCODE = 'insufficient_privilege', TABLE = 'document';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS kathode_guard ON document;
CREATE TRIGGER kathode_guard BEFORE UPDATE ON document
    FOR EACH ROW EXECUTE FUNCTION kathode_guard_document();
"""


# A person's own annotator row (an upsert of the first version inserts it when missing), and
# the gold row for reviewers; changing or deleting annotators stays the managers'.
_ANNOTATOR_POLICY = """
ALTER TABLE annotator ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS kathode_read ON annotator;
DROP POLICY IF EXISTS kathode_insert ON annotator;
DROP POLICY IF EXISTS kathode_manage ON annotator;
CREATE POLICY kathode_read ON annotator FOR SELECT USING (true);
CREATE POLICY kathode_insert ON annotator FOR INSERT WITH CHECK (
    (kind = 'person' AND name = current_user::text)
    OR (kind = 'gold' AND coalesce(kathode_role() IN ('reviewer', 'manager'), false))
    OR coalesce(kathode_role() = 'manager', false));
CREATE POLICY kathode_manage ON annotator FOR ALL
    USING (coalesce(kathode_role() = 'manager', false))
    WITH CHECK (coalesce(kathode_role() = 'manager', false));
"""


class TeamError(ValueError):
    """A team request that cannot be carried out, with a message for people."""


@dataclass(frozen=True)
class Member:
    name: str
    role: str
    login: bool  # a database login of that name exists (always False on SQLite)


def check_login_name(name: str) -> str:
    """The name, if it can be both an annotator's name and a PostgreSQL login."""
    name = name.strip()
    if not _LOGIN.fullmatch(name) or name.lower().startswith("pg_") or name == "public":
        raise TeamError(
            f"{name!r} cannot be a team member's name: use letters, digits, '_', '.' or '-' "
            "(at most 63, starting with a letter or '_', not 'pg_…')"
        )
    if is_reserved_name(name):
        raise TeamError(f"{name!r} is reserved for the reviewed gold version")
    return name


def init_team(
    repo: ProjectRepository, *, overlap: int | None = None, skip_return_minutes: int | None = None
) -> TeamSettings:
    """Make the project a team project: settings, the gold annotator, and on PostgreSQL the
    policies and triggers that enforce the roles. Safe to run again (after an upgrade too)."""
    if overlap is None:  # the setting is written either way: it makes a team project
        overlap = repo.team_settings().annotators_per_document
    settings = repo.set_team_settings(
        annotators_per_document=overlap, skip_return_minutes=skip_return_minutes
    )
    with repo.writing() as s:
        gold_annotator_id(s, create=True)
        if not is_sqlite(repo.url):
            _install_security(s)
            for name, role in _roles(s).items():
                _grant(s, name, role)
            # Open windows learn that this is a team project now (on commit; SQLite's
            # watchers see any commit).
            s.execute(text("SELECT pg_notify(:channel, :payload)"), NOTICE)
    return settings


def add_member(
    repo: ProjectRepository, name: str, role: str, *, password: str | None = None
) -> str | None:
    """Add a person (or change their role). On PostgreSQL their login is created (or its
    password changed when one is given) and granted what the role may do; returns the new
    login's generated password when none was given, else None."""
    name = check_login_name(name)
    if role not in m.ROLES:
        raise TeamError(f"unknown role {role!r}; choose {', '.join(m.ROLES)}")
    generated = None
    with repo.writing() as s:
        annotator_id = repo._annotator_id(s, name)
        if s.get(m.TeamMemberRow, annotator_id) is None:
            s.add(m.TeamMemberRow(annotator_id=annotator_id, role=role))
        else:
            s.execute(
                update(m.TeamMemberRow)
                .where(m.TeamMemberRow.annotator_id == annotator_id)
                .values(role=role)
            )
        if is_sqlite(repo.url):
            return None
        if not _security_installed(s):
            raise TeamError("run `team init` on this project first")
        exists = s.scalar(_sql("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
        if not exists and password is None:
            password = generated = secrets.token_urlsafe(18)
        statement = "ALTER ROLE {} WITH LOGIN" if exists else "CREATE ROLE {} WITH LOGIN"
        if password is not None:
            _ddl(s, statement + " PASSWORD {}", _identifier(name), _literal(password))
        else:
            _ddl(s, statement, _identifier(name))
        _grant(s, name, role)
    return generated


def members(repo: ProjectRepository) -> list[Member]:
    with repo.reading() as s:
        roles = _roles(s)
        logins: set[str] = set()
        if not is_sqlite(repo.url) and roles:
            logins = set(
                s.scalars(
                    _sql("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"),
                    {"names": list(roles)},
                )
            )
        return [Member(name, role, name in logins) for name, role in sorted(roles.items())]


def role_of(repo: ProjectRepository, name: str) -> str:
    """The role ``name`` works in, for what the windows offer (``core.roles``).

    A team member has their role. On a project without members (every project before
    ``team add``) everyone may do everything, as a single person's project allows; on a
    team project someone who is not a member may do what an annotator may.
    """
    with repo.reading() as s:
        roles = _roles(s)
    if not roles:
        return "manager"
    return roles.get(name, "annotator")


def _roles(s: Session) -> dict[str, str]:
    rows = s.execute(
        select(m.AnnotatorRow.name, m.TeamMemberRow.role).join(
            m.TeamMemberRow, m.TeamMemberRow.annotator_id == m.AnnotatorRow.id
        )
    )
    return {name: role for name, role in rows}


def _security_installed(s: Session) -> bool:
    return bool(s.scalar(_sql("SELECT to_regproc('kathode_may_write_version') IS NOT NULL")))


def _install_security(s: Session) -> None:
    _run(s, _FUNCTIONS)
    for table, check in _VERSION_TABLES.items():
        new_check = check.replace("r.", "")
        _run(s, _GUARD.format(table=table, check=check, new_check=new_check))
    _run(s, _DOCUMENT_GUARD)
    _run(s, _ANNOTATOR_POLICY)


def _grant(s: Session, name: str, role: str) -> None:
    login = _identifier(name)
    database = s.scalar(_sql("SELECT current_database()"))
    _ddl(s, "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}", login)
    _ddl(s, "GRANT CONNECT ON DATABASE {} TO {}", _identifier(str(database)), login)
    _ddl(s, "GRANT USAGE ON SCHEMA public TO {}", login)
    _ddl(s, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}", login)
    _ddl(s, "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}", login)
    if role == "manager":
        _ddl(s, "GRANT ALL ON ALL TABLES IN SCHEMA public TO {}", login)
        return
    _ddl(s, "GRANT UPDATE (id) ON document TO {}", login)  # for the lock of ``next`` only
    _ddl(s, "GRANT INSERT ON annotator TO {}", login)
    writable = ["annotation", "span", "rejection", "assignment", *_SHARED_TABLES]
    if role == "reviewer":
        writable.append("gold_source")
    for table in writable:
        _ddl(s, "GRANT INSERT, UPDATE, DELETE ON {} TO {}", _identifier(table), login)


def _sql(text: str) -> Any:
    from sqlalchemy import text as sql_text

    return sql_text(text)


def _identifier(name: str) -> Any:
    from psycopg import sql

    return sql.Identifier(name)


def _literal(value: str) -> Any:
    from psycopg import sql

    return sql.Literal(value)


def _ddl(s: Session, template: str, *parts: Any) -> None:
    """Run a statement with quoted names (DDL takes no bound parameters)."""
    from psycopg import sql

    _run(s, sql.SQL(template).format(*parts))


def _run(s: Session, statement: Any) -> None:
    """Run SQL on the session's own connection (in its transaction) through psycopg, which
    takes several statements at once when no parameters are given."""
    raw = s.connection().connection.driver_connection
    assert raw is not None
    raw.execute(statement)
