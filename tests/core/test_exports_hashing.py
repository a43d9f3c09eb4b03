"""The documented hash rule: signed int32 from SHA-256 over canonical JSON."""

from __future__ import annotations

import hashlib
import json

from core.exports.hashing import canonical_json, hashes, input_hash, task_hash
from core.spans import Span


def documented(value: object) -> int:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def test_exports_hashing_follows_the_documented_rule() -> None:
    text = 'Lithium-Eisenphosphat "LFP"\n\u00fcber \U0001f50b'
    spans = [Span(8, 21, "CHEMISTRY"), Span(0, 7, "CHEMISTRY", "model:x")]
    assert input_hash(text) == documented({"text": text})
    assert task_hash(text, spans) == documented(
        {"text": text, "spans": [[0, 7, "CHEMISTRY"], [8, 21, "CHEMISTRY"]]}
    )
    assert canonical_json({"text": text, "a": 1}).startswith('{"a":1,"text":"Lithium')


def test_exports_hashing_same_input_same_hash_and_pinned_values() -> None:
    text = "CATL baut in Arnstadt."
    # Pinned: a change of the rule changes every exported hash, so it must be deliberate.
    assert input_hash(text) == 1484338750
    assert task_hash(text, [Span(0, 4, "ORG")]) == -1664286035
    example = "GM kauft LFP-Zellen von CATL."  # the example in docs/export.md
    assert input_hash(example) == 1362641199
    assert task_hash(example, [Span(9, 12, "CHEMISTRY")]) == 822879287
    assert hashes('"x"', []) == (documented({"text": "x"}), documented({"spans": [], "text": "x"}))


def test_exports_hashing_task_hash_depends_on_spans_not_their_order_or_source() -> None:
    text = "CATL baut in Arnstadt."
    a, b = Span(0, 4, "ORG"), Span(13, 21, "LOC")
    assert task_hash(text, [a, b]) == task_hash(text, [b, a])
    assert task_hash(text, [a]) == task_hash(text, [Span(0, 4, "ORG", "model:m")])
    assert task_hash(text, [a]) != task_hash(text, [a, b])
    assert task_hash(text, [a]) != task_hash(text, [Span(0, 4, "PERSON")])
    assert task_hash(text, []) != input_hash(text)
