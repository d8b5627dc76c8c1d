"""The bundled vocabulary names everything the enums define."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from hindsight.core.enums import MILESTONE_KINDS, Confidence, EventSource, Phase, Role, Severity
from hindsight.paths import resources_dir
from hindsight.vocabulary import load_vocabulary, vocabulary


def test_every_phase_has_a_label_and_description() -> None:
    vocab = vocabulary()
    for phase in Phase:
        assert vocab.phase_labels[phase].strip(), phase
        assert vocab.phase_descriptions[phase].strip(), phase


def test_every_milestone_kind_has_a_label() -> None:
    labels = vocabulary().milestone_labels
    assert MILESTONE_KINDS  # the check below must have something to check
    for kind in MILESTONE_KINDS:
        assert labels[kind].strip(), kind


def test_milestone_kinds_are_the_phases_after_pre_incident() -> None:
    assert Phase.PRE_INCIDENT not in MILESTONE_KINDS
    assert list(MILESTONE_KINDS) == list(Phase)[1:]


def test_every_severity_role_source_and_confidence_is_named() -> None:
    vocab = vocabulary()
    for severity in Severity:
        assert vocab.severity_definitions[severity].strip(), severity
    for role in Role:
        assert vocab.role_labels[role].strip(), role
        assert vocab.role_descriptions[role].strip(), role
    for source in EventSource:
        assert vocab.source_labels[source].strip(), source
    for confidence in Confidence:
        assert vocab.confidence_labels[confidence].strip(), confidence


def test_the_file_has_no_codes_the_program_does_not_know() -> None:
    with (resources_dir() / "vocabulary.toml").open("rb") as handle:
        data = tomllib.load(handle)
    assert set(data["phases"]) == {p.value for p in Phase}
    assert set(data["severities"]) == {s.value for s in Severity}
    assert set(data["roles"]) == {r.value for r in Role}
    assert set(data["sources"]) == {s.value for s in EventSource}
    assert set(data["confidence"]) == {c.value for c in Confidence}


def test_team_names() -> None:
    names = vocabulary().team_names
    assert names
    assert len(set(names)) == len(names)
    assert all(name.strip() == name and name for name in names)


def test_a_missing_entry_is_named(tmp_path: Path) -> None:
    text = (resources_dir() / "vocabulary.toml").read_text(encoding="utf-8")
    start = text.index("[roles.planning_lead]")
    end = text.index("[sources.monitoring]")
    broken = tmp_path / "vocabulary.toml"
    broken.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(KeyError, match="planning_lead"):
        load_vocabulary(broken)
