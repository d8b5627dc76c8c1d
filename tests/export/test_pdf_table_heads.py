"""A table cut by a page break in the PDF repeats its header row on every page it goes on; no
row is lost or shown twice; pages where no table is cut stay as they were."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pypdf
import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QFont, QImage, QTextDocument
from tests.export.conftest import FIXED_NOW

from hindsight.core.enums import Phase
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident, TimelineEvent
from hindsight.export import pdf
from hindsight.services.export import ExportRequest, ExportService, Format
from hindsight.services.workspace import Workspace

PDFTOPPM = shutil.which("pdftoppm")
FIXED = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
HEADER = "Ticket Moment Observation"


def texts(data: bytes) -> list[str]:
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    return [" ".join(page.extract_text().split()) for page in pages]


def rows(count: int, start: int = 0) -> str:
    return "".join(
        f"<tr><td>R{n:03d}x</td><td>09:{n % 60:02d}</td>"
        f"<td>{'observed and noted ' * (1 + n % 5)}</td></tr>"
        for n in range(start, start + count)
    )


def table(count: int, *, thead: bool = False, start: int = 0) -> str:
    header = "<tr><th>Ticket</th><th>Moment</th><th>Observation</th></tr>"
    if thead:  # as Markdown tables written by authors come
        return f"<table><thead>{header}</thead><tbody>{rows(count, start)}</tbody></table>"
    return (
        f'<table width="100%" cellspacing="0" cellpadding="4">{header}{rows(count, start)}</table>'
    )


def render(body: str) -> bytes:
    style = "<style>th, td { border: 1px solid #d9dee3; } th { background-color: #eef2f6; }</style>"
    return pdf.render_pdf(
        f"<html><head>{style}</head><body><h1>Tables</h1>{body}</body></html>",
        title="Tables",
        footer="Tables",
        creator="Hindsight tests",
        fixed_time=FIXED,
    )


def continued_pages(pages: list[str], first: str, last: str) -> list[str]:
    """The pages after the one holding `first`, up to the one holding `last`."""
    begin = next(n for n, text in enumerate(pages) if first in text)
    end = next(n for n, text in enumerate(pages) if last in text)
    assert end > begin, "the table was expected to run over a page break"
    return pages[begin + 1 : end + 1]


@pytest.mark.parametrize("thead", [False, True], ids=["th-row", "thead"])
def test_a_table_over_pages_repeats_its_header_on_each_and_every_row_once(thead: bool) -> None:
    before = '<p style="margin: 0">Before the table.</p>'
    pages = texts(render(before + table(150, thead=thead)))
    continued = continued_pages(pages, "R000x", "R149x")
    assert len(continued) >= 2
    for text in continued:
        assert text.startswith(HEADER), text[:80]
    assert pages[0].count(HEADER) == 1
    everything = " ".join(pages)
    assert everything.count("Before the table.") == 1
    for n in range(150):
        assert everything.count(f"R{n:03d}x") == 1, n
    # Rows come in order, page after page.
    found = [int(n) for n in re.findall(r"R(\d{3})x", everything)]
    assert found == list(range(150))


def grey_pages(data: bytes, folder: Path) -> list[np.ndarray]:
    """Each page drawn by poppler at 60 dpi in grey, as rows of 0 (black) to 255 (white)."""
    assert PDFTOPPM is not None
    (folder / "document.pdf").write_bytes(data)
    command = [PDFTOPPM, "-r", "60", "-gray", "-png", folder / "document.pdf", folder / "page"]
    subprocess.run(command, check=True)
    names = sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    pictures = []
    for name in names:
        image = QImage(str(name)).convertToFormat(QImage.Format.Format_Grayscale8)
        rows = np.frombuffer(bytes(image.constBits()), dtype=np.uint8)
        rows = rows.reshape(image.height(), image.bytesPerLine())[:, : image.width()]
        pictures.append(rows.astype(int))
    return pictures


@pytest.mark.skipif(PDFTOPPM is None, reason="pdftoppm (Debian's poppler-utils) is not installed")
def test_the_repeated_header_looks_as_on_the_first_page(tmp_path: Path) -> None:
    first, second, *_ = grey_pages(render(table(150)), tmp_path)
    top = int(np.nonzero((second < 250).any(axis=1))[0][0])  # the first inked row
    band = second[top : top + 14]
    assert band.min() < 128  # the header's words
    # The same picture is on the first page (where the table begins), and only there.
    differences = [
        np.abs(first[y : y + len(band)] - band).mean() for y in range(len(first) - len(band))
    ]
    best = int(np.argmin(differences))
    assert differences[best] < 4, differences[best]
    assert best < len(first) // 4
    assert np.abs(second[top + 16 : top + 30] - band).mean() > 10  # not a row of the table


def test_a_page_after_the_table_has_no_header() -> None:
    body = table(120) + "<p>After the table.</p>" + "<p>More words after it.</p>" * 200
    pages = texts(render(body))
    last = next(n for n, text in enumerate(pages) if "R119x" in text)
    for text in pages[last + 1 :]:
        assert HEADER not in text


def test_a_table_without_header_cells_repeats_nothing() -> None:
    plain = "<table>" + rows(150) + "</table>"
    pages = texts(render(plain))
    assert len(pages) >= 3
    assert all("Ticket" not in text for text in pages)
    # The row just under a page's cut is not written, hidden, into the page above it.
    everything = " ".join(pages)
    assert [everything.count(f"R{n:03d}x") for n in range(150)] == [1] * 150


def unnumbered(pages: list[str]) -> list[str]:
    """The pages' text without their "Page 2 of 7" (the count changes with the pages)."""
    return [re.sub(r"Page \d+ of \d+", "", text) for text in pages]


