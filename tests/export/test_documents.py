"""The documents themselves: golden files, valid Markdown and HTML, PDF text, hostile text."""

from __future__ import annotations

import difflib
import io
import os
import re
from pathlib import Path

import html5lib
import pytest
from markdown_it import MarkdownIt
from pypdf import PdfReader
from tests.export.conftest import FIXED_NOW, hostile_incident, key_of
from tests.export.test_safe_text import assert_harmless_html

from hindsight.services.export import ExportRequest, ExportService, Format
from hindsight.services.workspace import Workspace

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"
UPDATE = os.environ.get("HINDSIGHT_UPDATE_GOLDEN") == "1"
DATA_URI = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


def normalised(text: str) -> str:
    """The document with its pictures' bytes left out (they depend on the fonts installed)."""
    return DATA_URI.sub("data:image/png;base64,…", text)


PART = {
    ".md": r"\n## {title}\n.*?(?=\n## |\n---\n)",
    ".html": r'<h2 class="part">{title}</h2>.*?(?=<h2)',
}


def without_part(text: str, suffix: str, title: str) -> str:
    """`text` without the part headed `title` (for a build without that feature)."""
    pattern = PART.get(suffix)
    return re.sub(pattern.format(title=re.escape(title)), "", text, flags=re.S) if pattern else text


def check_golden(name: str, text: str, missing: tuple[str, ...] = ()) -> None:
    """Compare with the golden file; parts in `missing` are features this build lacks."""
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{path} did not exist; it was written: review it and commit it.")
        return
    expected = path.read_text(encoding="utf-8")
    if missing:
        for title in missing:
            expected = without_part(expected, path.suffix, title)
        # The part's surroundings leave a blank line more or less; that is no difference.
        expected, text = (re.sub(r"\n{3,}", "\n\n", t) for t in (expected, text))
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), text.splitlines(True), str(path), "now", n=2
            )
        )
        pytest.fail(
            f"{name} differs from the golden file (if the change is intended, run "
            f"HINDSIGHT_UPDATE_GOLDEN=1 pytest {__file__} and review the diff):\n{diff[:6000]}"
        )


@pytest.mark.parametrize(
    ("key", "template", "fmt"),
    [
        ("HS-1", "full-review", Format.MARKDOWN),
        ("HS-1", "full-review", Format.HTML),
        ("HS-3", "full-review", Format.MARKDOWN),
        ("HS-2", "executive-summary", Format.MARKDOWN),
        ("HS-2", "executive-summary", Format.HTML),
        ("HS-1", "followup-report", Format.MARKDOWN),
    ],
)
def test_demo_documents_match_their_golden_files(
    exporter: ExportService, demo_workspace: Workspace, key: str, template: str, fmt: Format
) -> None:
    rendered = exporter.render(key_of(demo_workspace, key), ExportRequest(fmt, template))
    # The golden files show every feature; a build without one is compared without its part.
    missing = () if hasattr(demo_workspace, "privacy") else ("Privacy and ethics",)
    if UPDATE and missing:
        pytest.skip("update the golden files with every feature present")
    check_golden(f"{key}.{template}{fmt.extension}", normalised(rendered.text), missing)


def test_followup_report_of_all_incidents_matches_its_golden_file(exporter: ExportService) -> None:
    rendered = exporter.render(None, ExportRequest(Format.MARKDOWN, "followup-report"))
    check_golden("all.followup-report.md", rendered.text)
    for key in ("HS-1", "HS-2", "HS-3"):
        assert key in rendered.text


def markdown_tokens(text: str) -> list:
    return MarkdownIt("commonmark").enable("table").parse(text)


@pytest.mark.parametrize("template", ["full-review", "executive-summary", "followup-report"])
def test_markdown_is_commonmark_with_tables_and_no_raw_html(
    exporter: ExportService, demo_workspace: Workspace, template: str
) -> None:
    text = exporter.render(
        key_of(demo_workspace, "HS-1"), ExportRequest(Format.MARKDOWN, template)
    ).text
    tokens = markdown_tokens(text)
    types = [t.type for t in tokens]
    assert "table_open" in types
    assert "html_block" not in types
    inline = [c.type for t in tokens for c in (t.children or [])]
    assert "html_inline" not in inline
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert "HS-1" in headings[0]
    # Every table row has as many cells as its header: nothing leaked out of a cell.
    rows: list[int] = []
    for token in tokens:
        if token.type == "tr_open":
            rows.append(0)
        elif token.type in ("td_open", "th_open"):
            rows[-1] += 1
    assert rows and all(n >= 2 for n in rows)


