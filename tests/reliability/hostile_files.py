"""Hypothesis strategies for hostile input files, one per reader: plain text, Markdown with
YAML/TOML front matter, HTML, the three JSONL shapes (plain, Prodigy, doccano) and CoNLL.

Each strategy draws ``(suffix, bytes)``. They mix well-formed pieces with the things that
broke readers before: aliases of aliases, deep nesting, NULs, lone surrogates, BOM-less
UTF-16, CR-only line ends, internal DTD subsets, offsets off the text, wrong types.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

Drawn = tuple[str, bytes]

_WORDS = st.sampled_from(
    ["CATL", "Northvolt", "liefert", "Zellen", "an", "BMW", "LFP-Zellen", "GMs", "Heide", ".",
     "Lithium-Eisenphosphat-Batterien", "für", "ß", "€", "😀", "\u202e", "\x00", "\r", "\t",
     "\ufeff", "\u2028", "<", "&amp;", "]]>", "---", "+++", "{{< x >}}", "\\", '"', "'"]
)  # fmt: skip
_TEXT = st.lists(_WORDS, max_size=40).map(" ".join)
_ANY_TEXT = st.one_of(_TEXT, st.text(max_size=200))


def _encode(text: str, how: str) -> bytes:
    if how == "utf-8":
        return text.encode("utf-8", "surrogatepass")
    if how == "utf-16-nobom":
        return text.encode("utf-16-le", "surrogatepass")
    if how == "utf-16":
        return text.encode("utf-16", "surrogatepass")
    return text.encode("latin-1", "replace")


_ENCODING = st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16-nobom", "utf-16", "latin-1"])


@st.composite
def _encoded(draw: st.DrawFn, text: str) -> bytes:
    data = _encode(text, draw(_ENCODING))
    if draw(st.booleans()) and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + draw(st.binary(max_size=8)) + data[at:]  # a few broken bytes
    return data


@st.composite
def text_files(draw: st.DrawFn) -> Drawn:
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(draw(st.lists(_ANY_TEXT, max_size=6)))
    return ".txt", draw(_encoded(text))


def _yaml_bomb(levels: int, fan: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(["x"] * fan) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fan) + "]")
    return "\n".join(lines)


@st.composite
def _yaml(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["plain", "bomb", "deep", "deep-block", "cycle", "junk"]))
    if kind == "bomb":
        return _yaml_bomb(draw(st.integers(2, 12)), draw(st.integers(2, 12)))
    if kind == "deep":
        depth = draw(st.integers(1, 3000))
        opener = draw(st.sampled_from(["[", "{a: "]))
        closer = "]" if opener == "[" else "}"
        return "k: " + opener * depth + closer * depth
    if kind == "deep-block":
        return "".join(" " * i + "k:\n" for i in range(draw(st.integers(1, 400))))
    if kind == "cycle":
        return "a: &a [*a, *a]\nb: &b {c: *b}"
    if kind == "junk":
        return draw(_ANY_TEXT)
    values = st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), _TEXT, st.dates()),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
        max_leaves=20,
    )
    data = draw(st.dictionaries(st.sampled_from(["title", "lang", "date", "tags", "x"]), values))
    return json.dumps(data, default=str)  # JSON is YAML


@st.composite
def _toml(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["plain", "deep", "deep-table", "junk"]))
    depth = draw(st.integers(1, 3000))
    if kind == "deep":
        return "a = " + "[" * depth + "]" * depth
    if kind == "deep-table":
        return "a = " + "{b = " * depth + "1" + "}" * depth
    if kind == "junk":
        return draw(_ANY_TEXT)
    return f'title = {json.dumps(draw(_TEXT))}\nlang = "de"'


@st.composite
def markdown_files(draw: st.DrawFn) -> Drawn:
    fence = draw(st.sampled_from(["---", "+++", "", "---"]))
    header = draw(_yaml()) if fence == "---" else draw(_toml()) if fence == "+++" else ""
    body_parts = draw(
        st.lists(
            st.one_of(
                _TEXT,
                _TEXT.map(lambda t: "# " + t),
                _TEXT.map(lambda t: "> " * 40 + t),
                _TEXT.map(lambda t: "- " * 30 + t),
                st.just("| a | b |\n|---|---|\n| c | d |"),
                st.just("<div><p>inline <b>html</b></p>"),
                st.just("```\ncode\n"),
            ),
            max_size=6,
        )
    )
    closing = draw(st.sampled_from([fence, fence, "..."])) if fence else ""
    source = f"{fence}\n{header}\n{closing}\n" if fence else ""
    source += "\n\n".join(body_parts)
    return ".md", draw(_encoded(source))


_TAGS = st.sampled_from(
    ["p", "div", "br", "script", "style", "title", "table", "tr", "td", "pre", "svg", "li",
     "head", "body", "html", "template", "iframe", "math", "h1"]
)  # fmt: skip


@st.composite
def html_files(draw: st.DrawFn) -> Drawn:
    parts: list[str] = []
    if draw(st.booleans()):
        subset = draw(st.sampled_from(["", ' [ <!ENTITY x "y"> ]', " [ ]]> ", " [ <!ENTITY a "]))
        parts.append(f"<!DOCTYPE html{subset}>")
    for _ in range(draw(st.integers(0, 30))):
        tag = draw(_TAGS)
        choice = draw(st.integers(0, 4))
        if choice == 0:
            parts.append(f"<{tag}>")
        elif choice == 1:
            parts.append(f"</{tag}>")
        elif choice == 2:
            parts.append(draw(_ANY_TEXT))
        elif choice == 3:
            parts.append(draw(st.sampled_from(["<!--", "-->", "<![CDATA[", "&#0;", "&#xD800;",
                                               "&nbsp;", "<?php ?>", "<a href='x'"])))  # fmt: skip
        else:
            depth = draw(st.integers(1, 2000))
            parts.append(f"<{tag}>" * depth)
    return ".html", draw(_encoded("".join(parts)))


_INTS = st.one_of(st.integers(-5, 300), st.just(2**70), st.floats(), st.text(max_size=3), st.none())


@st.composite
def _span(draw: st.DrawFn, shape: str) -> Any:
    start, end = draw(_INTS), draw(_INTS)
    label = draw(st.one_of(st.sampled_from(["ORG", "LOC", "PRODUCT", "org", ""]), _ANY_TEXT, _INTS))
    if shape == "doccano":
        return draw(st.sampled_from([[start, end, label], [start, end], {"start_offset": start}]))
    span: dict[str, Any] = {"start": start, "end": end, "label": label}
    if draw(st.booleans()):
        span["token_start"], span["token_end"] = draw(_INTS), draw(_INTS)
    return span


@st.composite
def _record(draw: st.DrawFn, shape: str) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.one_of(st.lists(st.integers()), st.none(), _TEXT, st.integers()))
    text = draw(st.one_of(_TEXT, _TEXT, st.integers(), st.none(), st.just("")))
    record: dict[str, Any] = {"text": text}
    if shape == "prodigy":
        record["spans"] = draw(st.lists(_span("prodigy"), max_size=4))
        record["answer"] = draw(st.sampled_from(["accept", "reject", "ignore", "maybe", None]))
        record["_annotator_id"] = draw(
            st.one_of(_TEXT, st.sampled_from(["", "\u202eana", "a\x00"]))
        )
        if draw(st.booleans()):
            record["tokens"] = [
                {"text": "x", "start": draw(_INTS), "end": draw(_INTS), "id": i, "ws": True}
                for i in range(draw(st.integers(0, 4)))
            ]
    elif shape == "doccano":
        record["label"] = draw(st.lists(_span("doccano"), max_size=4))
    if draw(st.booleans()):
        record["meta"] = draw(st.one_of(st.dictionaries(_TEXT, _ANY_TEXT, max_size=3), _TEXT))
    return record


@st.composite
def jsonl_files(draw: st.DrawFn) -> Drawn:
    shape = draw(st.sampled_from(["plain", "prodigy", "doccano"]))
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            lines.append(draw(st.sampled_from(['{"text": ', "[" * 5000 + "]" * 5000, "{}", ""])))
        else:
            lines.append(json.dumps(draw(_record(shape)), ensure_ascii=draw(st.booleans())))
    return ".jsonl", draw(_encoded("\n".join(lines)))


@st.composite
def conll_files(draw: st.DrawFn) -> Drawn:
    lines = []
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.integers(0, 6))
        if kind == 0:
            lines.append("")
        elif kind == 1:
            lines.append(
                draw(st.sampled_from(["-DOCSTART- -X- O O", "# comment", "\t", "a b c d e"]))
            )
        else:
            token = draw(_WORDS)
            tag = draw(
                st.sampled_from(["O", "B-ORG", "I-ORG", "I-LOC", "B-", "X-ORG", "E-ORG", "b-org"])
            )
            lines.append(draw(st.sampled_from([f"{token} {tag}", f"{token}\t{tag}", f"{token}"])))
    suffix = draw(st.sampled_from([".conll", ".iob", ".tsv"]))
    return suffix, draw(_encoded("\n".join(lines)))


READERS = {
    "text": text_files(),
    "markdown": markdown_files(),
    "html": html_files(),
    "jsonl": jsonl_files(),
    "conll": conll_files(),
}
