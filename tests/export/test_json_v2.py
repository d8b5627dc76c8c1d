"""JSON version 2 carries every fact of a real postmortem; version 1 files still import."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from tests.export.conftest import FIXED_NOW
from tests.export.real_postmortem import feature_file_incident

from hindsight.core.factors import FactorDate
from hindsight.core.followups import FollowUp, StatusStep
from hindsight.export.json_format import (
    FORMAT,
    FormatError,
    IncidentBundle,
    document_json,
    dumps,
    loads,
)


def _bundle() -> IncidentBundle:
    incident = feature_file_incident()
    incident.key = "HS-7"
    incident.historical = True
    return IncidentBundle(incident, [], [], None, None)


def test_every_new_fact_survives_the_round_trip() -> None:
    document = document_json([_bundle()], FIXED_NOW, "test")
    assert document["version"] == 2
    [back] = loads(dumps(document))
    original, read = _bundle().incident, back.incident
    assert read.impacts == original.impacts
    assert [f.title for f in read.factors] == [f.title for f in original.factors]
    assert read.factors[1].dates[FactorDate.BEGAN].by_day
    assert read.factors[1].dates[FactorDate.BEGAN].last_day == date(2025, 7, 31)
    assert read.references == original.references
    assert read.markers == original.markers
    assert read.milestones == original.milestones  # the day-precise resolution included
    assert (read.authors, read.reviewers, read.external_id, read.historical) == (
        original.authors,
        original.reviewers,
        "INC-2291",
        True,
    )
    raw = json.loads(dumps(document))["incidents"][0]
    assert raw["milestones"]["resolution"]["precision"] == "day"
    assert raw["milestones"]["resolution"]["best"] == "2025-08-06"


def _v1(**fields: Any) -> bytes:
    incident = {"key": "HS-1", "title": "From an older Hindsight"} | fields
    return json.dumps({"format": FORMAT, "version": 1, "incidents": [incident]}).encode()


def test_a_version_1_file_still_imports_with_its_old_field_names() -> None:
    item = {
        "title": "Alert on stale models",
        "value": 4,
        "feasibility": 4,
        "history": [{"status": "open", "on": "2026-03-20"}],
        "tracker_url": "https://tracker.example.com/SRCH-1",
    }
    access = {
        "number": 1,
        "revisions": [
            {
                "number": 1,
                "recorded_at": "2026-03-16T12:00:00Z",
                "recorded_by": "Ana",
                "reason": "",
                "details": {
                    "accessor": "Ana",
                    "accessed_at": "2026-03-16T11:00:00Z",
                    "dataset": "logs",
                },
            }
        ],
    }
    [bundle] = loads(_v1(followups=[item], privacy={"accesses": [access], "ethics": {}}))
    assert isinstance(bundle.followups, list)
    followup: FollowUp = bundle.followups[0]
    assert followup.tracker == "https://tracker.example.com/SRCH-1"
    assert followup.history == [StatusStep("open", date(2026, 3, 20))]
    assert bundle.privacy is not None
    # Version 1 never said "no" by leaving it out: it is not recorded.
    assert bundle.privacy.accesses[0].details.privacy_consulted is None


@pytest.mark.parametrize(
    "fields",
    [
        {"impacts": [{"measure": "x", "best": 1}]},
        {"historical": True},
        {
            "milestones": {
                "detection": {
                    "precision": "day",
                    "earliest": "2026-03-16",
                    "latest": "2026-03-16",
                    "best": "2026-03-16",
                }
            }
        },
    ],
)
def test_a_version_1_file_cannot_hold_version_2_fields(fields: dict[str, Any]) -> None:
    with pytest.raises(FormatError):
        loads(_v1(**fields))
