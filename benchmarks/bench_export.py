"""Export speed and memory: Kathode's JSONL export against a bare sqlite3 floor, same rows.

Setup (cached in ``benchmarks/out/``, which git ignores): a project of 100,000 short German
and English battery-news documents with 1,000,000 spans in 100,000 accepted annotations,
generated from templates with their tokens known, so no tokenizer runs, and written with raw
``executemany`` inserts into a project file that ``ProjectRepository.open`` created (schema by
the migrations). Each measurement runs in its own process so that its peak RSS is its own:

* ``kathode``: ``export_project`` to JSONL (Prodigy shape: tokens, spans with token indices,
  hashes) of all accepted annotations;
* ``floor`` (as the issue defines it): one ``sqlite3`` query joining annotation, document
  text and spans in annotation order, the span rows of an annotation grouped in Python, one
  ``json.dumps({"text", "spans"})`` per document. It never reads the tokens, which are about
  85% of every exported line, so it bounds what is possible from far below;
* ``floor-tokens``: the same query also reading the stored tokens, and writing them in
  Prodigy's shape (``text``, ``start``, ``end``, ``id``, ``ws``) with ``json.dumps``: the plain
  way to write what the export writes, without hashes, token indices or atomic files.

Last stdout line: one JSON object with docs, spans, docs_per_s, floor_docs_per_s, ratio,
floor_tokens_docs_per_s, ratio_tokens, peak_rss_mb and floor_peak_rss_mb, each measurement
the best of three interleaved runs. Usage:
``uv run python benchmarks/bench_export.py`` (``--docs N`` for a smaller project, ``--repeat
N`` for more or fewer runs).
"""

from __future__ import annotations

import hashlib
import json
import random
import resource
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
GENERATOR_VERSION = 1
SPANS_PER_DOC = 10
SENTENCES_PER_DOC = 3
STAMP = "2025-01-15 12:00:00.000000"

ENTITIES = {
    "ORG": ["CATL", "Northvolt", "BYD", "LG Energy Solution", "Samsung SDI", "Umicore", "GM"],
    "LOC": ["Arnstadt", "Nevada", "Salzgitter", "Grünheide", "Ningde", "Skellefteå"],
    "CHEMISTRY": ["LFP", "NMC 811", "Natrium-Ionen", "LMFP", "Festkörper"],
    "PRODUCT": ["Blade", "Qilin", "4680", "Model Y", "ID.3"],
}
FILLER = {
    "de": "baut liefert plant meldet die der eine neue Fabrik für Zellen mit Kapazität im Jahr",
    "en": "builds supplies plans reports the a new plant for cells with capacity in year",
}


