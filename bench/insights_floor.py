"""The least a first opening of the Insights view could cost, part by part, with matplotlib.

    python bench/insights_floor.py [--db PATH] [--incidents 10000] [-n 20000] [--runs 5]

The same database as bench/insights.py (a copy of --db, or --incidents made with make_db.py,
then the same review history and -n follow-ups), then, in one process, with no window:

- rows: the statements a first opening's read runs, each row fetched from SQLite and
  nothing done with it (the store's own `_rows`, timed around each call while the
  snapshot is read): what any figure worked out from these rows starts from;
- drawing, first: every chart of the scope of all incidents with a picture, drawn as the
  view draws it (ui/insights/chart_card.py's easel: one figure per kind of chart, its
  renderer keeping the glyphs of texts) at the view's width, from no figure and no glyph
  kept, as the first view of a process has; but no widget, no card, no table of numbers and
  no pixels copied to the screen;
- drawing, again: the same with the easel's figures and glyphs kept from the time before,
  as a later view in the same process has.

Each part is the CPU time of this process (medians of --runs). Nothing is asserted. The sum of
the rows and the drawing on new figures is a floor for bench/insights.py's "open, cold ...
every chart drawn": the figures, the cards and the copy to the screen come on top.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BENCH_DIR = Path(__file__).resolve().parent
VIEW_WIDTH = 1300  # pixels: a chart's width in the view of a maximised 1366-wide window
VIEW_HEIGHT = 300  # ui/insights/chart_card.py CHART_HEIGHT
DPI = 96.0


def _insights_bench():
    spec = importlib.util.spec_from_file_location("insights_bench", BENCH_DIR / "insights.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["insights_bench"] = module
    spec.loader.exec_module(module)
    return module


def _median_ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:6.0f} ms   min {min(values) * 1000:6.0f} ms"


def measure(path: Path, runs: int) -> None:
    """Print the three parts for the database at `path`."""
    import matplotlib.figure  # noqa: F401  (its first import is not part of any figure)

    from hindsight.core.insights_model import ChartKind
    from hindsight.core.insights_scope import Scope
    from hindsight.export.insights_text import forget as forget_texts
    from hindsight.services.insights import InsightsService
    from hindsight.services.workspace import Workspace
    from hindsight.store import insights as store_insights
    from hindsight.ui.insights.chart_card import Easel

    workspace = Workspace.open(path)
    today = datetime(2026, 4, 1, tzinfo=UTC)  # make_db's "now"
    fetched = {"seconds": 0.0, "rows": 0, "statements": 0}
    plain_rows = store_insights._rows

    def timed_rows(session: object, query: object) -> object:
        started = time.process_time()
        rows = plain_rows(session, query)  # type: ignore[arg-type]
        fetched["seconds"] += time.process_time() - started
        fetched["rows"] += len(rows)
        fetched["statements"] += 1
        return rows

    reads: list[float] = []
    store_insights._rows = timed_rows  # type: ignore[assignment]
    try:
        for _ in range(runs):
            fetched.update(seconds=0.0, rows=0, statements=0)
            service = InsightsService(workspace, zone=UTC, clock=lambda: today)
            service.refresh()
            reads.append(fetched["seconds"])
    finally:
        store_insights._rows = plain_rows
    charts = [c for c in service.figures(Scope()).charts if c.kind is not ChartKind.TABLE]
    size = (VIEW_WIDTH / DPI, VIEW_HEIGHT / DPI)

    def draw_all(easel: Easel) -> float:
        started = time.process_time()
        for chart in charts:
            easel.draw(chart, size, DPI)
        return time.process_time() - started

    def first() -> float:
        forget_texts()
        return draw_all(Easel(8))

    first()  # the fonts of the process, once
    fresh = [first() for _ in range(runs)]
    easel = Easel(8)
    draw_all(easel)
    kept = [draw_all(easel) for _ in range(runs)]

    print(f"machine      {platform.platform()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
    print(f"rows         {_median_ms(reads)}   [{fetched['statements']} statements, "
          f"{fetched['rows']:,} rows fetched, nothing done with them]")  # fmt: skip
    print(f"drawing      {_median_ms(fresh)}   [{len(charts)} charts, {VIEW_WIDTH}x{VIEW_HEIGHT} "
          "px, as the view's first drawing of a process, no widget]")  # fmt: skip
    print(f"  again      {_median_ms(kept)}   [the same, figures and glyphs kept from before]")
    floor = statistics.median(reads) + statistics.median(fresh)
    print(
        f"floor        {floor * 1000:6.0f} ms   [rows + the first drawing: a first opening's "
        "least, before any figure is worked out or card laid out]"
    )


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="incidents database to copy (left unchanged)")
    parser.add_argument("--incidents", type=int, default=10000, help="incidents to generate")
    parser.add_argument("-n", "--items", type=int, default=20000, help="follow-up items")
    parser.add_argument("--runs", type=int, default=5, help="timed repetitions")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    bench = _insights_bench()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["HINDSIGHT_DATA_DIR"] = str(Path(scratch) / "data")
        path = Path(scratch) / "insights.sqlite"
        bench.make_database(path, args.db, args.incidents, args.seed)
        incidents, items, _published = bench.add_history(path, args.items, args.seed)
        print(f"prepared     {incidents} incidents, {items} follow-ups")
        measure(path, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
