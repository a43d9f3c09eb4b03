"""Round trips: export, import into a fresh project, export again; and the files in
../shared/data, which import and re-export to their own shape with every span in place."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from core.documents import Status
from core.formats import read_file
from core.records import ImportRecord
from core.spans import Span
from storage.exporter import ExportOptions, ExportSummary, export_project
from storage.importer import ImportSummary, import_paths
from storage.repository import ProjectRepository
from tests.conftest import shared_data
from tests.storage.conftest import new_document
from tests.storage.test_export_corpus import build_project

VOLATILE = ("_timestamp",)  # the time of the import, in the second project
ALL_ANSWERED = (Status.ACCEPTED, Status.REJECTED, Status.SKIPPED)

HEADLINE = "Uber\u2019s Lesson: Silicon Valley\u2019s Start-Up Machine Needs Fixing"


HEADLINE_WORDS = "Uber \u2019s Lesson : Silicon Valley \u2019s Start - Up Machine Needs Fixing"


def headline_tokens() -> list[dict[str, object]]:
    tokens, position = [], 0
    for i, word in enumerate(HEADLINE_WORDS.split(" ")):
        start = HEADLINE.index(word, position)
        position = start + len(word)
        tokens.append({"text": word, "start": start, "end": position, "id": i})
    return tokens


PRODIGY_LINE = {
    "text": HEADLINE,
    "meta": {"source": "The New York Times"},
    "_input_hash": 1886699658,
    "_task_hash": -1952856502,
    "tokens": headline_tokens(),
    "_session_id": "headlines-ana",
    "_view_id": "ner_manual",
    "spans": [
        {"start": 0, "end": 4, "token_start": 0, "token_end": 0, "label": "ORG"},
        {"start": 15, "end": 29, "token_start": 4, "token_end": 5, "label": "LOCATION"},
    ],
    "answer": "accept",
    "_annotator_id": "ana",
}


def rich_project(path: Path, tmp_path: Path) -> ProjectRepository:
    """The 120-document corpus (ana, accepted), plus: spans from a model and from rules, ben's
    rejected and skipped versions, a Prodigy task with its own keys and session, and a
    doccano record with overlapping spans and meta keys that doccano would take for its own."""
    repo = build_project(path, pairs=True)
    ids = repo.document_ids()
    first, second = repo.document(ids[0]), repo.document(ids[1])
    repo.add_span(ids[0], "ana", Span(0, first.tokens[0].end, "PRODUCT", "model:de-news@0.3"))
    repo.add_span(ids[1], "ana", Span(0, second.tokens[0].end, "PERSON", "rules:battery-de"))
    repo.add_span(ids[2], "ben", Span(0, repo.document(ids[2]).tokens[0].end, "PERSON"))
    repo.set_status(ids[2], "ben", Status.REJECTED)
    repo.set_status(ids[3], "ben", Status.SKIPPED)
    extra = tmp_path / "extra.jsonl"
    doccano = {
        "text": "Contemporary Amperex Technology  baut\n\nin Ningde.",
        "label": [[0, 31, "ORG"], [0, 12, "ORG"], [42, 48, "LOC"]],
        "meta": {"id": 7, "answer": "kept in meta"},
        "source_url": "https://example.org/catl",
    }
    extra.write_text(json.dumps(PRODIGY_LINE) + "\n" + json.dumps(doccano) + "\n", "utf-8")
    summary = import_paths(repo, [extra], annotator="cleo")
    assert summary.ok, summary.refused
    return repo


def records(path: Path) -> list[dict[str, object]]:
    parsed = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [{k: v for k, v in r.items() if k not in VOLATILE} for r in parsed]


def round_trip(
    source: ProjectRepository, tmp_path: Path, options: ExportOptions, annotator: str | None = None
) -> tuple[Path, Path, ExportSummary]:
    first = export_project(source, options).files[0]
    with ProjectRepository.open(tmp_path / "fresh.kathode") as fresh:
        imported = import_paths(fresh, [first], annotator=annotator)
        assert imported.ok, imported.refused
        again = tmp_path / f"again{first.suffix}"
        summary = export_project(fresh, ExportOptions(options.format, again, options.statuses))
    return first, again, summary


def test_export_roundtrip_jsonl_same_records(tmp_path: Path) -> None:
    with rich_project(tmp_path / "p.kathode", tmp_path) as repo:
        options = ExportOptions("jsonl", tmp_path / "first.jsonl", ALL_ANSWERED)
        first, again, summary = round_trip(repo, tmp_path, options)
    before, after = records(first), records(again)
    assert len(before) == summary.records == 124
    assert after == before
    # Byte for byte too, once the volatile timestamp is masked.
    mask = re.compile(r',"_timestamp":\d+')
    assert mask.sub("", again.read_text("utf-8")) == mask.sub("", first.read_text("utf-8"))

    by_text = {str(r["text"]): r for r in before}
    prodigy = by_text[str(PRODIGY_LINE["text"])]
    assert prodigy["_view_id"] == "ner_manual" and prodigy["_session_id"] == "headlines-ana"
    assert prodigy["meta"] == {"source": "The New York Times"}
    assert [(s["start"], s["end"], s["label"]) for s in prodigy["spans"]] == [  # type: ignore[attr-defined]
        (0, 4, "ORG"),
        (15, 29, "LOCATION"),
    ]
    overlapping = next(r for r in before if str(r["text"]).startswith("Contemporary"))
    assert len(overlapping["spans"]) == 3  # type: ignore[arg-type]
    answers = sorted(str(r.get("answer")) for r in before if r["_annotator_id"] == "ben")
    assert answers == ["ignore", "reject"]
    sources = {s.get("source") for r in before for s in r["spans"]}  # type: ignore[attr-defined]
    assert sources == {None, "de-news@0.3", "battery-de"}


def test_export_roundtrip_doccano_same_records(tmp_path: Path) -> None:
    with rich_project(tmp_path / "p.kathode", tmp_path) as repo:
        options = ExportOptions("doccano", tmp_path / "first.jsonl", annotator="ana")
        first, again, summary = round_trip(repo, tmp_path, options, annotator="ana")
    assert summary.records == 121  # the corpus and the Prodigy task, also ana's
    assert records(again) == records(first)
    assert again.read_bytes() == first.read_bytes()


def test_export_roundtrip_doccano_keeps_meta_and_overlaps(tmp_path: Path) -> None:
    with rich_project(tmp_path / "p.kathode", tmp_path) as repo:
        options = ExportOptions("doccano", tmp_path / "first.jsonl", annotator="cleo")
        first, again, _ = round_trip(repo, tmp_path, options, annotator="cleo")
        everything = export_project(repo, ExportOptions("doccano", tmp_path / "all.jsonl"))
    [doccano] = records(first)
    assert doccano["meta"] == {"id": 7, "answer": "kept in meta"}
    assert doccano["source_url"] == "https://example.org/catl"
    assert len(doccano["label"]) == 3  # type: ignore[arg-type]
    assert again.read_bytes() == first.read_bytes()
    by_text = {r["text"]: r for r in records(everything.files[0])}
    prodigy = by_text[PRODIGY_LINE["text"]]
    assert prodigy["source"] == "The New York Times"
    assert prodigy["prodigy"] == {  # Prodigy's own keys are plain meta to doccano
        "_input_hash": 1886699658,
        "_task_hash": -1952856502,
        "_view_id": "ner_manual",
    }


@pytest.mark.parametrize("sentences", [False, True])
def test_export_roundtrip_conll_same_file(tmp_path: Path, sentences: bool) -> None:
    with build_project(tmp_path / "p.kathode", pairs=not sentences) as repo:
        options = ExportOptions("conll", tmp_path / "first.conll", sentences=sentences)
        first, again, summary = round_trip(repo, tmp_path, options)
    assert summary.records == (42 if sentences else 120)  # two sentences hold a line break
    assert again.read_bytes() == first.read_bytes()


# -- the files in ../shared/data ------------------------------------------------------


def refused_lines(summary: ImportSummary, path: Path) -> set[int]:
    lines = set()
    for message in summary.refused:
        match = re.match(rf"{re.escape(str(path))}:(\d+):", message)
        assert match, message
        lines.add(int(match.group(1)))
    return lines


def json_spans(record: dict[str, object]) -> set[tuple[int, int, str]]:
    """The spans of a Prodigy or doccano record, read straight from its JSON."""
    found: set[tuple[int, int, str]] = set()
    for span in record.get("spans") or []:  # type: ignore[attr-defined]
        found.add((span["start"], span["end"], span["label"]))
    for key in ("label", "labels"):
        for start, end, label in record.get(key) or []:  # type: ignore[attr-defined]
            found.add((start, end, label))
    for item in [*(record.get("entities") or []), *(record.get("annotations") or [])]:  # type: ignore[misc]
        found.add((item["start_offset"], item["end_offset"], str(item["label"])))
    return found


def jsonl_by_text(path: Path, skip: set[int] = frozenset()) -> dict[str, set[tuple[int, int, str]]]:  # type: ignore[assignment]
    by_text: dict[str, set[tuple[int, int, str]]] = defaultdict(set)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if number in skip or not line.strip():
            continue
        record = json.loads(line)
        by_text[record["text"]] |= json_spans(record)
    return dict(by_text)


def conll_by_text(path: Path) -> dict[str, set[tuple[int, int, str]]]:
    by_text: dict[str, set[tuple[int, int, str]]] = defaultdict(set)
    for item in read_file(path):
        if isinstance(item, ImportRecord):
            by_text[item.text] |= {(s.start, s.end, s.label) for s in item.spans or []}
    return dict(by_text)


def shared_files(folder: str) -> list[Path]:
    return sorted(p for p in shared_data(folder).iterdir() if p.is_file())


def test_export_roundtrip_shared_prodigy_files(tmp_path: Path) -> None:
    for source in shared_files("prodigy"):
        with ProjectRepository.open(tmp_path / f"{source.stem}.kathode") as repo:
            imported = import_paths(repo, [source])
            out = tmp_path / f"{source.stem}.jsonl"
            summary = export_project(repo, ExportOptions("jsonl", out, ALL_ANSWERED))
        skip = refused_lines(imported, source)
        # Binary tasks giving one text different answers cannot all be one annotation.
        assert all("another answer" in m for m in imported.refused), imported.refused
        assert jsonl_by_text(out) == jsonl_by_text(source, skip), source.name
        for record in map(json.loads, out.read_text(encoding="utf-8").splitlines()):
            tokens = record["tokens"]
            for span in record["spans"]:
                assert tokens[span["token_start"]]["start"] == span["start"]
                assert tokens[span["token_end"]]["end"] == span["end"]
        assert summary.records == imported.annotations


def test_export_roundtrip_shared_prodigy_answers_kept(tmp_path: Path) -> None:
    source = shared_data("prodigy", "news_headlines_ner.jsonl")
    with ProjectRepository.open(tmp_path / "p.kathode") as repo:
        import_paths(repo, [source])
        out = tmp_path / "out.jsonl"
        export_project(repo, ExportOptions("jsonl", out, ALL_ANSWERED))
    original = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["text"], r["answer"], r["_view_id"]) for r in exported] == [
        (r["text"], r["answer"], r["_view_id"]) for r in original
    ]

    def token_fields(record: dict[str, list[dict[str, object]]]) -> list[tuple[object, ...]]:
        return [(t["text"], t["start"], t["end"], t["id"]) for t in record["tokens"]]

    assert [token_fields(r) for r in exported] == [token_fields(r) for r in original]


def test_export_roundtrip_shared_doccano_files(tmp_path: Path) -> None:
    for source in shared_files("doccano"):
        with ProjectRepository.open(tmp_path / f"{source.name}.kathode") as repo:
            imported = import_paths(repo, [source])
            is_conll = source.suffix == ".conll"
            out = tmp_path / f"{source.name}.out{source.suffix}"
            fmt = "conll" if is_conll else "doccano"
            export_project(repo, ExportOptions(fmt, out))  # type: ignore[arg-type]
        if source.name == "export_relation_example.jsonl":
            [message] = imported.refused
            assert "pretty-printed JSON object" in message
            assert out.read_text() == ""
            continue
        if source.name == "import_labeling.invalid.conll":
            [message] = imported.refused
            assert "'SOCCERO'" in message
        if is_conll:
            assert conll_by_text(out) == conll_by_text(source), source.name
        else:
            expected = jsonl_by_text(source, refused_lines(imported, source))
            assert jsonl_by_text(out) == expected, source.name


def test_export_roundtrip_open_versions_stay_open(tmp_path: Path) -> None:
    path = tmp_path / "p.kathode"
    with ProjectRepository.open(path) as repo:
        [(doc_id, _)] = repo.add_documents([new_document("GM buys LFP cells from CATL.")])
        repo.add_span(doc_id, "ana", Span(0, 2, "ORG"))  # in progress: status stays open
        options = ExportOptions("jsonl", tmp_path / "first.jsonl", (Status.OPEN,))
        first, again, summary = round_trip(repo, tmp_path, options)
    assert summary.records == 1
    assert records(again) == records(first)
    assert "answer" not in records(first)[0]


def label_studio_versions(repo: ProjectRepository) -> dict[tuple[str, str], tuple[str, list[Span]]]:
    """Every version of the project by (text, annotator): its status and spans."""
    found = {}
    for document_id in repo.document_ids():
        text = repo.document(document_id).text
        for name, version in repo.versions(document_id).items():
            spans = [Span(s.start, s.end, s.label) for s in version.spans]
            found[(text, name)] = (version.status.value, spans)
    return found


def test_export_label_studio_predictions_come_back_as_the_same_suggestions(
    tmp_path: Path,
) -> None:
    text = "CATL baut in Arnstadt ein Werk für LFP-Zellen."
    rules = [Span(0, 4, "ORG", "rules:de-patterns"), Span(35, 38, "CHEMISTRY", "rules:x")]
    theirs = [Span(13, 21, "LOC", "label-studio:v3")]
    with ProjectRepository.open(tmp_path / "p.kathode") as repo:
        [(doc_id, _)] = repo.add_documents([new_document(text, "de")])
        repo.add_span(doc_id, "ana", Span(0, 4, "ORG"))
        repo.set_status(doc_id, "ana", Status.ACCEPTED)
        repo.store_suggestions([(doc_id, rules)], "rules", "v1")
        repo.store_suggestions([(doc_id, theirs)], "label-studio:v3", "imported")
        out = tmp_path / "tasks.json"
        export_project(repo, ExportOptions("label-studio", out, ALL_ANSWERED))
        only_org = tmp_path / "org.json"
        export_project(repo, ExportOptions("label-studio", only_org, labels=frozenset({"ORG"})))
    [task] = json.loads(out.read_text("utf-8"))
    predicted = {
        p["model_version"]: [(r["value"]["text"], r["value"]["labels"]) for r in p["result"]]
        for p in task["predictions"]
    }
    assert predicted == {
        "rules": [("CATL", ["ORG"]), ("LFP", ["CHEMISTRY"])],
        "v3": [("Arnstadt", ["LOC"])],
    }
    ids = [r["id"] for p in task["predictions"] for r in p["result"]]
    ids += [r["id"] for r in task["annotations"][0]["result"]]
    assert len(set(ids)) == len(ids)  # Label Studio keys results by id
    [org_task] = json.loads(only_org.read_text("utf-8"))
    assert [p["model_version"] for p in org_task["predictions"]] == ["rules"]
    with ProjectRepository.open(tmp_path / "fresh.kathode") as fresh:
        assert import_paths(fresh, [out]).ok
        [fresh_id] = fresh.document_ids()
        back = fresh.imported_suggestions(fresh_id)
        assert fresh.versions(fresh_id)["ana"].spans == [Span(0, 4, "ORG")]
    assert {name: [(s.start, s.end, s.label) for s in spans] for name, spans in back.items()} == {
        "label-studio:rules": [(0, 4, "ORG"), (35, 38, "CHEMISTRY")],
        "label-studio:v3": [(13, 21, "LOC")],
    }


def test_export_roundtrip_label_studio_same_spans_people_and_answers(tmp_path: Path) -> None:
    with rich_project(tmp_path / "p.kathode", tmp_path) as repo:
        emoji = repo.add_documents([new_document("🔋 CATL liefert Zellen an 🚗 BMW.", "de")])
        [(emoji_id, _)] = emoji
        repo.add_span(emoji_id, "ana", Span(2, 6, "ORG"))
        repo.add_span(emoji_id, "ana", Span(27, 30, "ORG"))
        repo.set_status(emoji_id, "ana", Status.ACCEPTED)
        options = ExportOptions("label-studio", tmp_path / "first.json", ALL_ANSWERED)
        first, again, summary = round_trip(repo, tmp_path, options)
        before = label_studio_versions(repo)
    tasks = json.loads(first.read_text("utf-8"))
    assert len(tasks) == summary.records == 125
    by_text = {t["data"]["text"]: t for t in tasks}
    [emoji_task] = [t for text, t in by_text.items() if text.startswith("🔋")]
    values = [r["value"] for r in emoji_task["annotations"][0]["result"]]
    # Label Studio counts UTF-16 code units: one more for each emoji before the span.
    assert [(v["start"], v["end"], v["text"]) for v in values] == [(3, 7, "CATL"), (29, 32, "BMW")]
    assert json.loads(again.read_text("utf-8")) == tasks  # the second export is the first
    with ProjectRepository.open(tmp_path / "fresh.kathode") as fresh:
        after = label_studio_versions(fresh)
    wanted = {key: value for key, value in before.items() if value[0] != "open"}
    assert after == wanted
    assert {status for status, _ in after.values()} == {"accepted", "rejected", "skipped"}
