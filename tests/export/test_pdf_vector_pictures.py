"""SVG pictures go into the PDF as vector drawing (text as text), where the image stood;
PNG pictures stay images."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from hindsight.export import pdf
from hindsight.export.views import Picture

SVG = b"""<?xml version="1.0" encoding="utf-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="480pt" height="240pt" viewBox="0 0 480 240">
 <rect x="0" y="0" width="480" height="240" style="fill: #0072B2"/>
 <text x="40" y="130" style="font: 28px 'DejaVu Sans'; fill: #ffffff">Vector words inside</text>
</svg>
"""


def png(width: int, height: int) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#E69F00"))
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(array.data())


def document(*pictures: Picture) -> str:
    images = "".join(
        f'<p>Before {p.name}</p><p><img src="{p.data_uri}" width="{p.width}" '
        f'height="{p.height}" alt="{p.alt}"></p><p>After {p.name}</p>'
        for p in pictures
    )
    return f"<html><body><h1>Pictures</h1>{images}</body></html>"


VECTOR = Picture("chart", "A chart", SVG, 480, 240, media_type="image/svg+xml")


def render(*pictures: Picture, fixed: bool = False) -> bytes:
    return pdf.render_pdf(
        document(*pictures),
        title="Pictures",
        footer="Pictures",
        creator="Hindsight tests",
        pictures=pictures,
        fixed_time=datetime(2026, 1, 15, 9, 0, tzinfo=UTC) if fixed else None,
    )


def test_an_svg_picture_is_vector_with_its_text(qapp) -> None:
    data = render(VECTOR)
    assert b"/Subtype /Image" not in data  # no pixels anywhere
    text = " ".join(pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "Vector words inside" in text
    assert text.index("Before chart") < text.index("Vector words") < text.index("After chart")


def test_a_png_picture_beside_it_stays_an_image(qapp) -> None:
    raster = Picture("photo", "A photo", png(200, 100), 200, 100)
    data = render(VECTOR, raster)
    assert data.count(b"/Subtype /Image") == 1
    text = " ".join(pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "Vector words inside" in text


def test_a_vector_picture_gives_the_same_bytes_every_time(qapp) -> None:
    assert render(VECTOR, fixed=True) == render(VECTOR, fixed=True)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm is not installed")
def test_the_vector_picture_is_painted_where_the_image_stood(qapp, tmp_path: Path) -> None:
    source = tmp_path / "pictures.pdf"
    source.write_bytes(render(VECTOR))
    subprocess.run(["pdftoppm", "-r", "40", "-png", source, tmp_path / "page"], check=True)
    [page] = [QImage(str(p)) for p in sorted(tmp_path.glob("page-*.png"))]
    blue = QColor("#0072B2")

    def is_blue(x: int, y: int) -> bool:
        found = page.pixelColor(x, y)
        return (
            abs(found.red() - blue.red()) < 24
            and abs(found.green() - blue.green()) < 24
            and abs(found.blue() - blue.blue()) < 24
        )

    hits = [(x, y) for y in range(0, page.height(), 2) for x in range(0, page.width(), 2)]
    painted = [point for point in hits if is_blue(*point)]
    # 480 by 240 layout pixels (96 per inch) at 40 dpi: about 200 by 100 page pixels.
    xs, ys = [x for x, _ in painted], [y for _, y in painted]
    assert 180 <= max(xs) - min(xs) <= 210 and 90 <= max(ys) - min(ys) <= 110
    assert min(ys) > page.height() * 0.05  # below the heading and the line before it
