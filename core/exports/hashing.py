"""Prodigy-style ``_input_hash`` and ``_task_hash`` for exported tasks, without mmh3.

Prodigy stores both as signed 32-bit integers. Kathode's rule, deterministic across runs,
machines and Python versions:

* canonical JSON = ``json.dumps(value, sort_keys=True, separators=(",", ":"),
  ensure_ascii=False)`` encoded as UTF-8;
* a hash = the first 4 bytes of the SHA-256 digest of that, read as a big-endian signed int;
* ``_input_hash`` hashes ``{"text": text}``;
* ``_task_hash`` hashes ``{"spans": [[start, end, label], …], "text": text}`` with the spans
  sorted by start, end, label (the answer is not part of it, as in Prodigy).

So the same text always has the same input hash, and the same text with the same spans the
same task hash. The values differ from the ones Prodigy computes with MurmurHash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from json.encoder import encode_basestring

from core.spans import Span


def _int32(canonical: str) -> int:
    digest = hashlib.sha256(canonical.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def canonical_json(value: object) -> str:
    """The canonical JSON the hashes are taken over (see the module docstring)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def input_hash(text: str) -> int:
    """The signed 32-bit hash of a task's input: its text."""
    return hashes(encode_basestring(text), ())[0]


def task_hash(text: str, spans: Iterable[Span]) -> int:
    """The signed 32-bit hash of a task: its text and its spans (order does not matter)."""
    return hashes(encode_basestring(text), spans)[1]


def hashes(text_json: str, spans: Iterable[Span]) -> tuple[int, int]:
    """``(input hash, task hash)`` from the text already encoded as a JSON string.

    The canonical JSON is assembled from parts here (one object key or two, in sorted order),
    which gives the very string :func:`canonical_json` gives, without encoding the text twice.
    """
    marks = sorted((span.start, span.end, span.label) for span in spans)
    spans_json = canonical_json([list(mark) for mark in marks])
    return (
        _int32('{"text":' + text_json + "}"),
        _int32('{"spans":' + spans_json + ',"text":' + text_json + "}"),
    )
