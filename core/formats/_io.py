"""Reading files for the format readers: size limits, decoding (UTF-8, or UTF-16/32 with a BOM)
and line streaming that knows each line's number.

Readers raise :class:`FileProblem` for a whole-file problem; ``read_file`` turns it into one
``RecordError``.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.records import RecordError

MB = 2**20
_CHUNK_BYTES = 1 << 16
# UTF-32 LE must be tried before UTF-16 LE: its BOM starts with the UTF-16 LE BOM.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


@dataclass(frozen=True)
class Limits:
    """Upper bounds that keep a hostile or mistaken file from exhausting memory."""

    max_file_bytes: int = 50 * MB
    max_line_chars: int = 2_000_000
    # A document of 2 million characters (~600 pages) already needs ~300 MB to tokenize and
    # store; 5 million needed past 500 MB. No news article comes near either.
    max_text_chars: int = 2_000_000


@dataclass(frozen=True)
class ReadOptions:
    """How to read table files: the column that holds the text (``.csv``: ``text`` unless
    named; ``.tsv`` is read as a table only when it is named, else as CoNLL) and the columns
    kept as meta (None: every other column)."""

    text_column: str | None = None
    meta_columns: tuple[str, ...] | None = None


class FileProblem(Exception):
    """The whole file cannot be read; ``line`` is where the problem was found, if known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


Line = tuple[int, str]
"""A line's 1-based number and its text without the line ending."""


@dataclass(frozen=True)
class _Encoding:
    codec: str
    label: str
    bom_bytes: int


def _sniff(head: bytes) -> _Encoding:
    for bom, codec, label in _BOMS:
        if head.startswith(bom):
            return _Encoding(codec, label, len(bom))
    return _Encoding("utf-8", "UTF-8", 0)


def _check_bomless_utf16(head: bytes) -> None:
    """Refuse text that looks like UTF-16 without a byte-order mark (every other byte NUL).

    Such a file may even decode as UTF-8 (ASCII letters with NULs between them), so it is
    caught by its shape before decoding; the hint names the right conversion.
    """
    sample = head[:4096]
    if len(sample) < 4:
        return
    even, odd = sample[0::2], sample[1::2]
    for zeros, order in ((odd, "le"), (even, "be")):
        if zeros.count(0) >= 0.4 * len(zeros) and sample.count(0) < 0.75 * len(sample):
            raise FileProblem(
                f"looks like UTF-16 ({order.upper()}) text without a byte-order mark; "
                f"convert the file to UTF-8, e.g. iconv -f utf-16{order} -t utf-8",
                1,
            )


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB ({size:,} bytes)"


def check_size(path: Path, limits: Limits) -> None:
    """Raise :class:`FileProblem` when the file is larger than ``limits.max_file_bytes``."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise FileProblem(
            f"file too big: {_megabytes(size)}; the limit is {_megabytes(limits.max_file_bytes)}"
        )


def check_text_length(text: str, limits: Limits, line: int | None = None) -> None:
    if len(text) > limits.max_text_chars:
        raise FileProblem(
            f"text too long: {len(text):,} characters; the limit is {limits.max_text_chars:,}",
            line,
        )


def _decode_failure(
    error: UnicodeDecodeError, encoding: _Encoding, object_offset: int, lines_before: int
) -> FileProblem:
    """Describe a decoding error; ``object_offset`` is the file offset of ``error.object[0]``."""
    offset = object_offset + error.start
    bad = error.object[error.start]
    prefix = error.object[: error.start].decode(encoding.codec, errors="replace")
    line = lines_before + prefix.count("\n")
    hint = (
        "convert the file to UTF-8, e.g. iconv -f latin1 -t utf-8"
        if encoding.label == "UTF-8"
        else "convert the file to UTF-8, e.g. with iconv"
    )
    return FileProblem(
        f"not {encoding.label} text: invalid byte 0x{bad:02x} at offset {offset} "
        f"(line {line}); {hint}",
        line,
    )


def _decode_chunks(chunks: Iterable[bytes], encoding: _Encoding) -> Iterator[str]:
    """Decode strictly, chunk by chunk, raising :class:`FileProblem` naming offset and line."""
    decoder = codecs.getincrementaldecoder(encoding.codec)()
    consumed = encoding.bom_bytes  # file offset of the first byte not yet fed to the decoder
    lines = 1
    for chunk in chunks:
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as error:
            raise _decode_failure(error, encoding, consumed - pending, lines) from None
        consumed += len(chunk)
        lines += text.count("\n")
        yield text
    pending = len(decoder.getstate()[0])
    try:
        yield decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise _decode_failure(error, encoding, consumed - pending, lines) from None


def read_text(path: Path, limits: Limits) -> str:
    """The whole file as text: size checked, BOM dropped, decoded strictly, length checked."""
    check_size(path, limits)
    data = path.read_bytes()
    encoding = _sniff(data[:4])
    if encoding.bom_bytes == 0:
        _check_bomless_utf16(data[:4096])
    text = "".join(_decode_chunks([data[encoding.bom_bytes :]], encoding))
    check_text_length(text, limits)
    return text


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def iter_lines(path: Path, limits: Limits) -> Iterator[Line | RecordError]:
    """Stream the file's lines with their numbers, never holding the whole file in memory.

    The file is first decoded once without keeping the text, so an encoding problem is reported
    (as :class:`FileProblem`) before any line is yielded. A line longer than
    ``limits.max_line_chars`` is skipped and yielded as a ``RecordError`` instead. Lines end at
    LF only; a CR before it is dropped.
    """
    with open_text(path, limits, newline="\n") as text:
        yield from _split_lines(text, path, limits)


@contextmanager
def open_text(path: Path, limits: Limits, newline: str | None = "") -> Iterator[io.TextIOWrapper]:
    """The file as a text stream: size checked, BOM skipped, and decoded once beforehand
    without keeping the text, so an encoding problem is a :class:`FileProblem` naming offset
    and line before anything is read."""
    check_size(path, limits)
    with path.open("rb") as raw:
        head = raw.read(4096)
        encoding = _sniff(head[:4])
        if encoding.bom_bytes == 0:
            _check_bomless_utf16(head)
        raw.seek(encoding.bom_bytes)
        for _ in _decode_chunks(iter(lambda: raw.read(_CHUNK_BYTES), b""), encoding):
            pass
        raw.seek(encoding.bom_bytes)
        with io.TextIOWrapper(raw, encoding=encoding.codec, newline=newline) as text:
            yield text


def _split_lines(
    text: io.TextIOWrapper, path: Path, limits: Limits
) -> Iterator[Line | RecordError]:
    read_size = limits.max_line_chars + 2  # room for the longest allowed line plus CR LF
    number = 0
    while chunk := text.readline(read_size):
        number += 1
        if not chunk.endswith("\n") and len(chunk) == read_size:
            length = len(chunk)
            while more := text.readline(read_size):
                length += len(more)
                if more.endswith("\n"):
                    length -= 1
                    break
            yield RecordError(path, number, _too_long(length, limits))
            continue
        line = chunk.removesuffix("\n").removesuffix("\r")
        if len(line) > limits.max_line_chars:
            yield RecordError(path, number, _too_long(len(line), limits))
            continue
        yield number, line


def _too_long(length: int, limits: Limits) -> str:
    return f"line too long: {length:,} characters; the limit is {limits.max_line_chars:,}"
