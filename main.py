"""Kathode's entry point: starts the GUI or runs a command-line command.

uv run main.py                                   the app, on the demo project
uv run main.py --project PATH_OR_URL             the app, on a project
uv run main.py import FILES... --project P [--annotator NAME] [--jobs N] [--label-map A=B,…]
                 [--text-column NAME] [--meta-columns A,B] [--as-suggestions SOURCE]
uv run main.py stats --project P [--json]
uv run main.py train --project P [--lang de|en] [--json] …   a project model
uv run main.py team init|add|list|status --project URL …      a team project
uv run main.py assign --project P --annotator NAME --documents IDS|--count N
uv run main.py next --project P --annotator NAME [--json]    the next document for NAME
uv run main.py backup --project P [--out F]
uv run main.py restore BACKUP --project P
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.exporter import ExportOptions
    from storage.import_pool import PreparePool
    from storage.import_prepare import ImportOptions
    from storage.repository import ProjectRepository

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
    imp.add_argument(
        "--jobs",
        type=int,
        help="worker processes that read and tokenize (default: all cores, or none for an "
        "input under 1 MB; 1: no workers)",
    )
    imp.add_argument(
        "--text-column", help=".csv/.tsv: the column holding the text (.csv default: text)"
    )
    imp.add_argument(
        "--meta-columns", help=".csv/.tsv: columns kept as meta, comma-separated (default: all)"
    )
    imp.add_argument(
        "--label-map",
        help="rename labels, e.g. PER=PERSON,OTH= (an empty target drops the label's spans)",
    )
    imp.add_argument(
        "--as-suggestions",
        metavar="SOURCE",
        help="store the files' spans as cached suggestions of SOURCE, not as annotations",
    )

    sug = commands.add_parser(
        "suggest", help="pre-annotate a project, or print suggestions for a file as JSON"
    )
    sug.add_argument(
        "--project",
        help="project file or URL: cache suggestions for it (with --input: only its models "
        "are used, nothing is stored)",
    )
    sug.add_argument("--input", type=Path, help="a .txt document or a .jsonl of {text}")
    sug.add_argument(
        "--suggester",
        default="default",
        help="rules, de-news, default, spacy:<package-or-path>, project-model:<path>, "
        "project-model:latest (needs --project) (default: %(default)s)",
    )
    sug.add_argument(
        "--lang",
        choices=("de", "en"),
        help="language of --input texts (default: detected per text)",
    )
    sug.add_argument("--json", action="store_true", help="with --input: JSON lines (the default)")

    exp = commands.add_parser("export", help="export annotations as training data")
    exp.add_argument("--project", required=True, help="project file or URL")
    add_export_arguments(exp)

    agree = commands.add_parser(
        "agreement", help="inter-annotator agreement over the accepted versions"
    )
    agree.add_argument("--project", required=True, help="project file or URL")
    agree.add_argument("--json", action="store_true", help="print JSON")
    agree.add_argument("--annotators", help="only these annotators, comma-separated")
    agree.add_argument("--labels", help="only spans of these labels, comma-separated")

    merge = commands.add_parser("merge", help="merge another Kathode project into this one")
    merge.add_argument("other", help="the other project's file or URL")
    merge.add_argument("--project", required=True, help="project file or URL to merge into")
    merge.add_argument("--json", action="store_true", help="print the summary as JSON")

    train = commands.add_parser(
        "train", help="train the project model on the accepted versions (progress on stderr)"
    )
    train.add_argument("--project", required=True, help="project file or URL")
    train.add_argument("--lang", choices=("de", "en"), help="default: the most accepted one")
    train.add_argument("--labels", help="only these labels, comma-separated (default: all)")
    source = train.add_mutually_exclusive_group()
    source.add_argument("--gold", action="store_true", help="only the reviewed gold versions")
    source.add_argument("--annotator", help="only this annotator's accepted versions")
    train.add_argument(
        "--base", choices=("de-news", "blank"), help="default: de-news for German, else blank"
    )
    train.add_argument("--dev-share", type=float, default=0.2, help="share of documents in dev")
    train.add_argument("--seed", type=int, default=0, help="seed of the split and training")
    train.add_argument("--max-minutes", type=float, help="time budget of each training")
    train.add_argument("--max-epochs", type=int, default=30, help="default: %(default)s")
    train.add_argument("--no-curve", action="store_true", help="skip the learning curve")
    train.add_argument("--json", action="store_true", help="the final figures as JSON")

    stats = commands.add_parser("stats", help="counts of documents, annotations and spans")
    stats.add_argument("--project", required=True, help="project file or URL")
    stats.add_argument("--json", action="store_true", help="print JSON")
    add_team_commands(commands)
    add_backup_commands(commands)
    return parser


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``export`` command's options (``--project`` is the caller's)."""
    from core.exports import FORMATS

    parser.add_argument("--format", required=True, choices=FORMATS, help="output format")
    parser.add_argument("--out", required=True, type=Path, help="output file (for spacy: a folder)")
    parser.add_argument(
        "--status",
        action="append",
        metavar="STATUS",
        help="accepted (default), rejected, skipped or open; repeat or comma-separate",
    )
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--annotator", help="only this annotator's versions")
    who.add_argument("--gold", action="store_true", help="the reviewed gold versions")
    parser.add_argument("--labels", help="only spans of these labels, comma-separated")
    parser.add_argument(
        "--dev-fraction", type=float, default=0.2, help="spacy: share of documents in dev"
    )
    parser.add_argument("--seed", type=int, default=0, help="spacy: seed of the split")
    parser.add_argument(
        "--sentences", action="store_true", help="conll: a blank line between sentences"
    )


