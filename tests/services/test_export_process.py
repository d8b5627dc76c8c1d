"""Documents made in the helper process are the documents the command line makes."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hindsight.export.errors import ExportCancelled
from hindsight.services.export import ExportRequest, ExportService, Format
from hindsight.services.export_process import ExportProcess, HelperExportService
from hindsight.services.workspace import Workspace

MOMENT = datetime(2026, 5, 1, 12, tzinfo=UTC)


@pytest.fixture
def helper(demo_db: Path):
    process = ExportProcess(demo_db)
    yield process
    process.close(kill=True)


@pytest.mark.parametrize("fmt", [Format.MARKDOWN, Format.HTML, Format.JSON])
def test_the_helper_makes_the_same_bytes(demo_db: Path, helper: ExportProcess, fmt: Format):
    workspace = Workspace.open(demo_db)
    try:
        here = ExportService(workspace, clock=lambda: MOMENT, zone=UTC)
        there = HelperExportService(workspace, helper, clock=lambda: MOMENT, zone=UTC)
        request = ExportRequest(fmt)
        assert there.render(1, request).data == here.render(1, request).data
    finally:
        workspace.close()


def test_a_pdf_comes_back_from_the_helper(demo_db: Path, helper: ExportProcess):
    rendered = helper.render(2, ExportRequest(Format.PDF), clock=lambda: MOMENT)
    assert rendered.data.startswith(b"%PDF")
    assert rendered.file_name.endswith(".pdf")


def test_cancelling_ends_the_helper_and_a_new_one_serves_the_next(
    demo_db: Path, helper: ExportProcess
):
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    started = time.perf_counter()
    with pytest.raises(ExportCancelled):
        # A first PDF pays for starting the helper: well over the 0.2 s before the cancel.
        helper.render(3, ExportRequest(Format.PDF), clock=lambda: MOMENT, cancelled=stop.is_set)
    assert time.perf_counter() - started < 5
    rendered = helper.render(1, ExportRequest(Format.MARKDOWN), clock=lambda: MOMENT)
    assert b"HS-1" in rendered.data
