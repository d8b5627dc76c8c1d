"""The JSON exchange format: export then import gives the same incident; bad files are refused."""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.export.conftest import FIXED_NOW

from hindsight.core.enums import MILESTONE_KINDS, Confidence, EventSource, Phase, Role, Severity
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident, RoleAssignment, TeamInvolvement, TimelineEvent
from hindsight.core.review import (
    Answer,
    AnswerStatus,
    Attribution,
    ReviewStatus,
    Verdict,
)
from hindsight.export.json_format import FORMAT, VERSION, FormatError, loads
from hindsight.services.export import ExportRequest, ExportService, Format
from hindsight.services.importer import ImportService
from hindsight.services.workspace import Workspace
from hindsight.vocabulary import vocabulary

# -- generated incidents ------------------------------------------------------------------------

texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
names = st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30)
titles = names.filter(lambda t: t.strip())
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)


@st.composite
def fuzzy_times(draw: st.DrawFn) -> FuzzyTime:
    earliest = draw(moments)
    latest = earliest + draw(st.timedeltas(timedelta(0), timedelta(days=60)))
    best = earliest + (latest - earliest) * draw(st.floats(0, 1))
    best = min(max(best, earliest), latest)
    return FuzzyTime(earliest, latest, best, draw(st.sampled_from(Confidence)), draw(texts))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**9), 10**9) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def incidents(draw: st.DrawFn) -> Incident:
    phases = draw(st.lists(st.sampled_from(MILESTONE_KINDS), unique=True, max_size=4))
    answers = {}
    for qid in draw(
        st.lists(st.from_regex(r"[a-z]{1,8}\.[a-z_]{1,8}", fullmatch=True), max_size=4, unique=True)
    ):
        status = draw(st.sampled_from(AnswerStatus))
        answers[qid] = Answer(
            qid, status, draw(json_values), draw(texts), draw(st.sampled_from(["", "2026.1"]))
        )
    categories = draw(
        st.lists(
            st.sampled_from([k.id for k in vocabulary().change_kinds]), unique=True, max_size=4
        )
    )
    return Incident(
        title=draw(titles),
        summary=draw(texts),
        severity=draw(st.sampled_from(Severity)),
        phase=draw(st.sampled_from(Phase)),
        systems=draw(st.lists(names, max_size=3)),
        models=draw(st.lists(names, max_size=2)),
        tags=draw(st.lists(names, max_size=3)),
        milestones={p: draw(fuzzy_times()) for p in phases},
        events=[
            TimelineEvent(
                draw(fuzzy_times()),
                draw(st.sampled_from(Phase)),
                draw(texts),
                draw(st.sampled_from(EventSource)),
            )
            for _ in range(draw(st.integers(0, 3)))
        ],
        roles=[
            RoleAssignment(
                draw(st.sampled_from(Role)),
                draw(names),
                draw(st.none() | moments),
                draw(st.none() | moments),
                draw(texts),
            )
            for _ in range(draw(st.integers(0, 3)))
        ],
        teams=[TeamInvolvement(draw(names), draw(texts)) for _ in range(draw(st.integers(0, 2)))],
        review_status=(status := draw(st.sampled_from(ReviewStatus))),
        # A published review with questions open can only travel as a historical record.
        historical=status is ReviewStatus.PUBLISHED or draw(st.booleans()),
        answers=answers,
        attributions={
            c: Attribution(c, draw(st.sampled_from(Verdict)), draw(texts)) for c in categories
        },
    )


