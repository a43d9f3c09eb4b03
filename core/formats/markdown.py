"""The Markdown reader: front matter becomes ``meta``, the markup is reduced to readable text.

Parsing is markdown-it-py's (CommonMark plus tables); this module only walks its token stream.
Headings and paragraphs are separated by a blank line, list items and table rows take a line
each, link targets are dropped, images become their alt text, code is kept. Hugo shortcodes
(``{{< youtube … >}}``) are removed: they are site machinery, not article text.
"""

from __future__ import annotations

import datetime
import math
import re
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token as MarkdownToken

from core.formats._io import FileProblem, Limits, normalize_newlines, read_text
from core.formats._plaintext import LINE_BREAK, PARAGRAPH_BREAK, PlainTextBuilder
from core.formats.html import html_into
from core.records import ImportRecord, RecordError

_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_SHORTCODE = re.compile(r"\{\{[<%].*?[%>]\}\}", re.DOTALL)
_LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TOML_LINE = re.compile(r"at line (\d+)")
_FRONT_MATTER_CLOSERS = {"---": ("---", "..."), "+++": ("+++",)}
# Front matter is a few keys of metadata. These bounds are checked before anything is copied:
# YAML aliases of aliases ("billion laughs") expand exponentially, nesting recurses.
FRONT_MATTER_MAX_CHARS = 64 * 1024
FRONT_MATTER_MAX_VALUES = 10_000  # scalars, lists and mappings, aliases counted expanded
FRONT_MATTER_MAX_DEPTH = 32
_BLOCK_PARAGRAPHS = frozenset(
    {
        "heading_open", "heading_close", "blockquote_open", "blockquote_close",
        "table_open", "table_close", "hr",
    }
)  # fmt: skip
_LISTS_OPEN = frozenset({"bullet_list_open", "ordered_list_open"})
_LISTS_CLOSE = frozenset({"bullet_list_close", "ordered_list_close"})
_LINES = frozenset({"list_item_open", "list_item_close", "tr_open", "tr_close"})


def read_markdown(path: Path, limits: Limits) -> Iterator[ImportRecord | RecordError]:
    source = normalize_newlines(read_text(path, limits))
    if not source.strip():
        raise FileProblem("empty file")
    meta, body = split_front_matter(source)
    text = markdown_to_text(body)
    if not text:
        raise FileProblem("no text in the document once front matter and markup are removed")
    yield ImportRecord(text=text, source=str(path), line=1, meta=meta)


def split_front_matter(source: str) -> tuple[dict[str, Any], str]:
    """Split YAML (``---``) or TOML (``+++``) front matter from the Markdown body.

    Raises :class:`FileProblem` naming the line when the front matter does not parse. A fence
    that is never closed is not front matter: the whole source is Markdown then.
    """
    first_line, _, rest = source.partition("\n")
    closers = _FRONT_MATTER_CLOSERS.get(first_line.rstrip())
    if closers is None:
        return {}, source
    lines = rest.split("\n")
    index = next((i for i, line in enumerate(lines) if line.rstrip() in closers), None)
    if index is None:
        return {}, source
    header = "\n".join(lines[:index])
    body = "\n".join(lines[index + 1 :])
    if len(header) > FRONT_MATTER_MAX_CHARS:
        raise FileProblem(
            f"front matter too long: {len(header):,} characters; "
            f"the limit is {FRONT_MATTER_MAX_CHARS:,}",
            2,
        )
    data = _parse_yaml(header) if first_line.startswith("-") else _parse_toml(header)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FileProblem("front matter must be a mapping of keys to values", 2)
    meta: dict[str, Any] = _json_safe(data)
    if "language" not in meta and isinstance(meta.get("lang"), str):
        meta["language"] = meta["lang"]
    return meta, body


def _parse_yaml(header: str) -> Any:
    """Compose the YAML node graph (aliases stay shared), check its expanded size and depth,
    and only then build Python values from it."""
    _check_flow_depth(header)
    loader = yaml.SafeLoader(header)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_yaml_nodes(node)
        return loader.construct_document(node)
    except RecursionError:
        raise FileProblem(_too_deep(), 2) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 2 if mark is not None else 1  # +1: 0-based, +1: the opening fence
        raise FileProblem(f"invalid YAML front matter: {error.problem or error}", line) from None
    except yaml.YAMLError as error:
        raise FileProblem(f"invalid YAML front matter: {error}", 1) from None
    finally:
        loader.dispose()


def _check_flow_depth(header: str) -> None:
    """Refuse deeply nested flow collections (``[[[[…``) before PyYAML's scanner sees them:
    its bookkeeping per open bracket makes them quadratic. Brackets inside quotes are skipped."""
    depth = 0
    quote = ""
    for char in header:
        if char == "\n":
            quote = ""  # a quote that spans lines is rare in front matter; be conservative
        elif quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > FRONT_MATTER_MAX_DEPTH:
                raise FileProblem(_too_deep(), 2)
        elif char in "]}":
            depth = max(0, depth - 1)


