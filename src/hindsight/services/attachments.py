"""Attaching pictures (graphs, dashboard screenshots) to incidents."""

from __future__ import annotations

from pathlib import Path

from hindsight.core.attachments import (
    MAX_BYTES,
    MAX_CAPTION,
    Attachment,
    attachment_problems,
    image_size,
    media_type_of,
)
from hindsight.services.changes import ChangeFeed, Changes
from hindsight.services.errors import ValidationError
from hindsight.store.attachments import AttachmentRepository


class AttachmentService:
    """The pictures of incidents in one workspace."""

    def __init__(self, repository: AttachmentRepository, feed: ChangeFeed | None = None) -> None:
        self.repository = repository
        self.feed = feed or ChangeFeed()

    def of_incident(self, incident_id: int) -> list[Attachment]:
        """The incident's pictures, oldest first."""
        return self.repository.of_incident(incident_id)

    def attach(self, incident_id: int, name: str, data: bytes, caption: str = "") -> Attachment:
        """Attach a PNG or JPEG picture; ValidationError naming the file when it cannot be."""
        found = attachment_problems(name, data, caption)
        if found:
            raise ValidationError(" ".join(found))
        width, height = image_size(data)
        stored = self.repository.add(
            Attachment(
                incident_id=incident_id,
                name=name,
                media_type=media_type_of(data),
                data=data,
                caption=caption.strip(),
                width=width,
                height=height,
            )
        )
        self.feed.record(Changes.of(attachments=[incident_id]))
        return stored

    def attach_file(self, incident_id: int, path: Path | str, caption: str = "") -> Attachment:
        """Attach the picture in the file at `path`."""
        path = Path(path)
        return self.attach(incident_id, path.name, _read(path), caption)

    def check_file(self, path: Path | str) -> None:
        """ValidationError naming the file when it could not be attached (asked before its
        caption is, so a caption is never typed for a file that is then refused)."""
        path = Path(path)
        found = attachment_problems(path.name, _read(path), "")
        if found:
            raise ValidationError(" ".join(found))

    def set_caption(self, attachment: Attachment, caption: str) -> None:
        """Say what the picture shows."""
        if len(caption) > MAX_CAPTION:
            raise ValidationError(f"The caption is longer than {MAX_CAPTION} characters.")
        assert attachment.id is not None
        self.repository.set_caption(attachment.id, caption.strip())
        self.feed.record(Changes.of(attachments=[attachment.incident_id]))

    def remove(self, attachment: Attachment) -> None:
        """Remove the picture from its incident."""
        assert attachment.id is not None
        incident_id = self.repository.remove(attachment.id)
        self.feed.record(Changes.of(attachments=[incident_id]))


def _read(path: Path) -> bytes:
    """The bytes of the picture file at `path`; ValidationError naming it when unreadable."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ValidationError(
                f"{path} is larger than {MAX_BYTES // 1024 // 1024} MB; "
                "save the picture smaller and attach it again."
            )
        return path.read_bytes()
    except OSError as error:
        raise ValidationError(
            f"Cannot read {path}: {error.strerror or error}. Check the file and try again."
        ) from error
