"""Export use cases: render an incident (or the follow-ups of all) and write the file.

The GUI's export dialog and the `hindsight export` command both call this service, so the
same request gives the same bytes. Rendering and writing are apart: the dialog previews what
render() returns, then writes exactly those bytes.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import Any

from hindsight import __version__
from hindsight.core.followups import FollowUp
from hindsight.core.keys import file_stem
from hindsight.core.pii import CustomPattern, Finding
from hindsight.export import json_format, pdf, templates
from hindsight.export.atomic import AtomicBatch, write_atomic
from hindsight.export.errors import ExportError, WriteProblem
from hindsight.export.model import (
    Clock,
    incident_document,
    portfolio_document,
    sources_from_workspace,
)
from hindsight.export.redaction import (
    Redactor,
    map_attachment_texts,
    map_followup_texts,
    map_incident_texts,
    map_privacy_texts,
    map_transition_texts,
    map_view_texts,
)
from hindsight.export.templates import TemplateInfo
from hindsight.export.views import DocumentView, Picture
from hindsight.store.bulk import IncidentRecord, read_records

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"  # the reproducible-builds convention for a fixed time
DEFAULT_TEMPLATE = "full-review"
PAGE_SIZES = tuple(pdf.PAGE_SIZES)
# Files of an export to a folder reach the disk in batches (one flush each): at most this many
# files, or this much time, go by before the files written so far get their names.
BATCH_FILES = 100
BATCH_SECONDS = 1.0


class Format(StrEnum):
    """The kinds of file an export writes."""

    MARKDOWN = "md"
    HTML = "html"
    PDF = "pdf"
    JSON = "json"

    @property
    def label(self) -> str:
        """The name shown to people."""
        return {"md": "Markdown", "html": "HTML", "pdf": "PDF", "json": "JSON"}[self.value]

    @property
    def extension(self) -> str:
        """The file name extension, with its dot."""
        return f".{self.value}"

    @property
    def uses_template(self) -> bool:
        """JSON is the exchange format; the others are documents made from a template."""
        return self is not Format.JSON


@dataclass(frozen=True)
class ExportRequest:
    """What to export and how."""

    format: Format
    template: str = DEFAULT_TEMPLATE
    page_size: str = "A4"
    redact_pii: bool = False


@dataclass
class Rendered:
    """A rendered document: the file's bytes, and what the dialog needs to preview it."""

    data: bytes
    request: ExportRequest
    file_name: str
    findings: list[Finding] = field(default_factory=list)  # personal data found in the sources
    redacted: int = 0  # how many findings were replaced in `data`
    preview_html: str = ""  # HTML a QTextBrowser can show (HTML and PDF formats)
    pictures: tuple[Picture, ...] = ()  # to register with the preview under their data: URIs

    @property
    def text(self) -> str:
        """The bytes as text (Markdown, HTML, JSON)."""
        return self.data.decode("utf-8")


def default_clock() -> datetime:
    """Now, unless SOURCE_DATE_EPOCH fixes the time (reproducible documents)."""
    return fixed_time() or datetime.now(UTC)


def fixed_time() -> datetime | None:
    """The time SOURCE_DATE_EPOCH fixes, or None when it is not set (or not a number)."""
    fixed = os.environ.get(SOURCE_DATE_EPOCH, "").strip()
    try:
        return datetime.fromtimestamp(int(fixed), UTC) if fixed else None
    except (ValueError, OverflowError, OSError):
        return None


def safe_file_name(text: str) -> str:
    """`text` usable as a file name on every system."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return cleaned or "export"


ProgressCallback = Callable[[int, int, str], None]


def pii_patterns(workspace: Any) -> list[CustomPattern]:
    """The team's own personal-data patterns, when this Hindsight has the privacy feature."""
    if getattr(workspace, "privacy", None) is None:
        return []
    try:
        from hindsight.services.pii_scan import custom_patterns
    except ImportError:
        return []
    patterns, _problems = custom_patterns()
    return list(patterns)


