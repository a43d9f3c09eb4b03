"""Prodigy-compatible NER tasks (``ner_manual`` shape) from export records, one JSON line each.

Fields: ``text``, ``meta``, ``_input_hash``, ``_task_hash`` (see :mod:`core.exports.hashing`),
``tokens`` (``text``, ``start``, ``end``, ``id``, ``ws``: the document's stored tokens), ``spans``
(``start``, ``end``, ``token_start``, ``token_end`` inclusive, ``label``, ``text``, and the source
in Prodigy's convention, below), ``answer``, the top-level keys the importer kept from a Prodigy
file, ``_annotator_id``, ``_session_id`` and ``_timestamp``.

Answers: accepted → ``accept``, rejected → ``reject``, skipped → ``ignore``; an ``open``
annotation (exported only when asked for) has no ``answer`` key, which is how Prodigy writes a
task nobody has answered yet.

Span sources follow Prodigy, so that Kathode's importer reads them back as they were: a
``manual`` span has no ``source`` key (Prodigy's manual views write none), ``model:<name>``
becomes ``"source": "<name>"`` and ``rules:<set>`` becomes ``"source": "<set>", "pattern":
true``; any other source is written as it is.

Meta and Prodigy's own keys: the importer keeps a Prodigy record's extra top-level keys under
``meta["prodigy"]``. They are put back at the top level here (all but the ones computed anew:
hashes, answer, annotator, session, timestamp), and ``meta`` is written without them, so a
Prodigy file that goes through Kathode comes out in its own shape. A restored manual
``_view_id`` is left out when the task holds non-manual spans, since Prodigy (and Kathode's
importer) would read every span of a manual-view task as manual.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from functools import lru_cache
from json.encoder import encode_basestring
from typing import Any

from core.documents import STATUS_ANSWER
from core.exports.hashing import hashes
from core.exports.record import ExportRecord, token_range
from core.spans import MANUAL_SOURCE, Span

COMPUTED_KEYS = frozenset(
    {
        "text", "meta", "tokens", "spans", "answer", "_input_hash", "_task_hash",
        "_annotator_id", "_session_id", "_timestamp",
    }
)  # fmt: skip
"""Keys every task gets from the record; a restored key of the same name is not used."""

_MANUAL_VIEWS = frozenset({"ner_manual", "spans_manual"})
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_WS = ("false", "true")
_TOKEN = '{"text":%s,"start":%d,"end":%d,"id":%d,"ws":%s}'
_TEMPLATE_MAX_TOKENS = 512


def prodigy_task(record: ExportRecord) -> dict[str, Any]:
    """The task as a dict (parsed back from :func:`prodigy_line`)."""
    task: dict[str, Any] = json.loads(prodigy_line(record))
    return task


def prodigy_line(record: ExportRecord) -> str:
    """The task as one line of compact JSON (non-ASCII kept as is), ending in a newline.

    Built in parts: the tokens, most of every line, by :func:`tokens_json` (``json.dumps`` of
    a dict per token is slow); the text is encoded once for the line and both hashes.
    """
    text, spans = record.text, record.spans
    text_json = encode_basestring(text)
    meta = dict(record.meta)
    restored = meta.pop("prodigy") if isinstance(meta.get("prodigy"), dict) else {}
    input_id, task_id = hashes(text_json, spans)
    head = (
        f'{{"text":{text_json},"meta":{_dumps(meta)},"_input_hash":{input_id},'
        f'"_task_hash":{task_id},"tokens":{tokens_json(text, record.token_offsets)},'
    )
    tail: dict[str, Any] = {"spans": _spans(spans, text, record.token_offsets)}
    answer = STATUS_ANSWER.get(record.status)
    if answer is not None:
        tail["answer"] = answer
    for key, value in restored.items():
        if key not in COMPUTED_KEYS:
            tail[key] = value
    if tail.get("_view_id") in _MANUAL_VIEWS and any(s.source != MANUAL_SOURCE for s in spans):
        del tail["_view_id"]
    tail["_annotator_id"] = record.annotator
    tail["_session_id"] = record.session
    tail["_timestamp"] = record.timestamp
    return head + _dumps(tail)[1:] + "\n"


@lru_cache(maxsize=_TEMPLATE_MAX_TOKENS)
def _tokens_template(count: int) -> str:
    return "[" + ",".join([_TOKEN] * count) + "]"


def tokens_json(text: str, flat: Sequence[int]) -> str:
    """``[{"text", "start", "end", "id", "ws"}, …]`` as compact JSON, from flat token triples.

    The same string ``json.dumps`` would give for the list of dicts, about twice as fast: the
    iteration happens in C (``map``, ``zip``) and one ``%`` fills a template per token count.
    """
    starts, ends = flat[0::3], flat[1::3]
    count = len(starts)
    texts = map(encode_basestring, map(text.__getitem__, map(slice, starts, ends)))
    fields = zip(texts, starts, ends, range(count), map(_WS.__getitem__, flat[2::3]), strict=True)
    if count <= _TEMPLATE_MAX_TOKENS:
        return _tokens_template(count) % tuple(itertools.chain.from_iterable(fields))
    return "[" + ",".join(map(_TOKEN.__mod__, fields)) + "]"


def _spans(spans: Sequence[Span], text: str, flat: Sequence[int]) -> list[dict[str, Any]]:
    if not spans:
        return []
    starts, ends = flat[0::3], flat[1::3]
    written = []
    for span in spans:
        start, end = span.start, span.end
        first, last = token_range(starts, ends, span, text)
        item: dict[str, Any] = {
            "start": start,
            "end": end,
            "token_start": first,
            "token_end": last,
            "label": span.label,
            "text": text[start:end],
        }
        if span.source != MANUAL_SOURCE:
            item.update(source_fields(span.source))
        written.append(item)
    return written


def source_fields(source: str) -> dict[str, Any]:
    """A Kathode span source in Prodigy's convention (see the module docstring)."""
    if source == MANUAL_SOURCE:
        return {}
    kind, _, name = source.partition(":")
    if kind == "model" and name:
        return {"source": name}
    if kind == "rules" and name:
        return {"source": name, "pattern": True}
    return {"source": source}
