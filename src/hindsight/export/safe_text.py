"""User text made safe for the documents it ends up in.

Everything an author typed is untrusted: it may hold `<script>`, event handlers or
`javascript:` links, pasted from a chat or a log on purpose or by accident.

- For HTML (files and the preview), Markdown becomes HTML with the Markdown package, and the
  result is sanitised with nh3 against a short list of tags, attributes and link schemes.
- For Markdown files, the text stays Markdown, but raw HTML is escaped and links whose
  scheme is not http, https or mailto are turned into harmless relative links, so that any
  renderer the reader uses shows them as text.
"""

from __future__ import annotations

import html
import re

import markdown as markdown_lib
import nh3
from markupsafe import Markup, escape

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
_ATTRIBUTES = {"a": {"href", "title"}, "td": {"style"}, "th": {"style"}, "ol": {"start"}}
_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]
# User headings sit inside a document section: '#' becomes <h4>, so it never outranks ours.
_HEADING = re.compile(r"(</?)h([1-6])\b")


def _demote(match: re.Match[str]) -> str:
    return f"{match.group(1)}h{min(int(match.group(2)) + 3, 6)}"


def sanitise_html(fragment: str) -> str:
    """`fragment` with everything but plain formatting, tables and web links removed."""
    return nh3.clean(
        fragment,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=set(SAFE_SCHEMES),
        filter_style_properties={"text-align"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def markdown_to_html(text: str | None) -> Markup:
    """The author's Markdown as sanitised HTML, safe to place in a document or a preview."""
    if not text or not text.strip():
        return Markup("")
    rendered = markdown_lib.markdown(text, extensions=_EXTENSIONS, output_format="html")
    return Markup(sanitise_html(_HEADING.sub(_demote, rendered)).strip())


def text_to_html(text: str | None) -> Markup:
    """Plain text escaped for HTML, its line breaks kept."""
    if not text:
        return Markup("")
    lines = [escape(line) for line in text.strip().splitlines()]
    return Markup("<br>\n").join(lines)


# -- Markdown output ----------------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BACKTICKS = re.compile(r"`+")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_INLINE_DESTINATION = re.compile(r"(\]\(\s*<?)")
_REFERENCE = re.compile(r"^( {0,3}\[[^\]]+\]:\s*<?)", re.MULTILINE)
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*)\s*:")
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")


def _unsafe_destination(rest: str) -> bool:
    # CommonMark decodes entities and backslash escapes inside a destination before use.
    end = re.search(r"[\s)>]", rest)
    destination = html.unescape(rest[: end.start() if end else len(rest)].replace("\\", ""))
    match = _SCHEME.match(destination)
    return match is not None and match.group(1).lower() not in SAFE_SCHEMES


def _defuse_links(text: str, pattern: re.Pattern[str]) -> str:
    pieces: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        pieces.append(text[position : match.end()])
        position = match.end()
        if _unsafe_destination(text[position:]):
            pieces.append("./")  # a relative path can never carry a scheme
    pieces.append(text[position:])
    return "".join(pieces)


def _defuse_prose(text: str) -> str:
    text = _ENTITY.sub("&amp;", text)
    text = text.replace("<", "&lt;")
    text = _defuse_links(text, _INLINE_DESTINATION)
    return _defuse_links(text, _REFERENCE)


def _defuse_inline(line_block: str) -> str:
    """Defuse prose, leaving inline code spans (matched backtick runs) as they are."""
    pieces: list[str] = []
    position = 0
    search_from = 0
    while True:
        opening = _BACKTICKS.search(line_block, search_from)
        if opening is None:
            break
        run = opening.group(0)
        closing = re.compile(rf"(?<!`){re.escape(run)}(?!`)").search(line_block, opening.end())
        if closing is None:
            search_from = opening.end()
            continue
        pieces.append(_defuse_prose(line_block[position : opening.start()]))
        pieces.append(line_block[opening.start() : closing.end()])
        position = search_from = closing.end()
    pieces.append(_defuse_prose(line_block[position:]))
    return "".join(pieces)


def _closes(line: str, fence: str) -> bool:
    closing = _FENCE.match(line)
    if not closing:
        return False
    run = closing.group(1)
    # A closing fence is the same character, at least as long, with nothing after it.
    return run[0] == fence[0] and len(run) >= len(fence) and not line.strip()[len(run) :].strip()


def markdown_block(text: str | None) -> str:
    """The author's Markdown, with raw HTML and unsafe links defused, code left alone."""
    if not text:
        return ""
    out: list[str] = []
    prose: list[str] = []
    fence: str | None = None
    for line in text.strip("\n").splitlines():
        if fence is None:
            opened = _FENCE.match(line)
            if opened:
                if prose:
                    out.append(_defuse_inline("\n".join(prose)))
                prose = []
                fence = opened.group(1)
                out.append(line)
            else:
                prose.append(line)
        else:
            out.append(line)
            if _closes(line, fence):
                fence = None
    if prose:
        out.append(_defuse_inline("\n".join(prose)))
    if fence is not None:
        out.append(fence)  # an unclosed fence would swallow the rest of the document
    return "\n".join(out).rstrip()


def markdown_inline(text: str | None) -> str:
    """Plain text for a Markdown line: one line, with Markdown's active characters escaped."""
    if not text:
        return ""
    flat = " ".join(text.split())
    return _ENTITY.sub("&amp;", _INLINE_SPECIAL.sub(r"\\\1", flat))


def markdown_cell(text: str | None) -> str:
    """Plain text for a Markdown table cell (one line, pipes escaped)."""
    return markdown_inline(text)


def markdown_block_cell(text: str | None) -> str:
    """The author's Markdown squeezed into one table cell: safe, one line, pipes escaped."""
    if not text:
        return ""
    flat = " ".join(markdown_block(text).split())
    return re.sub(r"(?<!\\)\|", r"\\|", flat)
