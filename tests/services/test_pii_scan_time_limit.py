"""The scan of an incident's texts with a custom pattern that runs away, and saving one."""

from __future__ import annotations

import json

import pytest

from hindsight.core.pii import PatternError, PiiKind, compile_patterns
from hindsight.preferences import preferences_path
from hindsight.services.pii_scan import (
    TextField,
    custom_patterns,
    pattern_specs,
    save_pattern_specs,
    scan_fields,
)

EVIL = r"(x+x+)+y"


@pytest.mark.timeout(60)
def test_a_stopped_pattern_is_reported_once_with_its_field_and_not_tried_again() -> None:
    patterns = compile_patterns([("Evil", EVIL), ("Customer id", r"CUST-\d{8}")])
    fields = [
        TextField("title", "Overview · Title", "Replay for jo@example.com"),
        TextField("summary", "Overview · Summary", "x" * 10_000),
        TextField("events/0/text", "Timeline · 2026-09-03 11:15", "x" * 10_000 + " CUST-00421337"),
        TextField("events/1/text", "Timeline · 2026-09-03 11:20", "call +44 20 7946 0958"),
    ]
    findings = scan_fields(fields, patterns)
    assert [(f.field, f.kind, f.text) for f in findings] == [
        ("title", PiiKind.EMAIL, "jo@example.com"),
        ("events/0/text", PiiKind.CUSTOM, "CUST-00421337"),
        ("events/1/text", PiiKind.PHONE, "+44 20 7946 0958"),
    ]
    [stopped] = findings.stopped
    assert (stopped.name, stopped.field, stopped.where) == (
        "Evil",
        "summary",
        "Overview · Summary",
    )
    assert "in Overview · Summary" in stopped.message


@pytest.mark.timeout(60)
def test_a_pattern_with_nested_repeats_is_refused_and_nothing_is_saved() -> None:
    save_pattern_specs([("Customer id", r"CUST-\d{8}")])
    with pytest.raises(PatternError, match="“Evil” took more than") as raised:
        save_pattern_specs([("Customer id", r"CUST-\d{8}"), ("Evil", EVIL)])
    assert "nested repeats like (x+)+ can take forever" in str(raised.value)
    assert pattern_specs() == [("Customer id", r"CUST-\d{8}")]


@pytest.mark.timeout(60)
def test_a_stored_runaway_pattern_is_still_used_and_stopped_in_scans() -> None:
    # Stored before patterns were probed, or by hand: loading does not probe (that would
    # cost the limit on every load); the scan's time limit keeps it harmless.
    save_pattern_specs([("Customer id", r"CUST-\d{8}")])
    data = json.loads(preferences_path().read_text())
    data["privacy"]["patterns"].append({"name": "Evil", "regex": EVIL})
    preferences_path().write_text(json.dumps(data))
    patterns, problems = custom_patterns()
    assert [p.name for p in patterns] == ["Customer id", "Evil"] and problems == []
    findings = scan_fields(
        [TextField("summary", "Summary", "x" * 5_000 + " CUST-00421337")], patterns
    )
    assert [f.text for f in findings] == ["CUST-00421337"]
    assert [s.name for s in findings.stopped] == ["Evil"]


@pytest.mark.timeout(120)
def test_a_redacting_export_refuses_when_a_pattern_was_stopped_and_writes_nothing(
    tmp_path,
) -> None:
    # Matches of the stopped pattern after the stop would have stayed in the "redacted" file.
    from dataclasses import replace

    from hindsight.export.errors import RedactionIncomplete
    from hindsight.services.export import ExportRequest, ExportService, Format
    from hindsight.services.workspace import Workspace

    save_pattern_specs([("Customer id", r"CUST-\d{8}")])
    data = json.loads(preferences_path().read_text())
    data["privacy"]["patterns"].append({"name": "Evil", "regex": EVIL})
    preferences_path().write_text(json.dumps(data))
    workspace = Workspace.open(tmp_path / "w.sqlite")
    try:
        stored = workspace.incidents.create("Ranker went stale")
        stored = workspace.incidents.save(
            replace(stored, summary="x" * 5_000 + " CUST-00421337 jo@example.com")
        )
        service = ExportService(workspace)
        target = tmp_path / "redacted.md"
        with pytest.raises(RedactionIncomplete, match="“Evil” took too long on") as raised:
            service.export(stored.id, ExportRequest(Format.MARKDOWN, redact_pii=True), target)
        assert "Nothing was redacted or written" in str(raised.value)
        assert not target.exists()
        # Not redacting, the document is written as it is (the scan page says what stopped).
        plain = service.render(stored.id, ExportRequest(Format.MARKDOWN)).text
        assert "CUST-00421337" in plain
    finally:
        workspace.close()