def peak_rss_mb() -> float:
    """This process's peak resident memory. On Linux ``VmHWM``: ``ru_maxrss`` survives
    ``exec`` and would count the parent's memory at the fork."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate_document(
    rng: random.Random, number: int
) -> tuple[str, list[int], list[tuple[int, int, str]]]:
    """A text, its tokens as flat (start, end, ws) triples, and SPANS_PER_DOC aligned spans."""
    lang = "de" if number % 2 else "en"
    words: list[tuple[str, str | None]] = []  # (token, label of the entity it starts or None)
    per_sentence = [SPANS_PER_DOC // SENTENCES_PER_DOC] * SENTENCES_PER_DOC
    per_sentence[0] += SPANS_PER_DOC - sum(per_sentence)
    for sentence, entities in enumerate(per_sentence):
        for _ in range(entities):
            label = rng.choice(list(ENTITIES))
            words.extend((w, None) for w in rng.sample(FILLER[lang].split(" "), 3))
            words.append((rng.choice(ENTITIES[label]), label))
        words.extend((w, None) for w in rng.sample(FILLER[lang].split(" "), 2))
        words.append((f"{number}-{sentence}", None))
        words.append((".", None))
    text_parts: list[str] = []
    tokens: list[int] = []
    spans: list[tuple[int, int, str]] = []
    offset = 0
    for index, (phrase, label) in enumerate(words):
        last = index == len(words) - 1
        glue = "" if last or words[index + 1][0] == "." else " "
        start = offset
        pieces = phrase.split(" ")
        for piece_index, piece in enumerate(pieces):
            inner = piece_index < len(pieces) - 1  # another piece of this phrase follows
            tokens.extend((offset, offset + len(piece), int(inner or bool(glue))))
            offset += len(piece) + inner
        if label is not None:
            spans.append((start, offset, label))
        text_parts.append(phrase + glue)
        offset += len(glue)
    return "".join(text_parts), tokens, spans


def build_project(path: Path, docs: int) -> None:
    sys.path.insert(0, str(ROOT))
    from storage.repository import ProjectRepository

    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    ProjectRepository.open(partial).close()
    rng = random.Random(20250115)
    db = sqlite3.connect(partial)
    db.execute("PRAGMA synchronous=OFF")
    annotator = db.execute(
        "INSERT INTO annotator (name, created_at) VALUES ('bench', ?)", (STAMP,)
    ).lastrowid

    def document_rows() -> Iterator[tuple[object, ...]]:
        for number in range(docs):
            text, tokens, spans = generate_document(rng, number)
            pending.append(spans)
            yield (
                number + 1,
                text,
                hashlib.sha256(text.encode()).hexdigest(),
                text[:60],
                "bench",
                json.dumps({"n": number}),
                "de" if number % 2 else "en",
                json.dumps(tokens),
                "kathode-tok-1",
                STAMP,
            )

    pending: list[list[tuple[int, int, str]]] = []
    db.executemany(
        "INSERT INTO document (id, text, content_hash, title, source, meta, language, tokens,"
        " tokenizer_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        document_rows(),
    )
    db.executemany(
        "INSERT INTO annotation (id, document_id, annotator_id, status, session, created_at,"
        " updated_at) VALUES (?, ?, ?, 'accepted', NULL, ?, ?)",
        ((n + 1, n + 1, annotator, STAMP, STAMP) for n in range(docs)),
    )
    db.executemany(
        'INSERT INTO span (annotation_id, start, "end", label, source, created_at, updated_at)'
        " VALUES (?, ?, ?, ?, 'manual', ?, ?)",
        (
            (n + 1, start, end, label, STAMP, STAMP)
            for n, spans in enumerate(pending)
            for start, end, label in spans
        ),
    )
    db.commit()
    db.close()
    partial.replace(path)


def run_kathode(project: Path, out: Path) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from storage.exporter import ExportOptions, export_project
    from storage.repository import ProjectRepository

    with ProjectRepository.open(project) as repo:
        start = time.perf_counter()
        summary = export_project(repo, ExportOptions("jsonl", out))
        seconds = time.perf_counter() - start
    return {
        "docs": summary.records,
        "spans": summary.spans,
        "seconds": seconds,
        "bytes": out.stat().st_size,
        "peak_rss_mb": peak_rss_mb(),
    }


def run_floor(project: Path, out: Path, *, tokens: bool = False) -> dict[str, float]:
    """The floor; with ``tokens`` it also reads the tokens column and writes the tokens in
    Prodigy's shape (``text``, ``start``, ``end``, ``id``, ``ws``), the plain way."""
    start = time.perf_counter()
    db = sqlite3.connect(project)
    rows = db.execute(
        "SELECT a.id, d.text, " + ("d.tokens" if tokens else "NULL") + ', s.start, s."end",'
        " s.label FROM annotation a"
        " JOIN document d ON d.id = a.document_id"
        " LEFT JOIN span s ON s.annotation_id = a.id"
        " WHERE a.status = 'accepted' ORDER BY a.id"
    )
    docs = 0

    def write(text: str, raw_tokens: str | None, spans: list[list[object]]) -> None:
        record: dict[str, object] = {"text": text, "spans": spans}
        if raw_tokens is not None:
            flat = json.loads(raw_tokens)
            record["tokens"] = [
                {
                    "text": text[flat[i] : flat[i + 1]],
                    "start": flat[i],
                    "end": flat[i + 1],
                    "id": i // 3,
                    "ws": bool(flat[i + 2]),
                }
                for i in range(0, len(flat), 3)
            ]
        handle.write(json.dumps(record) + "\n")

    with out.open("w", encoding="utf-8") as handle:
        current: int | None = None
        text, raw = "", None
        spans: list[list[object]] = []
        for annotation_id, row_text, row_tokens, begin, end, label in rows:
            if annotation_id != current:
                if current is not None:
                    write(text, raw, spans)
                    docs += 1
                current, text, raw, spans = annotation_id, row_text, row_tokens, []
            if begin is not None:
                spans.append([begin, end, label])
        if current is not None:
            write(text, raw, spans)
            docs += 1
    db.close()
    seconds = time.perf_counter() - start
    return {"docs": docs, "seconds": seconds, "peak_rss_mb": peak_rss_mb()}


def measure(kind: str, project: Path) -> dict[str, float]:
    out = OUT / f"export-{kind}.jsonl"
    done = subprocess.run(
        [sys.executable, __file__, "--one", kind, str(project), str(out)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"{kind} failed:\n{done.stderr}")
    out.unlink(missing_ok=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--one":
        kind, project, out = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
        if kind == "kathode":
            result = run_kathode(project, out)
        else:
            result = run_floor(project, out, tokens=kind == "floor-tokens")
        print(json.dumps(result))
        return
    sys.path.insert(0, str(ROOT))
    from benchmarks.machine import announce

    setup = announce("bench_export")
    docs = int(sys.argv[sys.argv.index("--docs") + 1]) if "--docs" in sys.argv else 100_000
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    OUT.mkdir(parents=True, exist_ok=True)
    project = OUT / f"export-bench-v{GENERATOR_VERSION}-{docs}.sqlite"
    if not project.exists():
        start = time.perf_counter()
        build_project(project, docs)
        print(f"generated {project} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    # Best of ``--repeat`` runs each, interleaved, so that a busy machine slows all alike.
    runs: dict[str, list[dict[str, float]]] = {"floor": [], "floor-tokens": [], "kathode": []}
    for _ in range(repeat):
        for kind, results in runs.items():
            results.append(measure(kind, project))
            print(f"{kind}: {results[-1]}", file=sys.stderr)
    floor, floor_tokens, kathode = (min(r, key=lambda x: x["seconds"]) for r in runs.values())
    docs_per_s = kathode["docs"] / kathode["seconds"]
    floor_per_s = floor["docs"] / floor["seconds"]
    floor_tokens_per_s = floor_tokens["docs"] / floor_tokens["seconds"]
    print(
        json.dumps(
            {
                "docs": kathode["docs"],
                "spans": kathode["spans"],
                "docs_per_s": round(docs_per_s, 1),
                "floor_docs_per_s": round(floor_per_s, 1),
                "ratio": round(docs_per_s / floor_per_s, 3),
                "floor_tokens_docs_per_s": round(floor_tokens_per_s, 1),
                "ratio_tokens": round(docs_per_s / floor_tokens_per_s, 3),
                "peak_rss_mb": round(kathode["peak_rss_mb"], 1),
                "floor_peak_rss_mb": round(floor["peak_rss_mb"], 1),
                "setup": setup,
            }
        )
    )


if __name__ == "__main__":
    main()
