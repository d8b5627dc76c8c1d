"""Pictures attached to an incident (graphs, screenshots of dashboards), as plain values.

An attachment is kept apart from the incident record (the record is copied on every edit for
undo; pictures are large and rarely change), with its own id. Only PNG and JPEG are taken:
both embed in HTML and in the PDF, and neither can carry script. The kind is read from the
bytes themselves, never from a file name.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import datetime

MAX_BYTES = 10 * 1024 * 1024
MAX_CAPTION = 1000
MAX_NAME = 200
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True, slots=True)
class Attachment:
    """One picture attached to an incident."""

    incident_id: int
    name: str  # the file name it came from, for people
    media_type: str  # "image/png" | "image/jpeg"
    data: bytes
    caption: str = ""  # what the picture shows, for readers (and the alt text)
    width: int = 0
    height: int = 0
    created_at: datetime | None = None
    id: int | None = None

    @property
    def size(self) -> int:
        """How many bytes the picture takes."""
        return len(self.data)


def media_type_of(data: bytes) -> str:
    """'image/png' or 'image/jpeg' from the bytes' signature; '' for anything else."""
    if data.startswith(PNG_SIGNATURE):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return ""


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels read from a PNG or JPEG header; (0, 0) when unreadable."""
    if data.startswith(PNG_SIGNATURE) and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        at = 2
        while at + 9 < len(data):
            if data[at] != 0xFF:
                return 0, 0
            marker = data[at + 1]
            length = struct.unpack(">H", data[at + 2 : at + 4])[0]
            # Start-of-frame markers (not DHT, JPG or DAC) carry the picture's size.
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[at + 5 : at + 9])
                return int(width), int(height)
            at += 2 + length
    return 0, 0


def attachment_problems(name: str, data: bytes, caption: str = "") -> list[str]:
    """What stops `data` from being attached; empty when it can be."""
    found = []
    if not data:
        found.append(f"{name or 'The file'} is empty.")
    elif len(data) > MAX_BYTES:
        found.append(
            f"{name or 'The picture'} is {len(data) / 1024 / 1024:.1f} MB; pictures may be at "
            f"most {MAX_BYTES // 1024 // 1024} MB. Save it smaller and attach it again."
        )
    elif not media_type_of(data):
        found.append(f"{name or 'The file'} is not a PNG or JPEG picture; save it as one.")
    elif image_size(data) == (0, 0):
        found.append(f"{name or 'The picture'} is damaged: its size cannot be read.")
    if len(caption) > MAX_CAPTION:
        found.append(f"The caption is longer than {MAX_CAPTION} characters; shorten it.")
    if len(name) > MAX_NAME:
        found.append(f"The file name is longer than {MAX_NAME} characters.")
    return found
