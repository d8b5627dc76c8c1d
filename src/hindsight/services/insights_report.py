"""The insights report: the figures over a scope written as Markdown, HTML, PDF or JSON.

The Insights view's File ▸ Export Report…, the main window's File ▸ Export Insights… and
`hindsight insights` all call `render_report`, so the same scope gives the same bytes. The
documents go through the export machinery (templates, the sandboxed Jinja environment, the
PDF writer, atomic writes); JSON is every figure as data, exactly what the view draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from hindsight import __version__
from hindsight.core.insights_model import Insights
from hindsight.core.insights_scope import Period, Scope
from hindsight.export import pdf, templates
from hindsight.export.atomic import write_atomic
from hindsight.export.errors import ExportError
from hindsight.export.model import Clock
from hindsight.services.insights import dumps, insights_document, insights_for

DEFAULT_TEMPLATE = "insights-report"
FORMATS = ("md", "html", "pdf", "json")
SCOPE = "insights"  # the template scope of insights reports


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """What to report and how."""

    format: str = "md"  # md | html | pdf | json
    scope: Scope = field(default_factory=Scope)
    period: Period | None = None  # None: months or quarters by the span of time
    template: str = DEFAULT_TEMPLATE
    page_size: str = "A4"

    @property
    def extension(self) -> str:
        """The file name extension, with its dot."""
        return f".{self.format}"


@dataclass(frozen=True, slots=True)
class Report:
    """A rendered report: its bytes, and the figures it was made from."""

    data: bytes
    insights: Insights
    file_name: str


def _clock(now: Callable[[], datetime] | None, zone: tzinfo | None) -> Clock:
    from hindsight.services.export import default_clock

    return Clock((now or default_clock)(), zone)


def render_report(
    workspace: object,
    request: ReportRequest,
    *,
    now: Callable[[], datetime] | None = None,
    zone: tzinfo | None = None,
    insights: Insights | None = None,
) -> Report:
    """The report of `request.scope` (or of `insights`, already computed) as bytes.

    ExportError (nothing written) for an unknown format, a template that cannot make an
    insights report, or a template that fails.
    """
    if request.format not in FORMATS:
        raise ExportError(f"Unknown format {request.format!r}; use one of {', '.join(FORMATS)}.")
    clock = _clock(now, zone)
    figures = insights or insights_for(workspace).figures(request.scope, request.period)
    name = f"insights-{figures.today.isoformat()}{request.extension}"
    if request.format == "json":
        return Report(dumps(insights_document(figures, clock.now)), figures, name)
    info = templates.find(request.template)
    if not info.supports(request.format, SCOPE):
        raise ExportError(
            f"The template {info.name} cannot make an insights report as "
            f"{request.format.upper()}; use {DEFAULT_TEMPLATE}, or add a template whose "
            "scopes include insights."
        )
    from hindsight.export.insights_report import chart_picture, insights_view

    pictures = request.format != "md"
    document = insights_view(
        figures,
        generated_at=clock.text(clock.now),
        generator=f"Hindsight {__version__}",
        timezone_label=clock.label,
        picture=chart_picture if pictures else None,
    )
    target = "pdf" if request.format == "pdf" else request.format
    width = pdf.content_width(request.page_size) if request.page_size in pdf.PAGE_SIZES else 640
    context = {
        "document": document,
        "incident": None,
        "target": target,
        "page_size": request.page_size,
        "content_width": width if target == "pdf" else 960,
    }
    source = "md" if request.format == "md" else "html"
    text = templates.render(info, source, context)
    if request.format != "pdf":
        return Report(text.encode("utf-8"), figures, name)
    data = pdf.render_pdf(
        text,
        title=f"{document.title}: {document.scope_text}",
        footer=f"{document.title} · {document.scope_text} · exported {document.generated_at}",
        creator=document.generator,
        page_size=request.page_size,
        pictures=document.pictures,
    )
    return Report(data, figures, name)


def export_report(
    workspace: object,
    request: ReportRequest,
    path: Path | str,
    *,
    now: Callable[[], datetime] | None = None,
    zone: tzinfo | None = None,
    insights: Insights | None = None,
) -> Path:
    """Render and write the report to `path`, all or nothing."""
    report = render_report(workspace, request, now=now, zone=zone, insights=insights)
    return write_atomic(Path(path), report.data)
