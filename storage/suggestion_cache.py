"""The suggestion cache: suggestions per document and suggester, valid for one version.

Suggestions imported from a file (Label Studio's predictions, ``import --as-suggestions``)
are runs of their source's name at ``IMPORTED_VERSION``: no suggester recomputes them, and
the window shows them beside the default suggester's (``storage.suggest``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select

from core.spans import Span
from storage import models as m
from storage.repository_base import RepositoryBase

IMPORTED_VERSION = "imported"


class SuggestionCache(RepositoryBase):
    """A new suggester version makes older rows stale; they are replaced when recomputed."""

    def cached_suggestions(
        self, document_id: int, suggester: str, version: str
    ) -> list[Span] | None:
        """The stored suggestions of ``suggester`` at ``version``, or None if not computed."""
        with self.reading() as s:
            run = s.scalar(
                select(m.SuggestionRunRow)
                .where(m.SuggestionRunRow.document_id == document_id)
                .where(m.SuggestionRunRow.suggester == suggester)
            )
            if run is None or run.version != version:
                return None
            rows = s.execute(
                select(
                    m.SuggestionRow.start,
                    m.SuggestionRow.end,
                    m.SuggestionRow.label,
                    m.SuggestionRow.source,
                )
                .where(m.SuggestionRow.run_id == run.id)
                .order_by(m.SuggestionRow.start, m.SuggestionRow.end)
            )
            return [Span(*r) for r in rows]

    def store_suggestions(
        self, results: Iterable[tuple[int, Sequence[Span]]], suggester: str, version: str
    ) -> None:
        """Cache suggestions per document, replacing what an older version left."""
        with self.writing() as s:
            for document_id, spans in results:
                s.execute(
                    delete(m.SuggestionRunRow)
                    .where(m.SuggestionRunRow.document_id == document_id)
                    .where(m.SuggestionRunRow.suggester == suggester)
                )
                run = m.SuggestionRunRow(
                    document_id=document_id, suggester=suggester, version=version
                )
                s.add(run)
                s.flush()
                s.add_all(
                    m.SuggestionRow(
                        run_id=run.id, start=x.start, end=x.end, label=x.label, source=x.source
                    )
                    for x in spans
                )

    def documents_needing_suggestions(
        self, suggester: str, version: str, language: str | None = None
    ) -> list[int]:
        """Ids of documents with no cached suggestions of ``suggester`` at ``version``."""
        with self.reading() as s:
            done = (
                select(m.SuggestionRunRow.document_id)
                .where(m.SuggestionRunRow.suggester == suggester)
                .where(m.SuggestionRunRow.version == version)
            )
            query = select(m.DocumentRow.id).where(m.DocumentRow.id.not_in(done))
            if language:
                query = query.where(m.DocumentRow.language == language)
            return list(s.scalars(query.order_by(m.DocumentRow.id)))

    def imported_suggestions(self, document_id: int) -> dict[str, list[Span]]:
        """The document's imported suggestions by source, sources in name order."""
        found: dict[str, list[Span]] = {}
        with self.reading() as s:
            rows = s.execute(
                select(
                    m.SuggestionRunRow.suggester,
                    m.SuggestionRow.start,
                    m.SuggestionRow.end,
                    m.SuggestionRow.label,
                    m.SuggestionRow.source,
                )
                .join(m.SuggestionRow, m.SuggestionRow.run_id == m.SuggestionRunRow.id)
                .where(m.SuggestionRunRow.document_id == document_id)
                .where(m.SuggestionRunRow.version == IMPORTED_VERSION)
                .order_by(m.SuggestionRunRow.suggester, m.SuggestionRow.start, m.SuggestionRow.end)
            )
            for suggester, start, end, label, source in rows:
                found.setdefault(suggester, []).append(Span(start, end, label, source))
        return found
