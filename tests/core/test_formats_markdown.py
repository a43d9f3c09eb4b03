"""The Markdown reader: front matter into meta, markup reduced to readable text."""

from __future__ import annotations

from tests.core.conftest import Writer, read_all


def test_formats_markdown_front_matter_becomes_meta(write: Writer) -> None:
    source = (
        "---\n"
        'title: "CATL aims to reach 300 Wh/kg"\n'
        "date: 2018-02-04\n"
        "updated: 2018-02-05T10:30:00\n"
        "lang: en\n"
        "tags: [CATL, NCM 811]\n"
        "---\n"
        "CATL wants cells with 300 Wh/kg.\n"
    )
    result = read_all(write("post.md", source))
    assert result.errors == []
    [record] = result.records
    assert record.meta == {
        "title": "CATL aims to reach 300 Wh/kg",
        "date": "2018-02-04",
        "updated": "2018-02-05T10:30:00",
        "lang": "en",
        "language": "en",
        "tags": ["CATL", "NCM 811"],
    }
    assert record.text == "CATL wants cells with 300 Wh/kg."
    assert record.line == 1


def test_formats_markdown_toml_front_matter(write: Writer) -> None:
    source = '+++\ntitle = "LFP comeback"\nlanguage = "en"\n+++\nText.\n'
    [record] = read_all(write("post.markdown", source)).records
    assert record.meta == {"title": "LFP comeback", "language": "en"}
    assert record.text == "Text."


def test_formats_markdown_invalid_yaml_names_the_line(write: Writer) -> None:
    source = '---\ntitle: "fine"\nauthors: Pedro: Lima\ndate: 2020-01-01\n---\nText.\n'
    result = read_all(write("bad.md", source))
    assert result.records == []
    [error] = result.errors
    assert error.line == 3
    assert error.message == "invalid YAML front matter: mapping values are not allowed here"


def test_formats_markdown_front_matter_must_be_a_mapping(write: Writer) -> None:
    [error] = read_all(write("list.md", "---\n- a\n- b\n---\nText.\n")).errors
    assert error.message == "front matter must be a mapping of keys to values"


def test_formats_markdown_unclosed_fence_is_plain_markdown(write: Writer) -> None:
    [record] = read_all(write("rule.md", "---\nJust a thematic break above.\n")).records
    assert record.meta == {}
    assert record.text == "Just a thematic break above."


def test_formats_markdown_front_matter_only_is_an_error(write: Writer) -> None:
    [error] = read_all(write("empty.md", "---\ntitle: x\n---\n\n&nbsp;\n")).errors
    assert error.line is None
    assert error.message.startswith("no text in the document")


def test_formats_markdown_markup_becomes_readable_text(write: Writer) -> None:
    source = """\
# Samsung SDI *94 Ah* cell

The cell is made by [Samsung SDI](https://example.com/sdi "SDI") and has **94 Ah**,
see `NCM 622` &amp; ![the cell's label](cell.png).

&nbsp;

- **Capacity**: 94 Ah
- Voltage: 3,68 V
  1. nested item

> Quoted from the\x20\x20
> press release.

```text
code stays
  indented
```

{{< youtube N6sRWGjFx5w >}}

<table><tr><td><p>Model</p></td><td>Cells</td></tr><tr><td>i3</td><td>96</td></tr></table>

| Model | Range |
|-------|-------|
| Zoe   | 300<br>km |

***

Last paragraph.
"""
    [record] = read_all(write("cell.md", source)).records
    assert record.text == (
        "Samsung SDI 94 Ah cell\n"
        "\n"
        "The cell is made by Samsung SDI and has 94 Ah, see NCM 622 & the cell's label.\n"
        "\n"
        "Capacity: 94 Ah\n"
        "Voltage: 3,68 V\n"
        "nested item\n"
        "\n"
        "Quoted from the\n"
        "press release.\n"
        "\n"
        "code stays\n"
        "  indented\n"
        "\n"
        "Model\tCells\n"
        "i3\t96\n"
        "\n"
        "Model\tRange\n"
        "Zoe\t300 km\n"
        "\n"
        "Last paragraph."
    )


def test_formats_markdown_keeps_decoded_entities_inside_text(write: Writer) -> None:
    [record] = read_all(write("nbsp.md", "78&nbsp;Ah and 3&#8239;V\n")).records
    assert record.text == "78\u00a0Ah and 3\u202fV"
