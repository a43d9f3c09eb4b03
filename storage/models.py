"""SQLAlchemy 2.0 models of a Kathode project database (one project per database)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core import roles

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

STATUSES = ("open", "accepted", "rejected", "skipped")
KINDS = ("person", "gold")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        datetime: DateTime(timezone=True),
    }


class ProjectRow(Base):
    """The project this database holds: its name and settings."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LabelRow(Base):
    """One label of the project's scheme."""

    __tablename__ = "label"
    __table_args__ = (UniqueConstraint("name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    colour: Mapped[str] = mapped_column(String(7))
    key: Mapped[str] = mapped_column(String(16), default="")
    definition: Mapped[str] = mapped_column(Text, default="")
    example_de: Mapped[str] = mapped_column(Text, default="")
    example_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class DocumentRow(Base):
    """An article: its text, the tokens its spans align to, and where it came from."""

    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    # server_default as migration 0002 added it, so a new project has the migrated schema.
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    source: Mapped[str] = mapped_column(Text, default="")
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    language: Mapped[str] = mapped_column(String(8), default="en")
    # Token offsets as a flat JSON list [start, end, ws, start, end, ws, ...]: compact to
    # store and parse; the token texts are slices of ``text``.
    tokens: Mapped[list[int]] = mapped_column(JSON)
    tokenizer_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnnotatorRow(Base):
    """A person (or an imported source) who annotates, or the reserved gold annotator.

    ``kind`` is ``person``, or ``gold`` for the one row named ``gold`` whose annotations are
    the reviewed gold versions; the check constraints keep that name and that kind together.
    """

    __tablename__ = "annotator"
    __table_args__ = (
        UniqueConstraint("name"),
        CheckConstraint("kind IN ('person', 'gold')", name="kind_known"),
        CheckConstraint("(kind = 'gold') = (lower(name) = 'gold')", name="gold_reserved"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="person", server_default="person")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnnotationRow(Base):
    """One annotator's version of one document, with its status."""

    __tablename__ = "annotation"
    __table_args__ = (
        UniqueConstraint("document_id", "annotator_id"),
        CheckConstraint(
            "status IN ('open', 'accepted', 'rejected', 'skipped')", name="status_known"
        ),
        Index("ix_annotation_annotator_status", "annotator_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    session: Mapped[str | None] = mapped_column(String(200), default=None)
    # Who settled a gold version; None on people's own versions.
    reviewer: Mapped[str | None] = mapped_column(String(200), default=None)
    # The version's note (migration 0007): free text, and one of core.notes.FLAGS.
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    flag: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    spans: Mapped[list[SpanRow]] = relationship(
        back_populates="annotation", cascade="all, delete-orphan", passive_deletes=True
    )


class SpanRow(Base):
    """A labelled character span ``[start, end)`` of one annotation."""

    __tablename__ = "span"
    __table_args__ = (
        UniqueConstraint("annotation_id", "start", "end", "label"),
        CheckConstraint('start >= 0 AND "end" > start', name="offsets_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    annotation_id: Mapped[int] = mapped_column(
        ForeignKey("annotation.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int]
    end: Mapped[int]
    label: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(200), default="manual")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    annotation: Mapped[AnnotationRow] = relationship(back_populates="spans")


class RejectionRow(Base):
    """A suggestion the annotator rejected: it stays hidden in their version of the document."""

    __tablename__ = "rejection"
    __table_args__ = (UniqueConstraint("annotation_id", "start", "end", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    annotation_id: Mapped[int] = mapped_column(
        ForeignKey("annotation.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int]
    end: Mapped[int]
    label: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GoldSourceRow(Base):
    """That a gold version was made from a person's version of the same document."""

    __tablename__ = "gold_source"

    gold_annotation_id: Mapped[int] = mapped_column(
        ForeignKey("annotation.id", ondelete="CASCADE"), primary_key=True
    )
    source_annotation_id: Mapped[int] = mapped_column(
        ForeignKey("annotation.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SuggestionRunRow(Base):
    """That a suggester (at a version) has run over a document, even when it found nothing."""

    __tablename__ = "suggestion_run"
    __table_args__ = (UniqueConstraint("document_id", "suggester"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    suggester: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SuggestionRow(Base):
    """One cached suggested span of a suggester run."""

    __tablename__ = "suggestion"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("suggestion_run.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int]
    end: Mapped[int]
    label: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(200))


class DocumentScoreRow(Base):
    """How unsure the newest project model of the document's language is about it: the
    queue's *most informative first* order (higher first)."""

    __tablename__ = "document_score"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(200))
    score: Mapped[float] = mapped_column(Float, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


ROLES = roles.ROLES


class TeamMemberRow(Base):
    """A person's role in a team project; on PostgreSQL also a database login of that name."""

    __tablename__ = "team_member"
    __table_args__ = (
        CheckConstraint("role IN ('annotator', 'reviewer', 'manager')", name="role_known"),
    )

    annotator_id: Mapped[int] = mapped_column(
        ForeignKey("annotator.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssignmentRow(Base):
    """That a document is in an annotator's queue: handed out by ``next`` or by a manager."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("document_id", "annotator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(
        ForeignKey("annotator.id", ondelete="CASCADE"), index=True
    )
    # ``next`` for on-demand assignment, else the manager who assigned it by hand.
    assigned_by: Mapped[str] = mapped_column(String(200), default="next")
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