class ExportService:
    """Exports of one workspace."""

    def __init__(
        self,
        workspace: Any,
        *,
        clock: Callable[[], datetime] = default_clock,
        zone: tzinfo | None = None,
    ) -> None:
        self.workspace = workspace
        self.clock = clock
        self.zone = zone  # None: the computer's local time

    # Choices

    def templates(
        self, document_format: Format | None = None, scope: str = "incident"
    ) -> list[TemplateInfo]:
        """The templates available (for one format and scope, when given)."""
        found = templates.discover()
        if document_format is None:
            return found
        return [t for t in found if t.supports(document_format.value, scope)]

    def file_name(self, key: str | None, request: ExportRequest) -> str:
        """A suggested file name, e.g. 'HS-1-full-review.pdf' or 'HS-1.json'.

        Different keys always give different names (core/keys.py), so exporting every
        incident into one folder never writes two of them to the same file.
        """
        stem = file_stem(key) if key else "all-incidents"
        if request.format.uses_template:
            stem = f"{stem}-{safe_file_name(request.template)}"
        return stem + request.format.extension

    # Rendering

    def render(
        self,
        incident_id: int | None,
        request: ExportRequest,
        *,
        preview: bool = False,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> Rendered:
        """The document for one incident, or (None) the follow-up report of all incidents.

        With `preview`, a PDF is not drawn: only the HTML it would be laid out from is made.
        `cancelled` is asked between pages of a PDF; ExportCancelled when it says yes.
        """
        clock = Clock(self.clock(), self.zone)
        if request.format is Format.JSON:
            if incident_id is None:
                raise ExportError("JSON exports one file per incident; export all to a folder.")
            return self._render_json(incident_id, request, clock)
        info = templates.find(request.template)
        scope = "incident" if incident_id is not None else "all"
        if not info.supports(request.format.value, scope):
            what = "one incident" if scope == "incident" else "all incidents"
            raise ExportError(
                f"The template {info.name} cannot make a {request.format.label} document of "
                f"{what}; choose another template or format."
            )
        if incident_id is None:
            document, findings, redacted = self._portfolio(request, clock, info.name)
            key = None
        else:
            document, findings, redacted = self._incident_document(
                incident_id, request, clock, info.name
            )
            key = document.incident.key if document.incident else None
        return self._render_template(
            info, document, request, findings, redacted, key, preview, cancelled
        )

    def _render_template(
        self,
        info: TemplateInfo,
        document: DocumentView,
        request: ExportRequest,
        findings: list[Finding],
        redacted: int,
        key: str | None,
        preview: bool = False,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> Rendered:
        name = self.file_name(key, request)
        if request.format is Format.MARKDOWN:
            text = templates.render(info, "md", self._context(document, "md", request))
            return Rendered(text.encode("utf-8"), request, name, findings, redacted)
        target = "pdf" if request.format is Format.PDF else "html"
        html = templates.render(info, "html", self._context(document, target, request))
        pictures = document.pictures
        if request.format is Format.HTML:
            return Rendered(html.encode("utf-8"), request, name, findings, redacted, html, pictures)
        if preview:
            return Rendered(b"", request, name, findings, redacted, html, pictures)
        footer = f"{document.title} · exported {document.generated_at}"
        data = pdf.render_pdf(
            html,
            title=document.title,
            footer=footer,
            creator=document.generator,
            page_size=request.page_size,
            pictures=pictures,
            fixed_time=fixed_time(),
            cancelled=cancelled,
        )
        return Rendered(data, request, name, findings, redacted, html, pictures)

    def _context(
        self, document: DocumentView, target: str, request: ExportRequest
    ) -> dict[str, Any]:
        width = pdf.content_width(request.page_size) if request.page_size in pdf.PAGE_SIZES else 640
        return {
            "document": document,
            "incident": document.incident,
            "followups": document.followups,
            "target": target,
            "page_size": request.page_size,
            "content_width": width if target == "pdf" else 960,
        }

    def _followups(self, incident_id: int | None) -> list[FollowUp]:
        service = getattr(self.workspace, "followups", None)
        return service.items(incident_id) if service is not None else []

    def _incident_document(
        self, incident_id: int, request: ExportRequest, clock: Clock, template: str
    ) -> tuple[DocumentView, list[Finding], int]:
        incident = self.workspace.incidents.get(incident_id)
        sources = sources_from_workspace(
            self.workspace, incident, clock, pictures=request.format is not Format.MARKDOWN
        )
        redactor = Redactor(
            pii_patterns(self.workspace), redact=request.redact_pii, for_reading=True
        )
        incident = map_incident_texts(incident, redactor)
        if sources.followups is not None:
            sources.followups = [
                map_followup_texts(item, i, redactor) for i, item in enumerate(sources.followups)
            ]
        sources.transitions = map_transition_texts(sources.transitions, redactor)
        if sources.privacy is not None:
            sources.privacy = map_view_texts(sources.privacy, redactor)
        sources.attachments = map_attachment_texts(sources.attachments, redactor)
        sources.links = [
            replace(link, note=redactor(f"links[{i}].note", f"Link to {link.key}", link.note))
            for i, link in enumerate(sources.links)
        ]
        redacted = redactor.count if request.redact_pii else 0
        document = incident_document(incident, sources, clock, template, redacted)
        return document, redactor.findings, redacted

    def _portfolio(
        self, request: ExportRequest, clock: Clock, template: str
    ) -> tuple[DocumentView, list[Finding], int]:
        incidents = [self.workspace.incidents.get(i) for i in self.all_incident_ids()]
        sources = sources_from_workspace(
            self.workspace, None, clock, pictures=request.format is not Format.MARKDOWN
        )
        redactor = Redactor(
            pii_patterns(self.workspace), redact=request.redact_pii, for_reading=True
        )
        incidents = [map_incident_texts(incident, redactor) for incident in incidents]
        if sources.followups is not None:
            sources.followups = [
                map_followup_texts(item, i, redactor) for i, item in enumerate(sources.followups)
            ]
        redacted = redactor.count if request.redact_pii else 0
        document = portfolio_document(
            incidents, sources.followups or [], sources, clock, template, redacted
        )
        return document, redactor.findings, redacted

    def _render_json(self, incident_id: int, request: ExportRequest, clock: Clock) -> Rendered:
        found = self.bundle(incident_id, redact=request.redact_pii)
        return self._json_rendered(found, request, clock)

    def _json_rendered(
        self,
        found: tuple[json_format.IncidentBundle, list[Finding], int],
        request: ExportRequest,
        clock: Clock,
    ) -> Rendered:
        bundle, findings, redacted = found
        document = json_format.document_json([bundle], clock.now, f"Hindsight {__version__}")
        name = self.file_name(bundle.incident.key, request)
        return Rendered(json_format.dumps(document), request, name, findings, redacted)

    def bundle(
        self, incident_id: int, *, redact: bool = False
    ) -> tuple[json_format.IncidentBundle, list[Finding], int]:
        """Everything of one incident for the JSON format (redacted copies when asked)."""
        workspace = self.workspace
        record = IncidentRecord(
            workspace.incidents.get(incident_id),
            workspace.review.history(incident_id),
            workspace.followups.items(incident_id),
            workspace.privacy.accesses(incident_id),
            workspace.privacy.ethics_answers(incident_id),
            workspace.attachments.of_incident(incident_id),
        )
        redactor = Redactor(pii_patterns(workspace), redact=redact)
        return self._bundle(record, redactor, self._links(incident_id))

    def _links(self, incident_id: int | None) -> list[Any] | None:
        links = getattr(self.workspace, "links", None)
        if links is None or incident_id is None:
            return None
        return list(links.links(incident_id))

    def bundles(
        self, incident_ids: Sequence[int], *, redact: bool = False
    ) -> Iterator[tuple[json_format.IncidentBundle, list[Finding], int]]:
        """What bundle() gives for each of `incident_ids`, read a batch at a time.

        Without `redact`, the texts are not scanned: no findings come back.
        """
        patterns = pii_patterns(self.workspace)
        for record in read_records(self.workspace.database, incident_ids):
            if not redact:  # nothing to find or replace: the records go out as they are
                privacy = json_format.PrivacyRecord(record.accesses, record.ethics)
                bundle = json_format.IncidentBundle(
                    record.incident,
                    record.transitions,
                    record.followups,
                    privacy,
                    record.attachments,
                    self._links(record.incident.id),
                )
                yield bundle, [], 0
                continue
            redactor = Redactor(patterns, redact=redact)
            yield self._bundle(record, redactor, self._links(record.incident.id))

    @staticmethod
    def _bundle(
        record: IncidentRecord, redactor: Redactor, links: list[Any] | None = None
    ) -> tuple[json_format.IncidentBundle, list[Finding], int]:
        incident = map_incident_texts(record.incident, redactor)
        transitions = map_transition_texts(record.transitions, redactor)
        followups = [
            map_followup_texts(item, i, redactor) for i, item in enumerate(record.followups)
        ]
        privacy = map_privacy_texts(
            json_format.PrivacyRecord(record.accesses, record.ethics), redactor
        )
        attachments = map_attachment_texts(record.attachments, redactor)
        if links is not None:  # a link's note is text like any other
            links = [
                replace(link, note=redactor(f"links[{i}].note", f"Link to {link.key}", link.note))
                for i, link in enumerate(links)
            ]
        bundle = json_format.IncidentBundle(
            incident, transitions, followups, privacy, attachments, links
        )
        return bundle, redactor.findings, redactor.count if redactor.redact else 0

    def findings(self, incident_id: int) -> list[Finding]:
        """Personal data in everything an export of the incident would carry."""
        return self.bundle(incident_id)[1]

    # Writing

    def write(self, rendered: Rendered, path: Path | str, *, replace: bool = True) -> Path:
        """Write a rendered document to `path`, all or nothing (never over a file unless
        `replace`)."""
        return write_atomic(Path(path), rendered.data, replace=replace)

    def export(self, incident_id: int | None, request: ExportRequest, path: Path | str) -> Path:
        """Render and write in one go; nothing is written if rendering fails."""
        return self.write(self.render(incident_id, request), path)

    def export_many(
        self,
        incident_ids: Sequence[int],
        request: ExportRequest,
        folder: Path | str,
        *,
        progress: ProgressCallback | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> list[Path]:
        """One file per incident in `folder` (created if missing); stops early when cancelled.

        Nothing is written over an existing file: if any of the files would replace one,
        the export stops before writing and names them. Each file is written whole or not
        at all; files reach the disk in batches, and those made before a cancel stay (a
        failure keeps the batches completed before it).
        """
        target = Path(folder)
        if target.exists() and not target.is_dir():
            raise WriteProblem(target, "it is a file, not a folder")
        names = self._file_names(incident_ids, request)
        clashes = sorted(name for name in names.values() if (target / name).exists())
        if clashes:
            shown = ", ".join(clashes[:3]) + (
                f" and {len(clashes) - 3} more" if len(clashes) > 3 else ""
            )
            raise ExportError(
                f"{target} already holds {shown}; nothing was written. Choose an empty "
                "folder, or move those files away first."
            )
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WriteProblem(target, error.strerror or str(error)) from error
        written: list[Path] = []
        total = len(incident_ids)
        # replace=False: a file that appeared meanwhile is not ours to overwrite.
        batch = AtomicBatch(replace=False)
        started = time.monotonic()

        def commit() -> None:
            nonlocal started
            written.extend(batch.commit())
            started = time.monotonic()

        try:
            for rendered in self._rendered_many(incident_ids, request):
                if cancelled():
                    commit()  # the files made so far are whole: they stay
                    break
                batch.add(target / rendered.file_name, rendered.data)
                if len(batch) >= BATCH_FILES or time.monotonic() - started > BATCH_SECONDS:
                    commit()
                if progress is not None:
                    progress(len(written) + len(batch), total, rendered.file_name)
            else:
                commit()
        finally:
            batch.discard()
        return written

    def _rendered_many(
        self, incident_ids: Sequence[int], request: ExportRequest
    ) -> Iterator[Rendered]:
        if request.format is not Format.JSON:
            yield from (self.render(incident_id, request) for incident_id in incident_ids)
            return
        clock = Clock(self.clock(), self.zone)
        for found in self.bundles(incident_ids, redact=request.redact_pii):
            yield self._json_rendered(found, request, clock)

    def _file_names(self, incident_ids: Sequence[int], request: ExportRequest) -> dict[int, str]:
        keys = {s.id: s.key for s in self.workspace.incidents.summaries()}
        names = {i: self.file_name(keys.get(i, str(i)), request) for i in incident_ids}
        folded = [name.casefold() for name in names.values()]
        if len(set(folded)) != len(folded):  # the key grammar rules this out: a bug if seen
            raise RuntimeError("two incidents would be exported to the same file name")
        return names

    def all_incident_ids(self) -> list[int]:
        """Every incident's id, oldest key number first."""
        return [s.id for s in reversed(self.workspace.incidents.summaries())]