def comparable(incident: Incident) -> dict[str, Any]:
    """The incident as data, without what a database assigns (ids and version)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("id", "version")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(asdict(incident))


def export_json(workspace: Workspace, incident_id: int) -> bytes:
    service = ExportService(workspace, clock=lambda: FIXED_NOW)
    return service.render(incident_id, ExportRequest(Format.JSON)).data


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(incident=incidents())
def test_export_then_import_gives_an_identical_incident(incident: Incident) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Workspace.open(Path(folder) / "a.sqlite")
        target = Workspace.open(Path(folder) / "b.sqlite")
        try:
            stored = source.incidents.add(incident)
            assert stored.id is not None
            original = source.incidents.get(stored.id)
            file = Path(folder) / "x.json"
            file.write_bytes(export_json(source, stored.id))
            result = ImportService(target).import_file(file)
            assert [o.key for o in result.imported] == [original.key]
            copy = target.incidents.get_by_key(original.key)
            assert comparable(copy) == comparable(original)
            # And the copy exports to the very same file.
            assert export_json(target, copy.id or 0) == file.read_bytes()
        finally:
            source.close()
            target.close()


def test_demo_incidents_round_trip_with_history_followups_and_privacy(
    demo_workspace: Workspace, workspace: Workspace, tmp_path: Path
) -> None:
    for summary in demo_workspace.incidents.summaries():
        file = tmp_path / f"{summary.key}.json"
        file.write_bytes(export_json(demo_workspace, summary.id))
        ImportService(workspace).import_file(file)
        original = demo_workspace.incidents.get(summary.id)
        copy = workspace.incidents.get_by_key(summary.key)
        assert comparable(copy) == comparable(original)
        assert workspace.review.history(copy.id) == demo_workspace.review.history(summary.id)
        assert export_json(workspace, copy.id or 0) == file.read_bytes()
        data = json.loads(file.read_text())
        assert data["format"] == FORMAT and data["version"] == VERSION
        if hasattr(demo_workspace, "followups"):
            assert "followups" in data["incidents"][0]
        if hasattr(demo_workspace, "privacy"):
            assert "privacy" in data["incidents"][0]


# -- refusing bad files -----------------------------------------------------------------------


def minimal(**changes: Any) -> dict[str, Any]:
    incident: dict[str, Any] = {"key": "HS-1", "title": "Something broke"}
    incident.update(changes)
    return {"format": FORMAT, "version": VERSION, "incidents": [incident]}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            minimal(
                milestones={
                    "outage_begins": {
                        "earliest": "yesterday",
                        "latest": "2026-03-01T00:00:00Z",
                        "best": "2026-03-01T00:00:00Z",
                    }
                }
            ),
            "incidents[0].milestones.outage_begins.earliest: not a date-time",
        ),
        (
            minimal(
                milestones={
                    "detection": {
                        "earliest": "2026-03-01T00:00:00",
                        "latest": "2026-03-01T00:00:00Z",
                        "best": "2026-03-01T00:00:00Z",
                    }
                }
            ),
            "incidents[0].milestones.detection.earliest: a date-time needs a time zone",
        ),
        (
            minimal(
                milestones={
                    "detection": {
                        "earliest": "2026-03-02T00:00:00Z",
                        "latest": "2026-03-03T00:00:00Z",
                        "best": "2026-03-01T00:00:00Z",
                    }
                }
            ),
            "incidents[0].milestones.detection.best: must lie between",
        ),
        (
            minimal(milestones={"pre_incident": {}}),
            "incidents[0].milestones.pre_incident: unknown milestone",
        ),
        (minimal(severity="SEV9"), 'incidents[0].severity: is "SEV9"; use one of'),
        (minimal(title=""), "incidents[0].title: must not be empty"),
        (minimal(tags=["ok", 3]), "incidents[0].tags[1]: must be text"),
        (minimal(roles=[{"role": "chef", "person": "A"}]), "incidents[0].roles[0].role"),
        (
            minimal(review={"status": "draft", "answers": {"a.b": {"status": "maybe"}}}),
            'incidents[0].review.answers["a.b"].status',
        ),
        (minimal(milestone={}), "incidents[0].milestone: unknown field"),
        (
            minimal(
                followups=[
                    {
                        "title": "x",
                        "value": 9,
                        "feasibility": 1,
                        "history": [{"status": "open", "on": "2026-01-01"}],
                    }
                ]
            ),
            "incidents[0].followups[0]: The value must be a whole number from 1 to 5",
        ),
        ({"format": "something-else", "version": 1, "incidents": []}, "format: is"),
        ({"format": FORMAT, "version": 99, "incidents": []}, "made by a newer Hindsight"),
        ({"format": FORMAT, "version": 1, "incidents": []}, "incidents: holds no incident"),
        ([1, 2], "must be an object"),
    ],
)
def test_a_malformed_file_names_the_bad_field(document: Any, message: str) -> None:
    with pytest.raises(FormatError) as caught:
        loads(json.dumps(document))
    assert message in str(caught.value)


def test_every_problem_is_reported_not_only_the_first() -> None:
    document = minimal(severity="bad", phase="worse", tags=[1])
    with pytest.raises(FormatError) as caught:
        loads(json.dumps(document))
    paths = {p.path for p in caught.value.problems}
    assert {"incidents[0].severity", "incidents[0].phase", "incidents[0].tags[0]"} <= paths
    assert "(and 2 more problems)" in str(caught.value)


def test_not_json_at_all_is_refused_with_the_line() -> None:
    with pytest.raises(FormatError, match=r"not valid JSON .* line 1"):
        loads(b"{nope")


def test_repeated_keys_in_one_file_are_refused() -> None:
    document = minimal()
    document["incidents"].append({"key": "hs-1", "title": "again"})
    with pytest.raises(
        FormatError, match=r"incidents\[1\]\.key: repeats the key of incidents\[0\]"
    ):
        loads(json.dumps(document))
