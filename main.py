"""Kathode's entry point: starts the GUI or runs a command-line command.

uv run main.py                                   the app, on the demo project
uv run main.py --project PATH_OR_URL             the app, on a project
uv run main.py import FILES... --project P [--annotator NAME]
uv run main.py stats --project P [--json]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger("kathode")

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kathode",
        description="Kathode: named-entity training data from battery-industry news.",
    )
    parser.add_argument("--project", help="project file (SQLite) or SQLAlchemy URL")
    parser.add_argument("--annotator", help="annotator name (remembered by the app)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    imp = commands.add_parser("import", help="import files and folders into a project")
    imp.add_argument("files", nargs="+", type=Path, help="files or folders (recursed)")
    imp.add_argument("--project", required=True, help="project file or URL")
    imp.add_argument("--annotator", help="annotator for records that name none")
    imp.add_argument("--json", action="store_true", help="print the summary as JSON")

    stats = commands.add_parser("stats", help="counts of documents, annotations and spans")
    stats.add_argument("--project", required=True, help="project file or URL")
    stats.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    from storage.repository import StorageError

    try:
        if args.command == "import":
            return cmd_import(args)
        if args.command == "stats":
            return cmd_stats(args)
        return cmd_app(args)
    except StorageError as exc:
        print(f"kathode: {exc}", file=sys.stderr)
        return EXIT_REFUSED


def cmd_app(args: argparse.Namespace) -> int:
    from storage.demo import open_demo_project
    from storage.repository import ProjectRepository
    from ui.app import run_app

    if args.project:
        repo = ProjectRepository.open(args.project)
    else:
        repo, _ = open_demo_project()
    with repo:
        return run_app(repo, args.annotator)


def cmd_import(args: argparse.Namespace) -> int:
    from storage.importer import ImportSummary, import_paths
    from storage.repository import ProjectRepository

    def progress(summary: ImportSummary) -> None:
        print(
            f"\rimported {summary.documents_added} documents from {summary.files} files…",
            end="",
            file=sys.stderr,
            flush=True,
        )

    with ProjectRepository.open(args.project) as repo:
        summary = import_paths(repo, args.files, annotator=args.annotator, progress=progress)
    print(file=sys.stderr)
    if args.json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
    else:
        for line in summary.skipped_files:
            print(f"skipped: {line}")
        for line in summary.notes:
            print(f"note: {line}")
        for line in summary.refused:
            print(f"refused: {line}")
        print(
            f"{summary.documents_added} documents added, {summary.duplicates} duplicates, "
            f"{summary.annotations} annotations ({summary.merged} merged into existing ones), "
            f"{summary.spans} spans, "
            f"{len(summary.skipped_files)} files skipped, {len(summary.refused)} refused"
        )
    return EXIT_OK if summary.ok else EXIT_REFUSED


def cmd_stats(args: argparse.Namespace) -> int:
    from storage.repository import ProjectRepository

    with ProjectRepository.open(args.project) as repo:
        stats = repo.stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"project {stats['project']}: {stats['documents']} documents")
    by_status = stats["annotations"]["by_status"]
    print("annotations: " + ", ".join(f"{k} {v}" for k, v in by_status.items()))
    for label, n in stats["spans"]["by_label"].items():
        print(f"  {label:<10} {n}")
    for name, counts in stats["annotators"].items():
        print(f"annotator {name}: {counts['annotations']} annotations, {counts['spans']} spans")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
