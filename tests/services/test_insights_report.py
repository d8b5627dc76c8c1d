"""The insights report: every chart's title and numbers in Markdown and HTML, pictures inline
in HTML, a PDF, and the same bytes from the command line."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import html5lib
import pytest
from markdown_it import MarkdownIt
from pypdf import PdfReader

from hindsight import cli
from hindsight.core.enums import Phase, Severity
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.impact import ImpactMeasure
from hindsight.core.incident import Incident, TeamInvolvement
from hindsight.core.insights_model import ChartKind
from hindsight.core.insights_scope import Scope
from hindsight.export.errors import ExportError
from hindsight.export.insights_report import number
from hindsight.services.export import SOURCE_DATE_EPOCH
from hindsight.services.insights import insights_for
from hindsight.services.insights_report import ReportRequest, render_report
from hindsight.services.workspace import Workspace

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script>"


def when(text: str) -> FuzzyTime:
    return FuzzyTime.exact(datetime.fromisoformat(text).replace(tzinfo=UTC))


@pytest.fixture
def filled(db_path: Path) -> Iterator[Workspace]:
    """Three incidents: one with a fuzzy start and a hostile team name."""
    workspace = Workspace.open(db_path)
    try:
        workspace.incidents.add(
            Incident(
                title="a",
                severity=Severity.SEV1,
                milestones={
                    Phase.OUTAGE_BEGINS: FuzzyTime(
                        when("2025-01-10").best, when("2025-01-12").best, when("2025-01-11").best
                    ),
                    Phase.DETECTION: when("2025-01-13"),
                },
                teams=[TeamInvolvement(HOSTILE), TeamInvolvement("SRE")],
            )
        )
        workspace.incidents.add(
            Incident(title="b", milestones={Phase.OUTAGE_BEGINS: when("2025-02-03")})
        )
        workspace.incidents.add(
            Incident(title="c", milestones={Phase.DETECTION: when("2025-03-01")})
        )
        insights_for(workspace).zone = UTC
        yield workspace
    finally:
        workspace.close()


def render(workspace: Workspace, fmt: str, **options) -> bytes:
    return render_report(workspace, ReportRequest(fmt, **options), now=lambda: NOW, zone=UTC).data


def md_tables(text: str) -> list[list[list[str]]]:
    """Every table in a Markdown document, as rows of cell texts (header row first)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    tables: list[list[list[str]]] = []
    row: list[str] = []
    inside = False
    for token in tokens:
        if token.type == "table_open":
            tables.append([])
            inside = True
        elif token.type == "table_close":
            inside = False
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and inside:
            row.append(token.content)
        elif token.type == "tr_close":
            tables[-1].append(row)
    return tables


def test_markdown_holds_every_chart_title_and_its_numbers(filled: Workspace) -> None:
    text = render(filled, "md").decode()
    figures = insights_for(filled).figures()
    for chart in figures.charts:
        assert f"### {chart.title}" in text, chart.key
        assert chart.coverage_text() in text
    tables = md_tables(text)
    over_time = next(t for t in tables if t[0][:2] == ["Month", "SEV1"])
    assert over_time[1] == ["Jan 2025", "1", "0", "0", "0"]
    assert over_time[2] == ["Feb 2025", "0", "0", "1", "0"]
    ranges = next(t for t in tables if t[0][0] == "Incident")
    assert ranges[1] == ["HS-1", "2025-01-11", "24", "48", "72"]  # shortest, best, longest
    assert "No answer" in text
    assert "Exported by Hindsight" in text and "2026-01-15 09:00" in text


def test_html_has_every_chart_inline_with_its_table(filled: Workspace) -> None:
    text = render(filled, "html").decode()
    document = html5lib.parse(text, namespaceHTMLElements=False)
    titles = [h.text for h in document.iter("h3")]
    figures = insights_for(filled).figures()
    assert titles == [c.title for c in figures.charts]
    images = list(document.iter("img"))
    # Tables of mixed units (impact) have no picture: their numbers are the figure.
    assert len(images) == sum(c.kind is not ChartKind.TABLE for c in figures.charts)
    # Vector pictures (SVG), their text real text.
    assert all(img.get("src", "").startswith("data:image/svg+xml;base64,") for img in images)
    assert len(list(document.iter("table"))) >= len(figures.charts) - text.count("Nothing to show")
    # Team names are people's text: escaped, never markup.
    assert HOSTILE not in text and "&lt;script&gt;" in text
    assert not re.search(r"<script", text, re.IGNORECASE)


def test_pdf_pages_hold_the_titles(filled: Workspace) -> None:
    data = render(filled, "pdf")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "Insights across incidents" in text
    assert "Time to detect" in text and "Who found it first" in text


def test_json_is_every_figure_as_data(filled: Workspace) -> None:
    document = json.loads(render(filled, "json"))
    assert document["format"] == "hindsight-insights"
    assert document["generated_at"] == "2026-01-15T09:00:00+00:00"
    figures = insights_for(filled).figures()
    assert document["charts"] == json.loads(json.dumps(figures.to_mapping()["charts"]))


def test_a_scope_narrows_the_report(filled: Workspace) -> None:
    text = render(filled, "md", scope=Scope(severities=frozenset({Severity.SEV1}))).decode()
    assert "*SEV1: 1 incident from 2025-01-11 to 2025-01-11" in text


def test_bad_requests_write_nothing_and_say_why(filled: Workspace) -> None:
    with pytest.raises(ExportError, match="Unknown format 'docx'"):
        render(filled, "docx")
    with pytest.raises(ExportError, match="cannot make an insights report"):
        render(filled, "md", template="full-review")
    with pytest.raises(ExportError, match="no template called nope"):
        render(filled, "md", template="nope")


