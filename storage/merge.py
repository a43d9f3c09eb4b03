"""Merging another Kathode project into this one: its documents, people's versions and gold
versions, without ever overwriting what this project has.

The other project is read a page of documents at a time; each page is written in one
transaction. Documents are matched by content hash (new ones come with their stored tokens);
a version that this project already has for the same annotator and document is kept as it
is, and counted as unchanged when the other one is identical, conflicting otherwise. So a
second merge of the same project changes nothing. The rules are in ``docs/review.md``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from storage import models as m
from storage.engine import is_sqlite, project_url
from storage.merge_read import MergeError, check_kathode_project, read_pages
from storage.merge_write import MergeSummary, merge_page
from storage.repository import ProjectRepository
from storage.repository_base import display_url_of

__all__ = ["MergeError", "MergeSummary", "merge_project"]

log = logging.getLogger(__name__)


_DOCUMENT = m.DocumentRow.__table__


def merge_project(
    repo: ProjectRepository,
    other: str | Path,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> MergeSummary:
    """Merge the Kathode project ``other`` (a file or a URL) into ``repo``.

    The other project is opened like any project (an older one is migrated to the newest
    schema first, as opening it in the app would). ``progress(done, total)`` is called
    after every page of documents.
    """
    url = project_url(other)
    if url == repo.url:
        raise MergeError("a project cannot be merged into itself")
    if is_sqlite(url) and not Path(str(url.database)).is_file():
        raise MergeError(f"no project at {display_url_of(url)}")
    check_kathode_project(url)
    summary = MergeSummary()
    scheme = {label.name for label in repo.labels()}
    unknown_labels: set[str] = set()
    with ProjectRepository.open(other) as source, source.reading() as read:
        connection = read.connection()
        total = connection.execute(select(func.count()).select_from(_DOCUMENT)).scalar_one()
        done = 0
        if progress:
            progress(done, total)
        for page in read_pages(connection):
            with repo.writing() as s:
                merge_page(s, page, summary)
            for version in page.versions:
                unknown_labels.update(span["label"] for span in version.spans)
            done += len(page.documents)
            if progress:
                progress(done, total)
    unknown_labels -= scheme
    if unknown_labels:
        summary.notes.append(
            "labels not in this project's scheme: " + ", ".join(sorted(unknown_labels))
        )
    log.info("merged %s: %s", display_url_of(url), summary.as_dict())
    return summary
