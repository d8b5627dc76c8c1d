"""The registry of free-text fields covers every text of the records, and reads and writes
each one where it lives."""

from __future__ import annotations

import dataclasses
import fnmatch
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from hindsight.core.enums import Marker, Phase, Role
from hindsight.core.factors import ContributingFactor, FactorDate
from hindsight.core.followups import FollowUp, FollowUpStatus, StatusStep
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.impact import ImpactMeasure
from hindsight.core.incident import Incident, RoleAssignment, TeamInvolvement, TimelineEvent
from hindsight.core.privacy import AccessDetails, DataCopy, EthicsAnswer, EthicsChoice
from hindsight.core.references import Reference, ReferenceKind
from hindsight.core.review import Answer, AnswerStatus, Attribution, Verdict
from hindsight.core.text_fields import (
    INCIDENT_TEXT_PATHS,
    access_detail_texts,
    get_text,
    incident_texts,
    join_path,
    map_access_details,
    map_ethics_answer,
    map_followup,
    map_incident,
    set_text,
    split_path,
)

NOW = datetime(2026, 3, 1, tzinfo=UTC)
# Strings that identify rather than describe: never scanned, redacted or shown as prose.
IDENTIFIERS = {
    "key",
    "question_id",
    "bank_version",
    "item_id",
    "checklist_version",
    "incident_key",
    # codes of the bank and the vocabulary, not words of the author
    "category",
    "trigger_kind",
    "implicated",
}


def sample_incident() -> Incident:
    when = FuzzyTime(NOW, NOW, NOW)
    return Incident(
        title="t",
        systems=["s"],
        models=["m"],
        tags=["g"],
        milestones={Phase.TRIGGER: when},
        events=[TimelineEvent(when, Phase.TRIGGER, "e")],
        roles=[RoleAssignment(Role.INCIDENT_COMMANDER, "p")],
        teams=[TeamInvolvement("team")],
        answers={"q.one": Answer("q.one", AnswerStatus.ANSWERED, {"a": ["x", {"b": "y"}]})},
        attributions={"trained_model": Attribution("trained_model", Verdict.UNKNOWN)},
        markers={Marker.DECLARED: when},
        impacts=[ImpactMeasure("m", best=1, unit="u", slice="s", source="o", note="n")],
        factors=[
            ContributingFactor("f", "d", "config_push", ["binaries"], "s", {FactorDate.BEGAN: when})
        ],
        references=[Reference(ReferenceKind.TICKET, "PROJ-1", "l", "n")],
        authors=["a"],
        reviewers=["r"],
        external_id="x",
    )


def mark_every_string(value: Any, counter: list[int]) -> Any:
    """A copy of `value` with every descriptive string made unique ("<i>7</i>")."""
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        counter[0] += 1
        return f"<i>{counter[0]}</i>"
    if isinstance(value, list):
        return [mark_every_string(v, counter) for v in value]
    if isinstance(value, dict):
        return {k: mark_every_string(v, counter) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: mark_every_string(getattr(value, f.name), counter)
            for f in dataclasses.fields(value)
            if f.name not in IDENTIFIERS and f.init
        }
        return dataclasses.replace(value, **changes)
    return value


def test_every_string_of_the_record_is_in_the_registry() -> None:
    marked = mark_every_string(sample_incident(), [0])
    expected = set()

    def collect(value: Any) -> None:
        if isinstance(value, Enum):
            return
        if isinstance(value, str):
            expected.add(value)
        elif isinstance(value, (list, tuple)):
            for v in value:
                collect(v)
        elif isinstance(value, dict):
            for v in value.values():
                collect(v)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                if f.name not in IDENTIFIERS:
                    collect(getattr(value, f.name))

    collect(marked)
    refs = list(incident_texts(marked))
    assert {ref.text for ref in refs} == expected
    for ref in refs:
        assert any(fnmatch.fnmatch(ref.path, p.replace("**", "*")) for p in INCIDENT_TEXT_PATHS)
        assert ref.kind in INCIDENT_TEXT_PATHS
        assert get_text(marked, ref.path) == ref.text


def test_texts_are_written_where_they_live() -> None:
    incident = sample_incident()
    for ref in list(incident_texts(incident)):
        set_text(incident, ref.path, f"[{ref.path}]")
    assert all(ref.text == f"[{ref.path}]" for ref in incident_texts(incident))
    assert incident.events[0].when.note == "[events/0/note]"
    assert incident.answers["q.one"].value == {
        "a": ["[answers/q.one/value/a/0]", {"b": "[answers/q.one/value/a/1/b]"}]
    }
    copy = map_incident(sample_incident(), lambda ref: ref.text.upper())
    assert copy.teams[0].team == "TEAM" and sample_incident().teams[0].team == "team"


def test_paths_escape_slashes_in_ids() -> None:
    assert split_path(join_path("answers", "a/b~c", "value")) == ["answers", "a/b~c", "value"]


def test_the_other_records_texts_are_all_covered() -> None:
    item = FollowUp(
        incident_id=1,
        title="t",
        value=3,
        feasibility=3,
        history=[StatusStep(FollowUpStatus.OPEN, date(2026, 3, 1))],
    )
    details = AccessDetails("a", NOW, "d", copies=(DataCopy("here"),))
    answer = EthicsAnswer("impact.x", EthicsChoice.YES)
    for record, mapper in (
        (item, map_followup),
        (details, map_access_details),
        (answer, map_ethics_answer),
    ):
        marked = mark_every_string(record, [0])
        expected: set[str] = set()

        def collect(value: Any, out: set[str] = expected) -> None:
            if isinstance(value, Enum):
                return
            if isinstance(value, str):
                out.add(value)
            elif isinstance(value, tuple):
                for v in value:
                    collect(v)
            elif dataclasses.is_dataclass(value) and not isinstance(value, type):
                for f in dataclasses.fields(value):
                    if f.name not in IDENTIFIERS:
                        collect(getattr(value, f.name))

        collect(marked)
        seen: set[str] = set()
        mapper(marked, lambda _name, text, s=seen: s.add(text) or text)  # type: ignore[operator]
        assert seen == expected, type(record).__name__
    assert dict(access_detail_texts(details))["copies/0/location"] == "here"
