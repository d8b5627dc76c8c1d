"""How long the GUI thread stalls while the Privacy tab rescans a large incident.

    python bench/privacy_tab_stall.py [--size 1000000] [--runs 5]

Makes an incident whose summary holds about --size characters of review-like text with an
e-mail address every few hundred characters, opens it in the main window (offscreen), shows
the Privacy tab's PII scan and asks for --runs rescans. A timer on the GUI thread ticks every
5 ms meanwhile; the longest gap between ticks is how long typing would have waited. Printed
beside it: the scan alone (`scan_incident`, called directly) and the listing of its findings
alone; when the scan ran on the GUI thread, the stall was the two together. What is left is
the listing and the scan's share of the interpreter lock (the scanner is pure Python).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def review_text(size: int) -> str:
    """About `size` characters of sentences, with an address in every fourth one."""
    sentence = (
        "Nightly training stopped finishing after the feeder tier ran out of memory at 06:00 "
        "UTC, and the ranking model kept serving a copy that grew older by the day. "
    )
    parts: list[str] = []
    total = 0
    number = 0
    while total < size:
        part = sentence if number % 4 else f"Reported by user{number}@example.com. {sentence}"
        parts.append(part)
        total += len(part)
        number += 1
    return "".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp())
    os.environ["HINDSIGHT_DATA_DIR"] = str(scratch / "data")
    from PySide6.QtCore import QElapsedTimer, QTimer

    from hindsight.services.pii_scan import scan_incident
    from hindsight.services.workspace import Workspace
    from hindsight.ui.app import app_settings, application
    from hindsight.ui.main_window import MainWindow

    app = application()
    workspace = Workspace.open(scratch / "bench.sqlite")
    incident = workspace.incidents.create("A long review")
    incident.summary = review_text(args.size)
    incident = workspace.incidents.save(incident)

    direct = []
    for _ in range(args.runs):
        started = time.perf_counter()
        findings = scan_incident(workspace, incident)
        direct.append(time.perf_counter() - started)

    window = MainWindow(workspace, app_settings())
    window.resize(1366, 768)
    window.show()
    assert incident.id is not None
    window.list_pane.select_id(incident.id)
    tab = window.editor.privacy
    window.editor.tabs.setCurrentWidget(tab)
    tab.pages.setCurrentWidget(tab.scan)

    clock = QElapsedTimer()
    last = [0]
    gaps: list[int] = []

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    def settle() -> None:
        while window.ops.busy or tab.scan.scanning:
            app.processEvents()

    settle()
    listing = []
    for _ in range(args.runs):
        started = time.perf_counter()
        tab.scan.show_findings(findings)
        listing.append(time.perf_counter() - started)
    stalls = []
    for _ in range(args.runs):
        gaps.clear()
        timer = QTimer(interval=5)
        timer.timeout.connect(tick)
        clock.start()
        last[0] = 0
        timer.start()
        tab.scan.rescan()
        settle()
        timer.stop()
        stalls.append(max(gaps, default=0))
        assert len(tab.scan.findings) == len(findings)

    print(f"incident text: {len(incident.summary):,} characters, {len(findings)} findings")
    print(
        f"scan_incident, called directly: median {statistics.median(direct) * 1000:.0f} ms, "
        f"fastest {min(direct) * 1000:.0f} ms"
    )
    print(
        f"listing the findings (GUI thread): median {statistics.median(listing) * 1000:.0f} ms; "
        "the scan and the listing together were the stall when both ran on the GUI thread"
    )
    print(
        f"longest GUI-thread gap during a rescan: median {statistics.median(stalls)} ms, "
        f"worst {max(stalls)} ms (a 5 ms timer)"
    )
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
