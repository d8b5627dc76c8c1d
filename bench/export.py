"""How long exports take: each format and template of a demo incident, and JSON of many.

    python bench/export.py [--copies N]

Prints the median of five runs per document (after one warm-up run) and the size of each
file; then the time to import N realistic incidents (bench/make_db.py's generator, default
1,000) from one JSON file in one transaction, and to export them all to a folder of JSON
files (`hindsight export --all --format json`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_db

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HINDSIGHT_DATA_DIR", tempfile.mkdtemp(prefix="hindsight-bench-"))

from hindsight.core.incident import Incident
from hindsight.export import json_format
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
    parser.add_argument("--copies", type=int, default=1000, help="incidents for the bulk runs")
    parser.add_argument(
        "--pdf-sizes",
        default="100000,500000,5000000",
        help="summary sizes (characters) for the PDF-with-headings runs, comma-separated",
    )
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

    # N realistic incidents (bench/make_db.py's generator) in one file, to import and export.
    generated, _ = make_db.generate(args.copies, seed=1)
    bundles = [
        json_format.IncidentBundle(replace(incident, key=f"HS-{number}"), [], [], None)
        for number, incident in enumerate(generated, start=1)
    ]
    one_file = folder / "many.json"
    one_file.write_bytes(
        json_format.dumps(json_format.document_json(bundles, datetime.now(UTC), "bench"))
    )
    target = Workspace.open(folder / "bulk.sqlite")
    importer = ImportService(target)
    start, cpu = time.perf_counter(), time.process_time()
    importer.import_file(one_file)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    count = target.incidents.count()
    size = one_file.stat().st_size / 1024 / 1024
    # CPU time too: on a shared machine the wall time grows with the others' load.
    print(
        f"import {count} incidents from one file ({size:.1f} MiB): {took:.2f} s ({cpu:.2f} s CPU)"
    )
    exporter = ExportService(target)
    start, cpu = time.perf_counter(), time.process_time()
    written = exporter.export_many(
        exporter.all_incident_ids(), ExportRequest(Format.JSON), folder / "all"
    )
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"export --all --format json of {len(written)} incidents: {took:.2f} s ({cpu:.2f} s CPU)")
    target.close()

    # A long summary with a heading every ~2 kB: PDF time should grow with the text, no faster.
    print("PDF of a summary with headings          time")
    for size in [int(x) for x in args.pdf_sizes.split(",") if x]:
        stored = workspace.incidents.add(Incident(title="Long summary", summary=_long_text(size)))
        assert stored.id is not None
        start, cpu = time.perf_counter(), time.process_time()
        data = service.render(stored.id, ExportRequest(Format.PDF)).data
        took, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(
            f"{size / 1000:8.0f} kB  {len(data) / 1024:8.0f} kB PDF  {took:7.2f} s "
            f"({cpu:.2f} s CPU)"
        )
    workspace.close()


def _long_text(size: int) -> str:
    paragraph = (
        "The feeder processes ran out of memory again overnight, so training did not finish "
        "and the serving model kept getting older while click-through fell. "
    ) * 8
    parts, total, number = [], 0, 0
    while total < size:
        number += 1
        part = f"## Finding {number}\n\n{paragraph}\n\n"
        parts.append(part)
        total += len(part)
    return "".join(parts)[:size]


if __name__ == "__main__":
    main()
