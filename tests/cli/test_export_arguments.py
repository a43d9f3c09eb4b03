"""The export command's arguments become typed ``ExportOptions`` in main.py, not in storage."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from core.documents import Status
from main import add_export_arguments, export_options
from storage.exporter import ExportError, ExportOptions


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_export_arguments(parser)
    return parser.parse_args(argv)


def test_export_command_line_arguments(tmp_path: Path) -> None:
    args = parse(
        "--format", "conll", "--out", str(tmp_path / "o.conll"), "--status", "accepted,rejected",
        "--status", "open", "--annotator", "ana", "--labels", "ORG, LOC", "--sentences",
    )  # fmt: skip
    options = export_options(args)
    assert options == ExportOptions(
        format="conll",
        out=tmp_path / "o.conll",
        statuses=(Status.ACCEPTED, Status.REJECTED, Status.OPEN),
        annotator="ana",
        labels=frozenset({"ORG", "LOC"}),
        sentences=True,
    )
    spacy = export_options(
        parse("--format", "spacy", "--out", "x", "--dev-fraction", "0.1", "--seed", "7")
    )
    assert (spacy.statuses, spacy.dev_fraction, spacy.seed) == ((Status.ACCEPTED,), 0.1, 7)
    assert export_options(parse("--format", "jsonl", "--out", "x", "--gold")).gold


def test_export_command_line_refusals() -> None:
    with pytest.raises(SystemExit):
        parse("--format", "jsonl", "--out", "x", "--annotator", "a", "--gold")
    with pytest.raises(SystemExit):
        parse("--format", "xml", "--out", "x")
    with pytest.raises(ExportError, match="unknown status 'done'"):
        export_options(parse("--format", "jsonl", "--out", "x", "--status", "done"))
