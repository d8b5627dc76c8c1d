"""Exports of a real-world-shaped postmortem: every new fact shows, none is invented (issue 14)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pypdf
import pytest
from tests.export.conftest import FIXED_NOW
from tests.export.real_postmortem import add_feature_file_incident

from hindsight.core.enums import Phase
from hindsight.export.templates import discover
from hindsight.services.export import ExportRequest, ExportService, Format
from hindsight.services.workspace import Workspace


@pytest.fixture(autouse=True)
def _qt_application(qapp: object) -> object:
    return qapp


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[ExportService, int]]:
    workspace = Workspace.open(tmp_path / "real.sqlite")
    try:
        incident = add_feature_file_incident(workspace)
        assert incident.id is not None
        yield ExportService(workspace, clock=lambda: FIXED_NOW, zone=UTC), incident.id
    finally:
        workspace.close()


def render(world: tuple[ExportService, int], template: str, fmt: Format) -> str:
    exporter, incident_id = world
    return exporter.render(incident_id, ExportRequest(fmt, template)).text


@pytest.mark.parametrize("fmt", [Format.MARKDOWN, Format.HTML])
@pytest.mark.parametrize("template", ["full-review", "compact-review"])
def test_impact_factors_moments_people_and_links_reach_the_document(
    world: tuple[ExportService, int], template: str, fmt: Format
) -> None:
    text = render(world, template, fmt)
    for expected in (
        "Requests answered with errors",
        "0.8–16%",
        "all proxied traffic, worst hour",
        "1.21 billion requests",
        "No revenue impact was measured.",
        "Feature file listed every feature twice",
        "Size limit in the proxy turned a bad file into a crash",
        "Feature pipeline",  # the kinds of change a factor implicates
        "First public notice",
        "Declared",
        "INC-2291",
        "Noor Haddad, Tomasz Wróbel",
        "Subject expert",
        "https://dash.example.com/d/edge-errors",
        "Original write-up",
        # the follow-up's tracker reference becomes a link through the team's pattern
        "https://tracker.example.com/browse/PROJ-42",
        "Refuse feature files above the expected size",
        "Check the row count against the last good file",  # descriptions reach documents
        "Prevent",
    ):
        assert expected in text, expected


@pytest.mark.parametrize("fmt", [Format.MARKDOWN, Format.HTML])
@pytest.mark.parametrize("template", ["full-review", "compact-review"])
def test_a_day_is_shown_as_the_day_never_with_an_invented_hour(
    world: tuple[ExportService, int], template: str, fmt: Format
) -> None:
    text = render(world, template, fmt)
    assert "6 Aug 2025" in text  # resolved: the write-up gives only the day
    assert "4 Aug 2025" in text  # a timeline entry known to the day
    assert "1–31 Jul 2025" in text or "1 Jul 2025" in text  # a factor's span of days
    assert "2025-08-06 12:00" not in text and "2025-08-04 12:00" not in text


@pytest.mark.parametrize("template", ["full-review", "compact-review"])
def test_an_unrecorded_privacy_consultation_is_not_turned_into_an_accusation(
    world: tuple[ExportService, int], template: str
) -> None:
    text = render(world, template, Format.MARKDOWN)
    assert "not recorded whether the privacy team was consulted" in text
    assert "privacy team not consulted" not in text.lower()


def test_several_factors_say_what_the_durations_are_measured_from(
    world: tuple[ExportService, int],
) -> None:
    exporter, incident_id = world
    incident = exporter.workspace.incidents.get(incident_id)
    # Set by the author: the durations run from the author's impact start, said nowhere.
    text = render(world, "full-review", Format.MARKDOWN)
    assert "Measured from when the first contributing factor began" not in text
    # Left to the factors: the reader is told where the durations start.
    incident.milestones.pop(Phase.OUTAGE_BEGINS)
    exporter.workspace.incidents.save(incident)
    text = render(world, "full-review", Format.MARKDOWN)
    assert "Measured from when the first contributing factor began" in text
    assert "*From the contributing factors.*" in text


def test_the_compact_review_says_once_what_was_not_recorded(
    world: tuple[ExportService, int],
) -> None:
    full = render(world, "full-review", Format.MARKDOWN)
    compact = render(world, "compact-review", Format.MARKDOWN)
    # The full review lists every open item; the compact one leaves the rows out ...
    assert full.count("Not answered") > 5
    for row in ("Not answered", "Not assessed", "Not filled", "No teams recorded"):
        assert row not in compact, row
    # ... and says once, at the end, what the record does not hold.
    assert compact.count("## Not recorded") == 1
    tail = compact.split("## Not recorded", 1)[1]
    assert re.search(r"\d+ review questions?", tail)
    assert "No verdict on" in tail
    assert "Which teams took part" in tail
    assert len(compact) < len(full) / 2


def test_the_compact_review_is_offered_in_every_document_format(
    world: tuple[ExportService, int],
) -> None:
    found = {t.name: t for t in discover()}
    assert found["compact-review"].formats == ("md", "html")
    exporter, incident_id = world
    data = exporter.render(incident_id, ExportRequest(Format.PDF, "compact-review")).data
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Not recorded" in text and "Requests answered with errors" in text
    full = exporter.render(incident_id, ExportRequest(Format.PDF, "full-review")).data
    assert len(reader.pages) < len(pypdf.PdfReader(io.BytesIO(full)).pages)


def test_the_executive_summary_shows_the_impact_numbers(
    world: tuple[ExportService, int],
) -> None:
    for fmt in (Format.MARKDOWN, Format.HTML):
        text = render(world, "executive-summary", fmt)
        assert "1.21 billion requests" in text
        assert "The impact is not described yet" not in text