def test_a_users_insights_template_is_used(filled: Workspace, data_dir: Path) -> None:
    folder = data_dir / "templates"
    folder.mkdir(parents=True)
    (folder / "digest.md.j2").write_text(
        "{#- title: Digest\n    scopes: insights -#}\n"
        "{% for s in document.sections %}{% for c in s.charts %}{{ c.title }}\n"
        "{% endfor %}{% endfor %}"
    )
    text = render(filled, "md", template="digest").decode()
    assert text.splitlines()[0] == "Incidents over time, by severity"
    # It is an insights template, so the incident export does not offer it.
    from hindsight.services.export import ExportService, Format

    offered = ExportService(filled).templates(Format.MARKDOWN, "incident")
    assert "digest" not in {t.name for t in offered}
    assert "insights-report" not in {t.name for t in offered}


def test_numbers_read_as_people_write_them() -> None:
    assert (number(3), number(2.5), number(None), number(1234.0), number(40.0, "%")) == (
        "3",
        "2.5",
        "—",
        "1,234",
        "40 %",
    )


# -- the command line -------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = cli.main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_writes_the_same_bytes_as_the_service(
    filled: Workspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SOURCE_DATE_EPOCH, str(int(NOW.timestamp())))
    monkeypatch.setenv("TZ", "UTC")
    path = filled.location
    expected = render(filled, "json", scope=Scope(severities=frozenset({Severity.SEV1})))
    filled.close()
    code, out, err = run(capsys, "insights", "--db", path, "--format", "json", "--severity", "SEV1")
    assert (code, err) == (0, "")
    assert json.loads(out)["charts"] == json.loads(expected)["charts"]


def test_cli_pdf_and_errors(
    filled: Workspace, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = filled.location
    filled.close()
    target = tmp_path / "report.pdf"
    code, out, _ = run(capsys, "insights", "--db", path, "--format", "pdf", "-o", target)
    assert code == 0 and out.strip() == str(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert run(capsys, "insights", "--db", path, "--format", "pdf")[0] == 2
    code, _, err = run(
        capsys, "insights", "--db", path, "--from", "2025-03-01", "--to", "2025-01-01"
    )
    assert code == 1 and "swap the dates" in err
    code, _, err = run(capsys, "insights", "--db", path, "--template", "full-review")
    assert code == 1 and "cannot make an insights report" in err
    code, _, err = run(capsys, "insights", "--db", tmp_path / "none.sqlite")
    assert code == 1 and "There is no database" in err


def test_cli_scopes_by_a_saved_search_or_a_query_and_says_so(
    filled: Workspace, db_path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(db_path)  # a file, or a team database's address
    filled.search.save("Team SRE", "team:SRE")
    filled.close()
    code, out, err = run(
        capsys, "insights", "--db", path, "--format", "json", "--search", "team sre"
    )
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["incidents"] == 1
    assert document["scope"]["saved_search"] == "Team SRE"
    assert "saved search “Team SRE”" in document["scope_text"]
    code, out, _ = run(capsys, "insights", "--db", path, "--query", "SRE")
    assert code == 0 and "*search “SRE”: 1 incident from" in out
    code, _, err = run(capsys, "insights", "--db", path, "--search", "missing")
    assert code == 1 and "no saved search called “missing”" in err


def test_impact_totals_reach_every_format(filled: Workspace) -> None:
    filled.incidents.add(
        Incident(
            title="d",
            milestones={Phase.OUTAGE_BEGINS: when("2025-02-10")},
            impacts=[
                ImpactMeasure("Queries lost", 1e9, 1.5e9, 1.21e9, "queries"),
                ImpactMeasure("Requests failing", 0.8, 16, None, "%"),
                ImpactMeasure("Error budget", note="exceeded many times over"),
            ],
        )
    )
    tables = md_tables(render(filled, "md").decode())
    totals = next(t for t in tables if t[0][0] == "Measure (unit)")
    assert totals[0][1:4] == ["Incidents", "Lowest total", "Best total"]
    assert totals[1][:5] == [
        "Queries lost (queries)",
        "1",
        "1,000,000,000",
        "1,210,000,000",
        "1,500,000,000",
    ]
    compared = next(t for t in tables if t[0][0] == "Measure (unit): why compared")
    # The middle of 0.8-16, never added to anything: the row says it is a share.
    assert compared[1][:3] == ["Requests failing (%): a share", "1", "8.4"]
    left_out = next(t for t in tables if t[0][0] == "Why")
    assert left_out[1] == ["No number: said in words only", "1"]
    html = render(filled, "html").decode()
    assert "Impact added up, where the measure and unit agree" in html
    assert "Impact compared across incidents, not added up" in html
    assert "1,210,000,000" in html
    document = json.loads(render(filled, "json"))
    chart = next(c for c in document["charts"] if c["key"] == "impact_totals")
    assert chart["kind"] == "table" and chart["covered"] == 4 and chart["unknown"] == 3
    best = next(s for s in chart["series"] if s["key"] == "best")
    assert best["values"] == [1.21e9]
    pages = PdfReader(io.BytesIO(render(filled, "pdf"))).pages
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))
    assert "Impact added up" in text and "1,210,000,000" in text


def test_an_equal_chart_keeps_its_picture_and_a_changed_one_is_drawn_anew(
    filled: Workspace,
) -> None:
    from dataclasses import replace

    from hindsight.export.insights_report import chart_picture

    chart = insights_for(filled).figures().chart("incidents_over_time")
    picture = chart_picture(chart)
    assert chart_picture(replace(chart)) is picture  # equal numbers: the picture kept
    retitled = chart_picture(replace(chart, value_axis="Another axis"))
    assert retitled is not picture and retitled.png != picture.png
