"""CSV and TSV tables with a text column: one row, one document; errors name file and line."""

from __future__ import annotations

from core.formats import ReadOptions
from tests.core.conftest import Writer, read_all


def test_formats_table_csv_text_and_meta_columns(write: Writer) -> None:
    content = 'id,text,source\n1,"CATL, GM und BYD",web\n2,"Zwei\nZeilen",dpa\n'
    result = read_all(write("a.csv", content))
    assert result.errors == []
    first, second = result.records
    assert (first.text, first.line, first.meta) == (
        "CATL, GM und BYD",
        2,
        {"id": "1", "source": "web"},
    )
    assert (second.text, second.line) == ("Zwei\nZeilen", 3)
    chosen = read_all(write("b.csv", content), options=ReadOptions(meta_columns=("source",)))
    assert chosen.records[0].meta == {"source": "web"}


def test_formats_table_tsv_with_text_column_else_conll(write: Writer) -> None:
    table = "body\tlang\nDie Zelle kommt.\tde\n"
    result = read_all(write("a.tsv", table), options=ReadOptions(text_column="body"))
    assert [(r.text, r.meta) for r in result.records] == [("Die Zelle kommt.", {"lang": "de"})]
    conll = read_all(write("b.tsv", "CATL\tB-ORG\nbaut\tO\n"))
    assert [r.text for r in conll.records] == ["CATL baut"]  # no text column: CoNLL as before


def test_formats_table_bad_rows_named_by_line_rest_kept(write: Writer) -> None:
    content = "text,src\nEins.,a\nzu,viele,felder\n,leer\nVier.,d\n"
    result = read_all(write("c.csv", content))
    assert [r.text for r in result.records] == ["Eins.", "Vier."]
    first, second = (str(e) for e in result.errors)
    assert first.endswith(
        "c.csv:3: the row has 3 fields, the header 2 (a ',' inside a field must be quoted)"
    )
    assert second.endswith("c.csv:4: column 'text' is empty")


def test_formats_table_missing_column_and_encoding(write: Writer) -> None:
    result = read_all(write("d.csv", "body,src\nEins.,a\n"))
    [error] = result.errors
    assert "no column 'text' in the header row; the file has 'body', 'src'" in str(error)
    assert "--text-column" in str(error)
    missing_meta = read_all(
        write("e.csv", "text\nEins.\n"), options=ReadOptions(meta_columns=("x",))
    )
    assert "no column 'x'" in str(missing_meta.errors[0])
    latin = read_all(write("f.csv", b"text\nGr\xfc\xdfe\n"))
    [bad] = latin.errors
    assert "not UTF-8 text" in str(bad) and "line 2" in str(bad)
