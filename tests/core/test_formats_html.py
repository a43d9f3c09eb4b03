"""The HTML reader: visible text only, blocks as lines and paragraphs, <title> into meta."""

from __future__ import annotations

from tests.core.conftest import Writer, read_all

PAGE = """<!DOCTYPE html>
<html lang="de">
<head>
  <meta charset="utf-8">
  <title>  GM importiert
     LFP-Batterien </title>
  <style>p { color: red }</style>
  <script>document.write("<p>not text</p>")</script>
  <link rel="stylesheet" href="https://example.com/x.css">
</head>
<body>
  <nav><ul><li>Home</li><li>News</li></ul></nav>
  <article>
    <h1>GM &amp; CATL</h1>
    <p>General   Motors will
       LFP-Zellen von <a href="https://catl.com">CATL</a> importieren.<br>Zweite Zeile.</p>
    <noscript><p>Enable JavaScript</p></noscript>
    <template><p>hidden</p></template>
    <div>Preis: 80&nbsp;$/kWh &ndash; sagt <b>Reuters</b></div>
    <p><img src="https://example.com/tracker.gif" alt="tracker"></p>
    <table><tr><th>Zelle</th><th>Wh/kg</th></tr>
           <tr><td><p>LFP</p></td><td>160</td></tr></table>
    <pre>  a  b
  c</pre>
    <svg><title>icon</title><text>drawn</text></svg>
  </article>
</body>
</html>
"""


def test_formats_html_reduces_a_page_to_text(write: Writer) -> None:
    path = write("page.html", PAGE)
    result = read_all(path)
    assert result.errors == []
    [record] = result.records
    assert record.meta == {"title": "GM importiert LFP-Batterien", "language": "de"}
    assert (record.source, record.line, record.spans) == (str(path), 1, None)
    assert record.text == (
        "Home\n"
        "News\n"
        "\n"
        "GM & CATL\n"
        "\n"
        "General Motors will LFP-Zellen von CATL importieren.\n"
        "Zweite Zeile.\n"
        "\n"
        "Preis: 80\u00a0$/kWh – sagt Reuters\n"
        "\n"
        "Zelle\tWh/kg\n"
        "LFP\t160\n"
        "\n"
        "  a  b\n"
        "  c"
    )


def test_formats_html_without_head_end_tag(write: Writer) -> None:
    markup = "<html><head><title>T</title><body><p>Body text</p></body></html>"
    [record] = read_all(write("nohead.htm", markup)).records
    assert record.meta == {"title": "T"}
    assert record.text == "Body text"


def test_formats_html_fragment_without_title(write: Writer) -> None:
    [record] = read_all(write("frag.html", "<p>One</p><p>Two</p>\r\n<li>Three")).records
    assert record.meta == {}
    assert record.text == "One\n\nTwo\n\nThree"


def test_formats_html_without_visible_text_is_an_error(write: Writer) -> None:
    markup = "<html><head><title>Only a title</title></head><body><script>x()</script></body>"
    result = read_all(write("blank.html", markup))
    assert result.records == []
    [error] = result.errors
    assert error.message == "no text in the document once markup is removed"
