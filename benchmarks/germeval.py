"""GermEval 2014 for the benchmarks: the shared files as Kathode imports them."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "germeval2014"
# GermEval's outer types -> Kathode labels; OTH and the deriv/part tags are no entities of ours.
TAGS = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC"}


def oracle_tsv(source: Path, target: Path, limit: int | None = None) -> int:
    """``source`` (the ``Sentence<TAB>Slot`` TSV) written to ``target`` with Kathode's labels,
    every other tag ``O``; at most ``limit`` sentences. Returns how many were written."""
    lines = source.read_text(encoding="utf-8").splitlines()
    body = lines[1:] if limit is None else lines[1 : limit + 1]
    out = [lines[0]]
    for line in body:
        sentence, _, slots = line.partition("\t")
        tags = []
        for tag in slots.split(" "):
            prefix, _, kind = tag.partition("-")
            tags.append(f"{prefix}-{TAGS[kind]}" if kind in TAGS else "O")
        out.append(f"{sentence}\t{' '.join(tags)}")
    target.write_text("\n".join(out) + "\n", encoding="utf-8")
    return len(out) - 1
