"""PDF pages as a reader sees them: looked at as pictures (pdftoppm) and as text, not only
through the layout code's own numbers."""

from __future__ import annotations

import io
import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from PySide6.QtGui import QFont, QImage, QTextDocument
from tests.export.conftest import FIXED_NOW, key_of

from hindsight.export import pdf
from hindsight.services.export import ExportRequest, ExportService, Format
from hindsight.services.workspace import Workspace

PDFTOPPM = shutil.which("pdftoppm")
needs_pdftoppm = pytest.mark.skipif(
    PDFTOPPM is None and not os.environ.get("CI"),
    reason="pdftoppm (Debian's poppler-utils) is not installed",
)


def page_pictures(data: bytes, folder: Path) -> list[QImage]:
    """Each page drawn by poppler at 30 dpi, in page order."""
    assert PDFTOPPM is not None, "pdftoppm is needed (apt-get install poppler-utils)"
    source = folder / "document.pdf"
    source.write_bytes(data)
    subprocess.run([PDFTOPPM, "-r", "30", "-gray", "-png", source, folder / "page"], check=True)
    names = sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [QImage(str(name)) for name in names]


def ink(image: QImage, bottom_share: float = 0.9) -> float:
    """The share of pixels that are not white in the page above its footer."""
    height = int(image.height() * bottom_share)
    dark = sum(
        1
        for y in range(0, height, 2)
        for x in range(0, image.width(), 2)
        if image.pixelColor(x, y).lightness() < 200
    )
    return dark / ((height // 2) * (image.width() // 2))


def texts(data: bytes) -> list[str]:
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    return [" ".join(page.extract_text().split()) for page in pages]


@needs_pdftoppm
def test_a_new_incident_has_no_blank_page(workspace: Workspace, tmp_path: Path) -> None:
    incident = workspace.incidents.create("Checkout model returns stale prices")
    assert incident.id is not None
    data = (
        ExportService(workspace, clock=lambda: FIXED_NOW)
        .render(incident.id, ExportRequest(Format.PDF))
        .data
    )
    pictures = page_pictures(data, tmp_path)
    assert len(pictures) == len(texts(data)) >= 2
    for number, picture in enumerate(pictures, start=1):
        assert ink(picture) > 0.0003, f"page {number} of the PDF is visually blank"
    # The overview (teams included) fits on the first page: nothing is pushed on alone.
    assert "Teams involved" in texts(data)[0]


@needs_pdftoppm
def test_demo_review_pages_have_content_and_whole_words(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    service = ExportService(demo_workspace, clock=lambda: FIXED_NOW)
    data = service.render(key_of(demo_workspace, "HS-1"), ExportRequest(Format.PDF)).data
    for number, picture in enumerate(page_pictures(data, tmp_path), start=1):
        assert ink(picture) > 0.0003, f"page {number} is visually blank"
    words = "\n".join(texts(data)).split()
    # Table headers and labels are never broken inside a word.
    for broken in ("Priorit", "Statu", "Regio", "Reconside", "feasibil"):
        assert broken not in words
    assert words.count("Priority") >= 2


def test_pages_are_cut_between_lines_and_after_headings() -> None:
    body = "".join(
        f"<h2>Part {n}</h2>"
        + "<p>"
        + "words that wrap over several lines " * 12
        + "</p>"
        + "<table border='1'>"
        + "<tr><td>a cell</td><td>another<br>cell</td></tr>" * 6
        + "</table>"
        for n in range(40)
    )
    document = QTextDocument()
    document.setDefaultFont(QFont("DejaVu Sans", 9))
    document.setHtml(body)
    document.setTextWidth(600)
    height = 800.0
    pages = pdf.paginate(document, height)
    flow = pdf._flow(document, height)
    assert pages[0][0] == 0 and abs(pages[-1][1] - flow.height) < 1
    for (top, bottom), (next_top, _) in itertools.pairwise(pages):
        assert bottom == next_top and 0 < bottom - top <= height + 0.01
    for _top, cut in pages[:-1]:
        assert not any(line_top < cut < line_bottom for line_top, line_bottom in flow.lines)
        # No heading sits at the foot of a page without what follows it.
        for heading_top, heading_end in flow.headings:
            assert not (heading_top < cut < heading_end), (cut, heading_top, heading_end)


def test_source_date_epoch_makes_the_pdf_identical_in_every_run(
    frozen_demo_db: Path, tmp_path: Path
) -> None:
    outputs = []
    for run in (1, 2):
        target = tmp_path / f"run{run}.pdf"
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1764000000", "HINDSIGHT_DATA_DIR": str(tmp_path)}
        command = [sys.executable, "-m", "hindsight", "export", "HS-2", "--format", "pdf"]
        subprocess.run(
            [*command, "-o", target, "--db", frozen_demo_db], check=True, env=env, timeout=120
        )
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    info = pypdf.PdfReader(io.BytesIO(outputs[0])).metadata
    assert info is not None and info.creation_date is not None
    assert int(info.creation_date.timestamp()) == 1764000000
