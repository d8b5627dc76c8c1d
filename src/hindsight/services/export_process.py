"""Documents rendered in a helper process, for the GUI.

Laying out a PDF, drawing its pages and encoding its pictures are long calls into Qt that
hold Python's interpreter lock while they run: on a worker thread of the GUI process they
would still stop the GUI thread for a tenth of a second at a time. So the app renders
documents in a helper process that opens the same database (read only for this purpose) and
runs the same ExportService as the command line: the bytes are the same either way.

The helper starts on the first export (about half a second) and stays for the next ones.
Cancelling ends it; the next export starts a new one.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from hindsight.export.errors import ExportCancelled
from hindsight.services.export import ExportRequest, ExportService, Format, Rendered
from hindsight.store.postgres_url import ServerAddress, target_from

_open: dict[str, Any] = {}  # in the helper: the workspace of each database, kept open


def _render(
    database: str,
    incident_id: int | None,
    request: ExportRequest,
    preview: bool,
    moment: datetime,
    zone: tzinfo | None,
) -> Rendered:
    # Runs in the helper process.
    from hindsight.export.qt import ensure_gui_application
    from hindsight.services.export import ExportService
    from hindsight.services.workspace import Workspace

    ensure_gui_application()
    workspace = _open.get(database)
    if workspace is None:
        # A file's path, or a team database's address (target_from keeps it an address).
        workspace = _open[database] = Workspace.open(target_from(database), create=False)
    service = ExportService(workspace, clock=lambda: moment, zone=zone)
    return service.render(incident_id, request, preview=preview)


class ExportProcess:
    """A helper process that renders documents of one database."""

    def __init__(self, database: Path | ServerAddress) -> None:
        # An address goes whole (with a password typed into it) to the helper, never shown.
        self.database = database.url() if isinstance(database, ServerAddress) else str(database)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # spawn, not fork: the GUI process has threads and Qt state a fork would copy.
                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
            return self._pool

    def render(
        self,
        incident_id: int | None,
        request: ExportRequest,
        *,
        clock: Callable[[], datetime],
        zone: tzinfo | None = None,
        preview: bool = False,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> Rendered:
        """What ExportService.render gives, made in the helper (from a worker thread)."""
        future: Future[Rendered] = self._executor().submit(
            _render, self.database, incident_id, request, preview, clock(), zone
        )
        while True:
            try:
                return future.result(timeout=0.05)
            except FutureTimeout:
                if cancelled():
                    self.close(kill=True)
                    raise ExportCancelled from None

    def close(self, *, kill: bool = False) -> None:
        """End the helper (at once with `kill`: the document on its way is dropped)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        if kill:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()
        pool.shutdown(wait=not kill, cancel_futures=True)


class HelperExportService(ExportService):
    """An ExportService whose documents are made in a helper process (JSON stays here)."""

    def __init__(self, workspace: Any, process: ExportProcess, **options: Any) -> None:
        super().__init__(workspace, **options)
        self.process = process

    def render(
        self,
        incident_id: int | None,
        request: ExportRequest,
        *,
        preview: bool = False,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> Rendered:
        """As ExportService.render; Markdown, HTML and PDF are made by the helper."""
        if request.format is Format.JSON:
            return super().render(incident_id, request, preview=preview, cancelled=cancelled)
        return self.process.render(
            incident_id,
            request,
            clock=self.clock,
            zone=self.zone,
            preview=preview,
            cancelled=cancelled,
        )
