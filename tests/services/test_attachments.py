"""Attached pictures: checked when attached, captioned, removed, and embedded in HTML and PDF."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader

from hindsight.core.incident import Incident
from hindsight.services.errors import ValidationError
from hindsight.services.export import ExportRequest, ExportService, Format
from hindsight.services.workspace import Workspace


def png(width: int = 40, height: int = 20) -> bytes:
    """A small, valid PNG made without Qt: grey pixels."""
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_a_picture_is_attached_captioned_and_removed(workspace: Workspace, tmp_path: Path) -> None:
    incident = workspace.incidents.add(Incident(title="Graphs"))
    assert incident.id is not None
    path = tmp_path / "errors.png"
    path.write_bytes(png())
    stored = workspace.attachments.attach_file(incident.id, path, "  Error rate  ")
    assert (stored.name, stored.caption, stored.width, stored.height) == (
        "errors.png",
        "Error rate",
        40,
        20,
    )
    workspace.attachments.set_caption(stored, "Error rate by region")
    [again] = workspace.attachments.of_incident(incident.id)
    assert again.caption == "Error rate by region" and again.data == png()
    workspace.attachments.remove(again)
    assert workspace.attachments.of_incident(incident.id) == []


@pytest.mark.parametrize(
    ("content", "wanted"),
    [
        (b"", "is empty"),
        (b"GIF89a....", "not a PNG or JPEG"),
        (b"\x89PNG\r\n\x1a\n-broken-", "damaged"),
    ],
)
def test_what_cannot_be_a_picture_is_refused_by_name(
    workspace: Workspace, tmp_path: Path, content: bytes, wanted: str
) -> None:
    incident = workspace.incidents.add(Incident(title="Graphs"))
    assert incident.id is not None
    path = tmp_path / "graph.png"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=wanted) as raised:
        workspace.attachments.attach_file(incident.id, path)
    assert "graph.png" in str(raised.value)
    with pytest.raises(ValidationError, match=r"Cannot read .*missing\.png"):
        workspace.attachments.attach_file(incident.id, tmp_path / "missing.png")
    assert workspace.attachments.of_incident(incident.id) == []


def test_pictures_are_embedded_in_html_and_pdf(
    qapp: object, workspace: Workspace, tmp_path: Path
) -> None:
    incident = workspace.incidents.add(Incident(title="Feature file doubled"))
    assert incident.id is not None
    workspace.attachments.attach(incident.id, "errors.png", png(), "Share of requests failing")
    service = ExportService(workspace)
    html = service.export(incident.id, ExportRequest(Format.HTML), tmp_path / "x.html")
    text = html.read_text(encoding="utf-8")
    assert "data:image/png;base64," + base64.b64encode(png()).decode()[:40] in text
    assert "Share of requests failing" in text
    pdf = service.export(incident.id, ExportRequest(Format.PDF), tmp_path / "x.pdf")
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    words = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Share of requests failing" in words
    assert sum(len(page.images) for page in reader.pages) >= 1
