"""The ``.json`` reader: an array of records in any JSONL shape, streamed; errors by record."""

from __future__ import annotations

import json

from core.formats import Limits
from core.formats import json_array as json_array_module
from tests.core.conftest import Writer, labelled, read_all


def test_formats_json_array_every_shape(write: Writer) -> None:
    records = [
        {"text": "CATL baut in Erfurt.", "id": 7},
        {"text": "GM kauft Zellen.", "label": [[0, 2, "ORG"]]},
        {
            "text": "BYD liefert.",
            "spans": [{"start": 0, "end": 3, "label": "ORG"}],
            "answer": "accept",
        },
    ]
    result = read_all(write("a.json", json.dumps(records, indent=2)))
    assert result.errors == []
    plain, doccano, prodigy = result.records
    assert (plain.line, plain.meta, plain.spans) == (1, {"id": 7}, None)
    assert labelled(doccano) == [("ORG", "GM")] and doccano.line == 2
    assert prodigy.answer == "accept" and labelled(prodigy) == [("ORG", "BYD")]
    assert all(r.numbered for r in result.records)
    assert plain.where.endswith("a.json: record 1")


def test_formats_json_array_bad_record_named_by_number_rest_kept(write: Writer) -> None:
    content = json.dumps([{"text": "Eins."}, {"text": 5}, "nope", {"text": "Vier."}])
    result = read_all(write("b.json", content))
    assert [r.text for r in result.records] == ["Eins.", "Vier."]
    messages = [str(e) for e in result.errors]
    assert messages[0].endswith("b.json: record 2: 'text' must be a string, got a number")
    assert "b.json: record 3: expected a JSON object, got a string" in messages[1]


def test_formats_json_array_broken_json_stops_there(write: Writer) -> None:
    result = read_all(write("c.json", '[{"text": "Eins."}, {"text": "Zw'))
    assert [r.text for r in result.records] == ["Eins."]
    [error] = result.errors
    assert "invalid JSON after record 1" in str(error)
    assert "the records before it were read" in str(error)


def test_formats_json_array_one_object_and_wrong_top_level(write: Writer) -> None:
    one = read_all(write("d.json", '{"text": "Nur einer."}'))
    assert [r.text for r in one.records] == ["Nur einer."]
    number = read_all(write("e.json", "42"))
    assert "must hold an array of records" in str(number.errors[0])


def test_formats_json_array_encoding_errors_name_the_line(write: Writer) -> None:
    result = read_all(write("f.json", b'[{"text": "Gr\xfc\xdfe"}]'))
    [error] = result.errors
    assert "not UTF-8 text" in str(error) and "line 1" in str(error)
    bom = read_all(write("g.json", "\ufeff" + json.dumps([{"text": "BOM vorne."}])))
    assert [r.text for r in bom.records] == ["BOM vorne."]
    utf16 = read_all(write("h.json", '[{"text": "Zellen 🔋"}]'.encode("utf-16")))
    assert [r.text for r in utf16.records] == ["Zellen 🔋"]


def test_formats_json_array_is_streamed_not_loaded_whole(write: Writer, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The reader asks for the file in pieces: the first record arrives before the last
    piece has been read."""
    reads: list[int] = []
    original = json_array_module._Chained.read

    def counting(self, size=-1):  # type: ignore[no-untyped-def]
        reads.append(size)
        return original(self, size)

    monkeypatch.setattr(json_array_module._Chained, "read", counting)
    records = [{"text": f"Satz {n} " + "x" * 200} for n in range(3000)]  # ~700 KB
    path = write("big.json", json.dumps(records))
    items = json_array_module.read_json(path, Limits())
    first = next(items)
    assert first.text.startswith("Satz 0 ")
    reads_before_rest = len(reads)
    assert sum(1 for _ in items) == 2999
    assert len(reads) > reads_before_rest + 5  # the rest was read piece by piece afterwards
    assert all(size > 0 for size in reads)