def test_full_review_covers_every_part_of_the_incident(
    exporter: ExportService, demo_workspace: Workspace
) -> None:
    incident = demo_workspace.incidents.get_by_key("HS-1")
    text = exporter.render(incident.id, ExportRequest(Format.MARKDOWN)).text
    for heading in (
        "## Summary",
        "## Milestones",
        "## Timeline",
        "## Response roles",
        "## Teams involved",
        "## Review",
        "## Follow-ups",
        "## Review history",
    ):
        assert f"\n{heading}\n" in text
    for section in demo_workspace.review.bank.sections:
        assert f"\n### {section.title}\n" in text
    for team in incident.teams:
        assert team.team in text
    assert "Time to detect" in text and "best " in text  # durations are ranges
    assert "[" in text and "*" in text  # the text timeline draws ranges and best guesses


def test_html_is_one_valid_html5_file_with_styles_and_pictures_inside(
    exporter: ExportService, demo_workspace: Workspace
) -> None:
    html = exporter.render(key_of(demo_workspace, "HS-1"), ExportRequest(Format.HTML)).text
    parser = html5lib.HTMLParser(strict=True)
    parser.parse(html)  # raises on any parse error
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in html and "<style>" in html
    pictures = DATA_URI.findall(html)
    assert len(pictures) >= 1  # the milestone timeline (and the follow-up grid when present)
    assert not re.search(r'(src|href)="(?!data:|https?:|mailto:|#)', html)
    assert_harmless_html(html, document=True)


def pdf_text(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def squashed(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_pdf_holds_the_title_every_heading_and_page_numbers(
    exporter: ExportService, demo_workspace: Workspace
) -> None:
    incident = demo_workspace.incidents.get_by_key("HS-1")
    data = exporter.render(incident.id, ExportRequest(Format.PDF)).data
    assert data.startswith(b"%PDF")
    text, reader = pdf_text(data)
    flat = squashed(text)
    assert squashed(incident.title) in flat
    headings = [
        "Summary",
        "Milestones",
        "Timeline",
        "Response roles",
        "Teams involved",
        "Review",
        "Follow-ups",
        "Review history",
    ]
    headings += [s.title for s in demo_workspace.review.bank.sections]
    for heading in headings:
        assert heading in flat, heading
    pages = len(reader.pages)
    assert pages > 3
    assert f"Page 1 of {pages}" in flat and f"Page {pages} of {pages}" in flat
    assert reader.metadata.title == f"{incident.key}: {incident.title}"
    assert any(len(page.images) for page in reader.pages[:3])  # the milestone timeline


@pytest.mark.parametrize(("size", "points"), [("A4", (595, 842)), ("Letter", (612, 792))])
def test_pdf_page_size_is_the_one_chosen(
    exporter: ExportService, demo_workspace: Workspace, size: str, points: tuple[int, int]
) -> None:
    request = ExportRequest(Format.PDF, "executive-summary", size)
    _, reader = pdf_text(exporter.render(key_of(demo_workspace, "HS-2"), request).data)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == points
    # An executive summary stays short: two pages of A4. Letter is shorter: with PDF table
    # cells padded at their sides (a cell's text ran into the next one), the closing note's
    # last line of HS-2 runs onto a third.
    assert len(reader.pages) <= (2 if size == "A4" else 3)


def test_sections_start_cleanly_no_heading_ends_a_page(
    exporter: ExportService, demo_workspace: Workspace
) -> None:
    data = exporter.render(key_of(demo_workspace, "HS-1"), ExportRequest(Format.PDF)).data
    _, reader = pdf_text(data)
    titles = {s.title for s in demo_workspace.review.bank.sections} | {"Review", "Timeline"}
    for page in reader.pages:
        lines = [ln.strip() for ln in page.extract_text().splitlines() if ln.strip()]
        body = [ln for ln in lines if not ln.startswith("Page ") and "exported" not in ln]
        assert not body or body[-1] not in titles, f"a heading ends a page: {body[-1]}"


@pytest.mark.parametrize("fmt", [Format.MARKDOWN, Format.HTML, Format.PDF])
def test_hostile_text_exports_as_harmless_text(workspace: Workspace, fmt: Format) -> None:
    stored = workspace.incidents.add(hostile_incident())
    assert stored.id is not None
    service = ExportService(workspace, clock=lambda: FIXED_NOW)
    rendered = service.render(stored.id, ExportRequest(fmt))
    if fmt is Format.MARKDOWN:
        assert_harmless_html(MarkdownIt("commonmark").enable("table").render(rendered.text))
        assert "alert('title')" in rendered.text  # shown as text, not dropped silently
    elif fmt is Format.HTML:
        assert_harmless_html(rendered.text, document=True)
        assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in rendered.text
    else:
        assert_harmless_html(rendered.preview_html, document=True)
        text, _ = pdf_text(rendered.data)
        assert "<script>alert('title')</script>" in squashed(text)


def test_export_time_and_zone_are_stated(
    exporter: ExportService, demo_workspace: Workspace
) -> None:
    text = exporter.render(key_of(demo_workspace, "HS-1"), ExportRequest(Format.MARKDOWN)).text
    assert FIXED_NOW.strftime("%Y-%m-%d %H:%M") in text
    assert "Times are in UTC" in text
