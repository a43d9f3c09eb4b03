"""The .txt reader: one document, text exact but for BOM and line ends."""

from __future__ import annotations

import codecs

from tests.core.conftest import Writer, read_all


def test_formats_txt_is_one_exact_document(write: Writer) -> None:
    text = (
        "GM importiert LFP-Batterien von CATL.\n\n  Eingerückt,\ttabs  und doppelte  Leerzeichen.\n"
    )
    path = write("article.txt", text)
    result = read_all(path)
    assert result.errors == []
    [record] = result.records
    assert record.text == text
    assert (record.source, record.line, record.meta) == (str(path), 1, {})
    assert record.spans is None
    assert record.tokens is None


def test_formats_txt_normalises_crlf_and_cr(write: Writer) -> None:
    [record] = read_all(write("dos.txt", b"one\r\ntwo\rthree\r\n")).records
    assert record.text == "one\ntwo\nthree\n"


def test_formats_txt_drops_bom(write: Writer) -> None:
    [record] = read_all(write("bom.txt", codecs.BOM_UTF8 + "Größe".encode())).records
    assert record.text == "Größe"


def test_formats_txt_whitespace_only_is_empty_file(write: Writer) -> None:
    result = read_all(write("blank.txt", " \n\t\r\n\u00a0"))
    assert result.records == []
    [error] = result.errors
    assert (error.line, error.message) == (None, "empty file")
