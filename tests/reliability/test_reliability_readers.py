"""Holes 1, 2 and 10 of issue 14: hostile front matter, deep nesting, UTF-16 without a BOM,
an HTML internal DTD subset. Each is read by the real readers and imported into a real
SQLite project; a bad file costs that file alone."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

from core.formats import read_file
from core.records import ImportRecord, RecordError
from storage.importer import import_paths
from storage.repository import ProjectRepository


def billion_laughs() -> str:
    """413 bytes of YAML that expand to 9^9 values: aliases of aliases."""
    lines = ["---", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 9):
        this, prev = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{this}: &{this} [" + ", ".join([f"*{prev}"] * 9) + "]")
    lines += ["---", "CATL liefert Zellen."]
    return "\n".join(lines) + "\n"


def test_reliability_billion_laughs_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "laughs.md"
    path.write_text(billion_laughs(), encoding="utf-8")
    # In a child with a 1 GB address-space limit: the old reader needed 6 GB.
    script = textwrap.dedent(
        f"""
        import resource, sys, time
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from pathlib import Path
        from core.formats import read_file
        started = time.monotonic()
        items = list(read_file(Path({str(path)!r})))
        print(type(items[0]).__name__, time.monotonic() - started)
        print(items[0])
        """
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=root
    )
    assert done.returncode == 0, done.stderr
    kind, seconds = done.stdout.splitlines()[0].split()
    assert kind == "RecordError"
    assert float(seconds) < 5
    assert f"{path}:2: front matter too large once its aliases are expanded" in done.stdout


def test_reliability_shared_aliases_within_limits_still_import(tmp_path: Path) -> None:
    path = tmp_path / "ok.md"
    path.write_text("---\ntags: &t [lfp, nmc]\nalso: *t\n---\nCATL liefert Zellen.\n")
    [record] = read_file(path)
    assert isinstance(record, ImportRecord)
    assert record.meta["also"] == ["lfp", "nmc"]


def _deep_documents(tmp_path: Path) -> dict[str, str]:
    depth = 20_000
    return {
        "flow.md": "---\na: " + "[" * depth + "]" * depth + "\n---\nText.\n",
        "mapping.md": "---\na: " + "{b: " * 10_000 + "1" + "}" * 10_000 + "\n---\nText.\n",
        "block.md": "---\n" + "".join(" " * i + "k:\n" for i in range(300)) + "---\nText.\n",
        "cycle.md": "---\na: &a [*a]\n---\nText.\n",
        "toml.md": "+++\na = " + "[" * depth + "]" * depth + "\n+++\nText.\n",
        "toml_tables.md": "+++\na = " + "{b = " * 2000 + "1" + "}" * 2000 + "\n+++\nText.\n",
    }


def test_reliability_deep_front_matter_is_a_record_error(tmp_path: Path) -> None:
    for name, content in _deep_documents(tmp_path).items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        items = list(read_file(path))
        assert len(items) == 1, name
        [error] = items
        assert isinstance(error, RecordError), name
        assert error.path == str(path)
        assert error.line == 2
        assert "nested too deeply" in error.message, (name, error.message)


def test_reliability_a_bad_file_costs_that_file_alone(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("CATL liefert LFP-Zellen an BMW.", encoding="utf-8")
    (folder / "b.md").write_text(_deep_documents(tmp_path)["flow.md"], encoding="utf-8")
    (folder / "c.md").write_text(billion_laughs(), encoding="utf-8")
    (folder / "d.html").write_text("<p>Northvolt baut in Heide.</p>", encoding="utf-8")
    with ProjectRepository.open(tmp_path / "p.kathode") as repo:
        summary = import_paths(repo, [folder])
        texts = sorted(repo.document(i).text for i in repo.document_ids())
    assert texts == ["CATL liefert LFP-Zellen an BMW.", "Northvolt baut in Heide."]
    assert summary.files == 4 and summary.documents_added == 2
    assert [line.split(":")[0] for line in summary.refused] == [
        str(folder / "b.md"),
        str(folder / "c.md"),
    ]


def test_reliability_utf16_without_bom_gets_the_right_hint(tmp_path: Path) -> None:
    for order in ("le", "be"):
        path = tmp_path / f"wide-{order}.txt"
        path.write_bytes("Batteriezellen für Europa\n".encode(f"utf-16-{order}"))
        jsonl = tmp_path / f"wide-{order}.jsonl"
        jsonl.write_bytes((json.dumps({"text": "Zellen"}) + "\n").encode(f"utf-16-{order}"))
        for file in (path, jsonl):
            [error] = read_file(file)
            assert isinstance(error, RecordError)
            assert "UTF-16" in error.message and f"iconv -f utf-16{order}" in error.message
            assert "latin1" not in error.message


def test_reliability_latin1_keeps_its_hint(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Batteriezellen für Europa".encode("latin-1"))
    [error] = read_file(path)
    assert isinstance(error, RecordError)
    assert "iconv -f latin1" in error.message


def test_reliability_html_internal_dtd_subset_leaves_no_residue(tmp_path: Path) -> None:
    path = tmp_path / "dtd.html"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE html [\n  <!ENTITY co "Northvolt">\n]>\n'
        "<html><body><p>Zellen aus Heide.</p></body></html>",
        encoding="utf-8",
    )
    [record] = read_file(path)
    assert isinstance(record, ImportRecord)
    assert record.text == "Zellen aus Heide."


def test_reliability_rlimit_is_available() -> None:
    # The hostile-file suite relies on RLIMIT_AS being settable in a child.
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    assert hard == resource.RLIM_INFINITY or hard >= 1 << 30
    assert soft == resource.RLIM_INFINITY or soft >= 1 << 30


def test_reliability_a_run_of_punctuation_is_refused_fast_and_alone(tmp_path: Path) -> None:
    """40,000 "(" without a space: spaCy's tokenizer algorithm is quadratic there (minutes);
    the record is refused with its line, in about a second, and the others import."""
    records = ["CATL liefert LFP-Zellen an BMW.", "(" * 40_000, "Northvolt baut in Heide."]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"text": t}) + "\n" for t in records), "utf-8")
    with ProjectRepository.open(tmp_path / "p.kathode") as repo:
        summary = import_paths(repo, [source])
        texts = sorted(repo.document(i).text for i in repo.document_ids())
    assert texts == [records[0], records[2]]
    [refusal] = summary.refused
    assert refusal.startswith(f"{source}:2: the 40,000 characters without whitespace")
