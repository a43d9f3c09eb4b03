"""read_file as a whole: dispatch on suffix, and whole-file problems (size, encoding, emptiness)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from core.formats import SUPPORTED_SUFFIXES, Limits, read_file
from core.records import RecordError
from tests.core.conftest import Writer, read_all


def test_formats_supported_suffixes() -> None:
    expected = {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".json", ".csv"}
    assert expected | {".conll", ".iob", ".tsv"} == SUPPORTED_SUFFIXES


def test_formats_unknown_suffix_is_one_error(write: Writer) -> None:
    path = write("notes.xml", '{"text": "x"}')
    result = read_all(path)
    assert result.records == []
    [error] = result.errors
    assert error.line is None
    assert error.path == str(path)
    assert "unsupported file type '.xml'" in error.message
    assert ".jsonl" in error.message


def test_formats_suffix_is_case_insensitive(write: Writer) -> None:
    [record] = read_all(write("NOTE.TXT", "Hello")).records
    assert record.text == "Hello"


def test_formats_missing_file_is_one_error(tmp_path: Path) -> None:
    [error] = list(read_file(tmp_path / "gone.jsonl"))
    assert isinstance(error, RecordError)
    assert error.line is None
    assert "cannot read the file" in error.message


@pytest.mark.parametrize("suffix", sorted(SUPPORTED_SUFFIXES))
def test_formats_empty_file_is_one_error(write: Writer, suffix: str) -> None:
    result = read_all(write(f"empty{suffix}", b""))
    assert result.records == []
    [error] = result.errors
    assert (error.line, error.message) == (None, "empty file")


@pytest.mark.parametrize("suffix", [".jsonl", ".conll"])
def test_formats_blank_lines_only_is_empty_file(write: Writer, suffix: str) -> None:
    [error] = read_all(write(f"blank{suffix}", "\n  \n\n")).errors
    assert error.message == "empty file"


def test_formats_file_too_big_names_sizes(write: Writer) -> None:
    path = write("big.txt", "x" * 3000)
    result = read_all(path, Limits(max_file_bytes=2048))
    assert result.records == []
    [error] = result.errors
    assert error.line is None
    assert "file too big: 0.0 MB (3,000 bytes)" in error.message
    assert "the limit is 0.0 MB (2,048 bytes)" in error.message


def test_formats_latin1_jsonl_names_byte_offset_and_line(write: Writer) -> None:
    content = '{"text": "good"}\n{"text": "caf\xe9"}\n'.encode("latin-1")
    result = read_all(write("latin.jsonl", content))
    # The file is checked before any record is yielded: nothing half-imported.
    assert result.records == []
    [error] = result.errors
    assert error.line == 2
    offset = content.index(b"\xe9")
    assert error.message == (
        f"not UTF-8 text: invalid byte 0xe9 at offset {offset} (line 2); "
        "convert the file to UTF-8, e.g. iconv -f latin1 -t utf-8"
    )


def test_formats_latin1_text_names_line(write: Writer) -> None:
    [error] = read_all(write("latin.txt", "one\ntwo\nGr\xfc\xdfe\n".encode("latin-1"))).errors
    assert error.line == 3
    assert "invalid byte 0xfc at offset 10 (line 3)" in error.message


def test_formats_truncated_utf8_at_end_is_reported(write: Writer) -> None:
    [error] = read_all(write("cut.conll", b"A\tO\nB\tO\xc3")).errors
    assert error.line == 2
    assert "invalid byte 0xc3 at offset 7" in error.message


def test_formats_decode_error_offset_across_chunks(write: Writer) -> None:
    # Long lines push the bad byte past the reader's 64 KiB chunks; a two-byte character
    # straddles a chunk boundary on the way.
    first = '{"text": "' + "a" * 65_530 + 'é"}\n'
    second = '{"text": "' + "b" * 70_000 + '"}\n'
    content = (first + second).encode("utf-8") + b'{"text": "\xff"}\n'
    bad = content.index(b"\xff")
    [error] = read_all(write("long.jsonl", content)).errors
    assert error.line == 3
    assert f"at offset {bad} (line 3)" in error.message


def test_formats_multibyte_character_across_chunks_decodes(write: Writer) -> None:
    text = "a" * 65_535 + "é€" + "z"
    [record] = read_all(write("edge.jsonl", f'{{"text": "{text}"}}\n')).records
    assert record.text == text


def test_formats_utf8_bom_is_dropped(write: Writer) -> None:
    result = read_all(write("bom.jsonl", codecs.BOM_UTF8 + b'{"text": "Hallo"}\n'))
    assert [r.text for r in result.records] == ["Hallo"]
    assert result.errors == []


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_formats_utf16_and_utf32_with_bom_are_read(write: Writer, codec: str) -> None:
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    content = '{"text": "Zellchemie € LFP"}\n{"text": "zwei"}\n'
    result = read_all(write("wide.jsonl", bom + content.encode(codec)))
    assert result.errors == []
    assert [(r.text, r.line) for r in result.records] == [("Zellchemie € LFP", 1), ("zwei", 2)]


def test_formats_utf16_without_bom_is_named_as_such(write: Writer) -> None:
    [error] = read_all(write("wide.txt", "Zelle".encode("utf-16-le") + b"\xff\xfe")).errors
    assert error.message.startswith("looks like UTF-16 (LE) text without a byte-order mark")
    assert "iconv -f utf-16le -t utf-8" in error.message


def test_formats_broken_utf16_is_reported(write: Writer) -> None:
    content = codecs.BOM_UTF16_LE + "ok\nno".encode("utf-16-le") + b"\x00\xdc"  # lone surrogate
    [error] = read_all(write("broken.txt", content)).errors
    assert error.message.startswith("not UTF-16 text: invalid byte 0x00 at offset 12 (line 2)")


def test_formats_too_long_line_is_skipped_and_reading_goes_on(write: Writer) -> None:
    content = '{"text": "short"}\n{"text": "' + "x" * 200 + '"}\n{"text": "after"}\n'
    result = read_all(write("long.jsonl", content), Limits(max_line_chars=50))
    assert [(r.text, r.line) for r in result.records] == [("short", 1), ("after", 3)]
    [error] = result.errors
    assert error.line == 2
    assert error.message == "line too long: 212 characters; the limit is 50"


def test_formats_line_of_exactly_the_limit_with_crlf_is_fine(write: Writer) -> None:
    line = '{"text": "' + "x" * 38 + '"}'
    assert len(line) == 50
    result = read_all(write("crlf.jsonl", line + "\r\n" + line + "\r\n"), Limits(max_line_chars=50))
    assert result.errors == []
    assert [r.text for r in result.records] == ["x" * 38] * 2


def test_formats_text_too_long_is_one_error(write: Writer) -> None:
    [error] = read_all(
        write("long.md", "# Title\n\n" + "word " * 50), Limits(max_text_chars=100)
    ).errors
    assert error.message == "text too long: 259 characters; the limit is 100"


def test_formats_records_name_their_source(write: Writer) -> None:
    path = write("two.jsonl", '\n{"text": "a"}\n\n{"text": "b"}\n')
    records = read_all(path).records
    assert [(r.source, r.line) for r in records] == [(str(path), 2), (str(path), 4)]