def test_pages_where_no_table_is_cut_are_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same bytes as without header rows where no table is cut; before the first cut, the
    same pages."""
    short = "".join(f"<h2>Part {n}</h2><p>{'Some words. ' * 40}</p>{table(6)}" for n in range(12))
    marked = render(short)
    # No table is cut there (no page starts with a repeated header): what this test is about.
    assert not any(text.startswith(HEADER) for text in texts(marked)[1:])
    long = "<p>Before.</p>" * 30 + table(150) + "<p>After.</p>"
    long_marked = render(long)
    monkeypatch.setattr(pdf, "mark_header_rows", lambda html: html)
    assert render(short) == marked
    assert len(texts(marked)) >= 3
    plain = unnumbered(texts(render(long)))
    marked_pages = unnumbered(texts(long_marked))
    cut = next(n for n, text in enumerate(plain) if "R000x" in text)
    assert "R149x" not in plain[cut]
    assert marked_pages[: cut + 1] == plain[: cut + 1]
    assert marked_pages[cut + 1] != plain[cut + 1]
    assert marked_pages[cut + 1].startswith(HEADER)


def document(body: str) -> QTextDocument:
    page = QTextDocument()
    page.setDefaultFont(QFont("DejaVu Sans", 9))
    page.setHtml(pdf.mark_header_rows(body))
    page.setTextWidth(600)
    return page


def test_a_header_row_is_not_left_alone_at_the_foot_of_a_page() -> None:
    height = 800.0
    for filler in range(20, 60):
        page = document("<p>line</p>" * filler + table(40))
        heads = pdf._flow(page, height).heads
        assert len(heads) == 1
        head = heads[0]
        for cut in pdf.pages(page, height)[:-1]:
            assert not head.top < cut.bottom < head.first_row_end, (filler, cut)


def test_pages_leave_room_for_the_repeated_header() -> None:
    height = 800.0
    page = document(table(200))
    cut = pdf.pages(page, height)
    (head,) = pdf._flow(page, height).heads
    assert cut[0].head is None and len(cut) >= 3
    for one in cut[1:]:
        assert one.head == head
        assert one.bottom - one.top <= height - head.height + 0.01
    for (_top, bottom), (next_top, _) in zip(
        [(c.top, c.bottom) for c in cut], [(c.top, c.bottom) for c in cut[1:]], strict=False
    ):
        assert bottom == next_top


def test_a_heading_over_a_picture_taller_than_a_page_stays_with_its_start() -> None:
    page = QTextDocument()
    page.setDefaultFont(QFont("DejaVu Sans", 9))
    picture = QImage(300, 2600, QImage.Format.Format_RGB32)
    picture.fill(QColor("#0072B2"))
    page.addResource(QTextDocument.ResourceType.ImageResource, QUrl("tall.png"), picture)
    page.setHtml(
        "<p>words</p>" * 5
        + '<h2 style="page-break-before: always">Grid</h2><p><img src="tall.png"></p><p>after</p>'
    )
    page.setTextWidth(600)
    height = 800.0
    cut = pdf.pages(page, height)
    flow = pdf._flow(page, height)
    (heading_top, _), *_ = flow.headings
    tall = next(line for line in flow.lines if line[1] - line[0] > height)
    on_its_page = next(c for c in cut if c.top <= heading_top < c.bottom)
    # The heading's page holds the picture's start, filled to its foot.
    assert on_its_page.bottom > tall[0] + height / 2
    assert all(c.bottom - c.top <= height + 0.01 for c in cut)


def test_a_long_timeline_export_names_its_columns_on_every_page(
    workspace: Workspace,
) -> None:
    start = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    events = [
        TimelineEvent(
            FuzzyTime.exact(start + timedelta(minutes=7 * n)),
            Phase.TROUBLESHOOTING,
            f"Step E{n:03d}q " + "the ranker was checked again " * (1 + n % 4),
        )
        for n in range(200)
    ]
    incident = workspace.incidents.add(Incident(title="A long timeline", events=events))
    assert incident.id is not None
    data = (
        ExportService(workspace, clock=lambda: FIXED_NOW)
        .render(incident.id, ExportRequest(Format.PDF))
        .data
    )
    pages = texts(data)
    continued = continued_pages(pages, "E000q", "E199q")
    assert len(continued) >= 3
    for text in continued:
        assert text.startswith("When Phase What happened"), text[:80]
    everything = " ".join(pages)
    for n in range(200):
        assert everything.count(f"E{n:03d}q") == 1, n