def _too_deep() -> str:
    return f"front matter nested too deeply; the limit is {FRONT_MATTER_MAX_DEPTH} levels"


def _too_many() -> str:
    return (
        f"front matter too large once its aliases are expanded; the limit is "
        f"{FRONT_MATTER_MAX_VALUES:,} values"
    )


def _check_yaml_nodes(root: yaml.Node) -> None:
    """Raise :class:`FileProblem` when the node graph, aliases expanded, is too big or deep.

    The expanded size of a node shared through aliases is counted once per node (memoized),
    so the check itself stays linear in the size of the text. A cycle is too deep.
    """
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        if depth > FRONT_MATTER_MAX_DEPTH:
            raise FileProblem(_too_deep(), 2)
        known = sizes.get(id(node))
        if known is not None:
            return known
        total = 1
        if isinstance(node, yaml.SequenceNode):
            children: list[yaml.Node] = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            children = []
        for child in children:
            total += size(child, depth + 1)
            if total > FRONT_MATTER_MAX_VALUES:
                raise FileProblem(_too_many(), 2)
        sizes[id(node)] = total
        return total

    size(root, 0)


def _check_depth(value: Any) -> None:
    """Raise :class:`FileProblem` when parsed front matter nests deeper than the limit."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    count = 0
    while stack:
        item, depth = stack.pop()
        count += 1
        if depth > FRONT_MATTER_MAX_DEPTH:
            raise FileProblem(_too_deep(), 2)
        if count > FRONT_MATTER_MAX_VALUES:
            raise FileProblem(_too_many(), 2)
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def _parse_toml(header: str) -> Any:
    try:
        data = tomllib.loads(header)
    except RecursionError:
        raise FileProblem(_too_deep(), 2) from None
    except tomllib.TOMLDecodeError as error:
        found = _TOML_LINE.search(str(error))
        line = int(found.group(1)) + 1 if found else 1
        raise FileProblem(f"invalid TOML front matter: {error}", line) from None
    _check_depth(data)
    return data


def _json_safe(value: Any) -> Any:
    """Front-matter values as JSON can store them: dates as ISO strings, keys as strings."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {_json_key(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((_json_safe(item) for item in value), key=str)
    return str(value)


def _json_key(key: Any) -> str:
    return key.isoformat() if isinstance(key, datetime.date) else str(key)


def markdown_to_text(markdown: str) -> str:
    """Readable plain text of a Markdown document (no front matter)."""
    builder = PlainTextBuilder()
    list_depth = 0
    in_cell = False  # a line break inside a table cell must not split the row
    for token in _MARKDOWN.parse(markdown):
        kind = token.type
        if kind in _LISTS_OPEN:
            builder.line_break(LINE_BREAK if list_depth else PARAGRAPH_BREAK)
            list_depth += 1
        elif kind in _LISTS_CLOSE:
            list_depth = max(0, list_depth - 1)
            builder.line_break(LINE_BREAK if list_depth else PARAGRAPH_BREAK)
        elif kind in _LINES:
            builder.line_break(LINE_BREAK)
        elif kind in ("paragraph_open", "paragraph_close"):
            # Paragraphs inside list items are the items' text: one line each.
            builder.line_break(LINE_BREAK if list_depth else PARAGRAPH_BREAK)
        elif kind in _BLOCK_PARAGRAPHS:
            builder.line_break(PARAGRAPH_BREAK)
        elif kind in ("th_open", "td_open"):
            builder.cell()
            in_cell = True
        elif kind in ("th_close", "td_close"):
            in_cell = False
        elif kind in ("fence", "code_block"):
            builder.line_break(PARAGRAPH_BREAK)
            builder.text(token.content.rstrip("\n"), preformatted=True)
            builder.line_break(PARAGRAPH_BREAK)
        elif kind == "html_block":
            builder.line_break(PARAGRAPH_BREAK)
            html_into(builder, token.content)
            builder.line_break(PARAGRAPH_BREAK)
        elif kind == "inline":
            inline = _inline_text(token.children or [])
            if in_cell:
                inline = inline.replace("\n", " ")
            for i, line in enumerate(inline.split("\n")):
                if i:
                    builder.line_break(LINE_BREAK)
                builder.text(line)
    return builder.result()


def _inline_text(children: Sequence[MarkdownToken]) -> str:
    """The text of an inline run: markup and link targets dropped, hard breaks as newlines."""
    parts: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak" or (
            kind == "html_inline" and _LINE_BREAK_TAG.fullmatch(child.content)
        ):
            parts.append("\n")
        elif kind == "image":
            parts.append(_inline_text(child.children or []))
    return _SHORTCODE.sub("", "".join(parts))
