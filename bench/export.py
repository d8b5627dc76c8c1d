"""How long exports take: each format and template of a demo incident, and JSON of many.

    python bench/export.py [--copies N]

Prints the median of five runs per document (after one warm-up run), the size of each file,
and the time to export N copies of the demo incidents to a folder of JSON files and to import
them all again in one transaction.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HINDSIGHT_DATA_DIR", tempfile.mkdtemp(prefix="hindsight-bench-"))

from hindsight.services.demo import write_demo_database
from hindsight.services.export import ExportRequest, ExportService, Format
from hindsight.services.importer import ImportService
from hindsight.services.workspace import Workspace


def median_seconds(action, runs: int = 5) -> float:
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=100, help="incidents for the bulk runs")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hindsight-export-bench-"))
    workspace = Workspace.open(write_demo_database(folder / "demo.sqlite"))
    service = ExportService(workspace, clock=lambda: datetime(2026, 11, 26, tzinfo=UTC))
    incident_id = workspace.incidents.get_by_key("HS-1").id
    print("document (HS-1)                      median     size")
    for fmt in (Format.MARKDOWN, Format.HTML, Format.PDF, Format.JSON):
        templates = ["full-review", "executive-summary"] if fmt.uses_template else ["-"]
        for template in templates:
            request = ExportRequest(fmt, template if fmt.uses_template else "full-review")
            size = len(service.render(incident_id, request).data)
            seconds = median_seconds(lambda r=request: service.render(incident_id, r))
            print(f"{fmt.label:<6} {template:<28} {seconds * 1000:7.0f} ms {size / 1024:7.0f} kB")

    bundles = folder / "json"
    ids = service.all_incident_ids()
    files = service.export_many(ids, ExportRequest(Format.JSON), bundles)
    target = Workspace.open(folder / "bulk.sqlite")
    importer = ImportService(target)
    start = time.perf_counter()
    for _ in range(args.copies // len(files) + 1):
        for file in files:
            importer.import_file(file, "rename")
    count = target.incidents.count()
    print(f"import {count} incidents, one file each (rename): {time.perf_counter() - start:.2f} s")
    exporter = ExportService(target)
    start = time.perf_counter()
    written = exporter.export_many(
        exporter.all_incident_ids(), ExportRequest(Format.JSON), folder / "all"
    )
    took = time.perf_counter() - start
    print(f"export --all --format json of {len(written)} incidents: {took:.2f} s")
    target.close()
    workspace.close()


if __name__ == "__main__":
    main()
