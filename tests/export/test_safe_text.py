"""Untrusted author text becomes harmless in HTML and in Markdown."""

from __future__ import annotations

import re

import html5lib
import pytest
from markdown_it import MarkdownIt
from tests.export.conftest import HOSTILE

from hindsight.export.safe_text import (
    markdown_block,
    markdown_block_cell,
    markdown_inline,
    markdown_to_html,
)

DANGEROUS = ("<script", "onerror", "javascript:", "<iframe")
BAD_ELEMENTS = {"script", "iframe", "object", "embed", "style", "form", "input", "svg", "base"}


def assert_harmless_html(markup: str, *, document: bool = False) -> None:
    """No element that runs code, no event handler, no link with a scheme that runs code."""
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    tree = parser.parse(markup) if document else parser.parseFragment(markup)
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if document and tag == "style":
            continue  # the document's own stylesheet
        assert tag not in BAD_ELEMENTS, f"<{tag}> survived"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"{name}= survived on <{tag}>"
            if name in ("href", "src", "action", "formaction"):
                # As a browser reads it: a scheme is letters, digits, + . - before the colon.
                match = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):", value)
                scheme = match.group(1).lower() if match else ""
                assert scheme in ("", "http", "https", "mailto", "data"), value
                if scheme == "data":
                    assert value.startswith("data:image/png;base64,"), value


def rendered_links(markdown_text: str) -> list[str]:
    """Every href/src a CommonMark renderer (with tables) would produce from the text."""
    parser = MarkdownIt("commonmark").enable("table")
    found: list[str] = []
    stack = list(parser.parse(markdown_text))
    while stack:
        token = stack.pop()
        found.extend(str(v) for k, v in (token.attrs or {}).items() if k in ("href", "src"))
        stack.extend(token.children or [])
    return found


def test_html_keeps_formatting_and_drops_script_handlers_and_bad_links() -> None:
    out = markdown_to_html("**bold** [ok](https://example.com/x)\n\n" + HOSTILE)
    assert_harmless_html(out)
    lowered = out.lower()
    for bad in DANGEROUS:
        assert bad not in lowered
    assert "<strong>bold</strong>" in out
    assert 'href="https://example.com/x"' in out
    assert "&lt;b&gt;code stays&lt;/b&gt;" in out  # code is shown, not run


@pytest.mark.parametrize(
    "attack",
    [
        "<svg onload=alert(1)>",
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        "<style>body{display:none}</style>",
        '<p style="background:url(javascript:alert(1))">x</p>',
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        '<form action="https://evil.example"><input></form>',
    ],
)
def test_html_sanitiser_refuses_each_attack(attack: str) -> None:
    out = markdown_to_html(attack).lower()
    for bad in ("onload", "javascript:", "<style", "<svg", "data:text", "<form", "<input"):
        assert bad not in out


def test_user_headings_never_outrank_the_document() -> None:
    assert "<h4>Title</h4>" in markdown_to_html("# Title")


def test_markdown_output_defuses_raw_html_and_links_for_any_renderer() -> None:
    out = markdown_block(HOSTILE)
    assert_harmless_html(MarkdownIt("commonmark").enable("table").render(out))
    links = rendered_links(out)
    assert len(links) == 3
    for link in links:
        assert not re.match(r"^\s*[a-zA-Z][a-zA-Z0-9+.\-]*:", link), link
    assert "`<b>code stays</b>`" in out  # code spans are left as written


def test_fenced_code_is_left_alone_and_an_open_fence_is_closed() -> None:
    text = "Look:\n\n```\n<script>x</script>\n```\n\nthen <b>"
    out = markdown_block(text)
    assert "```\n<script>x</script>\n```" in out
    assert out.endswith("then &lt;b>")
    assert markdown_block("```\nunclosed").endswith("```")


def test_inline_text_cannot_start_markdown_constructs() -> None:
    out = markdown_inline("*not bold* [x](javascript:alert(1)) <b> | a")
    html = MarkdownIt("commonmark").render(out)
    assert "<em>" not in html and "<a" not in html and "<b>" not in html
    assert "\\|" in out


def test_block_cell_stays_in_its_table_cell() -> None:
    table = "| a | b |\n| --- | --- |\n| 1 | " + markdown_block_cell("x | y\n\nz <i>") + " |\n"
    tokens = MarkdownIt("commonmark").enable("table").parse(table)
    assert sum(t.type == "td_open" for t in tokens) == 2
    assert "<i>" not in MarkdownIt("commonmark").enable("table").render(table)


def test_sanitised_html_parses_as_html5() -> None:
    parser = html5lib.HTMLParser(strict=True)
    parser.parseFragment(str(markdown_to_html(HOSTILE + "\n\n| a | b |\n|---|:-:|\n| 1 | 2 |")))