def export_options(args: argparse.Namespace) -> ExportOptions:
    """The typed options of parsed ``export`` arguments; ``ExportError`` for bad values."""
    from core.documents import Status
    from storage.exporter import ExportError, ExportOptions

    statuses = []
    for value in args.status or ["accepted"]:
        for name in (part.strip() for part in value.split(",")):
            try:
                statuses.append(Status(name))
            except ValueError:
                raise ExportError(
                    f"unknown status {name!r}; statuses are {', '.join(Status)}"
                ) from None
    labels = None
    if args.labels is not None:
        labels = frozenset(label.strip() for label in args.labels.split(",") if label.strip())
    return ExportOptions(
        format=args.format,
        out=args.out,
        statuses=tuple(statuses),
        annotator=args.annotator,
        gold=args.gold,
        labels=labels,
        dev_fraction=args.dev_fraction,
        seed=args.seed,
        sentences=args.sentences,
    )


def add_team_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``team``, ``assign`` and ``next``: who annotates what in a team project."""
    from core.documents import QUEUE_ORDERS

    team = commands.add_parser("team", help="a team project: roles, logins, overlap, progress")
    team_commands = team.add_subparsers(dest="team_command", metavar="TEAM_COMMAND")
    team_commands.required = True
    init = team_commands.add_parser("init", help="make a project a team project")
    init.add_argument("--overlap", type=int, help="annotators per document (default: 1)")
    init.add_argument(
        "--skip-return-minutes",
        type=int,
        help="a skipped document returns to the pool after this long (default: a day)",
    )
    add = team_commands.add_parser("add", help="add a person (on PostgreSQL: a login)")
    add.add_argument("name", help="annotator name, also the database login")
    add.add_argument("--role", required=True, choices=("annotator", "reviewer", "manager"))
    add.add_argument("--password-file", type=Path, help="first line: the login's password")
    team_commands.add_parser("list", help="the members and their roles")
    status = team_commands.add_parser("status", help="progress per person and assignees")
    status.add_argument("--json", action="store_true", help="print JSON")
    for sub in (init, add, status, team_commands.choices["list"]):
        sub.add_argument("--project", required=True, help="project file or URL")

    assign = commands.add_parser("assign", help="put documents in an annotator's queue")
    assign.add_argument("--project", required=True, help="project file or URL")
    assign.add_argument("--annotator", required=True, help="whose queue")
    which = assign.add_mutually_exclusive_group(required=True)
    which.add_argument("--documents", help="document ids, comma-separated")
    which.add_argument("--count", type=int, help="this many more, as `next` would choose")
    assign.add_argument(
        "--free", action="store_true", help="with --documents: take them out of the queue"
    )
    assign.add_argument("--order", choices=QUEUE_ORDERS, default="in_order")
    assign.add_argument("--by", default="manager", help="who assigns (default: %(default)s)")

    nxt = commands.add_parser("next", help="the document NAME's queue opens next (assigned)")
    nxt.add_argument("--project", required=True, help="project file or URL")
    nxt.add_argument("--annotator", required=True, help="whose queue")
    nxt.add_argument("--order", choices=QUEUE_ORDERS, default="in_order")
    nxt.add_argument("--json", action="store_true", help="print JSON")


def add_backup_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = commands.add_parser("backup", help="back up a SQLite project (consistent while open)")
    backup.add_argument("--project", required=True, help="project file")
    backup.add_argument(
        "--out", type=Path, help="backup file (default: a dated file in <project>.backups/)"
    )
    backup.add_argument("--list", action="store_true", help="list the project's backups instead")
    restore = commands.add_parser("restore", help="put a backup in place of a project")
    restore.add_argument("backup", type=Path, help="the backup file")
    restore.add_argument("--project", required=True, help="project file to restore into")


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
        if args.command == "export":
            return cmd_export(args)
        if args.command == "agreement":
            return cmd_agreement(args)
        if args.command == "merge":
            return cmd_merge(args)
        if args.command in ("backup", "restore"):
            return cmd_backup(args)
        if args.command == "suggest":
            if args.input:
                return cmd_suggest_input(args)
            if not args.project:
                print("kathode: suggest needs --project or --input", file=sys.stderr)
                return EXIT_USAGE
            return cmd_suggest_project(args)
        if args.command == "train":
            return cmd_train(args)
        if args.command in ("team", "assign", "next"):
            return cmd_team(args)
        return cmd_app(args)
    except StorageError as exc:
        print(f"kathode: {exc}", file=sys.stderr)
        return EXIT_REFUSED


def cmd_app(args: argparse.Namespace) -> int:
    from ui.app import run_app

    return run_app(args.project, args.annotator)


def cmd_import(args: argparse.Namespace) -> int:
    # Workers start first, in the background: they compile the tokenizer rules while this
    # process imports SQLAlchemy and opens the project. No process of an import loads spaCy.
    from storage.import_pool import PreparePool, jobs_for

    try:
        options = import_options(args)
    except ValueError as exc:
        print(f"kathode: {exc}", file=sys.stderr)
        return EXIT_USAGE
    jobs = jobs_for(args.files, args.jobs)
    if jobs < 1:
        print(f"kathode: --jobs must be at least 1, not {jobs}", file=sys.stderr)
        return EXIT_USAGE
    pool = PreparePool(jobs).start() if jobs > 1 else None
    try:
        return _import_with(args, options, pool)
    finally:
        if pool is not None:
            pool.close()


def _import_with(args: argparse.Namespace, options: ImportOptions, pool: PreparePool | None) -> int:
    from core.text_rules import InvalidNameError
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
        try:
            summary = import_paths(
                repo,
                args.files,
                annotator=args.annotator,
                options=options,
                progress=progress,
                pool=pool,
            )
        except InvalidNameError as exc:
            print(f"kathode: --annotator: {exc}", file=sys.stderr)
            return EXIT_USAGE
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
        suggested = f", {summary.suggestions} suggestions" if summary.suggestions else ""
        print(
            f"{summary.documents_added} documents added, {summary.duplicates} duplicates, "
            f"{summary.annotations} annotations ({summary.merged} merged into existing ones), "
            f"{summary.spans} spans{suggested}, "
            f"{len(summary.skipped_files)} files skipped, {len(summary.refused)} refused"
        )
    if summary.stopped:
        print(f"kathode: {summary.stopped}; the counts above are what was stored", file=sys.stderr)
    return EXIT_OK if summary.ok else EXIT_REFUSED


def import_options(args: argparse.Namespace) -> ImportOptions:
    """The typed options of parsed ``import`` arguments; ``ValueError`` for bad values."""
    from core.formats import ReadOptions
    from storage.import_prepare import ImportOptions

    meta_columns = None
    if args.meta_columns is not None:
        meta_columns = tuple(name.strip() for name in args.meta_columns.split(",") if name.strip())
    label_map: dict[str, str | None] = {}
    for pair in (args.label_map or "").split(","):
        if not pair.strip():
            continue
        source, equals, target = pair.partition("=")
        if not equals or not source.strip():
            raise ValueError(
                f"--label-map takes FROM=TO pairs such as PER=PERSON,OTH=, not {pair!r}"
            )
        label_map[source.strip()] = target.strip() or None
    return ImportOptions(
        read=ReadOptions(text_column=args.text_column, meta_columns=meta_columns),
        label_map=label_map,
        as_suggestions=args.as_suggestions,
    )


def cmd_suggest_project(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from storage.repository import ProjectRepository
    from storage.suggest import suggest_project

    with (
        ProjectRepository.open(args.project) as repo,
        tqdm(desc=f"suggest ({args.suggester})", unit="doc", file=sys.stderr, leave=True) as bar,
    ):

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        summary = suggest_project(repo, args.suggester, progress=progress)
    for error in summary.errors:
        print(f"kathode: {error}", file=sys.stderr)
    print(f"{summary.documents} documents suggested, {summary.spans} spans")
    return EXIT_REFUSED if summary.errors else EXIT_OK


def cmd_suggest_input(args: argparse.Namespace) -> int:
    from core.formats import read_file
    from core.records import RecordError
    from nlp.language import detect_language
    from nlp.suggesters import Suggester, SuggesterError, get_suggester
    from storage.engine import project_url
    from storage.suggest import suggester_for

    def build(lang: str) -> Suggester:
        if args.project is None:
            return get_suggester(args.suggester, lang)
        return suggester_for(project_url(args.project), args.suggester, lang)

    suggesters: dict[str, Suggester] = {}
    refused = 0
    for item in read_file(args.input):
        if isinstance(item, RecordError):
            print(f"kathode: {item}", file=sys.stderr)
            refused += 1
            continue
        lang = args.lang or detect_language(item.text)
        try:
            if lang not in suggesters:
                suggesters[lang] = build(lang)
        except SuggesterError as exc:
            print(f"kathode: {exc}", file=sys.stderr)
            return EXIT_REFUSED
        [spans] = suggesters[lang].suggest([item.text])
        record = {
            "text": item.text,
            "spans": [
                {
                    "start": s.start,
                    "end": s.end,
                    "label": s.label,
                    "text": item.text[s.start : s.end],
                    "source": s.source,
                }
                for s in spans
            ],
        }
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return EXIT_REFUSED if refused else EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    from nlp.project_training import TrainingCancelled
    from storage.repository import ProjectRepository
    from storage.training import TrainingError, TrainOptions, train_project

    def progress(event: dict[str, object]) -> None:
        if event["kind"] == "stage":
            print(event["text"], file=sys.stderr, flush=True)
        elif event["kind"] == "epoch":
            print(
                f"  {event['phase']}: epoch {event['epoch']}/{event['max_epochs']}  "
                f"loss {event['loss']}  dev F1 {event['dev_f']:.3f} "
                f"(best {event['best_f']:.3f})  {event['seconds']} s",
                file=sys.stderr,
                flush=True,
            )
        elif event["kind"] == "scored" and event["done"] == event["total"]:
            print(f"Scored {event['total']} documents for the queue order.", file=sys.stderr)

    labels = None
    if args.labels:
        labels = tuple(label.strip() for label in args.labels.split(",") if label.strip())
    try:
        options = TrainOptions(
            lang=args.lang,
            labels=labels,
            gold_only=args.gold,
            annotator=args.annotator,
            base=args.base,
            dev_share=args.dev_share,
            seed=args.seed,
            max_minutes=args.max_minutes,
            max_epochs=args.max_epochs,
            curve=not args.no_curve,
        )
        with ProjectRepository.open(args.project) as repo:
            result = train_project(repo, options, progress=progress)
    except TrainingError as exc:
        print(f"kathode: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except (TrainingCancelled, KeyboardInterrupt):
        print("kathode: training stopped; the previous model stays in use", file=sys.stderr)
        return EXIT_REFUSED
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
        return EXIT_OK
    for note in result.notes:
        print(f"note: {note}")
    f = result.figures
    print(
        f"{result.lang} model {result.version}: dev P {f.p:.3f} R {f.r:.3f} F1 {f.f:.3f} on "
        f"{result.documents['dev']} documents (trained on {result.documents['train']})"
    )
    for label, figures in f.per_label.items():
        print(f"  {label:<10} P {figures['p']:.3f}  R {figures['r']:.3f}  F1 {figures['f']:.3f}")
    joins = "joins" if result.beats_builtin else "does not join"
    print(
        f"built-in suggester on the same documents: F1 {result.builtin.f:.3f}; the model "
        f"{joins} the default suggester"
    )
    if result.curve:
        points = ", ".join(f"{n} docs {f1:.3f}" for n, f1 in result.curve)
        print(f"learning curve: {points}. {result.curve_verdict}")
    print(f"saved to {result.path} ({result.seconds} s)")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from storage.exporter import ExportError, export_project
    from storage.repository import ProjectRepository

    try:
        options = export_options(args)
        with ProjectRepository.open(args.project) as repo:
            summary = export_project(repo, options)
    except ExportError as exc:
        print(f"kathode: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    print("\n".join(summary.report()))
    return EXIT_OK


def cmd_agreement(args: argparse.Namespace) -> int:
    import math

    from storage.repository import ProjectRepository

    def _names(value: str | None) -> list[str] | None:
        if value is None:
            return None
        return [name.strip() for name in value.split(",") if name.strip()]

    with ProjectRepository.open(args.project) as repo:
        try:
            report = repo.agreement_report(
                annotators=_names(args.annotators), labels=_names(args.labels)
            )
        except ValueError as exc:
            print(f"kathode: {exc}", file=sys.stderr)
            return EXIT_REFUSED
        quality = repo.annotator_quality()
    if args.json:
        result = report.as_json()
        if quality:
            result["quality"] = {
                name: {"precision": q.precision, "recall": q.recall, "f1": q.f1}
                for name, q in quality.items()
            }
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not report.documents:
        print("no document has two or more accepted versions: nothing to compare")
        return EXIT_OK

    def figure(value: float | None) -> str:
        return "n/a" if value is None or math.isnan(value) else f"{value:.3f}"

    overall = report.overall
    print(
        f"{len(report.documents)} documents compared: span F1 {figure(overall['f1'])}, "
        f"kappa {figure(overall['kappa'])}, alpha {figure(overall['alpha'])}"
    )
    width = max(len(name) for pair in report.pairs for name in (pair.a, pair.b))
    print(f"\n{'pair':<{2 * width + 3}}  {'F1':>6}  {'kappa':>6}  {'docs':>6}")
    for pair in report.pairs:
        names = f"{pair.a} / {pair.b}"
        print(
            f"{names:<{2 * width + 3}}  {figure(pair.f1):>6}  {figure(pair.kappa):>6}  "
            f"{pair.documents:>6}"
        )
    if report.labels:
        label_width = max(len(label) for label in report.labels)
        print(f"\n{'label':<{label_width}}  {'F1':>6}")
        for label, f1 in report.labels.items():
            print(f"{label:<{label_width}}  {figure(f1):>6}")
    if quality:
        name_width = max(len(name) for name in quality)
        print(f"\n{'against gold':<{name_width}}  {'P':>6}  {'R':>6}  {'F1':>6}")
        for name, q in quality.items():
            print(
                f"{name:<{name_width}}  {figure(q.precision):>6}  {figure(q.recall):>6}  "
                f"{figure(q.f1):>6}"
            )
    return EXIT_OK


def cmd_merge(args: argparse.Namespace) -> int:
    from storage.merge import MergeError, MergeSummary, merge_project
    from storage.repository import ProjectRepository

    def progress(done: int, total: int) -> None:
        print(f"\rmerged {done} of {total} documents…", end="", file=sys.stderr, flush=True)

    summary: MergeSummary
    with ProjectRepository.open(args.project) as repo:
        try:
            summary = merge_project(repo, args.other, progress=progress)
        except MergeError as exc:
            print(f"kathode: {exc}", file=sys.stderr)
            return EXIT_REFUSED
    print(file=sys.stderr)
    if args.json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(summary.report()))
    return EXIT_OK if not summary.refused else EXIT_REFUSED


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
    gold = stats["gold"]
    print(f"gold (apart): {gold['versions']} versions, {gold['spans']['total']} spans")
    return EXIT_OK


def cmd_team(args: argparse.Namespace) -> int:
    from storage.assignment import AssignmentError
    from storage.repository import ProjectRepository, UnknownDocumentError
    from storage.team import TeamError

    try:
        with ProjectRepository.open(args.project) as repo:
            if args.command == "next":
                return _cmd_next(repo, args)
            if args.command == "assign":
                return _cmd_assign(repo, args)
            return _cmd_team(repo, args)
    except (TeamError, AssignmentError) as exc:
        print(f"kathode: {exc}", file=sys.stderr)
    except UnknownDocumentError as exc:
        print(f"kathode: {exc.args[0]}", file=sys.stderr)
    return EXIT_REFUSED


def _cmd_team(repo: ProjectRepository, args: argparse.Namespace) -> int:
    from storage.team import add_member, init_team, members

    if args.team_command == "init":
        settings = init_team(
            repo, overlap=args.overlap, skip_return_minutes=args.skip_return_minutes
        )
        print(
            f"team project {repo.display_url}: {settings.annotators_per_document} annotators "
            f"per document; a skipped document returns after {settings.skip_return_minutes} "
            "minutes"
        )
        return EXIT_OK
    if args.team_command == "add":
        password = None
        if args.password_file:
            lines = args.password_file.read_text(encoding="utf-8").splitlines()
            password = lines[0].strip() if lines else ""
            if not password:
                print(f"kathode: {args.password_file} holds no password", file=sys.stderr)
                return EXIT_REFUSED
        generated = add_member(repo, args.name, args.role, password=password)
        print(f"{args.name} is a {args.role} of {repo.display_url}")
        if generated:
            print(f"password of the new login {args.name} (shown once): {generated}")
        if repo.url.get_backend_name() == "sqlite":
            print("note: on SQLite roles are advisory; anyone who can open the file writes all")
        return EXIT_OK
    if args.team_command == "list":
        for member in members(repo):
            login = "login" if member.login else "no login"
            print(f"{member.name:<20} {member.role:<10} {login}")
        return EXIT_OK
    progress = repo.team_progress()
    assignees = repo.assignees()
    if args.json:
        result = {
            "annotators_per_document": repo.team_settings().annotators_per_document,
            "people": {
                p.name: {
                    "role": p.role,
                    "assigned": p.assigned,
                    "done": p.done,
                    "skipped": p.skipped,
                    "open": p.open,
                }
                for p in progress
            },
            "documents": {str(d): names for d, names in assignees.items()},
        }
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return EXIT_OK
    for p in progress:
        print(
            f"{p.name:<20} {p.role or '-':<10} assigned {p.assigned:>5}  done {p.done:>5}  "
            f"skipped {p.skipped:>5}  open {p.open:>5}"
        )
    unassigned = sum(1 for names in assignees.values() if not names)
    print(f"{len(assignees)} documents, {unassigned} not assigned to anyone")
    return EXIT_OK


def _cmd_assign(repo: ProjectRepository, args: argparse.Namespace) -> int:
    if args.documents is not None:
        try:
            ids = [int(part) for part in args.documents.split(",") if part.strip()]
        except ValueError:
            print(
                f"kathode: --documents takes ids like 1,2,3, not {args.documents!r}",
                file=sys.stderr,
            )
            return EXIT_USAGE
        if args.free:
            freed = repo.free_documents(ids, args.annotator)
            print(f"{freed} documents taken out of {args.annotator}'s queue")
            return EXIT_OK
        new = repo.assign_documents(args.annotator, ids, by=args.by)
    elif args.free:
        print("kathode: --free needs --documents", file=sys.stderr)
        return EXIT_USAGE
    else:
        new = repo.assign_count(args.annotator, args.count, order=args.order, by=args.by)
    listed = ", ".join(map(str, new)) or "none"
    print(f"{len(new)} documents assigned to {args.annotator}: {listed}")
    return EXIT_OK


def _cmd_next(repo: ProjectRepository, args: argparse.Namespace) -> int:
    document_id = repo.next_document(args.annotator, order=args.order)
    document = None if document_id is None else repo.document(document_id)
    if args.json:
        record = (
            None
            if document is None
            else {"document": document.id, "title": document.title, "language": document.language}
        )
        print(json.dumps(record or {"document": None}, ensure_ascii=False))
    elif document is None:
        print(f"no document left for {args.annotator}")
    else:
        print(f"{document.id}\t{document.title}")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from storage.backup import BackupError, list_backups, restore_backup, take_backup

    project = Path(args.project)
    if "://" in args.project:
        print("kathode: backups are for SQLite projects; back up PostgreSQL with pg_dump")
        return EXIT_USAGE
    try:
        if args.command == "restore":
            moved = restore_backup(args.backup, project)
            if moved is not None:
                print(f"the damaged project was moved aside to {moved}")
            print(f"restored {project} from {args.backup}")
            return EXIT_OK
        if args.list:
            for info in list_backups(project):
                state = "good" if info.good else f"damaged: {info.problem}"
                print(
                    f"{info.path}  {info.taken:%Y-%m-%d %H:%M:%S}  {info.documents} documents, "
                    f"{info.annotations} annotations, {info.spans} spans  ({state})"
                )
            return EXIT_OK
        info = take_backup(project, args.out)
    except BackupError as exc:
        print(f"kathode: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    print(
        f"backed up {project} to {info.path}: {info.documents} documents, "
        f"{info.annotations} annotations, {info.spans} spans"
    )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
